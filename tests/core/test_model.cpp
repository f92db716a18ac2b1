// Whole-model checks: gradient of the full transformer against central
// differences, and determinism of init + training.
#include <catch.hpp>
#include <cstring>

#include "core/adamw.h"
#include "core/gradcheck.h"
#include "core/init.h"
#include "core/transformer.h"
#include "presets.h"

using namespace headlab;
using namespace headlab::test;

namespace {

}  // namespace

TEST_CASE("whole-model gradient matches finite differences on a nano config", "[grad][model]") {
  const ModelConfig cfg = presets::gpt_pico();
  const int B = 2, T = 5;
  Transformer m(cfg, B);
  init_params(m.params(), m.layout(), cfg, HeadInit::Random, 3);
  // Move every tensor away from its init (unit gains, zero biases, tiny weights)
  // so no gradient is trivially zero or symmetric.
  Rng rng(9);
  for (size_t i = 0; i < m.num_params(); ++i) m.params()[i] += 0.3f * rng.normal();
  const int tokens[B * T] = {1, 4, 2, 6, 0, 3, 3, 5, 1, 2};
  const int targets[B * T] = {4, 2, 6, 0, -1, 3, 5, 1, 2, 6};

  m.zero_grad();
  m.forward(tokens, targets, B, T);
  m.backward();
  for (const NamedSlot& t : m.layout().tensors()) {
    std::vector<float> analytic(m.grads() + t.slot.offset, m.grads() + t.slot.offset + t.slot.size());
    std::vector<float> values(m.params() + t.slot.offset, m.params() + t.slot.offset + t.slot.size());
    auto loss = [&] {
      std::copy(values.begin(), values.end(), m.params() + t.slot.offset);
      return static_cast<double>(m.forward(tokens, targets, B, T));
    };
    const std::vector<double> numeric = numeric_grad(values, loss, 1e-2f);
    std::copy(values.begin(), values.end(), m.params() + t.slot.offset);
    INFO("tensor " << t.name);
    CHECK(rel_error(analytic, numeric) < 1e-2);
  }
}

TEST_CASE("position rows beyond the sequence get no gradient", "[grad][model]") {
  const ModelConfig cfg = presets::gpt_pico();
  Transformer m(cfg, 1);
  init_params(m.params(), m.layout(), cfg, HeadInit::Random, 1);
  const int tokens[3] = {1, 2, 3}, targets[3] = {2, 3, 4};
  m.zero_grad();
  m.forward(tokens, targets, 1, 3);
  m.backward();
  const CMat dwpe = m.layout().wpe.view(static_cast<const float*>(m.grads()));
  CHECK(dwpe.topRows(3).norm() > 0.0f);
  CHECK(dwpe.bottomRows(cfg.ctx - 3).norm() == 0.0f);
}

TEST_CASE("same seed gives bit-identical weights after training; another seed does not", "[model][determinism]") {
  const ModelConfig cfg = presets::gpt_pico();
  auto train = [&](uint64_t seed) {
    Transformer m(cfg, 4);
    AdamW opt(m.layout());
    init_params(m.params(), m.layout(), cfg, HeadInit::Random, seed);
    Rng data(seed, 5);
    std::vector<int> tok(4 * 6), tgt(4 * 6);
    for (int step = 0; step < 20; ++step) {
      for (size_t i = 0; i < tok.size(); ++i) tok[i] = static_cast<int>(data.below(7));
      for (size_t i = 0; i < tok.size(); ++i) tgt[i] = tok[(i + 1) % tok.size()];
      m.zero_grad();
      m.forward(tok.data(), tgt.data(), 4, 6);
      m.backward();
      opt.step(m.params(), m.grads(), AdamWConfig{});
    }
    return std::vector<float>(m.params(), m.params() + m.num_params());
  };
  const auto a = train(42), b = train(42), c = train(43);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  CHECK(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)) != 0);
}

TEST_CASE("init follows docs/ARCHITECTURE.md: N(0, 0.02) weights, zero biases, unit LayerNorm gains", "[model][init]") {
  ModelConfig cfg;  // the default tiny config: enough weights for a sample std
  Transformer m(cfg, 1);
  init_params(m.params(), m.layout(), cfg, HeadInit::Random, 7);
  for (const NamedSlot& t : m.layout().tensors()) {
    const CMat v = t.slot.view(static_cast<const float*>(m.params()));
    INFO("tensor " << t.name);
    if (t.kind == ParamKind::Gain) CHECK((v.array() == 1.0f).all());
    if (t.kind == ParamKind::Bias) CHECK((v.array() == 0.0f).all());
    if (t.kind == ParamKind::Weight && v.size() > 1000) {
      const double mean = v.mean();
      const double std = std::sqrt((v.array() - mean).square().mean());
      CHECK(std::abs(mean) < 0.002);
      CHECK(std == Approx(0.02).epsilon(0.05));
    }
  }
}
