// Per-op gradient checks: each backward against central differences.
#include <catch.hpp>

#include "core/gradcheck.h"
#include "core/layers.h"

using namespace headlab;
using namespace headlab::test;

namespace {
constexpr double kTol = 2e-3;  // float forward, eps 1e-2 / 1e-3: errors of a correct op stay far below this
}

TEST_CASE("layernorm backward matches finite differences", "[grad]") {
  const int N = 5, C = 8;
  auto x = randn(N * C, 1), w = randn(C, 2), b = randn(C, 3), R = randn(N * C, 4);
  for (auto& v : w) v += 1.0f;
  std::vector<float> out(N * C), mean(N), rstd(N);
  auto loss = [&] {
    layernorm_forward(Mat(out.data(), N, C), mean.data(), rstd.data(), CMat(x.data(), N, C),
                      CVec(w.data(), C), CVec(b.data(), C));
    return dot(out, R);
  };
  loss();
  std::vector<float> dx(N * C, 0.0f), dw(C, 0.0f), db(C, 0.0f);
  layernorm_backward(Mat(dx.data(), N, C), Vec(dw.data(), C), Vec(db.data(), C),
                     CMat(R.data(), N, C), CMat(x.data(), N, C), mean.data(), rstd.data(),
                     CVec(w.data(), C));
  CHECK(rel_error(dx, numeric_grad(x, loss, 1e-2f)) < kTol);
  CHECK(rel_error(dw, numeric_grad(w, loss, 1e-2f)) < kTol);
  CHECK(rel_error(db, numeric_grad(b, loss, 1e-2f)) < kTol);
}

TEST_CASE("linear backward matches finite differences", "[grad]") {
  const int N = 6, I = 5, O = 7;
  auto x = randn(N * I, 1), w = randn(I * O, 2), b = randn(O, 3), R = randn(N * O, 4);
  std::vector<float> out(N * O);
  auto loss = [&] {
    linear_forward(Mat(out.data(), N, O), CMat(x.data(), N, I), CMat(w.data(), I, O),
                   CVec(b.data(), O));
    return dot(out, R);
  };
  std::vector<float> dx(N * I, 0.0f), dw(I * O, 0.0f), db(O, 0.0f);
  linear_backward(Mat(dx.data(), N, I), Mat(dw.data(), I, O), Vec(db.data(), O),
                  CMat(R.data(), N, O), CMat(x.data(), N, I), CMat(w.data(), I, O));
  CHECK(rel_error(dx, numeric_grad(x, loss, 1e-2f)) < kTol);
  CHECK(rel_error(dw, numeric_grad(w, loss, 1e-2f)) < kTol);
  CHECK(rel_error(db, numeric_grad(b, loss, 1e-2f)) < kTol);
}

TEST_CASE("gelu backward matches finite differences", "[grad]") {
  const int N = 4, C = 9;
  auto x = randn(N * C, 1, 2.0f), R = randn(N * C, 2);
  std::vector<float> out(N * C);
  auto loss = [&] {
    gelu_forward(Mat(out.data(), N, C), CMat(x.data(), N, C));
    return dot(out, R);
  };
  std::vector<float> dx(N * C, 0.0f);
  gelu_backward(Mat(dx.data(), N, C), CMat(R.data(), N, C), CMat(x.data(), N, C));
  CHECK(rel_error(dx, numeric_grad(x, loss, 1e-3f)) < kTol);
}

TEST_CASE("gelu matches the tanh formula at known points", "[grad]") {
  float x[3] = {-1.0f, 0.0f, 2.0f}, y[3];
  gelu_forward(Mat(y, 1, 3), CMat(x, 1, 3));
  // torch.nn.functional.gelu(torch.tensor([-1., 0., 2.]), approximate="tanh")
  CHECK(y[0] == Approx(-0.15880801f).epsilon(1e-5));
  CHECK(y[1] == 0.0f);
  CHECK(y[2] == Approx(1.95459769f).epsilon(1e-5));
}

