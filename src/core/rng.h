// Deterministic random numbers for everything headlab samples (weights,
// batches, probes). We use our own PCG32 and Box-Muller normal instead of
// <random>'s distributions because libstdc++ (desktop) and libc++ (web)
// produce different streams from the same seed.
#pragma once
#include <cstdint>

namespace headlab {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0, uint64_t stream = 0) { reseed(seed, stream); }

  void reseed(uint64_t seed, uint64_t stream = 0);
  uint32_t next_u32();
  // Uniform integer in [0, n) without modulo bias; n must be > 0.
  uint32_t below(uint32_t n);
  // Uniform float in [0, 1) with 24 random bits.
  float uniform();
  // Standard normal sample (Box-Muller, cached second value).
  float normal();

  // Full state, so checkpoints can resume a run exactly.
  struct State {
    uint64_t state, inc;
    float cached;
    uint32_t has_cached;
  };
  State save() const { return {state_, inc_, cached_, has_cached_ ? 1u : 0u}; }
  void restore(const State& s);

 private:
  uint64_t state_ = 0, inc_ = 1;
  float cached_ = 0.0f;
  bool has_cached_ = false;
};

// Derives independent seeds for sub-streams (init, data, probe...) from one user seed.
uint64_t mix_seed(uint64_t seed, uint64_t salt);

}  // namespace headlab
