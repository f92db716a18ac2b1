// Named sizes for the tests, in the style of minGPT's "gpt-nano": a test
// names the preset it uses instead of writing out its own tiny config.
// Header-only data (no lab code is linked by including it).
#pragma once
#include <cstdint>

#include "core/config.h"
#include "lab/options.h"

namespace headlab::presets {

// Models, for core tests that build a Transformer directly.
inline ModelConfig gpt_pico(int layers = 2) {
  ModelConfig c;
  c.vocab = 7;          // few tokens: finite differences over every parameter stay fast
  c.ctx = 6;            // T
  c.d_model = 8;
  c.n_heads = 2;        // d_head 4
  c.n_layers = layers;  // 1 keeps loops over every byte of a checkpoint fast
  c.d_mlp = 12;
  return c;
}

// bench/'s "small" shape: big enough that Eigen's GEMM blocking is exercised.
inline ModelConfig bench_small(int vocab) {
  ModelConfig c;
  c.vocab = vocab;
  c.ctx = 64;
  c.d_model = 128;
  c.n_heads = 4;
  c.n_layers = 4;
  c.d_mlp = 512;
  return c;
}

// Runs, for lab and platform tests.
// The app's default run at half width over 16 positions, recording densely.
inline RunOptions run_small(const char* task = "induction") {
  RunOptions r;
  r.task = task;
  r.ctx = 16;
  r.d_model = 32;  // 4 heads of 8
  r.d_mlp = 64;
  r.batch = 8;
  r.live.snapshot_every = 5;
  r.live.eval_every = 10;
  return r;
}

// Steps in about a millisecond, even under ThreadSanitizer.
inline RunOptions run_tiny(uint64_t seed = 1) {
  RunOptions r;
  r.task = "induction";
  r.layers = 1;
  r.heads = 2;
  r.d_model = 16;
  r.d_mlp = 32;
  r.ctx = 16;
  r.batch = 4;
  r.seed = seed;
  r.live.snapshot_every = 2;
  r.live.eval_every = 10;
  return r;
}

}  // namespace headlab::presets
