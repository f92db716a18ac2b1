// The decoder-only GPT of docs/ARCHITECTURE.md ("The model"): parameters, gradients and an activation
// arena sized once from the config, so forward/backward never allocate.
//
//   tokens ─▶ wte+wpe ─▶ [ LN1 ─▶ attn ─▶ +res ─▶ LN2 ─▶ MLP(GELU) ─▶ +res ] × L ─▶ LNf ─▶ head ─▶ CE
//
// A forward pass may use any batch B and length T with B*T <= max_batch*ctx
// and T <= ctx; activations are packed as [B*T, d] from the arena's start.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/config.h"
#include "core/params.h"
#include "core/parallel.h"

namespace headlab {

class Transformer {
 public:
  Transformer(const ModelConfig& cfg, int max_batch);
  // The floats a model of this size holds (weights, gradients, activations
  // and their gradients), as the constructor sizes them, without building it.
  static size_t memory_floats(const ModelConfig& cfg, int max_batch);

  const ModelConfig& config() const { return cfg_; }
  const ParamLayout& layout() const { return layout_; }
  int max_batch() const { return max_batch_; }

  // Weights / gradients as flat buffers (layout()).
  float* params() { return params_.data(); }
  const float* params() const { return params_.data(); }
  float* grads() { return grads_.data(); }
  const float* grads() const { return grads_.data(); }
  size_t num_params() const { return layout_.size(); }

  // Runs the model on B sequences of length T. With targets (negative =
  // ignored) returns the mean cross-entropy, else 0. Keeps every activation
  // for backward() and the attention probabilities for the visualiser.
  float forward(const int* tokens, const int* targets, int B, int T);
  // Accumulates d(loss)/d(params) of the last forward (which had targets) into grads().
  // For a micro-batch of a larger batch, pass the larger batch's number of
  // scored positions: the accumulated gradient is then that of the batch's mean loss.
  void backward(int scored_total = 0);
  // Scored positions (targets >= 0) of the last forward.
  int last_scored() const;
  // Scored positions of the last forward whose most probable token is the target.
  int last_correct() const;
  void zero_grad();

  // Ablation: a head switched off contributes nothing to its layer's output
  // (its slice of the attention output is zeroed before W_o) and so receives
  // no gradient. Its attention map is still computed, to be drawn. All heads
  // start on.
  void set_head_enabled(int layer, int head, bool on) { head_on_[layer * cfg_.n_heads + head] = on; }
  bool head_enabled(int layer, int head) const { return head_on_[layer * cfg_.n_heads + head] != 0; }

  int last_batch() const { return B_; }
  int last_len() const { return T_; }
  // [B, H, T, T] softmax of the last forward, layer l; row i attends over columns 0..i.
  const float* attention(int layer) const;
  // [B*T, vocab] logits and probabilities of the last forward.
  CMat logits() const;
  CMat probs() const;

 private:
  Transformer(const ModelConfig& cfg, int max_batch, bool size_only);

  struct LayerActs {
    float *ln1, *ln1_mean, *ln1_rstd, *qkv, *att, *atty, *res1;
    float *ln2, *ln2_mean, *ln2_rstd, *fc, *fc_gelu, *res2;
  };
  ModelConfig cfg_;
  ParamLayout layout_;
  int max_batch_;
  Eigen::VectorXf params_, grads_;
  Eigen::VectorXf acts_;   // forward activations
  Eigen::VectorXf dacts_;  // gradient scratch for backward, carved into the pointers below
  size_t acts_floats_ = 0, dacts_floats_ = 0;
  float *dres_, *dtmp_, *dwide_, *dwide2_, *attn_scratch_;
  int attn_slots_ = threads();  // attention scratch for this many threads (core/parallel.h) at construction
  std::vector<LayerActs> layer_acts_;
  float *x0_, *lnf_, *lnf_mean_, *lnf_rstd_, *logits_, *probs_, *losses_;
  std::vector<int> tokens_, targets_;
  std::vector<unsigned char> head_on_;  // [L][H]
  int B_ = 0, T_ = 0;
};

}  // namespace headlab
