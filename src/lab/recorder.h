// The Recorder: what a Snapshot says about every head at one step, measured
// on the probe (the same input for every head). One forward and backward pass
// of the probe gives the attention maps and each head's gradient; from those,
// per head and per pair of heads:
//   gradient norm of the head's Q, K, V columns (with biases) and W_o rows, and
//   the cosine between two heads' gradients ("each head gets its own gradient");
//   Jensen-Shannon divergence between two heads' maps and each layer's mean of
//   it (diversity: exactly 0 while a layer's heads are identical);
//   entropy, confidence and role scores of each map (lab/metrics.h).
#pragma once
#include <memory>
#include <vector>

#include "core/task.h"
#include "core/transformer.h"
#include "lab/snapshot.h"

namespace headlab {

// Runs the probe through the model (its gradients are used as scratch and left
// zeroed) and measures it, scoring `roles` (patterns on the probe). step and
// loss are the caller's to fill in.
std::shared_ptr<Snapshot> record_probe(Transformer& model, const std::vector<int>& probe_tokens,
                                       const std::vector<int>& probe_targets, const std::vector<RolePattern>& roles);

// The measurements of *snap from its attention maps (snap->attn, L, H, T set)
// and the probe's gradients `grads` in the model's layout.
void measure_heads(const ParamLayout& layout, const ModelConfig& cfg, const float* grads,
                   const std::vector<RolePattern>& roles, Snapshot* snap);

}  // namespace headlab
