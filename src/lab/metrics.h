// Per-head measurements on attention maps: entropy, confidence, pairwise
// Jensen-Shannon divergence and role scores. Pure functions of the maps
// and the probe tokens, so they are easy to test on hand-made patterns.
#pragma once
#include <vector>

namespace headlab {

// Mean over rows of the row's entropy (nats). map is [T][T], causal.
float attention_entropy(const float* map, int T);
// Mean over rows of the row's largest weight.
float attention_confidence(const float* map, int T);
// Mean over rows of the Jensen-Shannon divergence between the two maps' rows (nats, in [0, ln 2]).
float attention_js(const float* a, const float* b, int T);

// Role scores in [0, 1]: for each query row where the role's pattern is
// defined, the attention mass on the pattern's positions, averaged over those
// rows (0 when no row qualifies):
//   previous-token  row i>=1 -> i-1
//   duplicate-token row i -> earlier j with tokens[j] == tokens[i]
//   induction       row i -> j+1 for earlier j with tokens[j] == tokens[i] (prefix matching)
//   first-token     row i>=1 -> 0
//   self            row i>=1 -> i
void role_scores(const float* map, const int* tokens, int T, float* out /* kNumRoles */);

}  // namespace headlab
