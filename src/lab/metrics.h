// Per-head measurements on attention maps: entropy, confidence, pairwise
// Jensen-Shannon divergence and role scores. Pure functions of the maps
// and the probe tokens, so they are easy to test on hand-made patterns.
#pragma once
#include <vector>

#include "core/task.h"

namespace headlab {

// Mean over rows of the row's entropy (nats). map is [T][T], causal.
float attention_entropy(const float* map, int T);
// Mean over rows of the row's largest weight.
float attention_confidence(const float* map, int T);
// Mean over rows of the Jensen-Shannon divergence between the two maps' rows (nats, in [0, ln 2]).
float attention_js(const float* a, const float* b, int T);

// The generic roles (TransformerLens head-detector style) as patterns on the
// probe tokens; a row counts only where its pattern is defined:
//   previous-token  row i>=1 -> i-1
//   duplicate-token row i -> earlier j with tokens[j] == tokens[i]
//   induction       row i -> j+1 for earlier j with tokens[j] == tokens[i] (prefix matching)
//   first-token     row i>=1 -> 0
//   self            row i>=1 -> i
std::vector<RolePattern> generic_roles(const int* tokens, int T);
// A head's score for a role in [0, 1]: its attention mass on the role's keys,
// averaged over the rows that have any (0 when no row has).
float role_score(const float* map, const RolePattern& role, int T);

}  // namespace headlab
