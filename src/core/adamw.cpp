#include "core/adamw.h"

#include <cmath>

namespace headlab {

float global_norm(const float* x, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  return static_cast<float>(std::sqrt(s));
}

AdamW::AdamW(const ParamLayout& layout) : layout_(layout) { reset(); }

void AdamW::reset() {
  m_.setZero(static_cast<Eigen::Index>(layout_.size()));
  v_.setZero(static_cast<Eigen::Index>(layout_.size()));
  t_ = 0;
}

float AdamW::step(float* params, float* grads, const AdamWConfig& cfg) {
  const size_t n = layout_.size();
  const float norm = global_norm(grads, n);
  if (cfg.clip > 0.0f) {
    // Same coefficient as torch.nn.utils.clip_grad_norm_.
    const float coef = cfg.clip / (norm + 1e-6f);
    if (coef < 1.0f)
      for (size_t i = 0; i < n; ++i) grads[i] *= coef;
  }
  ++t_;
  const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), t_);
  const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), t_);
  const float step_size = static_cast<float>(cfg.lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float decay = 1.0f - cfg.lr * cfg.weight_decay;
  for (const NamedSlot& t : layout_.tensors()) {
    float* p = params + t.slot.offset;
    const float* g = grads + t.slot.offset;
    float* m = m_.data() + t.slot.offset;
    float* v = v_.data() + t.slot.offset;
    const float d = t.kind == ParamKind::Weight ? decay : 1.0f;
    for (size_t i = 0, e = t.slot.size(); i < e; ++i) {
      p[i] *= d;
      m[i] = cfg.beta1 * m[i] + (1.0f - cfg.beta1) * g[i];
      v[i] = cfg.beta2 * v[i] + (1.0f - cfg.beta2) * g[i] * g[i];
      p[i] -= step_size * m[i] / (std::sqrt(v[i]) / bc2_sqrt + cfg.eps);
    }
  }
  return norm;
}

}  // namespace headlab
