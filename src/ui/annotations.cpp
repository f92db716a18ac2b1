#include "ui/annotations.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/panels.h"

namespace headlab::ui {

std::vector<Repeat> repeated_stretches(const std::vector<int>& probe, int min_length, int max_count) {
  const int T = static_cast<int>(probe.size());
  std::vector<Repeat> found;
  for (int i = 1; i < T;) {
    Repeat best;
    for (int j = 0; j < i; ++j) {
      int k = 0;
      while (i + k < T && probe[j + k] == probe[i + k]) ++k;
      if (k > best.length) best = {j, i, k};
    }
    if (best.length >= min_length) {
      found.push_back(best);
      i += best.length;
    } else {
      ++i;
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const Repeat& a, const Repeat& b) { return a.length > b.length; });
  if (static_cast<int>(found.size()) > max_count) found.resize(max_count);
  std::sort(found.begin(), found.end(), [](const Repeat& a, const Repeat& b) { return a.start < b.start; });
  return found;
}

float fitted_scale_max(float max_value, float floor) {
  if (!(max_value > floor)) return floor;
  const float mag = std::pow(10.0f, std::floor(std::log10(max_value)));
  for (float m : {1.0f, 2.0f, 5.0f, 10.0f})
    if (m * mag >= max_value * 0.9999f) return m * mag;
  return 10.0f * mag;
}

std::vector<TimelineEvent> timeline_events(const std::vector<HistoryPoint>& history,
                                           const std::vector<std::shared_ptr<const Snapshot>>& snapshots,
                                           const std::vector<RolePattern>& roles) {
  std::vector<TimelineEvent> out;
  char text[96];
  // Smoothed, so a noisy batch does not count as a drop.
  float smooth = NAN, mark = NAN;
  for (const HistoryPoint& p : history) {
    if (!std::isfinite(p.loss)) continue;
    smooth = std::isnan(smooth) ? p.loss : smooth + (p.loss - smooth) * 0.3f;
    if (std::isnan(mark)) mark = smooth;
    if (smooth <= mark * 0.5f) {
      std::snprintf(text, sizeof text, "loss halved, to %.3g", smooth);
      out.push_back({p.step, TimelineEvent::LossHalved, text});
      mark = smooth;
    }
  }
  std::vector<std::vector<char>> had;  // [l * H + h][role]
  for (const auto& snap : snapshots) {
    const int n = snap->L * snap->H;
    if (static_cast<int>(had.size()) != n) had.assign(n, std::vector<char>(snap->R, 0));
    for (int l = 0; l < snap->L; ++l)
      for (int h = 0; h < snap->H; ++h) {
        float score = 0;
        const int r = top_role(*snap, l, h, &score);
        if (r < 0 || r >= snap->R || had[l * snap->H + h][r]) continue;
        had[l * snap->H + h][r] = 1;
        if (snap->step == 0) continue;  // a pattern random weights happen to draw is no event
        std::snprintf(text, sizeof text, "L%dH%d becomes %s", l, h,
                      r < static_cast<int>(roles.size()) ? roles[r].short_name.c_str() : "?");
        out.push_back({snap->step, TimelineEvent::RoleAppears, text});
      }
  }
  std::stable_sort(out.begin(), out.end(), [](const TimelineEvent& a, const TimelineEvent& b) { return a.step < b.step; });
  return out;
}

std::vector<std::vector<int>> look_alike_heads(const std::vector<std::vector<float>>& rows, float tolerance) {
  const int H = static_cast<int>(rows.size());
  std::vector<int> group_of(H, -1);
  std::vector<std::vector<int>> groups;
  for (int a = 0; a < H; ++a) {
    if (group_of[a] >= 0 || rows[a].empty()) continue;
    std::vector<int> g = {a};
    for (int b = a + 1; b < H; ++b) {
      if (group_of[b] >= 0 || rows[b].size() != rows[a].size()) continue;
      bool same = true;
      for (size_t j = 0; j < rows[a].size() && same; ++j) same = std::fabs(rows[a][j] - rows[b][j]) <= tolerance;
      if (same) g.push_back(b);
    }
    if (g.size() < 2) continue;
    for (int h : g) group_of[h] = static_cast<int>(groups.size());
    groups.push_back(std::move(g));
  }
  return groups;
}

}  // namespace headlab::ui
