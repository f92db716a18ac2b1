#include "core/layers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/gemm.h"
#include "core/parallel.h"

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

// Products start from the bias: accumulating onto b saves clearing out and a
// second pass to add it.
void linear_forward(Mat out, const CMatRef& in, const CMatRef& w, const CVecRef& b) {
  out.rowwise() = b;
  gemm(out, in, w, true);
}

void linear_backward(Mat din, Mat dw, Vec db, const CMatRef& dout, const CMatRef& in, const CMatRef& w) {
  gemm(din, dout, w.transpose(), false);
  gemm(dw, in.transpose(), dout, true);
  db += dout.colwise().sum();
}

// Bias gradients of head-sliced (column-major) activations: every column is
// summed by the same scalar code in the same order, so equal columns give
// equal sums (a vectorised reduction's order would follow each column's
// alignment). Eight partial sums keep it fast and contiguous.
void add_col_sums(Vec db, const CColMatRef& d) {
  const Eigen::Index n = d.rows();
  for (Eigen::Index c = 0; c < d.cols(); ++c) {
    const float* x = d.data() + c * d.outerStride();
    float acc[8] = {};
    Eigen::Index r = 0;
    for (; r + 8 <= n; r += 8)
      for (int k = 0; k < 8; ++k) acc[k] += x[r + k];
    float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; r < n; ++r) sum += x[r];
    db[c] += sum;
  }
}

void qkv_forward(ColMat qkv, const CMatRef& in, const CMatRef& w, const CVecRef& b, int H) {
  qkv.rowwise() = b;
  const Eigen::Index dh = qkv.cols() / (3 * H);
  for (Eigen::Index j = 0; j < qkv.cols(); j += dh) gemm(qkv.middleCols(j, dh), in, w.middleCols(j, dh), true);
}

void qkv_backward(Mat din, Mat dw, Vec db, const CColMatRef& dqkv, const CMatRef& in, const CMatRef& w, int H) {
  gemm(din, dqkv, w.transpose(), false);
  const Eigen::Index dh = dqkv.cols() / (3 * H);
  for (Eigen::Index j = 0; j < dqkv.cols(); j += dh) gemm(dw.middleCols(j, dh), in.transpose(), dqkv.middleCols(j, dh), true);
  add_col_sums(db, dqkv);
}

void out_proj_backward(ColMat dy, Mat dw, Vec db, const CMatRef& dout, const CMatRef& y, const CMatRef& w, int H) {
  const Eigen::Index dh = dy.cols() / H;
  for (Eigen::Index j = 0; j < dy.cols(); j += dh) {
    gemm(dy.middleCols(j, dh), dout, w.middleRows(j, dh).transpose(), false);
    gemm(dw.middleRows(j, dh), y.middleCols(j, dh).transpose(), dout, true);
  }
  // row by row, in order: every column's sum is formed the same way
  for (Eigen::Index r = 0; r < dout.rows(); ++r) db += dout.row(r);
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
  din.array() = dout.array() * (0.5f * (1.0f + th) + 0.5f * x * (1.0f - th.square()) * du);
}

// [SECTION] attention
//
// One head of one sequence at a time, fused, over the causal part (j <= i)
// only. Eigen's GEMM costs more in set-up than these 32x16 products cost to
// compute, and would compute the masked half too. Two register-blocked kernels
// do the work instead:
//   lanes_block    kRows output rows x 8 lanes: sum over m of a(row, m) * b[m][lanes]
//   weighted_rows  one feature row: a weighted sum of other feature rows
// Most operands are used transposed, [dh, Tp]: a head's qkv columns are
// contiguous, so loading them (and storing dK, dV) is a straight copy.
//
// Scratch layout per head (T rows, dh features, Tp = T rounded up to whole
// groups of 8 keys, every piece 64-byte aligned, padding kept at zero):
//   qt, kt, vt, dyt  [dh, Tp]  Q^T, K^T, V^T, dY^T
//   v, k             [T, dh]   V (forward) and K (backward) row-major
//   out              [T, dh]   Y (forward) or dQ (backward), row-major
//   dkt, dvt         [dh, Tp]  dK^T, dV^T
//   rows             [T, Tp]   scores, then probabilities (forward); dP, then dS (backward)
//   p                [T, Tp]   the probabilities, padded (backward)

