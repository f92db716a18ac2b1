// Model and optimiser hyper-parameters. Plain data; validation of user input
// happens in lab/options, so these structs may assume sane values.
#pragma once
#include <string>
#include <vector>

namespace headlab {

// Matrix layout, stated once for all of headlab:
//   every matrix is row-major; a linear layer stores W as [in, out] and
//   computes y = x W + b; activations are [batch*T, d] blocks, so each
//   projection of a whole batch is one GEMM.
struct ModelConfig {
  int vocab = 32;     // number of token ids
  int ctx = 32;       // maximum sequence length (rows of the position table)
  int d_model = 64;   // residual stream width
  int n_heads = 4;    // attention heads per layer; d_model % n_heads == 0
  int n_layers = 2;   // transformer blocks
  int d_mlp = 256;    // hidden width of each MLP
  int d_head() const { return d_model / n_heads; }
  bool operator==(const ModelConfig& o) const {
    return vocab == o.vocab && ctx == o.ctx && d_model == o.d_model && n_heads == o.n_heads &&
           n_layers == o.n_layers && d_mlp == o.d_mlp;
  }
  bool operator!=(const ModelConfig& o) const { return !(*this == o); }
};

struct AdamWConfig {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.98f;
  float eps = 1e-8f;
  float weight_decay = 0.01f;  // applied to matrices and embeddings, not to biases or LayerNorm
  float clip = 1.0f;           // global gradient-norm clip; 0 disables
};

// How the per-head slices of each attention layer start (docs/ARCHITECTURE.md,
// "The symmetry invariant").
enum class HeadInit { Random, CloneQKV, CloneAll, CloneAllEps };

// The modes' names in the enum's order: random, clone-qkv, clone-all, clone-all-eps.
const std::vector<std::string>& head_init_names();
// "?" for a value outside the enum.
const char* head_init_name(HeadInit h);
// Returns false if `name` is not one of head_init_names().
bool parse_head_init(const std::string& name, HeadInit* out);

}  // namespace headlab
