// Which moment of the run the panels show. Live, it follows the newest
// snapshot, easing from the previous one so maps move instead of jumping.
// Scrubbed or replaying, it shows any step since step 0 as a blend of the two
// recorded snapshots around it. Positions are kept as steps, not indices, so
// the view stays put when the store thins out old snapshots.
#pragma once
#include <memory>
#include <vector>

#include "lab/snapshot.h"

namespace headlab::ui {

using SnapshotList = std::vector<std::shared_ptr<const Snapshot>>;

class Playback {
 public:
  void reset();
  // Advances easing and replay by dt seconds (already clamped by the caller).
  void update(const SnapshotList& snaps, float dt);

  void scrub(float step);  // leaves live mode
  void go_live();
  void replay(float seconds);  // from step 0 to now over `seconds`, then back to live
  void stop_replay() { replaying_ = false; }

  bool live() const { return live_; }
  // True while the picture changes by itself (easing to a new snapshot, replay).
  bool moving() const { return replaying_ || (live_ && t_ < 1.0f); }
  bool replaying() const { return replaying_; }
  float step() const;  // the (interpolated) step on screen

  const std::shared_ptr<const Snapshot>& from() const { return from_; }
  const std::shared_ptr<const Snapshot>& to() const { return to_; }
  float t() const { return t_; }
  // The nearer of the two shown snapshots: source of per-head measurements.
  const Snapshot* nearest() const { return t_ < 0.5f && from_ ? from_.get() : to_.get(); }
  // Blended attention weight of head (l, h), query i, key j.
  float attention(int l, int h, int i, int j) const;

 private:
  void place(const SnapshotList& snaps, float step);

  std::shared_ptr<const Snapshot> from_, to_;
  float t_ = 1.0f;
  bool live_ = true, replaying_ = false;
  float scrub_step_ = 0.0f, replay_rate_ = 0.0f;
};

}  // namespace headlab::ui
