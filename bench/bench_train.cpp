// Training throughput of the core on the two benchmark shapes of bench/README.md
// (the same numbers as bench/shapes.json). Prints one table row per shape:
// median ms/step, tokens/s and achieved GFLOP/s from an analytic FLOP count
// (the same count bench/table.py applies to the peers).
//   bench_train [steps=60] [warmup=5] [shape=tiny|small|all] [format=table|json] [threads=1]
// Runs natively and, built with Emscripten, under Node and in Chromium.
// A step is what Session does per optimiser step: zero grads, forward,
// backward, AdamW (clip 1.0) on fresh random tokens. Natively it also reports
// the median CPU time per step (std::clock): on a shared, loaded machine that
// moves far less than wall time, so variants can still be compared (with
// threads it counts every thread's time).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/adamw.h"
#include "core/init.h"
#include "core/parallel.h"
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

#ifdef __EMSCRIPTEN__
const char* const kRunner = "headlab-wasm";
constexpr bool kNative = false;  // clock() follows the wall clock here
#else
const char* const kRunner = "headlab-native";
constexpr bool kNative = true;
#endif

void run(const Shape& s, int steps, int warmup, bool json) {
  Transformer model(s.cfg, s.batch);
  AdamW opt(model.layout());
  init_params(model.params(), model.layout(), s.cfg, HeadInit::Random, 1);
  const int N = s.batch * s.cfg.ctx;
  std::vector<int> tokens(N), targets(N);
  Rng rng(7);
  std::vector<double> ms, cpu_ms;
  for (int i = 0; i < steps + warmup; ++i) {
    for (int j = 0; j < N; ++j) tokens[j] = static_cast<int>(rng.below(s.cfg.vocab));
    for (int j = 0; j < N; ++j) targets[j] = tokens[(j + 1) % N];
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    model.zero_grad();
    model.forward(tokens.data(), targets.data(), s.batch, s.cfg.ctx);
    model.backward();
    opt.step(model.params(), model.grads(), AdamWConfig{});
    const std::clock_t c1 = std::clock();
    const auto t1 = std::chrono::steady_clock::now();
    if (i >= warmup) {
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      cpu_ms.push_back(1000.0 * static_cast<double>(c1 - c0) / CLOCKS_PER_SEC);
    }
  }
  const double m = median(ms), cpu = median(cpu_ms);
  if (json)
    std::printf("{\"runner\": \"%s\", \"shape\": \"%s\", \"ms_per_step\": %.4f, \"tokens\": %d, \"threads\": %d%s}\n",
                kRunner, s.name, m, N, threads(),
                kNative ? (", \"cpu_ms_per_step\": " + std::to_string(cpu)).c_str() : "");
  else
    std::printf("| %-5s | %8.2f | %8.2f | %10.0f | %7.1f |\n", s.name, m, cpu, N / (m / 1000.0),
                step_flops(s.cfg, s.batch) / (m / 1000.0) / 1e9);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 60, warmup = 5;
  std::string which = "all", format = "table";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("steps=", 0) == 0) steps = std::max(1, std::atoi(a.c_str() + 6));
    if (a.rfind("warmup=", 0) == 0) warmup = std::max(0, std::atoi(a.c_str() + 7));
    if (a.rfind("shape=", 0) == 0) which = a.substr(6);
    if (a.rfind("format=", 0) == 0) format = a.substr(7);
    if (a.rfind("threads=", 0) == 0) set_threads(std::atoi(a.c_str() + 8));
  }
  const Shape shapes[] = {
      {"tiny", {32, 32, 64, 4, 2, 256}, 32},
      {"small", {64, 64, 128, 4, 4, 512}, 16},
  };
  const bool json = format == "json";
  if (!json)
    std::printf("| shape | ms/step  | cpu ms   |  tokens/s  | GFLOP/s |\n"
                "|-------|----------|----------|------------|---------|\n");
  for (const Shape& s : shapes)
    if (which == "all" || which == s.name) run(s, steps, warmup, json);
  return 0;
}
