// The GEMM ceiling: what Eigen's matrix product alone achieves, single thread,
// on the projections one training step of each benchmark shape runs
// (bench/README.md). For every linear layer [in -> out] over N = batch*ctx rows:
//   forward  Y  = X W        [N,in] x [in,out]
//   backward dX = dY W^T     [N,out] x [out,in]
//            dW = X^T dY     [in,N] x [N,out]
// with the model's row-major layout. Attention's per-head products are left
// out: they are small, and how fast they run is the model's business.
// Each product is timed alone (median of `reps` after `warmup` calls), so the
// table shows which layout is slow.
//   bench_gemm [reps=30] [warmup=3] [shape=tiny|small|all] [format=table|json] [kernel=eigen|headlab]
// kernel=headlab times core/gemm.h's kernel instead of Eigen's product.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/gemm.h"

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Shape {
  const char* name;
  int vocab, ctx, d_model, d_mlp, n_layers, batch;
};

struct Linear {
  int in, out, count;  // count: how many such layers one step runs
};

struct Gemm {
  RowMat x, w, y, dy, dx, dw;
  explicit Gemm(int n, const Linear& l)
      : x(RowMat::Random(n, l.in)),
        w(RowMat::Random(l.in, l.out)),
        y(n, l.out),
        dy(RowMat::Random(n, l.out)),
        dx(RowMat::Zero(n, l.in)),
        dw(RowMat::Zero(l.in, l.out)) {}
  void forward() {
    if (own) headlab::gemm(y, x, w, false);
    else y.noalias() = x * w;
  }
  void backward_input() {
    if (own) headlab::gemm(dx, dy, w.transpose(), true);
    else dx.noalias() += dy * w.transpose();
  }
  void backward_weight() {
    if (own) headlab::gemm(dw, x.transpose(), dy, true);
    else dw.noalias() += x.transpose() * dy;
  }
  bool own = false;  // headlab's kernel (core/gemm.h) instead of Eigen's product
};

// Median ms of `reps` calls of one product, after `warmup` calls (caches,
// first touch, and in a browser the optimising compiler's tier-up).
template <typename F>
double time_ms(F&& product, int reps, int warmup) {
  for (int r = 0; r < warmup; ++r) product();
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    product();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

#ifdef __EMSCRIPTEN__
const char* const kRunner = "gemm-wasm";
#else
const char* const kRunner = "gemm-native";
#endif

void run(const Shape& s, int reps, int warmup, bool json, bool own) {
  const int N = s.batch * s.ctx, C = s.d_model, F = s.d_mlp, L = s.n_layers;
  const std::vector<Linear> linears = {{C, 3 * C, L}, {C, C, L}, {C, F, L}, {F, C, L}, {C, s.vocab, 1}};
  double total_ms = 0, total_flops = 0;
  const std::string runner = std::string(kRunner) + (own ? "-kernel" : "");
  for (const Linear& l : linears) {
    Gemm g(N, l);
    g.own = own;
    const double flops = 2.0 * N * l.in * l.out;
    const double ms[3] = {time_ms([&] { g.forward(); }, reps, warmup), time_ms([&] { g.backward_input(); }, reps, warmup),
                          time_ms([&] { g.backward_weight(); }, reps, warmup)};
    const double m = ms[0] + ms[1] + ms[2];
    total_ms += m * l.count;
    total_flops += 3.0 * flops * l.count;
    if (json)
      std::printf("{\"runner\": \"%s-product\", \"shape\": \"%s\", \"n\": %d, \"in\": %d, \"out\": %d, "
                  "\"gflops_xw\": %.2f, \"gflops_dyw\": %.2f, \"gflops_xdy\": %.2f}\n",
                  runner.c_str(), s.name, N, l.in, l.out, flops / ms[0] / 1e6, flops / ms[1] / 1e6, flops / ms[2] / 1e6);
    else
      std::printf("| %-5s | %4d x %4d -> %4d | %7.3f | %6.1f | %6.1f | %6.1f | %6.1f |\n", s.name, N, l.in, l.out, m,
                  3.0 * flops / m / 1e6, flops / ms[0] / 1e6, flops / ms[1] / 1e6, flops / ms[2] / 1e6);
  }
  const double gflops = total_flops / total_ms / 1e6;
  if (json)
    std::printf("{\"runner\": \"%s\", \"shape\": \"%s\", \"gflops\": %.2f, \"ms_per_step\": %.4f}\n", runner.c_str(), s.name,
                gflops, total_ms);
  else
    std::printf("| %-5s | all of one step      | %7.3f | %6.1f | | | |\n", s.name, total_ms, gflops);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 30, warmup = 3;
  bool own = false;
  std::string which = "all", format = "table";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("reps=", 0) == 0) reps = std::max(1, std::atoi(a.c_str() + 5));
    if (a == "kernel=headlab") own = true;
    if (a.rfind("warmup=", 0) == 0) warmup = std::max(0, std::atoi(a.c_str() + 7));
    if (a.rfind("shape=", 0) == 0) which = a.substr(6);
    if (a.rfind("format=", 0) == 0) format = a.substr(7);
  }
  // bench/shapes.json: vocab, ctx, d_model, d_mlp, n_layers, batch
  const Shape shapes[] = {{"tiny", 32, 32, 64, 256, 2, 32}, {"small", 64, 64, 128, 512, 4, 16}};
  const bool json = format == "json";
  if (!json)
    std::printf("| shape | GEMM (N x in -> out) | ms (fwd+bwd) | GFLOP/s | X W | dY W^T | X^T dY |\n"
                "|---|---|---|---|---|---|---|\n");
  for (const Shape& s : shapes)
    if (which == "all" || which == s.name) run(s, reps, warmup, json, own);
  return 0;
}
