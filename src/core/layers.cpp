#include "core/layers.h"

#include <cmath>
#include <cstdint>

namespace headlab {

// [SECTION] embedding

void embedding_forward(Mat out, const int* tokens, const CMatRef& wte, const CMatRef& wpe, int B, int T) {
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < T; ++t) out.row(b * T + t) = wte.row(tokens[b * T + t]) + wpe.row(t);
}

void embedding_backward(Mat dwte, Mat dwpe, const CMatRef& dout, const int* tokens, int B, int T) {
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < T; ++t) {
      dwte.row(tokens[b * T + t]) += dout.row(b * T + t);
      dwpe.row(t) += dout.row(b * T + t);
    }
}

// [SECTION] layernorm

void layernorm_forward(Mat out, float* mean, float* rstd, const CMatRef& in, const CVecRef& w, const CVecRef& b) {
  const float n = static_cast<float>(in.cols());
  for (Eigen::Index r = 0; r < in.rows(); ++r) {
    const auto x = in.row(r);
    const float m = x.sum() / n;
    const float var = (x.array() - m).square().sum() / n;
    const float s = 1.0f / std::sqrt(var + 1e-5f);
    out.row(r) = ((x.array() - m) * s * w.array() + b.array()).matrix();
    mean[r] = m;
    rstd[r] = s;
  }
}

void layernorm_backward(Mat din, Vec dw, Vec db, const CMatRef& dout, const CMatRef& in, const float* mean,
                        const float* rstd, const CVecRef& w) {
  const float n = static_cast<float>(in.cols());
  for (Eigen::Index r = 0; r < in.rows(); ++r) {
    const auto norm = (in.row(r).array() - mean[r]) * rstd[r];
    const auto g = dout.row(r).array();
    const auto dnorm = g * w.array();
    const float dnorm_mean = dnorm.sum() / n;
    const float dnorm_norm_mean = (dnorm * norm).sum() / n;
    dw.array() += g * norm;
    db.array() += g;
    din.row(r).array() += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * rstd[r];
  }
}

// [SECTION] linear

void linear_forward(Mat out, const CMatRef& in, const CMatRef& w, const CVecRef& b) {
  out.noalias() = in * w;
  out.rowwise() += b;
}

void linear_backward(Mat din, Mat dw, Vec db, const CMatRef& dout, const CMatRef& in, const CMatRef& w) {
  din.noalias() += dout * w.transpose();
  dw.noalias() += in.transpose() * dout;
  db += dout.colwise().sum();
}

// Bias gradients are summed row by row, in order, so every column's sum is
// formed the same way (a vectorised column reduction would not guarantee it).
template <class M>
void add_row_sums(Vec db, const M& dout) {
  for (Eigen::Index r = 0; r < dout.rows(); ++r) db += dout.row(r);
}

void qkv_forward(ColMat qkv, const CMatRef& in, const CMatRef& w, const CVecRef& b) {
  qkv.noalias() = in * w;
  qkv.rowwise() += b;
}

void qkv_backward(Mat din, Mat dw, Vec db, const CColMatRef& dqkv, const CMatRef& in, const CMatRef& w,
                  float* dw_scratch) {
  din.noalias() += dqkv * w.transpose();
  ColMat tmp(dw_scratch, dw.rows(), dw.cols());
  tmp.noalias() = in.transpose() * dqkv;
  dw += tmp;
  add_row_sums(db, dqkv);
}

void out_proj_backward(ColMat dy, Mat dw, Vec db, const CMatRef& dout, const CMatRef& y, const CMatRef& w) {
  dy.noalias() += dout * w.transpose();
  dw.noalias() += y.transpose() * dout;
  add_row_sums(db, dout);
}

// [SECTION] gelu

namespace {
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2/pi)
}

void gelu_forward(Mat out, const CMatRef& in) {
  const auto x = in.array();
  out.array() = 0.5f * x * (1.0f + (kGeluScale * (x + 0.044715f * x * x * x)).tanh());
}

void gelu_backward(Mat din, const CMatRef& dout, const CMatRef& in) {
  // One vectorised expression (Eigen's SIMD tanh), the same tanh as the forward.
  const auto x = in.array();
  const auto th = (kGeluScale * (x + 0.044715f * x.cube())).tanh();
  const auto du = kGeluScale * (1.0f + 3.0f * 0.044715f * x.square());
  din.array() += dout.array() * (0.5f * (1.0f + th) + 0.5f * x * (1.0f - th.square()) * du);
}

// [SECTION] attention

