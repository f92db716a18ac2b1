// The transformer's operations as forward/backward pairs (llm.c style).
// Arguments: outputs, inputs, parameters, then dimensions. Gradient buffers
// are prefixed `d`. Every backward *accumulates* (+=) into parameter
// gradients, so the caller zeroes them once per step, and *writes* (=) the
// gradient of its activation input, which saves clearing a buffer before
// each op; the exceptions are layernorm_backward and embedding_backward,
// which add into the residual stream's gradient (it has two branches).
// None of these functions allocates.
#pragma once
#include "core/tensor.h"

namespace headlab {

// out[b*T+t] = wte[tokens[b*T+t]] + wpe[t]
void embedding_forward(Mat out, const int* tokens, const CMatRef& wte, const CMatRef& wpe, int B, int T);
void embedding_backward(Mat dwte, Mat dwpe, const CMatRef& dout, const int* tokens, int B, int T);

// LayerNorm over each row, eps 1e-5; keeps mean and 1/std per row for backward.
void layernorm_forward(Mat out, float* mean, float* rstd, const CMatRef& in, const CVecRef& w, const CVecRef& b);
void layernorm_backward(Mat din, Vec dw, Vec db, const CMatRef& dout, const CMatRef& in, const float* mean,
                        const float* rstd, const CVecRef& w);

// out = in W + b
void linear_forward(Mat out, const CMatRef& in, const CMatRef& w, const CVecRef& b);
void linear_backward(Mat din, Mat dw, Vec db, const CMatRef& dout, const CMatRef& in, const CMatRef& w);

// Head-sliced products. The QKV projection's output columns, the gradient
// reaching the output projection's input columns, and the rows of W_o belong
// to heads. One GEMM over all heads would run different micro-kernels (with
// different summation orders) over different rows and columns of its result,
// depending on where they fall in its register blocks, so two heads with
// identical weights would get different values. Each head's slice is its own
// product instead: same shape, same code, bit-identical results (the
// symmetry invariant, docs/ARCHITECTURE.md). qkv and dy are column-major so a
// head's columns are contiguous for the attention kernels.
void qkv_forward(ColMat qkv, const CMatRef& in, const CMatRef& w, const CVecRef& b, int H);
void qkv_backward(Mat din, Mat dw, Vec db, const CColMatRef& dqkv, const CMatRef& in, const CMatRef& w, int H);
// The output projection's backward, writing the per-head gradient dy column-major.
void out_proj_backward(ColMat dy, Mat dw, Vec db, const CMatRef& dout, const CMatRef& y, const CMatRef& w, int H);

// GELU, tanh approximation (as PyTorch's approximate="tanh").
void gelu_forward(Mat out, const CMatRef& in);
void gelu_backward(Mat din, const CMatRef& dout, const CMatRef& in);

// Causal multi-head self-attention on fused qkv [B*T, 3C] (column-major, see
// above) producing y [B*T, C]
// (heads concatenated). probs [B, H, T, T] keeps the softmax for backward and
// for the visualiser; entries above the diagonal are exactly 0.
//
// Each head is computed in the same aligned scratch buffers, whatever its
// offset inside qkv: SIMD code paths (peeling, vector vs scalar exp) depend
// on alignment, and this keeps heads with identical weights bit-identical
// (the clone-all experiment). Only the causal half (j <= i) is computed.
// scratch holds `slots` times attention_scratch_size(T, d_head) floats: up to
// that many threads (core/parallel.h) compute sequences at once, each in its
// own slot (every slot is aligned alike, so the results do not change).
size_t attention_scratch_size(int T, int dh);
void attention_forward(Mat y, float* probs, const CColMatRef& qkv, int B, int T, int H, float* scratch, int slots = 1);
void attention_backward(ColMat dqkv, const CColMatRef& dy, const float* probs, const CColMatRef& qkv, int B,
                        int T, int H, float* scratch, int slots = 1);

// Softmax cross-entropy. Rows whose target is negative are ignored; the loss
// is the mean over the remaining rows. Writes probs and per-row losses;
// returns the mean loss (0 if no row counts).
float crossentropy_forward(Mat probs, float* losses, const CMatRef& logits, const int* targets);
// dlogits = (probs - onehot) / n on counted rows, 0 on ignored rows (overwrites).
// n = `scored_total` when > 0 (a micro-batch of a larger batch), else the rows counted here.
void crossentropy_backward(Mat dlogits, const CMatRef& probs, const int* targets, int scored_total = 0);

}  // namespace headlab
