#include "core/adamw.h"

#include <algorithm>
#include <cmath>

namespace headlab {

namespace {

// Long loops run in chunks that stay in L1 cache across the several
// vectorised passes each one makes.
constexpr size_t kChunk = 1024;

using Array = Eigen::Map<Eigen::ArrayXf>;
using CArray = Eigen::Map<const Eigen::ArrayXf>;
using Index = Eigen::Index;

}  // namespace

float global_norm(const float* x, size_t n) {
  // float (vectorised) within a chunk, double across chunks
  double s = 0.0;
  for (size_t i = 0; i < n; i += kChunk)
    s += CArray(x + i, static_cast<Index>(std::min(kChunk, n - i))).square().sum();
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
    if (coef < 1.0f) Array(grads, static_cast<Index>(n)) *= coef;
  }
  ++t_;
  const double bc1 = 1.0 - std::pow(static_cast<double>(cfg.beta1), t_);
  const double bc2 = 1.0 - std::pow(static_cast<double>(cfg.beta2), t_);
  const float step_size = static_cast<float>(cfg.lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float decay = 1.0f - cfg.lr * cfg.weight_decay;
  // A plain loop, not Eigen array expressions: Eigen computes each tensor's
  // last size % packet floats with scalar code, whose square root (exact)
  // differs from its packet one (approximate under EIGEN_FAST_MATH), so the
  // head whose slice holds that tail would get a different update and
  // clone-all heads would drift apart. Here the compiler's vector body and
  // scalar remainder compute the same IEEE operations (the symmetry
  // invariant, docs/ARCHITECTURE.md).
  const float b1 = cfg.beta1, b2 = cfg.beta2, eps = cfg.eps;
  float* m = m_.data();
  float* v = v_.data();
  for (const NamedSlot& t : layout_.tensors()) {
    const float d = t.kind == ParamKind::Weight ? decay : 1.0f;
    for (size_t i = t.slot.offset, end = t.slot.offset + t.slot.size(); i < end; ++i) {
      const float g = grads[i];
      m[i] = b1 * m[i] + (1.0f - b1) * g;
      v[i] = b2 * v[i] + (1.0f - b2) * g * g;
      params[i] = params[i] * d - step_size * m[i] / (std::sqrt(v[i]) / bc2_sqrt + eps);
    }
  }
  return norm;
}

}  // namespace headlab
