// The Recorder's per-head measurements on hand-made gradients and maps.
#include <catch.hpp>
#include <cmath>

#include "core/params.h"
#include "lab/metrics.h"
#include "lab/recorder.h"

using namespace headlab;

TEST_CASE("head gradients: norms per Q/K/V/O slice and the cosine between heads", "[recorder]") {
  ModelConfig cfg;
  cfg.vocab = 5;
  cfg.ctx = 3;
  cfg.d_model = 4;
  cfg.n_heads = 2;  // d_head 2
  cfg.n_layers = 1;
  cfg.d_mlp = 4;
  const ParamLayout layout(cfg);
  std::vector<float> grads(layout.size(), 0.0f);
  const LayerSlots& s = layout.layers[0];
  Mat qkv = s.w_qkv.view(grads.data());
  Mat wo = s.w_o.view(grads.data());
  qkv(0, 0) = 3;                      // head 0: Q
  wo(0, 0) = 4;                       // head 0: its first W_o row
  qkv(1, 2 * cfg.d_model + 2) = 3;    // head 1: V
  wo(2, 0) = 4;                       // head 1: its first W_o row

  Snapshot snap;
  snap.L = 1, snap.H = 2, snap.T = 3;
  // Both heads attend uniformly over the causal prefix.
  const std::vector<float> uniform = {1, 0, 0, 0.5f, 0.5f, 0, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f};
  snap.attn = uniform;
  snap.attn.insert(snap.attn.end(), uniform.begin(), uniform.end());
  const int probe[3] = {1, 2, 1};
  measure_heads(layout, cfg, grads.data(), generic_roles(probe, 3), &snap);

  CHECK(snap.head(snap.grad_norm, 0, 0) == 5.0f);
  CHECK(snap.head(snap.grad_norm, 0, 1) == 5.0f);
  CHECK(snap.grad_qkvo == std::vector<float>{3, 0, 0, 4, 0, 0, 3, 4});
  // Only the W_o rows overlap: 4 * 4 / (5 * 5).
  CHECK(snap.pair(snap.grad_cos, 0, 0, 1) == Approx(0.64f));
  CHECK(snap.pair(snap.grad_cos, 0, 1, 1) == 1.0f);
  // Identical maps: no divergence, and the layer's diversity is exactly 0.
  CHECK(snap.pair(snap.js, 0, 0, 1) == 0.0f);
  CHECK(snap.diversity[0] == 0.0f);
  // Means over the rows that have a choice (row 0 can only look at itself).
  CHECK(snap.head(snap.entropy, 0, 0) == Approx((std::log(2.0) + std::log(3.0)) / 2));
  CHECK(snap.head(snap.confidence, 0, 1) == Approx((0.5 + 1 / 3.0) / 2));
  CHECK(snap.R == 5);
  CHECK(snap.role(0, 0, 0) == Approx(0.5 * (0.5 + 1 / 3.0)));  // previous-token: rows 1 and 2
}
