// core/parallel.h: a training step gives the same floats on any number of
// threads (products and attention are split so that every element is still
// computed by one thread in one order).
#include <catch.hpp>
#include <algorithm>
#include <vector>

#include "core/adamw.h"
#include "core/init.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/transformer.h"

using namespace headlab;

namespace {

std::vector<float> train(int threads, const ModelConfig& cfg, int batch, int steps) {
  set_threads(threads);
  Transformer model(cfg, batch);
  AdamW opt(model.layout());
  init_params(model.params(), model.layout(), cfg, HeadInit::Random, 3);
  Rng rng(5);
  const int N = batch * cfg.ctx;
  std::vector<int> tokens(N), targets(N);
  for (int s = 0; s < steps; ++s) {
    for (int i = 0; i < N; ++i) tokens[i] = static_cast<int>(rng.below(cfg.vocab));
    for (int i = 0; i < N; ++i) targets[i] = tokens[(i + 1) % N];
    model.zero_grad();
    model.forward(tokens.data(), targets.data(), batch, cfg.ctx);
    model.backward();
    opt.step(model.params(), model.grads(), AdamWConfig{});
  }
  set_threads(1);
  return std::vector<float>(model.params(), model.params() + model.num_params());
}

}  // namespace

TEST_CASE("training gives the same floats on 1, 2 and 3 threads", "[parallel]") {
  ModelConfig cfg{16, 16, 32, 4, 2, 128};  // vocab, ctx, d_model, heads, layers, d_mlp
  const auto one = train(1, cfg, 24, 3);
  for (int threads : {2, 3}) {
    INFO(threads << " threads");
    REQUIRE(train(threads, cfg, 24, 3) == one);
  }
}

TEST_CASE("parallel_for runs every task once", "[parallel]") {
  set_threads(3);
  std::vector<int> hits(100, 0);
  parallel_for(100, [&](int t) { ++hits[t]; });
  set_threads(1);
  CHECK(std::count(hits.begin(), hits.end(), 1) == 100);
}
