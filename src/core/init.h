// Weight initialisation, including the head-symmetry experiments
// (docs/ARCHITECTURE.md, "The symmetry invariant"): normal(0, 0.02) weights, zero biases, LayerNorm gain 1 / bias 0,
// then per-layer cloning of head slices according to HeadInit.
#pragma once
#include <cstdint>

#include "core/config.h"
#include "core/params.h"

namespace headlab {

// The standard deviation of the noise clone-all-eps adds to every cloned
// weight (the weights themselves have standard deviation 0.02).
constexpr float kDefaultNudge = 1e-3f;

void init_params(float* params, const ParamLayout& layout, const ModelConfig& cfg, HeadInit mode,
                 uint64_t seed, float nudge = kDefaultNudge);

}  // namespace headlab
