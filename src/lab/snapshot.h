// What the Recorder stores about the model at one step, measured on the
// fixed probe input (the same input for every head). Indexing helpers keep
// the flat layouts readable: attn is [layer][head][T][T], per-head values are
// [layer][head], head-pair values are [layer][head][head].
#pragma once
#include <vector>

namespace headlab {

// Role scores, as fractions of attention mass (TransformerLens head-detector style).
enum Role { kRolePrevToken, kRoleDuplicate, kRoleInduction, kRoleFirstToken, kRoleSelf, kNumRoles };
const char* role_name(int role);
const char* role_help(int role);

struct Snapshot {
  int step = 0;
  float loss = 0.0f;      // training loss of the step that produced these weights
  float probe_loss = 0.0f;
  int L = 0, H = 0, T = 0;
  std::vector<float> attn;         // [L][H][T][T]
  std::vector<float> grad_norm;    // [L][H] norm of the head's Q,K,V columns and O rows, on the probe
  std::vector<float> grad_qkvo;    // [L][H][4] the same split into Q, K, V, O
  std::vector<float> grad_cos;     // [L][H][H] cosine between heads' gradient vectors
  std::vector<float> js;           // [L][H][H] Jensen-Shannon divergence between heads' maps (nats)
  std::vector<float> diversity;    // [L] mean pairwise JS of the layer
  std::vector<float> entropy;      // [L][H] mean row entropy of the map (nats)
  std::vector<float> confidence;   // [L][H] mean of each row's max weight
  std::vector<float> roles;        // [L][H][kNumRoles]

  const float* map(int l, int h) const { return attn.data() + (static_cast<size_t>(l) * H + h) * T * T; }
  float head(const std::vector<float>& v, int l, int h) const { return v[l * H + h]; }
  float pair(const std::vector<float>& v, int l, int a, int b) const { return v[(l * H + a) * H + b]; }
  float role(int l, int h, int r) const { return roles[(l * H + h) * kNumRoles + r]; }
};

}  // namespace headlab