// Relative error of attention_backward's dqkv against central differences of sum(y * R).
// qkv, dy and dqkv are column-major (layers.h); the finite differences do not care.
static double attention_grad_error(int B, int T, int H, int C, uint64_t seed) {
  auto qkv = randn(B * T * 3 * C, seed), R = randn(B * T * C, seed + 1);
  std::vector<float> y(B * T * C), probs(B * H * T * T), scratch(attention_scratch_size(T, C / H));
  auto loss = [&] {
    attention_forward(Mat(y.data(), B * T, C), probs.data(), CColMat(qkv.data(), B * T, 3 * C), B, T, H,
                      scratch.data());
    return dot(y, R);
  };
  loss();
  std::vector<float> dqkv(qkv.size(), 0.0f), dy(R.size());
  ColMat(dy.data(), B * T, C) = CMat(R.data(), B * T, C);  // dL/dy, stored column-major
  attention_backward(ColMat(dqkv.data(), B * T, 3 * C), CColMat(dy.data(), B * T, C), probs.data(),
                     CColMat(qkv.data(), B * T, 3 * C), B, T, H, scratch.data());
  return rel_error(dqkv, numeric_grad(qkv, loss, 1e-2f));
}

TEST_CASE("attention backward matches finite differences", "[grad]") {
  CHECK(attention_grad_error(2, 5, 2, 6, 1) < kTol);
}

TEST_CASE("attention backward matches finite differences at the unrolled head widths", "[grad]") {
  // layers.cpp compiles d_head 8, 16, 32 and 64 separately; T = 9 leaves a partial group of keys.
  for (const int dh : {8, 16, 32, 64}) {
    INFO("d_head " << dh);
    CHECK(attention_grad_error(1, 9, 2, 2 * dh, 10 + dh) < kTol);
  }
}

TEST_CASE("attention is causal and rows are distributions", "[attention]") {
  const int B = 1, T = 6, H = 3, C = 6;
  auto qkv = randn(B * T * 3 * C, 5);
  std::vector<float> y(B * T * C), probs(B * H * T * T), scratch(attention_scratch_size(T, C / H));
  attention_forward(Mat(y.data(), B * T, C), probs.data(), CColMat(qkv.data(), B * T, 3 * C), B, T, H,
                    scratch.data());
  for (int h = 0; h < H; ++h)
    for (int i = 0; i < T; ++i) {
      double sum = 0.0;
      for (int j = 0; j < T; ++j) {
        const float p = probs[(h * T + i) * T + j];
        if (j > i) CHECK(p == 0.0f);
        sum += p;
      }
      CHECK(sum == Approx(1.0).epsilon(1e-6));
    }
  // The first position can only attend to itself.
  CHECK(probs[0] == 1.0f);
}

TEST_CASE("cross-entropy backward matches finite differences and ignores masked rows", "[grad]") {
  const int N = 5, V = 7;
  auto logits = randn(N * V, 1, 3.0f);
  const int targets[N] = {0, -1, 6, 3, -1};
  std::vector<float> probs(N * V), losses(N);
  auto loss = [&] {
    return static_cast<double>(
        crossentropy_forward(Mat(probs.data(), N, V), losses.data(), CMat(logits.data(), N, V), targets));
  };
  const double l0 = loss();
  double manual = 0.0;
  for (int r : {0, 2, 3}) manual += losses[r];
  CHECK(l0 == Approx(manual / 3).epsilon(1e-6));
  CHECK(losses[1] == 0.0f);
  std::vector<float> dlogits(N * V);
  crossentropy_backward(Mat(dlogits.data(), N, V), CMat(probs.data(), N, V), targets);
  CHECK(rel_error(dlogits, numeric_grad(logits, loss, 1e-2f)) < kTol);
  for (int c = 0; c < V; ++c) CHECK(dlogits[1 * V + c] == 0.0f);
}

