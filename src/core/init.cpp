#include "core/init.h"

#include "core/rng.h"

namespace headlab {

const std::vector<std::string>& head_init_names() {
  static const std::vector<std::string> names = {"random", "clone-qkv", "clone-all", "clone-all-eps"};
  return names;
}

const char* head_init_name(HeadInit h) {
  const size_t i = static_cast<size_t>(h);
  return i < head_init_names().size() ? head_init_names()[i].c_str() : "?";
}

bool parse_head_init(const std::string& name, HeadInit* out) {
  for (size_t i = 0; i < head_init_names().size(); ++i)
    if (name == head_init_names()[i]) {
      *out = static_cast<HeadInit>(i);  // the names are listed in the enum's order
      return true;
    }
  return false;
}

namespace {

// Copies head 0's slice to every other head: columns of W_qkv (and b_qkv)
// for Q/K/V, optionally rows of W_o.
void clone_heads(float* P, const LayerSlots& s, const ModelConfig& cfg, bool clone_o) {
  const int C = cfg.d_model, H = cfg.n_heads, dh = cfg.d_head();
  Mat wqkv = s.w_qkv.view(P);
  Vec bqkv = s.b_qkv.vec(P);
  Mat wo = s.w_o.view(P);
  for (int h = 1; h < H; ++h)
    for (int part = 0; part < 3; ++part) {
      wqkv.middleCols(part * C + h * dh, dh) = wqkv.middleCols(part * C, dh);
      bqkv.segment(part * C + h * dh, dh) = bqkv.segment(part * C, dh);
    }
  if (clone_o)
    for (int h = 1; h < H; ++h) wo.middleRows(h * dh, dh) = wo.middleRows(0, dh);
}

void perturb_heads(float* P, const LayerSlots& s, const ModelConfig& cfg, float nudge, Rng& rng) {
  const int C = cfg.d_model, H = cfg.n_heads, dh = cfg.d_head();
  Mat wqkv = s.w_qkv.view(P);
  Mat wo = s.w_o.view(P);
  for (int h = 0; h < H; ++h) {
    for (int part = 0; part < 3; ++part)
      for (int r = 0; r < C; ++r)
        for (int c = 0; c < dh; ++c) wqkv(r, part * C + h * dh + c) += nudge * rng.normal();
    for (int r = 0; r < dh; ++r)
      for (int c = 0; c < C; ++c) wo(h * dh + r, c) += nudge * rng.normal();
  }
}

}  // namespace

void init_params(float* P, const ParamLayout& layout, const ModelConfig& cfg, HeadInit mode,
                 uint64_t seed, float nudge) {
  Rng rng(seed, /*stream=*/1);
  for (const NamedSlot& t : layout.tensors()) {
    Mat m = t.slot.view(P);
    if (t.kind == ParamKind::Gain)
      m.setOnes();
    else if (t.kind == ParamKind::Weight)
      for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = 0.02f * rng.normal();
    else
      m.setZero();
  }
  if (mode == HeadInit::Random) return;
  Rng eps_rng(seed, /*stream=*/2);
  for (const LayerSlots& s : layout.layers) {
    clone_heads(P, s, cfg, mode != HeadInit::CloneQKV);
    if (mode == HeadInit::CloneAllEps) perturb_heads(P, s, cfg, nudge, eps_rng);
  }
}

}  // namespace headlab
