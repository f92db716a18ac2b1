#include "core/gemm.h"

#include <algorithm>
#include <cstring>

#include "core/parallel.h"

namespace headlab {

namespace {

// Register tile: kMr rows x kNv vectors of kW floats. Accumulators, one row
// of B and a broadcast must fit the registers: 16 vector registers for SIMD128
// (V8 on x86-64), SSE and AVX2; 32 for AVX-512.
#if defined(__AVX512F__)
constexpr int kW = 16, kMr = 8, kNv = 2;
#elif defined(__AVX__)
constexpr int kW = 8, kMr = 6, kNv = 2;
#else
constexpr int kW = 4, kMr = 6, kNv = 2;
#endif
constexpr int kNr = kW * kNv;
constexpr int kMc = 96;   // rows of A packed at once (L2-sized with kGemmKc)
constexpr int kNc = 256;  // columns of B packed at once
static_assert(kMc % kMr == 0 && kNc % kNr == 0, "blocks hold whole tiles");

typedef float Vec __attribute__((vector_size(kW * sizeof(float))));

Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// x in every lane: a broadcast (x - 0 is x for every float, -0 included, so compilers drop the subtraction).
Vec splat(float x) { return x - Vec{}; }

// Packed operands, one set per thread, reused by every product (no allocation in a training step).
alignas(64) thread_local float g_pack_a[kMc * kGemmKc];
alignas(64) thread_local float g_pack_b[kGemmKc * kNc];
// Products smaller than this (multiply-adds) stay on one thread: waking helpers costs more.
constexpr double kParallelMacs = 1 << 19;

// A's rows [i0, i0 + m) and depths [k0, k0 + kc) as panels of kMr rows, depth-major; rows past m are zero.
void pack_a(float* out, const GemmOperand& a, int i0, int m, int k0, int kc) {
  for (int r0 = 0; r0 < m; r0 += kMr)
    for (int k = 0; k < kc; ++k)
      for (int r = 0; r < kMr; ++r)
        *out++ = r0 + r < m ? a.p[(i0 + r0 + r) * a.rs + (k0 + k) * a.cs] : 0.0f;
}

// B's depths [k0, k0 + kc) and columns [j0, j0 + n) as panels of kNr columns; columns past n are zero.
void pack_b(float* out, const GemmOperand& b, int k0, int kc, int j0, int n) {
  for (int c0 = 0; c0 < n; c0 += kNr)
    for (int k = 0; k < kc; ++k) {
      const float* row = b.p + (k0 + k) * b.rs + (j0 + c0) * b.cs;
      const int w = std::min(kNr, n - c0);
      if (b.cs == 1) {
        std::memcpy(out, row, sizeof(float) * w);
      } else {
        for (int j = 0; j < w; ++j) out[j] = row[j * b.cs];
      }
      std::fill(out + w, out + kNr, 0.0f);
      out += kNr;
    }
}

// tile[r][j] = sum over k < kc, in order, of pa[k][r] * pb[k][j].
void kernel(int kc, const float* pa, const float* pb, float* tile) {
  Vec acc[kMr][kNv] = {};
  for (int k = 0; k < kc; ++k, pa += kMr, pb += kNr) {
    Vec b[kNv];
    for (int v = 0; v < kNv; ++v) b[v] = load(pb + v * kW);
    for (int r = 0; r < kMr; ++r) {
      const Vec a = splat(pa[r]);
      for (int v = 0; v < kNv; ++v) acc[r][v] += a * b[v];
    }
  }
  std::memcpy(tile, acc, sizeof acc);
}

// The valid m x n corner of a tile into C, added or stored.
void update(float* c, ptrdiff_t crs, ptrdiff_t ccs, const float* tile, int m, int n, bool add) {
  for (int r = 0; r < m; ++r) {
    float* row = c + r * crs;
    const float* t = tile + r * kNr;
    if (add) {
      for (int j = 0; j < n; ++j) row[j * ccs] += t[j];
    } else {
      for (int j = 0; j < n; ++j) row[j * ccs] = t[j];
    }
  }
}

void gemm_one_thread(int M, int N, int K, const GemmOperand& a, const GemmOperand& b, float* c, ptrdiff_t crs,
                     ptrdiff_t ccs, bool accumulate) {
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) c[i * crs + j * ccs] = 0.0f;
    return;
  }
  alignas(64) float tile[kMr * kNr];
  for (int j0 = 0; j0 < N; j0 += kNc) {
    const int nc = std::min(kNc, N - j0);
    for (int k0 = 0; k0 < K; k0 += kGemmKc) {
      const int kc = std::min(kGemmKc, K - k0);
      const bool add = accumulate || k0 > 0;
      pack_b(g_pack_b, b, k0, kc, j0, nc);
      for (int i0 = 0; i0 < M; i0 += kMc) {
        const int mc = std::min(kMc, M - i0);
        pack_a(g_pack_a, a, i0, mc, k0, kc);
        for (int jr = 0; jr < nc; jr += kNr)
          for (int ir = 0; ir < mc; ir += kMr) {
            kernel(kc, g_pack_a + ir * kc, g_pack_b + jr * kc, tile);
            update(c + (i0 + ir) * crs + (j0 + jr) * ccs, crs, ccs, tile, std::min(kMr, mc - ir),
                   std::min(kNr, nc - jr), add);
          }
      }
    }
  }
}

}  // namespace

// With threads, C is cut into blocks of whole tiles along its longer side,
// one per task: each element is still summed by the same code in the same order.
void gemm(int M, int N, int K, GemmOperand a, GemmOperand b, float* c, ptrdiff_t crs, ptrdiff_t ccs, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  const int n = threads();
  if (n <= 1 || static_cast<double>(M) * N * K < kParallelMacs) return gemm_one_thread(M, N, K, a, b, c, crs, ccs, accumulate);
  const bool rows = M / kMr >= N / kNr;
  const int unit = rows ? kMr : kNr, extent = rows ? M : N;
  const int units = (extent + unit - 1) / unit, tasks = std::min(units, 2 * n);
  parallel_for(tasks, [&](int t) {
    const int from = units * t / tasks * unit, to = std::min(extent, units * (t + 1) / tasks * unit);
    if (rows)
      gemm_one_thread(to - from, N, K, {a.p + from * a.rs, a.rs, a.cs}, b, c + from * crs, crs, ccs, accumulate);
    else
      gemm_one_thread(M, to - from, K, a, {b.p + from * b.cs, b.rs, b.cs}, c + from * ccs, crs, ccs, accumulate);
  });
}

}  // namespace headlab
