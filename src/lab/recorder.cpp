#include "lab/recorder.h"

#include <algorithm>
#include <cmath>

#include "lab/metrics.h"

namespace headlab {

std::shared_ptr<Snapshot> record_probe(Transformer& model, const std::vector<int>& probe_tokens,
                                       const std::vector<int>& probe_targets, const std::vector<RolePattern>& roles) {
  const ModelConfig& cfg = model.config();
  const int L = cfg.n_layers, H = cfg.n_heads, T = static_cast<int>(probe_tokens.size());
  auto snap = std::make_shared<Snapshot>();
  snap->L = L;
  snap->H = H;
  snap->T = T;
  model.zero_grad();
  snap->probe_loss = model.forward(probe_tokens.data(), probe_targets.data(), 1, T);
  model.backward();
  snap->attn.resize(static_cast<size_t>(L) * H * T * T);
  for (int l = 0; l < L; ++l)
    std::copy_n(model.attention(l), static_cast<size_t>(H) * T * T, snap->attn.begin() + l * H * T * T);
  measure_heads(model.layout(), cfg, model.grads(), roles, snap.get());
  model.zero_grad();
  return snap;
}

void measure_heads(const ParamLayout& layout, const ModelConfig& cfg, const float* G,
                   const std::vector<RolePattern>& roles, Snapshot* snap) {
  const int L = snap->L, H = snap->H, T = snap->T, C = cfg.d_model, dh = cfg.d_head();
  snap->grad_norm.assign(L * H, 0.0f);
  snap->grad_qkvo.assign(L * H * 4, 0.0f);
  snap->grad_cos.assign(L * H * H, 0.0f);
  snap->js.assign(L * H * H, 0.0f);
  snap->diversity.assign(L, 0.0f);
  snap->entropy.assign(L * H, 0.0f);
  snap->confidence.assign(L * H, 0.0f);
  snap->R = static_cast<int>(roles.size());
  snap->roles.assign(static_cast<size_t>(L) * H * snap->R, 0.0f);
  snap->roles_heldout.assign(snap->roles.size(), 0.0f);  // (measured on held-out data by the Session's ablation)
  for (int l = 0; l < L; ++l) {
    const LayerSlots& s = layout.layers[l];
    const CMat gqkv = s.w_qkv.view(G);
    const CVec gb = s.b_qkv.vec(G);
    const CMat go = s.w_o.view(G);
    // A head's gradient: its Q, K, V columns (with biases) and the rows of W_o that read it.
    auto part = [&](int h, int p) -> double {
      if (p == 3) return go.middleRows(h * dh, dh).squaredNorm();
      return gqkv.middleCols(p * C + h * dh, dh).squaredNorm() + gb.segment(p * C + h * dh, dh).squaredNorm();
    };
    auto dot = [&](int a, int b) -> double {
      double d = go.middleRows(a * dh, dh).cwiseProduct(go.middleRows(b * dh, dh)).sum();
      for (int p = 0; p < 3; ++p)
        d += gqkv.middleCols(p * C + a * dh, dh).cwiseProduct(gqkv.middleCols(p * C + b * dh, dh)).sum() +
             gb.segment(p * C + a * dh, dh).cwiseProduct(gb.segment(p * C + b * dh, dh)).sum();
      return d;
    };
    for (int h = 0; h < H; ++h) {
      double total = 0.0;
      for (int p = 0; p < 4; ++p) {
        const double sq = part(h, p);
        snap->grad_qkvo[(l * H + h) * 4 + p] = static_cast<float>(std::sqrt(sq));
        total += sq;
      }
      snap->grad_norm[l * H + h] = static_cast<float>(std::sqrt(total));
    }
    double js_sum = 0.0;
    for (int a = 0; a < H; ++a)
      for (int b = 0; b < H; ++b) {
        const double na = snap->grad_norm[l * H + a], nb = snap->grad_norm[l * H + b];
        snap->grad_cos[(l * H + a) * H + b] =
            a == b ? 1.0f : (na > 0 && nb > 0 ? static_cast<float>(dot(a, b) / (na * nb)) : 0.0f);
        if (b > a) {
          const float js = attention_js(snap->map(l, a), snap->map(l, b), T);
          snap->js[(l * H + a) * H + b] = snap->js[(l * H + b) * H + a] = js;
          js_sum += js;
        }
      }
    snap->diversity[l] = H > 1 ? static_cast<float>(js_sum / (H * (H - 1) / 2)) : 0.0f;
    for (int h = 0; h < H; ++h) {
      snap->entropy[l * H + h] = attention_entropy(snap->map(l, h), T);
      snap->confidence[l * H + h] = attention_confidence(snap->map(l, h), T);
      for (int r = 0; r < snap->R; ++r)
        snap->roles[(static_cast<size_t>(l) * H + h) * snap->R + r] = role_score(snap->map(l, h), roles[r], T);
    }
  }
}

}  // namespace headlab
