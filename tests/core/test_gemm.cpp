// gemm(): the product against a double-precision loop for every layout the
// layers use (row-major, column-major, transposed views, strided slices),
// sizes that are not whole tiles or blocks, and the property the head
// symmetry rests on: equal slices at any offset give bit-identical results.
#include <catch.hpp>
#include <cmath>
#include <vector>

#include "core/gemm.h"
#include "core/rng.h"

using namespace headlab;

namespace {

std::vector<float> random_floats(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.normal());
  return v;
}

// Worst |C - exact| / (|A| |B| summed over k), over C.
double worst_error(int M, int N, int K, GemmOperand a, GemmOperand b, const float* c, ptrdiff_t crs, ptrdiff_t ccs,
                   const std::vector<float>& before) {
  double worst = 0.0;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double exact = before.empty() ? 0.0 : before[i * N + j], scale = 1e-30;
      for (int k = 0; k < K; ++k) {
        const double x = a.p[i * a.rs + k * a.cs], y = b.p[k * b.rs + j * b.cs];
        exact += x * y;
        scale += std::abs(x * y);
      }
      worst = std::max(worst, std::abs(c[i * crs + j * ccs] - exact) / scale);
    }
  return worst;
}

}  // namespace

TEST_CASE("gemm matches a double-precision product in every layout", "[gemm]") {
  const int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 300}, {64, 192, 64}, {100, 9, 600}, {130, 270, 20}};
  for (const auto& s : sizes) {
    const int M = s[0], N = s[1], K = s[2];
    const auto A = random_floats(static_cast<size_t>(M) * K, 1), B = random_floats(static_cast<size_t>(K) * N, 2);
    for (int layout = 0; layout < 4; ++layout) {
      // A and B row-major or stored transposed (column-major), as the layers' views are.
      const GemmOperand a = layout & 1 ? GemmOperand{A.data(), 1, M} : GemmOperand{A.data(), K, 1};
      const GemmOperand b = layout & 2 ? GemmOperand{B.data(), 1, K} : GemmOperand{B.data(), N, 1};
      for (bool accumulate : {false, true}) {
        std::vector<float> C = random_floats(static_cast<size_t>(M) * N, 3);
        const std::vector<float> before = accumulate ? C : std::vector<float>();
        // C column-major for odd layouts: the head-sliced activations are.
        const bool col = layout == 1 || layout == 2;
        const ptrdiff_t crs = col ? 1 : N, ccs = col ? M : 1;
        std::vector<float> Cc(C.size());
        if (accumulate)
          for (int i = 0; i < M; ++i)
            for (int j = 0; j < N; ++j) Cc[i * crs + j * ccs] = C[i * N + j];
        gemm(M, N, K, a, b, Cc.data(), crs, ccs, accumulate);
        INFO("M " << M << " N " << N << " K " << K << " layout " << layout << " accumulate " << accumulate);
        CHECK(worst_error(M, N, K, a, b, Cc.data(), crs, ccs, before) < 1e-5);
      }
    }
  }
}

TEST_CASE("gemm gives bit-identical results for equal slices at any offset", "[gemm][symmetry]") {
  // Two heads' column slices of one [K, 3 * width] weight, equal in value but at
  // different offsets (so differently aligned), times the same input.
  for (int width : {1, 3, 4, 5, 8, 13, 16, 24}) {
    const int M = 70, K = 37, cols = 3 * width;
    const auto X = random_floats(static_cast<size_t>(M) * K, 4);
    auto W = random_floats(static_cast<size_t>(K) * cols, 5);
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < width; ++j) W[k * cols + 2 * width + j] = W[k * cols + width + j] = W[k * cols + j];
    std::vector<float> Y(static_cast<size_t>(M) * cols, 0.5f);
    for (int h = 0; h < 3; ++h)
      gemm(M, width, K, {X.data(), K, 1}, {W.data() + h * width, cols, 1}, Y.data() + h * width, cols, 1, true);
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < width; ++j) {
        REQUIRE(Y[i * cols + width + j] == Y[i * cols + j]);
        REQUIRE(Y[i * cols + 2 * width + j] == Y[i * cols + j]);
      }
  }
}
