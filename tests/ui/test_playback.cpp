// Playback: live easing between snapshots, scrubbing and replay, by step.
#include <catch.hpp>

#include "ui/playback.h"

using namespace headlab;
using namespace headlab::ui;

namespace {

// One layer, one head, T = 1: the single attention weight is `w`.
std::shared_ptr<const Snapshot> snap(int step, float w) {
  auto s = std::make_shared<Snapshot>();
  s->step = step;
  s->L = s->H = s->T = 1;
  s->attn = {w};
  return s;
}

}  // namespace

TEST_CASE("live playback eases from the previous snapshot to a new one", "[ui][playback]") {
  Playback p;
  SnapshotList snaps = {snap(0, 0.0f)};
  p.update(snaps, 0.016f);
  CHECK(p.step() == 0.0f);
  CHECK_FALSE(p.moving());
  snaps.push_back(snap(10, 1.0f));
  p.update(snaps, 0.0f);
  CHECK(p.moving());
  CHECK(p.attention(0, 0, 0, 0) == 0.0f);
  p.update(snaps, 0.1f);
  const float mid = p.attention(0, 0, 0, 0);
  CHECK(mid > 0.0f);
  CHECK(mid < 1.0f);
  CHECK(p.step() == Approx(10 * mid));
  p.update(snaps, 1.0f);
  CHECK_FALSE(p.moving());
  CHECK(p.attention(0, 0, 0, 0) == 1.0f);
  CHECK(p.nearest() == snaps.back().get());
}

TEST_CASE("scrubbing shows a blend of the two snapshots around a step", "[ui][playback]") {
  Playback p;
  const SnapshotList snaps = {snap(0, 0.0f), snap(10, 1.0f), snap(20, 0.5f)};
  p.scrub(15.0f);
  p.update(snaps, 0.016f);
  CHECK_FALSE(p.live());
  CHECK(p.step() == 15.0f);
  CHECK(p.attention(0, 0, 0, 0) == Approx(0.75f));
  p.scrub(99.0f);  // past the end: the newest
  p.update(snaps, 0.0f);
  CHECK(p.step() == 20.0f);
  p.go_live();
  p.update(snaps, 1.0f);
  CHECK(p.live());
}

TEST_CASE("replay runs from step 0 to now, then goes live", "[ui][playback]") {
  Playback p;
  const SnapshotList snaps = {snap(0, 0.0f), snap(100, 1.0f)};
  p.replay(2.0f);
  p.update(snaps, 1.0f);
  CHECK(p.replaying());
  CHECK(p.step() == Approx(50.0f));
  p.update(snaps, 1.5f);
  CHECK_FALSE(p.replaying());
  CHECK(p.live());
}
