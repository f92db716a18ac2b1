#include "core/params.h"

namespace headlab {

ParamLayout::ParamLayout(const ModelConfig& cfg) {
  const int C = cfg.d_model, F = cfg.d_mlp, V = cfg.vocab;
  const ParamKind W = ParamKind::Weight, B = ParamKind::Bias, G = ParamKind::Gain;
  wte = add("wte", V, C, W);
  wpe = add("wpe", cfg.ctx, C, W);
  for (int l = 0; l < cfg.n_layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    LayerSlots s;
    s.ln1_w = add(p + "ln1.w", 1, C, G);
    s.ln1_b = add(p + "ln1.b", 1, C, B);
    s.w_qkv = add(p + "attn.w_qkv", C, 3 * C, W);
    s.b_qkv = add(p + "attn.b_qkv", 1, 3 * C, B);
    s.w_o = add(p + "attn.w_o", C, C, W);
    s.b_o = add(p + "attn.b_o", 1, C, B);
    s.ln2_w = add(p + "ln2.w", 1, C, G);
    s.ln2_b = add(p + "ln2.b", 1, C, B);
    s.w_fc = add(p + "mlp.w_fc", C, F, W);
    s.b_fc = add(p + "mlp.b_fc", 1, F, B);
    s.w_proj = add(p + "mlp.w_proj", F, C, W);
    s.b_proj = add(p + "mlp.b_proj", 1, C, B);
    layers.push_back(s);
  }
  lnf_w = add("lnf.w", 1, C, G);
  lnf_b = add("lnf.b", 1, C, B);
  head_w = add("head.w", C, V, W);
  head_b = add("head.b", 1, V, B);
}

Slot ParamLayout::add(const std::string& name, int rows, int cols, ParamKind kind) {
  Slot s;
  s.offset = size_;
  s.rows = rows;
  s.cols = cols;
  // Keep every tensor 64-byte aligned inside the buffer so SIMD loads of a row start never straddle.
  size_ += (s.size() + 15) / 16 * 16;
  tensors_.push_back({name, s, kind});
  return s;
}

const NamedSlot* ParamLayout::find(const std::string& name) const {
  for (const auto& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace headlab
