#include "core/rng.h"

#include <cmath>

namespace headlab {

uint64_t mix_seed(uint64_t seed, uint64_t salt) {
  // splitmix64 finaliser: nearby seeds map to unrelated states.
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (salt + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Rng::reseed(uint64_t seed, uint64_t stream) {
  state_ = 0;
  inc_ = (stream << 1u) | 1u;
  next_u32();
  state_ += mix_seed(seed, stream);
  next_u32();
  has_cached_ = false;
  cached_ = 0.0f;
}

uint32_t Rng::next_u32() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ull + inc_;
  const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  const uint32_t rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

uint32_t Rng::below(uint32_t n) {
  const uint32_t threshold = (0u - n) % n;
  for (;;) {
    const uint32_t r = next_u32();
    if (r >= threshold) return r % n;
  }
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

float Rng::normal() {
  if (has_cached_) {
    has_cached_ = false;
    return cached_;
  }
  // Computed in double so the result does not depend on float contraction choices.
  double u1 = 0.0;
  do {
    u1 = static_cast<double>(next_u32()) * (1.0 / 4294967296.0);
  } while (u1 <= 0.0);
  const double u2 = static_cast<double>(next_u32()) * (1.0 / 4294967296.0);
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 6.283185307179586 * u2;
  cached_ = static_cast<float>(r * std::sin(theta));
  has_cached_ = true;
  return static_cast<float>(r * std::cos(theta));
}

void Rng::restore(const State& s) {
  state_ = s.state;
  inc_ = s.inc;
  cached_ = s.cached;
  has_cached_ = s.has_cached != 0;
}

}  // namespace headlab
