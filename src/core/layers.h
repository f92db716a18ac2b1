// The transformer's operations as forward/backward pairs (llm.c style).
// Arguments: outputs, inputs, parameters, then dimensions. Gradient buffers
// are prefixed `d`; every backward *accumulates* (+=) into its input and
// parameter gradients, so the caller zeroes them once per step.
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

// GELU, tanh approximation (as PyTorch's approximate="tanh").
void gelu_forward(Mat out, const CMatRef& in);
void gelu_backward(Mat din, const CMatRef& dout, const CMatRef& in);

// Causal multi-head self-attention on fused qkv [B*T, 3C] producing y [B*T, C]
// (heads concatenated). probs [B, H, T, T] keeps the softmax for backward and
// for the visualiser; entries above the diagonal are exactly 0.
void attention_forward(Mat y, float* probs, const CMatRef& qkv, int B, int T, int H);
// scratch needs 2*T*T floats.
void attention_backward(Mat dqkv, const CMatRef& dy, const float* probs, const CMatRef& qkv, int B, int T, int H,
                        float* scratch);

// Softmax cross-entropy. Rows whose target is negative are ignored; the loss
// is the mean over the remaining rows. Writes probs and per-row losses;
// returns the mean loss (0 if no row counts).
float crossentropy_forward(Mat probs, float* losses, const CMatRef& logits, const int* targets);
// dlogits = (probs - onehot) / n_valid on counted rows, 0 on ignored rows (overwrites).
void crossentropy_backward(Mat dlogits, const CMatRef& probs, const int* targets);

}  // namespace headlab
