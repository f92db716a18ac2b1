#include "core/transformer.h"

#include <algorithm>
#include <cstring>

#include "core/layers.h"

namespace headlab {

namespace {

// Hands out consecutive pieces of one buffer; used twice: once to size it, once to carve it.
struct Carver {
  float* base;
  size_t used = 0;
  float* take(size_t n) {
    float* p = base ? base + used : nullptr;
    used += (n + 15) / 16 * 16;
    return p;
  }
};

}  // namespace

Transformer::Transformer(const ModelConfig& cfg, int max_batch) : Transformer(cfg, max_batch, false) {}

size_t Transformer::memory_floats(const ModelConfig& cfg, int max_batch) {
  const Transformer sized(cfg, max_batch, true);
  return 2 * sized.layout_.size() + sized.acts_floats_ + sized.dacts_floats_;
}

// size_only: only works out the buffers' sizes (memory_floats()), allocating none of them.
Transformer::Transformer(const ModelConfig& cfg, int max_batch, bool size_only)
    : cfg_(cfg), layout_(cfg), max_batch_(max_batch) {
  if (!size_only) {
    params_.setZero(static_cast<Eigen::Index>(layout_.size()));
    grads_.setZero(static_cast<Eigen::Index>(layout_.size()));
  }
  const size_t N = static_cast<size_t>(max_batch) * cfg.ctx;
  const size_t C = cfg.d_model, F = cfg.d_mlp, V = cfg.vocab;
  const size_t att = static_cast<size_t>(max_batch) * cfg.n_heads * cfg.ctx * cfg.ctx;
  auto carve = [&](float* base) {
    Carver c{base};
    layer_acts_.assign(cfg.n_layers, LayerActs{});
    x0_ = c.take(N * C);
    for (auto& a : layer_acts_) {
      a.ln1 = c.take(N * C);
      a.ln1_mean = c.take(N);
      a.ln1_rstd = c.take(N);
      a.qkv = c.take(N * 3 * C);
      a.att = c.take(att);
      a.atty = c.take(N * C);
      a.res1 = c.take(N * C);
      a.ln2 = c.take(N * C);
      a.ln2_mean = c.take(N);
      a.ln2_rstd = c.take(N);
      a.fc = c.take(N * F);
      a.fc_gelu = c.take(N * F);
      a.res2 = c.take(N * C);
    }
    lnf_ = c.take(N * C);
    lnf_mean_ = c.take(N);
    lnf_rstd_ = c.take(N);
    logits_ = c.take(N * V);
    probs_ = c.take(N * V);
    losses_ = c.take(N);
    return c.used;
  };
  acts_floats_ = carve(nullptr);
  const size_t widest = std::max({3 * C, F, V});
  auto carve_grads = [&](float* base) {
    Carver c{base};
    dres_ = c.take(N * C);        // gradient flowing along the residual stream
    dtmp_ = c.take(N * C);        // gradient at a LayerNorm output or at the heads' outputs
    dwide_ = c.take(N * widest);  // dlogits, dgelu or dqkv
    dwide2_ = c.take(N * widest); // dfc
    attn_scratch_ = c.take(attention_scratch_size(cfg.ctx, cfg.d_head()) * attn_slots_);
    return c.used;
  };
  dacts_floats_ = carve_grads(nullptr);
  if (size_only) return;
  acts_.setZero(static_cast<Eigen::Index>(acts_floats_));
  carve(acts_.data());
  dacts_.setZero(static_cast<Eigen::Index>(dacts_floats_));
  carve_grads(dacts_.data());
  tokens_.assign(N, 0);
  targets_.assign(N, -1);
  head_on_.assign(static_cast<size_t>(cfg.n_layers) * cfg.n_heads, 1);
}

void Transformer::zero_grad() { grads_.setZero(); }

const float* Transformer::attention(int layer) const { return layer_acts_[layer].att; }

CMat Transformer::logits() const { return CMat(logits_, B_ * T_, cfg_.vocab); }
CMat Transformer::probs() const { return CMat(probs_, B_ * T_, cfg_.vocab); }

float Transformer::forward(const int* tokens, const int* targets, int B, int T) {
  B_ = B;
  T_ = T;
  const int N = B * T, C = cfg_.d_model, F = cfg_.d_mlp, V = cfg_.vocab, H = cfg_.n_heads;
  std::copy(tokens, tokens + N, tokens_.begin());
  const bool have_targets = targets != nullptr;
  if (have_targets) std::copy(targets, targets + N, targets_.begin());
  const float* P = params_.data();

  embedding_forward(Mat(x0_, N, C), tokens_.data(), layout_.wte.view(P), layout_.wpe.view(P), B, T);
  const float* x = x0_;
  for (int l = 0; l < cfg_.n_layers; ++l) {
    const LayerSlots& s = layout_.layers[l];
    const LayerActs& a = layer_acts_[l];
    layernorm_forward(Mat(a.ln1, N, C), a.ln1_mean, a.ln1_rstd, CMat(x, N, C), s.ln1_w.vec(P),
                      s.ln1_b.vec(P));
    qkv_forward(ColMat(a.qkv, N, 3 * C), CMat(a.ln1, N, C), s.w_qkv.view(P), s.b_qkv.vec(P), H);
    attention_forward(Mat(a.atty, N, C), a.att, CColMat(a.qkv, N, 3 * C), B, T, H, attn_scratch_, attn_slots_);
    for (int h = 0; h < H; ++h)
      if (!head_enabled(l, h)) Mat(a.atty, N, C).middleCols(h * cfg_.d_head(), cfg_.d_head()).setZero();
    linear_forward(Mat(a.res1, N, C), CMat(a.atty, N, C), s.w_o.view(P), s.b_o.vec(P));
    Mat(a.res1, N, C) += CMat(x, N, C);
    layernorm_forward(Mat(a.ln2, N, C), a.ln2_mean, a.ln2_rstd, CMat(a.res1, N, C),
                      s.ln2_w.vec(P), s.ln2_b.vec(P));
    linear_forward(Mat(a.fc, N, F), CMat(a.ln2, N, C), s.w_fc.view(P), s.b_fc.vec(P));
    gelu_forward(Mat(a.fc_gelu, N, F), CMat(a.fc, N, F));
    linear_forward(Mat(a.res2, N, C), CMat(a.fc_gelu, N, F), s.w_proj.view(P), s.b_proj.vec(P));
    Mat(a.res2, N, C) += CMat(a.res1, N, C);
    x = a.res2;
  }
  layernorm_forward(Mat(lnf_, N, C), lnf_mean_, lnf_rstd_, CMat(x, N, C), layout_.lnf_w.vec(P),
                    layout_.lnf_b.vec(P));
  linear_forward(Mat(logits_, N, V), CMat(lnf_, N, C), layout_.head_w.view(P),
                 layout_.head_b.vec(P));
  if (!have_targets) {
    // Probabilities are still wanted for predictions; no row counts towards a loss.
    std::fill(targets_.begin(), targets_.begin() + N, -1);
  }
  return crossentropy_forward(Mat(probs_, N, V), losses_, CMat(logits_, N, V), targets_.data());
}

int Transformer::last_scored() const {
  return static_cast<int>(std::count_if(targets_.begin(), targets_.begin() + B_ * T_, [](int t) { return t >= 0; }));
}

int Transformer::last_correct() const {
  const CMat p = probs();
  int correct = 0;
  for (int r = 0; r < B_ * T_; ++r) {
    if (targets_[r] < 0) continue;
    Eigen::Index best = 0;
    p.row(r).maxCoeff(&best);
    correct += best == targets_[r];
  }
  return correct;
}

void Transformer::backward(int scored_total) {
  const int B = B_, T = T_, N = B * T;
  const int C = cfg_.d_model, F = cfg_.d_mlp, V = cfg_.vocab, H = cfg_.n_heads;
  const float* P = params_.data();
  float* G = grads_.data();
  Mat dres(dres_, N, C), dtmp(dtmp_, N, C);

  Mat dlogits(dwide_, N, V);
  crossentropy_backward(dlogits, CMat(probs_, N, V), targets_.data(), scored_total);
  linear_backward(dtmp, layout_.head_w.view(G), layout_.head_b.vec(G), dlogits, CMat(lnf_, N, C),
                  layout_.head_w.view(P));
  const float* xlast = cfg_.n_layers > 0 ? layer_acts_.back().res2 : x0_;
  dres.setZero();
  layernorm_backward(dres, layout_.lnf_w.vec(G), layout_.lnf_b.vec(G), dtmp, CMat(xlast, N, C), lnf_mean_,
                     lnf_rstd_, layout_.lnf_w.vec(P));

  for (int l = cfg_.n_layers - 1; l >= 0; --l) {
    const LayerSlots& s = layout_.layers[l];
    const LayerActs& a = layer_acts_[l];
    const float* x = l > 0 ? layer_acts_[l - 1].res2 : x0_;
    // MLP branch: res2 = res1 + proj(gelu(fc(ln2(res1))))
    Mat dgelu(dwide_, N, F), dfc(dwide2_, N, F);
    linear_backward(dgelu, s.w_proj.view(G), s.b_proj.vec(G), dres, CMat(a.fc_gelu, N, F), s.w_proj.view(P));
    gelu_backward(dfc, dgelu, CMat(a.fc, N, F));
    linear_backward(dtmp, s.w_fc.view(G), s.b_fc.vec(G), dfc, CMat(a.ln2, N, C), s.w_fc.view(P));
    layernorm_backward(dres, s.ln2_w.vec(G), s.ln2_b.vec(G), dtmp, CMat(a.res1, N, C), a.ln2_mean, a.ln2_rstd,
                       s.ln2_w.vec(P));
    // Attention branch: res1 = x + o(attn(qkv(ln1(x)))); dy and dqkv are column-major (layers.h)
    ColMat dy(dtmp_, N, C), dqkv(dwide_, N, 3 * C);
    out_proj_backward(dy, s.w_o.view(G), s.b_o.vec(G), dres, CMat(a.atty, N, C), s.w_o.view(P), H);
    for (int h = 0; h < H; ++h)
      if (!head_enabled(l, h)) dy.middleCols(h * cfg_.d_head(), cfg_.d_head()).setZero();
    attention_backward(dqkv, dy, a.att, CColMat(a.qkv, N, 3 * C), B, T, H, attn_scratch_, attn_slots_);
    qkv_backward(dtmp, s.w_qkv.view(G), s.b_qkv.vec(G), dqkv, CMat(a.ln1, N, C), s.w_qkv.view(P), H);
    layernorm_backward(dres, s.ln1_w.vec(G), s.ln1_b.vec(G), dtmp, CMat(x, N, C), a.ln1_mean, a.ln1_rstd,
                       s.ln1_w.vec(P));
  }
  embedding_backward(layout_.wte.view(G), layout_.wpe.view(G), dres, tokens_.data(), B, T);
}

}  // namespace headlab
