// What the Recorder stores about the model at one step, measured on the
// fixed probe input (the same input for every head). Indexing helpers keep
// the flat layouts readable: attn is [layer][head][T][T], per-head values are
// [layer][head], head-pair values are [layer][head][head].
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

namespace headlab {

struct Snapshot {
  int step = 0;
  float loss = 0.0f;      // training loss of the step that produced these weights
  float probe_loss = 0.0f;
  int L = 0, H = 0, T = 0;
  int R = 0;  // roles scored (Session::roles(): the task's own, then the generic ones)
  std::vector<float> attn;         // [L][H][T][T]
  std::vector<float> grad_norm;    // [L][H] norm of the head's Q,K,V columns and O rows, on the probe
  std::vector<float> grad_qkvo;    // [L][H][4] the same split into Q, K, V, O
  std::vector<float> grad_cos;     // [L][H][H] cosine between heads' gradient vectors
  std::vector<float> js;           // [L][H][H] Jensen-Shannon divergence between heads' maps (nats)
  std::vector<float> diversity;    // [L] mean pairwise JS of the layer
  std::vector<float> entropy;      // [L][H] mean row entropy of the map (nats)
  std::vector<float> confidence;   // [L][H] mean of each row's max weight
  std::vector<float> roles;        // [L][H][R] attention mass on each role's pattern
  // Ablation on a fixed held-out batch: the loss and accuracy of the model as
  // it is (heads switched off stay off), and with each head's output zeroed in turn.
  float ablation_base_loss = 0.0f, ablation_base_accuracy = 0.0f;
  std::vector<float> ablation_loss;      // [L][H]
  std::vector<float> ablation_accuracy;  // [L][H]

  const float* map(int l, int h) const { return attn.data() + (static_cast<size_t>(l) * H + h) * T * T; }
  float head(const std::vector<float>& v, int l, int h) const { return v[l * H + h]; }
  float pair(const std::vector<float>& v, int l, int a, int b) const { return v[(l * H + a) * H + b]; }
  float role(int l, int h, int r) const { return roles[(static_cast<size_t>(l) * H + h) * R + r]; }
};

// A run keeps snapshots from step 0 on (thinned as it grows) within a memory
// budget: as many as fit, but never fewer than kMinSnapshots (a timeline
// needs a start and a few moments since), so validate() counts
// kMinSnapshots of them against its memory limit for the largest models.
constexpr double kSnapshotBudgetBytes = 64.0 * (1 << 20);
constexpr size_t kMinSnapshots = 4, kMaxSnapshots = 512;

// About the bytes one snapshot of L layers x H heads on a T-token probe takes (maps dominate).
inline double snapshot_bytes(int L, int H, int T) {
  return static_cast<double>(L) * H * (static_cast<double>(T) * T + 3.0 * H + 16) * 4.0;
}

inline size_t snapshot_capacity(int L, int H, int T) {
  const double fit = kSnapshotBudgetBytes / snapshot_bytes(L, H, T);
  return static_cast<size_t>(std::clamp(fit, static_cast<double>(kMinSnapshots), static_cast<double>(kMaxSnapshots)));
}

}  // namespace headlab
