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

TEST_CASE("a head switched off is the model whose W_o rows for it are zero, and learns nothing", "[grad][model][ablation]") {
  // The whole-model finite-difference test checks the backward pass; this one
  // checks that switching a head off is exactly "its output does not reach W_o".
  const ModelConfig cfg = presets::gpt_pico();  // 2 layers x 2 heads
  const int B = 2, T = 5, dh = cfg.d_head();
  Transformer off(cfg, B), zeroed(cfg, B);
  init_params(off.params(), off.layout(), cfg, HeadInit::Random, 3);
  Rng rng(9);
  for (size_t i = 0; i < off.num_params(); ++i) off.params()[i] += 0.3f * rng.normal();
  std::copy(off.params(), off.params() + off.num_params(), zeroed.params());
  const Slot& wo = off.layout().layers[1].w_o;
  Mat(zeroed.params() + wo.offset, wo.rows, wo.cols).topRows(dh).setZero();
  const int tokens[B * T] = {1, 4, 2, 6, 0, 3, 3, 5, 1, 2};
  const int targets[B * T] = {4, 2, 6, 0, -1, 3, 5, 1, 2, 6};

  const float on = off.forward(tokens, targets, B, T);
  off.set_head_enabled(1, 0, false);
  CHECK_FALSE(off.head_enabled(1, 0));
  CHECK(off.head_enabled(1, 1));
  off.zero_grad();
  zeroed.zero_grad();
  const float loss_off = off.forward(tokens, targets, B, T);
  CHECK(loss_off != on);
  CHECK(loss_off == zeroed.forward(tokens, targets, B, T));
  off.backward();
  zeroed.backward();

  const float* G = off.grads();
  const LayerSlots& s = off.layout().layers[1];
  const CMat gq = s.w_qkv.view(G), go = s.w_o.view(G);
  const CVec gb = s.b_qkv.vec(G);
  for (int p = 0; p < 3; ++p) {
    CHECK(gq.middleCols(p * cfg.d_model, dh).norm() == 0.0f);  // head 0: nothing to learn
    CHECK(gb.segment(p * cfg.d_model, dh).norm() == 0.0f);
    CHECK(gq.middleCols(p * cfg.d_model + dh, dh).norm() > 0.0f);  // head 1: as usual
  }
  CHECK(go.topRows(dh).norm() == 0.0f);
  CHECK(go.bottomRows(dh).norm() > 0.0f);
  for (const NamedSlot& t : off.layout().tensors()) {
    if (t.name == "blocks.1.attn.w_o") continue;  // differs by design: the zeroed rows still get a gradient
    INFO("tensor " << t.name);
    CHECK(std::memcmp(G + t.slot.offset, zeroed.grads() + t.slot.offset, t.slot.size() * sizeof(float)) == 0);
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
