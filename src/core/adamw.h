// AdamW with decoupled weight decay and optional global-norm clipping, one
// loop over the flat parameter buffer. The update follows PyTorch's
// torch.optim.AdamW formula term by term so the reference test can match it.
#pragma once
#include <Eigen/Core>

#include "core/config.h"
#include "core/params.h"

namespace headlab {

class AdamW {
 public:
  explicit AdamW(const ParamLayout& layout);

  // Clips grads in place when cfg.clip > 0, then updates params.
  // Returns the global gradient norm before clipping.
  float step(float* params, float* grads, const AdamWConfig& cfg);

  int steps_taken() const { return t_; }
  void reset();
  // Moments, exposed for checkpoints.
  float* m() { return m_.data(); }
  float* v() { return v_.data(); }
  const float* m() const { return m_.data(); }
  const float* v() const { return v_.data(); }
  void set_steps_taken(int t) { t_ = t; }

 private:
  const ParamLayout& layout_;
  Eigen::VectorXf m_, v_;
  int t_ = 0;
};

// sqrt(sum of squares) over n floats, accumulated in double.
float global_norm(const float* x, size_t n);

}  // namespace headlab
