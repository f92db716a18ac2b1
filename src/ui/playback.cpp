#include "ui/playback.h"

#include <algorithm>

namespace headlab::ui {
namespace {
constexpr float kEaseSeconds = 0.35f;  // long enough to see motion, short enough to keep up with training
}

void Playback::reset() { *this = Playback(); }

void Playback::scrub(float step) {
  live_ = false;
  scrub_step_ = std::max(step, 0.0f);
}

void Playback::go_live() {
  live_ = true;
  replaying_ = false;
}

void Playback::replay(float seconds) {
  live_ = false;
  replaying_ = true;
  scrub_step_ = 0.0f;
  replay_rate_ = 1.0f / std::max(seconds, 0.5f);  // fraction of the run per second
}

float Playback::step() const {
  if (!to_) return 0.0f;
  if (!from_ || from_ == to_) return static_cast<float>(to_->step);
  return from_->step + (to_->step - from_->step) * t_;
}

void Playback::place(const SnapshotList& snaps, float step) {
  auto after = std::upper_bound(snaps.begin(), snaps.end(), step,
                                [](float s, const std::shared_ptr<const Snapshot>& p) { return s < p->step; });
  if (after == snaps.begin()) {
    from_ = to_ = snaps.front();
    t_ = 1.0f;
  } else if (after == snaps.end()) {
    from_ = to_ = snaps.back();
    t_ = 1.0f;
  } else {
    from_ = *(after - 1);
    to_ = *after;
    t_ = (step - from_->step) / static_cast<float>(std::max(to_->step - from_->step, 1));
  }
}

void Playback::update(const SnapshotList& snaps, float dt) {
  if (snaps.empty()) {
    from_.reset(), to_.reset();
    return;
  }
  if (replaying_) {
    scrub_step_ += replay_rate_ * dt * static_cast<float>(std::max(snaps.back()->step, 1));
    if (scrub_step_ >= snaps.back()->step) go_live();
  }
  if (!live_) {
    place(snaps, std::min(scrub_step_, static_cast<float>(snaps.back()->step)));
    return;
  }
  if (to_ != snaps.back()) {
    // A new recording: ease from what was on screen's target towards it.
    from_ = to_ && to_->step < snaps.back()->step ? to_ : snaps.back();
    to_ = snaps.back();
    t_ = from_ == to_ ? 1.0f : 0.0f;
  }
  t_ = std::min(1.0f, t_ + dt / kEaseSeconds);
}

float Playback::attention(int l, int h, int i, int j) const {
  const int T = to_->T;
  float b = to_->map(l, h)[i * T + j];
  if (!from_ || from_ == to_ || from_->T != T || from_->H != to_->H || from_->L != to_->L) return b;
  float a = from_->map(l, h)[i * T + j];
  return a + (b - a) * t_;
}

}  // namespace headlab::ui