namespace {

constexpr size_t kAlignFloats = 16;  // 64 bytes: the widest SIMD register we build for

size_t round_up(size_t n) { return (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats; }

// Per-head working set carved from scratch at fixed, aligned offsets.
struct HeadScratch {
  Mat q, k, v, y, p, dp;  // y doubles as dY in backward; dp also holds dS
  Mat dq, dk, dv;
  HeadScratch(float* s, int T, int dh)
      : q(s, T, dh),
        k(s + round_up(T * dh), T, dh),
        v(s + 2 * round_up(T * dh), T, dh),
        y(s + 3 * round_up(T * dh), T, dh),
        p(s + 4 * round_up(T * dh), T, T),
        dp(s + 4 * round_up(T * dh) + round_up(T * T), T, T),
        dq(s + 4 * round_up(T * dh) + 2 * round_up(T * T), T, dh),
        dk(s + 5 * round_up(T * dh) + 2 * round_up(T * T), T, dh),
        dv(s + 6 * round_up(T * dh) + 2 * round_up(T * T), T, dh) {}
};

float* aligned(float* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  const uintptr_t bytes = kAlignFloats * sizeof(float);
  return reinterpret_cast<float*>((a + bytes - 1) / bytes * bytes);
}

}  // namespace

size_t attention_scratch_size(int T, int dh) {
  return 7 * round_up(static_cast<size_t>(T) * dh) + 2 * round_up(static_cast<size_t>(T) * T) + kAlignFloats;
}

void attention_forward(Mat y, float* probs, const CColMatRef& qkv, int B, int T, int H, float* scratch) {
  const int C = static_cast<int>(y.cols());
  const int dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  HeadScratch s(aligned(scratch), T, dh);
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < H; ++h) {
      s.q = qkv.block(b * T, h * dh, T, dh);
      s.k = qkv.block(b * T, C + h * dh, T, dh);
      s.v = qkv.block(b * T, 2 * C + h * dh, T, dh);
      s.p.noalias() = s.q * s.k.transpose();
      for (int i = 0; i < T; ++i) {
        auto row = s.p.row(i).head(i + 1);
        const float mx = row.maxCoeff();
        row = ((row.array() - mx) * scale).exp().matrix();
        row /= row.sum();
        s.p.row(i).tail(T - i - 1).setZero();
      }
      s.y.noalias() = s.p * s.v;
      Mat(probs + (static_cast<size_t>(b) * H + h) * T * T, T, T) = s.p;
      y.block(b * T, h * dh, T, dh) = s.y;
    }
  }
}

void attention_backward(ColMat dqkv, const CColMatRef& dy, const float* probs, const CColMatRef& qkv, int B,
                        int T, int H, float* scratch) {
  const int C = static_cast<int>(dy.cols());
  const int dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  HeadScratch s(aligned(scratch), T, dh);
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < H; ++h) {
      s.q = qkv.block(b * T, h * dh, T, dh);
      s.k = qkv.block(b * T, C + h * dh, T, dh);
      s.v = qkv.block(b * T, 2 * C + h * dh, T, dh);
      s.y = dy.block(b * T, h * dh, T, dh);  // dY
      s.p = CMat(probs + (static_cast<size_t>(b) * H + h) * T * T, T, T);
      s.dp.noalias() = s.y * s.v.transpose();
      s.dv.noalias() = s.p.transpose() * s.y;
      // softmax backward on the causal (lower) triangle; dS overwrites dP row by row
      for (int i = 0; i < T; ++i) {
        auto p = s.p.row(i).head(i + 1).array();
        auto d = s.dp.row(i).head(i + 1).array();
        const float dot = (p * d).sum();
        d = p * (d - dot) * scale;
        s.dp.row(i).tail(T - i - 1).setZero();
      }
      s.dq.noalias() = s.dp * s.k;
      s.dk.noalias() = s.dp.transpose() * s.q;
      dqkv.block(b * T, h * dh, T, dh) += s.dq;
      dqkv.block(b * T, C + h * dh, T, dh) += s.dk;
      dqkv.block(b * T, 2 * C + h * dh, T, dh) += s.dv;
    }
  }
}

// [SECTION] cross-entropy

float crossentropy_forward(Mat probs, float* losses, const CMatRef& logits, const int* targets) {
  double total = 0.0;
  int n = 0;
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    const float mx = logits.row(r).maxCoeff();
    probs.row(r) = (logits.row(r).array() - mx).exp().matrix();
    const float sum = probs.row(r).sum();
    probs.row(r) /= sum;
    if (targets[r] < 0) {
      losses[r] = 0.0f;
      continue;
    }
    // log-sum-exp form stays finite even when the target's probability underflows
    losses[r] = std::log(sum) - (logits(r, targets[r]) - mx);
    total += losses[r];
    ++n;
  }
  return n > 0 ? static_cast<float>(total / n) : 0.0f;
}

void crossentropy_backward(Mat dlogits, const CMatRef& probs, const int* targets, int scored_total) {
  int n = scored_total;
  if (n <= 0)
    for (Eigen::Index r = 0; r < probs.rows(); ++r) n += targets[r] >= 0;
  const float inv = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  for (Eigen::Index r = 0; r < probs.rows(); ++r) {
    if (targets[r] < 0) {
      dlogits.row(r).setZero();
      continue;
    }
    dlogits.row(r) = probs.row(r) * inv;
    dlogits(r, targets[r]) -= inv;
  }
}

}  // namespace headlab