namespace {

constexpr size_t kAlignFloats = 16;  // 64 bytes: the widest SIMD register we build for
constexpr int kLanes = 8;            // score rows are computed in whole groups of 8 keys
constexpr int kRows = 4;             // rows summed at once: they share each load and keep the FMA units busy
using Lanes = Eigen::Array<float, kLanes, 1>;
using LanesMap = Eigen::Map<Lanes, Eigen::Aligned32>;
using CLanesMap = Eigen::Map<const Lanes, Eigen::Aligned32>;

size_t round_up(size_t n, size_t to = kAlignFloats) { return (n + to - 1) / to * to; }

float* aligned(float* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  const uintptr_t bytes = kAlignFloats * sizeof(float);
  return reinterpret_cast<float*>((a + bytes - 1) / bytes * bytes);
}

struct HeadScratch {
  int T, dh, Tp;
  size_t size = 0;  // floats needed, including the alignment slack
  float *qt, *kt, *vt, *dyt, *v, *k, *out, *dkt, *dvt, *rows, *p;
  HeadScratch(float* s, int T_, int dh_) : T(T_), dh(dh_), Tp(static_cast<int>(round_up(T_, kLanes))) {
    float* base = s ? aligned(s) : nullptr;
    auto take = [&](size_t n) {
      float* r = base ? base + size : nullptr;
      size += round_up(n);
      return r;
    };
    const size_t tr = static_cast<size_t>(dh) * Tp, rm = static_cast<size_t>(T) * dh, sq = static_cast<size_t>(T) * Tp;
    qt = take(tr), kt = take(tr), vt = take(tr), dyt = take(tr), dkt = take(tr), dvt = take(tr);
    v = take(rm), k = take(rm), out = take(rm);
    rows = take(sq), p = take(sq);
    size += kAlignFloats;
  }