TEST_CASE("embedding backward scatters into the rows that were read", "[grad]") {
  const int B = 2, T = 3, V = 4, C = 2;
  auto wte = randn(V * C, 1), wpe = randn(T * C, 2), R = randn(B * T * C, 3);
  const int tokens[B * T] = {1, 3, 1, 0, 0, 2};
  std::vector<float> out(B * T * C);
  auto loss = [&] {
    embedding_forward(Mat(out.data(), B * T, C), tokens, CMat(wte.data(), V, C),
                      CMat(wpe.data(), T, C), B, T);
    return dot(out, R);
  };
  std::vector<float> dwte(V * C, 0.0f), dwpe(T * C, 0.0f);
  embedding_backward(Mat(dwte.data(), V, C), Mat(dwpe.data(), T, C), CMat(R.data(), B * T, C), tokens, B, T);
  CHECK(rel_error(dwte, numeric_grad(wte, loss, 1e-2f)) < kTol);
  CHECK(rel_error(dwpe, numeric_grad(wpe, loss, 1e-2f)) < kTol);
}

TEST_CASE("qkv projection (column-major output, per-head products) backward matches finite differences", "[grad]") {
  const int N = 5, I = 4, C = 4, H = 2;
  auto x = randn(N * I, 1), w = randn(I * 3 * C, 2), b = randn(3 * C, 3), R = randn(N * 3 * C, 4);
  std::vector<float> out(N * 3 * C);
  auto loss = [&] {
    qkv_forward(ColMat(out.data(), N, 3 * C), CMat(x.data(), N, I), CMat(w.data(), I, 3 * C),
                CVec(b.data(), 3 * C), H);
    return dot(out, R);
  };
  std::vector<float> dx(N * I, 0.0f), dw(I * 3 * C, 0.0f), db(3 * C, 0.0f);
  qkv_backward(Mat(dx.data(), N, I), Mat(dw.data(), I, 3 * C), Vec(db.data(), 3 * C),
               CColMat(R.data(), N, 3 * C), CMat(x.data(), N, I), CMat(w.data(), I, 3 * C), H);
  CHECK(rel_error(dx, numeric_grad(x, loss, 1e-2f)) < kTol);
  CHECK(rel_error(dw, numeric_grad(w, loss, 1e-2f)) < kTol);
  CHECK(rel_error(db, numeric_grad(b, loss, 1e-2f)) < kTol);
}

TEST_CASE("output projection backward (column-major head gradient) matches finite differences", "[grad]") {
  const int N = 6, C = 4, O = 5, H = 2;
  auto y = randn(N * C, 1), w = randn(C * O, 2), b = randn(O, 3), R = randn(N * O, 4);
  std::vector<float> out(N * O);
  auto loss = [&] {
    linear_forward(Mat(out.data(), N, O), CMat(y.data(), N, C), CMat(w.data(), C, O), CVec(b.data(), O));
    return dot(out, R);
  };
  std::vector<float> dy(N * C, 0.0f), dw(C * O, 0.0f), db(O, 0.0f);
  out_proj_backward(ColMat(dy.data(), N, C), Mat(dw.data(), C, O), Vec(db.data(), O), CMat(R.data(), N, O),
                    CMat(y.data(), N, C), CMat(w.data(), C, O), H);
  // dy is column-major: compare element (r, c) with the row-major numeric gradient
  std::vector<float> dy_rows(N * C);
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < C; ++c) dy_rows[r * C + c] = dy[c * N + r];
  CHECK(rel_error(dy_rows, numeric_grad(y, loss, 1e-2f)) < kTol);
  CHECK(rel_error(dw, numeric_grad(w, loss, 1e-2f)) < kTol);
  CHECK(rel_error(db, numeric_grad(b, loss, 1e-2f)) < kTol);
}
