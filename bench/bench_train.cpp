// Training throughput of the core on the two benchmark shapes of bench/README.md.
// Prints one table row per shape: median ms/step, tokens/s and achieved
// GFLOP/s from an analytic FLOP count (the same count the peers use).
//   bench_train [steps=60] [shape=tiny|small|all]
// Runs natively and, built with Emscripten, under Node.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/adamw.h"
#include "core/init.h"
#include "core/rng.h"
#include "core/transformer.h"

using namespace headlab;

namespace {

struct Shape {
  const char* name;
  ModelConfig cfg;
  int batch;
};

// FLOPs of one training step: forward GEMMs (attention counted as full T x T,
// as a framework computes it) times 3 for forward + backward.
double step_flops(const ModelConfig& c, int B) {
  const double N = static_cast<double>(B) * c.ctx, C = c.d_model, F = c.d_mlp, T = c.ctx;
  const double layer = 2 * N * C * 3 * C + 4 * B * T * T * C + 2 * N * C * C + 4 * N * C * F;
  return 3.0 * (c.n_layers * layer + 2 * N * C * c.vocab);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void run(const Shape& s, int steps) {
  Transformer model(s.cfg, s.batch);
  AdamW opt(model.layout());
  init_params(model.params(), model.layout(), s.cfg, HeadInit::Random, 1);
  const int N = s.batch * s.cfg.ctx;
  std::vector<int> tokens(N), targets(N);
  Rng rng(7);
  std::vector<double> ms;
  for (int i = 0; i < steps + 5; ++i) {
    for (int j = 0; j < N; ++j) tokens[j] = static_cast<int>(rng.below(s.cfg.vocab));
    for (int j = 0; j < N; ++j) targets[j] = tokens[(j + 1) % N];
    const auto t0 = std::chrono::steady_clock::now();
    model.zero_grad();
    model.forward(tokens.data(), targets.data(), s.batch, s.cfg.ctx);
    model.backward();
    opt.step(model.params(), model.grads(), AdamWConfig{});
    const auto t1 = std::chrono::steady_clock::now();
    if (i >= 5) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const double m = median(ms);
  std::printf("| %-5s | %8.2f | %10.0f | %7.1f |\n", s.name, m, N / (m / 1000.0),
              step_flops(s.cfg, s.batch) / (m / 1000.0) / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 60;
  std::string which = "all";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "steps=", 6) == 0) steps = std::max(5, std::atoi(argv[i] + 6));
    if (std::strncmp(argv[i], "shape=", 6) == 0) which = argv[i] + 6;
  }
  // The two configurations of issue "Performance" (bench/README.md).
  const Shape shapes[] = {
      {"tiny", {32, 32, 64, 4, 2, 256}, 32},
      {"small", {64, 64, 128, 4, 4, 512}, 16},
  };
  std::printf("| shape | ms/step  |  tokens/s  | GFLOP/s |\n|-------|----------|------------|---------|\n");
  for (const Shape& s : shapes)
    if (which == "all" || which == s.name) run(s, steps);
  return 0;
}