  // The dh columns from col0 of column-major x (rows row0 ..) as [dh, Tp]:
  // a straight copy per column.
  void load_t(float* tr, const CColMatRef& x, int row0, int col0) const {
    for (int d = 0; d < dh; ++d)
      Eigen::Map<Eigen::ArrayXf>(tr + static_cast<size_t>(d) * Tp, T) =
          Eigen::Map<const Eigen::ArrayXf>(x.data() + static_cast<size_t>(col0 + d) * x.outerStride() + row0, T);
  }
  void store_t(ColMat& x, const float* tr, int row0, int col0) const {
    for (int d = 0; d < dh; ++d)
      Eigen::Map<Eigen::ArrayXf>(x.data() + static_cast<size_t>(col0 + d) * x.outerStride() + row0, T) =
          Eigen::Map<const Eigen::ArrayXf>(tr + static_cast<size_t>(d) * Tp, T);
  }
  // The same columns as [T, dh] row-major (a transposing copy), and back.
  void load_rm(float* rm, const CColMatRef& x, int row0, int col0) const {
    for (int d = 0; d < dh; ++d) {
      const float* src = x.data() + static_cast<size_t>(col0 + d) * x.outerStride() + row0;
      for (int i = 0; i < T; ++i) rm[i * dh + d] = src[i];
    }
  }
  void store_rm(ColMat& x, const float* rm, int row0, int col0) const {
    for (int d = 0; d < dh; ++d) {
      float* dst = x.data() + static_cast<size_t>(col0 + d) * x.outerStride() + row0;
      for (int i = 0; i < T; ++i) dst[i] = rm[i * dh + d];
    }
  }
};

// Keys a causal row i needs, rounded up to whole groups of kLanes.
int causal_width(int i, int Tp) { return std::min(Tp, (i + kLanes) / kLanes * kLanes); }

// out[r][j0 .. j0 + kLanes) = sum over m in [m0, m1) of a[r * ars + m * ams] * b[m * Tp + j0 ..]
// for the `rows` rows from r0 (out and b have row stride Tp). M > 0 fixes the
// m range to [0, M) at compile time.
template <int M>
void lanes_block(float* out, int Tp, const float* a, ptrdiff_t ars, ptrdiff_t ams, const float* b, int m0, int m1,
                 int r0, int rows, int j0) {
  if (M > 0) m0 = 0, m1 = M;
  Lanes acc[kRows];
  for (auto& x : acc) x.setZero();
  for (int m = m0; m < m1; ++m) {
    const Lanes bm = CLanesMap(b + static_cast<size_t>(m) * Tp + j0);
    for (int r = 0; r < kRows; ++r) acc[r] += a[(r0 + std::min(r, rows - 1)) * ars + m * ams] * bm;
  }
  for (int r = 0; r < rows; ++r) LanesMap(out + static_cast<size_t>(r0 + r) * Tp + j0) = acc[r];
}

// Score rows of a causal product: out[i][j] = sum over d of at[d][i] * bt[d][j]
// for every row i and the key groups its mask needs ([T, Tp] out, [dh, Tp] at, bt).
template <int DH>
void causal_scores(float* out, int Tp, const float* at, const float* bt, int dh, int T) {
  for (int i0 = 0; i0 < T; i0 += kRows) {
    const int rows = std::min(kRows, T - i0);
    for (int j0 = 0, n = causal_width(i0 + rows - 1, Tp); j0 < n; j0 += kLanes)
      lanes_block<DH>(out, Tp, at, 1, Tp, bt, 0, dh, i0, rows, j0);
  }
}

// A gradient of keys or values, transposed: out[d][j] = sum over i >= j of at[d][i] * w[i][j]
// ([dh, Tp] out, at; [T, Tp] w, zero above the diagonal and in the padding).
void causal_transposed(float* out, int Tp, const float* at, const float* w, int dh, int T) {
  for (int d0 = 0; d0 < dh; d0 += kRows)
    for (int j0 = 0; j0 < T; j0 += kLanes)
      lanes_block<0>(out, Tp, at, Tp, 1, w, j0, T, d0, std::min(kRows, dh - d0), j0);
}

// out[0..dh) = sum over i in [i0, i1) of w[i * ws] * x[i * dh .. i * dh + dh).
template <int DH>
void weighted_rows(float* out, const float* w, ptrdiff_t ws, const float* x, int dh, int i0, int i1) {
  if constexpr (DH > 0) {
    using Row = Eigen::Array<float, DH, 1>;
    Row acc = Row::Zero();
    for (int i = i0; i < i1; ++i) acc += w[i * ws] * Eigen::Map<const Row>(x + static_cast<ptrdiff_t>(i) * DH);
    Eigen::Map<Row>{out} = acc;
  } else {
    std::fill(out, out + dh, 0.0f);
    for (int i = i0; i < i1; ++i) {
      const float wi = w[i * ws];
      const float* xi = x + static_cast<ptrdiff_t>(i) * dh;
      for (int d = 0; d < dh; ++d) out[d] += wi * xi[d];
    }
  }
}

// Runs body(scratch, b0, b1) over the sequences [0, B) cut into one range per
// task, each task with its own scratch slot.
template <class F>
void over_sequences(int B, int T, int dh, float* scratch, int slots, F&& body) {
  const int tasks = std::max(1, std::min({B, slots, threads()}));
  const size_t slot = attention_scratch_size(T, dh);
  parallel_for(tasks, [&](int t) { body(scratch + t * slot, B * t / tasks, B * (t + 1) / tasks); });
}

template <int DH>
void attention_forward_impl(Mat& y, float* probs, const CColMatRef& qkv, int B, int T, int H, float* scratch,
                            int slots) {
  const int C = static_cast<int>(y.cols()), dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  over_sequences(B, T, dh, scratch, slots, [&](float* slot, int b0, int b1) {
    const HeadScratch s(slot, T, dh);
    for (int b = b0; b < b1; ++b) {
      for (int h = 0; h < H; ++h) {
        s.load_t(s.qt, qkv, b * T, h * dh);
        s.load_t(s.kt, qkv, b * T, C + h * dh);
        s.load_rm(s.v, qkv, b * T, 2 * C + h * dh);
        float* P = probs + (static_cast<size_t>(b) * H + h) * T * T;
        causal_scores<DH>(s.rows, s.Tp, s.qt, s.kt, dh, T);
        for (int i = 0; i < T; ++i) {
          float* row = s.rows + static_cast<size_t>(i) * s.Tp;
          auto r = Eigen::Map<Eigen::ArrayXf>(row, i + 1);
          const float mx = r.maxCoeff();
          r = ((r - mx) * scale).exp();
          r /= r.sum();
          // whole-row copy with the masked part zeroed (inline loops, not a libc call per row)
          Eigen::Map<Eigen::ArrayXf>(row + i + 1, T - i - 1).setZero();
          Eigen::Map<Eigen::ArrayXf>(P + i * T, T) = Eigen::Map<const Eigen::ArrayXf>(row, T);
          weighted_rows<DH>(s.out + i * dh, row, 1, s.v, dh, 0, i + 1);  // y_i = sum_j p_ij v_j
        }
        y.block(b * T, h * dh, T, dh) = CMat(s.out, T, dh);
      }
    }
  });
}

template <int DH>
void attention_backward_impl(ColMat& dqkv, const CColMatRef& dy, const float* probs, const CColMatRef& qkv, int B,
                             int T, int H, float* scratch, int slots) {
  const int C = static_cast<int>(dy.cols()), dh = C / H;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  over_sequences(B, T, dh, scratch, slots, [&](float* slot, int b0, int b1) {
    const HeadScratch s(slot, T, dh);
    for (int b = b0; b < b1; ++b) {
      for (int h = 0; h < H; ++h) {
        s.load_t(s.qt, qkv, b * T, h * dh);
        s.load_rm(s.k, qkv, b * T, C + h * dh);
        s.load_t(s.vt, qkv, b * T, 2 * C + h * dh);
        s.load_t(s.dyt, dy, b * T, h * dh);
        const float* P = probs + (static_cast<size_t>(b) * H + h) * T * T;
        causal_scores<DH>(s.rows, s.Tp, s.dyt, s.vt, dh, T);  // dP
        for (int i = 0; i < T; ++i) {
          float* ds = s.rows + static_cast<size_t>(i) * s.Tp;
          float* pi = s.p + static_cast<size_t>(i) * s.Tp;
          // P's row, copied so that every head reduces over the same alignment
          Eigen::Map<Eigen::ArrayXf>(pi, T) = Eigen::Map<const Eigen::ArrayXf>(P + i * T, T);
          // softmax backward: dS = P (dP - <P, dP>) * scale on the causal part, 0 elsewhere
          auto p = Eigen::Map<Eigen::ArrayXf>(pi, i + 1);
          auto g = Eigen::Map<Eigen::ArrayXf>(ds, i + 1);
          const float dot = (p * g).sum();
          g = p * (g - dot) * scale;
          Eigen::Map<Eigen::ArrayXf>(ds + i + 1, s.Tp - i - 1).setZero();
          weighted_rows<DH>(s.out + i * dh, ds, 1, s.k, dh, 0, i + 1);  // dq_i = sum_j dS_ij k_j
        }
        causal_transposed(s.dkt, s.Tp, s.qt, s.rows, dh, T);  // dK^T = Q^T dS
        causal_transposed(s.dvt, s.Tp, s.dyt, s.p, dh, T);    // dV^T = dY^T P
        s.store_rm(dqkv, s.out, b * T, h * dh);
        s.store_t(dqkv, s.dkt, b * T, C + h * dh);
        s.store_t(dqkv, s.dvt, b * T, 2 * C + h * dh);
      }
    }
  });
}

}  // namespace

