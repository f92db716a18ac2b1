// The symmetry invariant (docs/ARCHITECTURE.md): heads that start identical
// (clone-all) get identical gradients and stay identical, bit for bit, at
// every width. Any code path that treats one head's slice differently from
// another's (a SIMD packet body next to a scalar tail, a GEMM edge kernel,
// an approximate square root in one and an exact one in the other) breaks it
// for some d_model, so every valid (d_model, heads) pair is swept.
#include <catch.hpp>
#include <cstring>
#include <vector>

#include "core/adamw.h"
#include "core/init.h"
#include "core/rng.h"
#include "core/transformer.h"

using namespace headlab;

namespace {

// Index of the first float where head h's slice of `buf` (a params-shaped
// buffer) differs from head 0's in layer l, or -1 when they are equal:
// Q/K/V columns of W_qkv, their biases, and the rows of W_o that read the head.
long first_difference(const float* buf, const ParamLayout& layout, const ModelConfig& cfg, int l, int h) {
  const int C = cfg.d_model, dh = cfg.d_head();
  const LayerSlots& s = layout.layers[l];
  const CMat w = s.w_qkv.view(buf), o = s.w_o.view(buf);
  const CVec b = s.b_qkv.vec(buf);
  for (int p = 0; p < 3; ++p)
    for (int c = 0; c < dh; ++c) {
      for (int r = 0; r < C; ++r)
        if (w(r, p * C + h * dh + c) != w(r, p * C + c)) return static_cast<long>(r) * 3 * C + p * C + h * dh + c;
      if (b(p * C + h * dh + c) != b(p * C + c)) return p * C + h * dh + c;
    }
  for (int r = 0; r < dh; ++r)
    for (int c = 0; c < C; ++c)
      if (o(h * dh + r, c) != o(r, c)) return static_cast<long>(h * dh + r) * C + c;
  return -1;
}

}  // namespace

TEST_CASE("clone-all heads stay identical at every width: weights, Adam moments and maps", "[symmetry]") {
  constexpr int kSteps = 30, kB = 3, kT = 7;
  int configs = 0;
  for (int C = 4; C <= 64; ++C)
    for (int H = 1; H <= 8; ++H) {
      if (C % H != 0) continue;
      ++configs;
      ModelConfig cfg;
      cfg.vocab = 11;
      cfg.ctx = kT;
      cfg.d_model = C;
      cfg.n_heads = H;
      cfg.n_layers = 2;
      cfg.d_mlp = 2 * C + 3;  // odd widths exercise the shared (non-head) tails too
      Transformer m(cfg, kB);
      init_params(m.params(), m.layout(), cfg, HeadInit::CloneAll, 5);
      AdamW opt(m.layout());
      AdamWConfig oc;
      oc.lr = 1e-2f;   // large steps make any 1-ulp difference grow quickly
      oc.clip = 0.5f;  // and the clipping path runs every step
      Rng rng(C * 97 + H);
      int tokens[kB * kT], targets[kB * kT];
      for (int step = 0; step < kSteps; ++step) {
        for (int i = 0; i < kB * kT; ++i) {
          tokens[i] = static_cast<int>(rng.below(cfg.vocab));
          targets[i] = static_cast<int>(rng.below(cfg.vocab));
        }
        m.zero_grad();
        m.forward(tokens, targets, kB, kT);
        m.backward();
        opt.step(m.params(), m.grads(), oc);
      }
      m.forward(tokens, targets, kB, kT);
      for (int l = 0; l < cfg.n_layers; ++l)
        for (int h = 1; h < H; ++h) {
          INFO("d_model " << C << ", heads " << H << ", layer " << l << ", head " << h);
          CHECK(first_difference(m.params(), m.layout(), cfg, l, h) == -1);
          CHECK(first_difference(opt.m(), m.layout(), cfg, l, h) == -1);
          CHECK(first_difference(opt.v(), m.layout(), cfg, l, h) == -1);
          for (int b = 0; b < kB; ++b) {
            const float* att = m.attention(l) + static_cast<size_t>(b) * H * kT * kT;
            CHECK(std::memcmp(att + static_cast<size_t>(h) * kT * kT, att, sizeof(float) * kT * kT) == 0);
          }
        }
    }
  CHECK(configs == 167);
}
