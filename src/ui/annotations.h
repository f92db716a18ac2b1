// What the panels compute to explain the data rather than only show it, kept
// free of GL and ImGui drawing so tests/ui checks it: where the probe repeats
// itself, the top of a colour scale that fits its values, the events worth a
// mark on the timeline, and which heads draw (nearly) the same picture.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/task.h"
#include "lab/session.h"
#include "lab/snapshot.h"

namespace headlab::ui {

// Tokens [start, start + length) of the probe repeat tokens [source, source + length).
struct Repeat {
  int source = 0, start = 0, length = 0;
};
// The longest repeats of at least min_length tokens (at most max_count of
// them, in probe order); each position belongs to at most one repeat.
std::vector<Repeat> repeated_stretches(const std::vector<int>& probe, int min_length = 3, int max_count = 4);

// The top of a colour scale for values up to max_value: the next 1-2-5 step
// at or above it, so most of the colours are used; at least `floor`.
float fitted_scale_max(float max_value, float floor);

struct TimelineEvent {
  enum Kind { LossHalved, RoleAppears };
  int step = 0;
  Kind kind = LossHalved;
  std::string text;  // one line for the tooltip, e.g. "L0H1 becomes prev"
};
// Loss: each time the smoothed training loss falls to half its value at the
// previous mark. Roles: the first snapshot at which a head's main role
// (top_role) becomes one it did not have. In step order.
std::vector<TimelineEvent> timeline_events(const std::vector<HistoryPoint>& history,
                                           const std::vector<std::shared_ptr<const Snapshot>>& snapshots,
                                           const std::vector<RolePattern>& roles);

// Heads whose rows differ by at most `tolerance` in every weight, as groups
// of two or more head indices (rows[h] is head h's row; hidden heads have an empty row).
std::vector<std::vector<int>> look_alike_heads(const std::vector<std::vector<float>>& rows, float tolerance);

}  // namespace headlab::ui