size_t attention_scratch_size(int T, int dh) { return HeadScratch(nullptr, T, dh).size; }

void attention_forward(Mat y, float* probs, const CColMatRef& qkv, int B, int T, int H, float* scratch, int slots) {
  switch (y.cols() / H) {
    case 8: return attention_forward_impl<8>(y, probs, qkv, B, T, H, scratch, slots);
    case 16: return attention_forward_impl<16>(y, probs, qkv, B, T, H, scratch, slots);
    case 32: return attention_forward_impl<32>(y, probs, qkv, B, T, H, scratch, slots);
    case 64: return attention_forward_impl<64>(y, probs, qkv, B, T, H, scratch, slots);
    default: return attention_forward_impl<0>(y, probs, qkv, B, T, H, scratch, slots);
  }
}

void attention_backward(ColMat dqkv, const CColMatRef& dy, const float* probs, const CColMatRef& qkv, int B,
                        int T, int H, float* scratch, int slots) {
  switch (dy.cols() / H) {
    case 8: return attention_backward_impl<8>(dqkv, dy, probs, qkv, B, T, H, scratch, slots);
    case 16: return attention_backward_impl<16>(dqkv, dy, probs, qkv, B, T, H, scratch, slots);
    case 32: return attention_backward_impl<32>(dqkv, dy, probs, qkv, B, T, H, scratch, slots);
    case 64: return attention_backward_impl<64>(dqkv, dy, probs, qkv, B, T, H, scratch, slots);
    default: return attention_backward_impl<0>(dqkv, dy, probs, qkv, B, T, H, scratch, slots);
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
