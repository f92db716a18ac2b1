#include "core/layers.h"

#include <cmath>

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

// [SECTION] gelu

namespace {
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2/pi)
}

void gelu_forward(Mat out, const CMatRef& in) {
  const auto x = in.array();
  out.array() = 0.5f * x * (1.0f + (kGeluScale * (x + 0.044715f * x * x * x)).tanh());
}

void gelu_backward(Mat din, const CMatRef& dout, const CMatRef& in) {
  const Eigen::Index n = in.size();
  const float* x = in.data();
  const float* g = dout.data();
  float* d = din.data();
  for (Eigen::Index i = 0; i < n; ++i) {
    const float xi = x[i];
    const float u = kGeluScale * (xi + 0.044715f * xi * xi * xi);
    const float th = std::tanh(u);
    const float sech2 = 1.0f - th * th;
    const float du = kGeluScale * (1.0f + 3.0f * 0.044715f * xi * xi);
    d[i] += g[i] * (0.5f * (1.0f + th) + 0.5f * xi * sech2 * du);
  }
}

// [SECTION] attention

void attention_forward(Mat y, float* probs, const CMatRef& qkv, int B, int T, int H) {
  const int C = static_cast<int>(y.cols());
  const int dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for (int b = 0; b < B; ++b) {
    const float* base = qkv.data() + static_cast<size_t>(b) * T * 3 * C;
    for (int h = 0; h < H; ++h) {
      const auto q = strided(base + h * dh, T, dh, 3 * C);
      const auto k = strided(base + C + h * dh, T, dh, 3 * C);
      const auto v = strided(base + 2 * C + h * dh, T, dh, 3 * C);
      Mat p(probs + (static_cast<size_t>(b) * H + h) * T * T, T, T);
      p.noalias() = q * k.transpose();
      for (int i = 0; i < T; ++i) {
        auto row = p.row(i).head(i + 1);
        const float mx = row.maxCoeff();
        row = ((row.array() - mx) * scale).exp().matrix();
        row /= row.sum();
        p.row(i).tail(T - i - 1).setZero();
      }
      strided(y.data() + static_cast<size_t>(b) * T * C + h * dh, T, dh, C).noalias() = p * v;
    }
  }
}

void attention_backward(Mat dqkv, const CMatRef& dy, const float* probs, const CMatRef& qkv, int B, int T, int H,
                        float* scratch) {
  const int C = static_cast<int>(dy.cols());
  const int dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  Mat dp(scratch, T, T);
  Mat ds(scratch + T * T, T, T);
  for (int b = 0; b < B; ++b) {
    const size_t row0 = static_cast<size_t>(b) * T;
    const float* base = qkv.data() + row0 * 3 * C;
    float* dbase = dqkv.data() + row0 * 3 * C;
    for (int h = 0; h < H; ++h) {
      const auto q = strided(base + h * dh, T, dh, 3 * C);
      const auto k = strided(base + C + h * dh, T, dh, 3 * C);
      const auto v = strided(base + 2 * C + h * dh, T, dh, 3 * C);
      const auto dyh = strided(dy.data() + row0 * C + h * dh, T, dh, C);
      CMat p(probs + (static_cast<size_t>(b) * H + h) * T * T, T, T);
      dp.noalias() = dyh * v.transpose();
      strided(dbase + 2 * C + h * dh, T, dh, 3 * C).noalias() += p.transpose() * dyh;
      // softmax backward, restricted to the causal (lower) triangle
      for (int i = 0; i < T; ++i) {
        const float dot = p.row(i).head(i + 1).dot(dp.row(i).head(i + 1));
        ds.row(i).head(i + 1) =
            (p.row(i).head(i + 1).array() * (dp.row(i).head(i + 1).array() - dot) * scale).matrix();
        ds.row(i).tail(T - i - 1).setZero();
      }
      strided(dbase + h * dh, T, dh, 3 * C).noalias() += ds * k;
      strided(dbase + C + h * dh, T, dh, 3 * C).noalias() += ds.transpose() * q;
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

void crossentropy_backward(Mat dlogits, const CMatRef& probs, const int* targets) {
  int n = 0;
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
