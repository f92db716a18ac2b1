// The model's matrix products: C (+)= A B on strided views, a packed,
// register-blocked kernel written with the compiler's vector extensions (WASM
// SIMD128, SSE, AVX2 or AVX-512, chosen when compiling). bench/README.md has
// why: in WebAssembly Eigen's GEMM is blocked for 8 registers and leaves most
// of the SIMD throughput unused.
//
// Every element of C is summed in one fixed order over k (blocks of kGemmKc,
// sequential inside a block), whatever M, N, the strides, the pointers'
// alignment: equal slices give equal results (head symmetry,
// tests/core/test_symmetry.cpp).
#pragma once
#include <cstddef>

namespace headlab {

// A matrix in memory: element (i, j) at p[i * rs + j * cs].
struct GemmOperand {
  const float* p;
  ptrdiff_t rs, cs;
};

constexpr int kGemmKc = 256;  // depth of one block of k

// C = A B (accumulate false) or C += A B, A M x K, B K x N, C's (i, j) at c[i * crs + j * ccs].
void gemm(int M, int N, int K, GemmOperand a, GemmOperand b, float* c, ptrdiff_t crs, ptrdiff_t ccs, bool accumulate);

// The same product with Eigen views (any direct-access expression: maps, blocks, transposes).
template <class C, class A, class B>
void gemm(C&& c, const A& a, const B& b, bool accumulate) {
  gemm(static_cast<int>(c.rows()), static_cast<int>(c.cols()), static_cast<int>(a.cols()),
       GemmOperand{a.data(), a.rowStride(), a.colStride()}, GemmOperand{b.data(), b.rowStride(), b.colStride()},
       c.data(), c.rowStride(), c.colStride(), accumulate);
}

}  // namespace headlab
