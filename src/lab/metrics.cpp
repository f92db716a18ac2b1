#include "lab/metrics.h"

#include <algorithm>
#include <cmath>

#include "lab/snapshot.h"

namespace headlab {

// Row 0 can only attend to itself, so it says nothing about a head; every
// average below runs over rows 1..T-1 (or row 0 alone when T == 1).
namespace {
int first_row(int T) { return T > 1 ? 1 : 0; }
}  // namespace

float attention_entropy(const float* map, int T) {
  double total = 0.0;
  for (int i = first_row(T); i < T; ++i) {
    double h = 0.0;
    for (int j = 0; j <= i; ++j) {
      const double p = map[i * T + j];
      if (p > 0.0) h -= p * std::log(p);
    }
    total += h;
  }
  return static_cast<float>(total / (T - first_row(T)));
}

float attention_confidence(const float* map, int T) {
  double total = 0.0;
  for (int i = first_row(T); i < T; ++i) total += *std::max_element(map + i * T, map + i * T + i + 1);
  return static_cast<float>(total / (T - first_row(T)));
}

float attention_js(const float* a, const float* b, int T) {
  double total = 0.0;
  for (int i = first_row(T); i < T; ++i) {
    double js = 0.0;
    for (int j = 0; j <= i; ++j) {
      const double p = a[i * T + j], q = b[i * T + j], m = 0.5 * (p + q);
      if (p > 0.0) js += 0.5 * p * std::log(p / m);
      if (q > 0.0) js += 0.5 * q * std::log(q / m);
    }
    total += std::max(js, 0.0);
  }
  return static_cast<float>(total / (T - first_row(T)));
}

std::vector<RolePattern> generic_roles(const int* tokens, int T) {
  std::vector<RolePattern> roles = {
      {"previous-token", "prev", "attends from each token to the token just before it", {}},
      {"duplicate-token", "dup", "attends to earlier copies of the current token", {}},
      {"induction", "induct",
       "attends to the token that followed an earlier copy of the current token (prefix matching): the head "
       "that lets a model continue a repeated pattern",
       {}},
      {"first-token", "first", "attends to position 0 (often a resting place when nothing else matters)", {}},
      {"self", "self", "attends to the current token itself", {}},
  };
  for (RolePattern& r : roles) r.keys.assign(static_cast<size_t>(T) * T, 0);
  for (int i = 1; i < T; ++i) {
    const size_t row = static_cast<size_t>(i) * T;
    roles[0].keys[row + i - 1] = 1;
    roles[3].keys[row] = 1;
    roles[4].keys[row + i] = 1;
    for (int j = 0; j < i; ++j)
      if (tokens[j] == tokens[i]) roles[1].keys[row + j] = roles[2].keys[row + j + 1] = 1;
  }
  return roles;
}

float role_score(const float* map, const RolePattern& role, int T) {
  double sum = 0.0;
  int rows = 0;
  for (int i = 0; i < T; ++i) {
    const unsigned char* keys = role.keys.data() + static_cast<size_t>(i) * T;
    double mass = 0.0;
    bool any = false;
    for (int j = 0; j <= i; ++j)
      if (keys[j]) mass += map[i * T + j], any = true;
    if (any) sum += mass, ++rows;
  }
  return rows > 0 ? static_cast<float>(sum / rows) : 0.0f;
}

}  // namespace headlab
