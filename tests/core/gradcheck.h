// Central-difference gradient checking for the core's hand-written backward
// passes. The scalar being differentiated is L = sum(out * R) for a fixed
// random R, accumulated in double so the float rounding of the sum does not
// swamp the finite difference.
#pragma once
#include <cmath>
#include <functional>
#include <vector>

#include "core/rng.h"

namespace headlab::test {

inline std::vector<float> randn(size_t n, uint64_t seed, float scale = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = scale * rng.normal();
  return v;
}

inline double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Relative error ||a - n|| / max(||a||, ||n||, 1e-6): stable when both are near zero.
inline double rel_error(const std::vector<float>& analytic, const std::vector<double>& numeric) {
  double diff = 0.0, na = 0.0, nn = 0.0;
  for (size_t i = 0; i < analytic.size(); ++i) {
    diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
    na += static_cast<double>(analytic[i]) * analytic[i];
    nn += numeric[i] * numeric[i];
  }
  return std::sqrt(diff) / std::max({std::sqrt(na), std::sqrt(nn), 1e-6});
}

// Numeric gradient of loss() w.r.t. x by central differences with step eps.
inline std::vector<double> numeric_grad(std::vector<float>& x, const std::function<double()>& loss,
                                        float eps) {
  std::vector<double> g(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const float keep = x[i];
    x[i] = keep + eps;
    const double up = loss();
    x[i] = keep - eps;
    const double down = loss();
    x[i] = keep;
    g[i] = (up - down) / (2.0 * static_cast<double>(eps));
  }
  return g;
}

}  // namespace headlab::test
