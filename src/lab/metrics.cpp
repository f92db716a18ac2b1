#include "lab/metrics.h"

#include <algorithm>
#include <cmath>

#include "lab/snapshot.h"

namespace headlab {

const char* role_name(int role) {
  static const char* names[kNumRoles] = {"previous-token", "duplicate-token", "induction", "first-token", "self"};
  return role >= 0 && role < kNumRoles ? names[role] : "?";
}

const char* role_help(int role) {
  static const char* help[kNumRoles] = {
      "attends from each token to the token just before it",
      "attends to earlier copies of the current token",
      ("attends to the token that followed an earlier copy of the current token (prefix matching): "
       "the head that lets a model continue a repeated pattern"),
      "attends to position 0 (often a resting place when nothing else matters)",
      "attends to the current token itself"};
  return role >= 0 && role < kNumRoles ? help[role] : "";
}

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

void role_scores(const float* map, const int* tokens, int T, float* out) {
  double sum[kNumRoles] = {};
  int rows[kNumRoles] = {};
  for (int i = 1; i < T; ++i) {
    const float* row = map + i * T;
    sum[kRolePrevToken] += row[i - 1];
    sum[kRoleFirstToken] += row[0];
    sum[kRoleSelf] += row[i];
    rows[kRolePrevToken]++;
    rows[kRoleFirstToken]++;
    rows[kRoleSelf]++;
    double dup = 0.0, ind = 0.0;
    bool any = false;
    for (int j = 0; j < i; ++j) {
      if (tokens[j] != tokens[i]) continue;
      any = true;
      dup += row[j];
      ind += row[j + 1];
    }
    if (any) {
      sum[kRoleDuplicate] += dup;
      sum[kRoleInduction] += ind;
      rows[kRoleDuplicate]++;
      rows[kRoleInduction]++;
    }
  }
  for (int r = 0; r < kNumRoles; ++r) out[r] = rows[r] > 0 ? static_cast<float>(sum[r] / rows[r]) : 0.0f;
}

}  // namespace headlab
