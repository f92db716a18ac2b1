// The GEMM ceiling: what Eigen's matrix product alone achieves, single thread,
// on the projections one training step of each benchmark shape runs
// (bench/README.md). For every linear layer [in -> out] over N = batch*ctx rows:
//   forward  Y  = X W        [N,in] x [in,out]
//   backward dX = dY W^T     [N,out] x [out,in]
//            dW = X^T dY     [in,N] x [N,out]
// with the model's row-major layout. Attention's per-head products are left
// out: they are small, and how fast they run is the model's business.
//   bench_gemm [reps=30] [shape=tiny|small|all] [format=table|json]
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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
  void run() {
    y.noalias() = x * w;
    dx.noalias() += dy * w.transpose();
    dw.noalias() += x.transpose() * dy;
  }
};

#ifdef __EMSCRIPTEN__
const char* const kRunner = "gemm-wasm";
#else
const char* const kRunner = "gemm-native";
#endif

void run(const Shape& s, int reps, bool json) {
  const int N = s.batch * s.ctx, C = s.d_model, F = s.d_mlp, L = s.n_layers;
  const std::vector<Linear> linears = {{C, 3 * C, L}, {C, C, L}, {C, F, L}, {F, C, L}, {C, s.vocab, 1}};
  double total_ms = 0, total_flops = 0;
  for (const Linear& l : linears) {
    Gemm g(N, l);
    g.run();  // warm-up: caches, first-touch
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      g.run();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double m = ms[ms.size() / 2], flops = 3.0 * 2.0 * N * l.in * l.out;
    total_ms += m * l.count;
    total_flops += flops * l.count;
    if (!json)
      std::printf("| %-5s | %4d x %4d -> %4d | %7.3f | %6.1f |\n", s.name, N, l.in, l.out, m, flops / m / 1e6);
  }
  const double gflops = total_flops / total_ms / 1e6;
  if (json)
    std::printf("{\"runner\": \"%s\", \"shape\": \"%s\", \"gflops\": %.2f, \"ms_per_step\": %.4f}\n", kRunner, s.name,
                gflops, total_ms);
  else
    std::printf("| %-5s | all of one step     | %7.3f | %6.1f |\n", s.name, total_ms, gflops);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 30;
  std::string which = "all", format = "table";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("reps=", 0) == 0) reps = std::max(1, std::atoi(a.c_str() + 5));
    if (a.rfind("shape=", 0) == 0) which = a.substr(6);
    if (a.rfind("format=", 0) == 0) format = a.substr(7);
  }
  // bench/shapes.json: vocab, ctx, d_model, d_mlp, n_layers, batch
  const Shape shapes[] = {{"tiny", 32, 32, 64, 256, 2, 32}, {"small", 64, 64, 128, 512, 4, 16}};
  const bool json = format == "json";
  if (!json) std::printf("| shape | GEMM (N x in -> out) | ms (fwd+bwd) | GFLOP/s |\n|---|---|---|---|\n");
  for (const Shape& s : shapes)
    if (which == "all" || which == s.name) run(s, reps, json);
  return 0;
}
