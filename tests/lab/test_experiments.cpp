// The claims headlab makes to a reader, checked on the runs it shows: each
// experiment's preset (its seed chosen by scripts/experiments.py from a
// 20-seed sweep, src/lab/measured.h) does what its line on screen says, by
// about the step it says. Margins, not exact steps: the sweep ran on one
// CPU, and -march=native builds round differently on another. The rates
// over many seeds are the sweep's (docs/results/, README.md "What headlab
// shows"); here a few other seeds back the tendencies with wide margins.
// Several thousand steps each, so these cases are hidden ([.experiment])
// from the default run and registered as their own ctest entry in the native build only.
#include <catch.hpp>

#include "lab/lab_helpers.h"
#include "lab/measured.h"
#include "lab/metrics.h"
#include "lab/options.h"
#include "lab/session.h"

using namespace headlab;

namespace {

constexpr float kBadge = 0.4f;  // the grid's badge threshold (ui/panel_why_heads.cpp)

// Held-out accuracy on 16 fresh batches: steadier than the run's 4-batch evaluations.
float accuracy(Session& s) { return s.evaluate(16); }

int role_index(const Session& s, const std::string& name) {
  for (size_t r = 0; r < s.roles().size(); ++r)
    if (s.roles()[r].name == name) return static_cast<int>(r);
  FAIL("no role " << name);
  return -1;
}

// The best head of layer l at role r, on the probe or (heldout) on the held-out batch.
float best(const Snapshot& snap, int l, int r, bool heldout = false) {
  float b = 0;
  for (int h = 0; h < snap.H; ++h)
    b = std::max(b, heldout ? snap.roles_heldout[(static_cast<size_t>(l) * snap.H + h) * snap.R + r] : snap.role(l, h, r));
  return b;
}

// Whether some head of layer l wears role r's badge as the grid draws it: r is its strongest role
// and scores at least kBadge.
bool wears(const Snapshot& snap, int l, int r) {
  for (int h = 0; h < snap.H; ++h) {
    int top = 0;
    for (int k = 1; k < snap.R; ++k)
      if (snap.role(l, h, k) > snap.role(l, h, top)) top = k;
    if (top == r && snap.role(l, h, r) >= kBadge) return true;
  }
  return false;
}

RunOptions preset(const std::string& experiment) {
  Options o;
  REQUIRE(set_option(o, "experiment", experiment, kScopeRun) == "");
  o.run.live.snapshot_every = 20;  // the sweep's resolution for "the first step at which ..."
  return o.run;
}

// Trains to `steps`; returns the first snapshot step at which pred held (-1: never).
template <typename Pred>
int train_until(Session& s, int steps, Pred pred, int found = -1) {
  while (s.step_count() < steps) {
    REQUIRE(s.step());
    const auto& items = s.snapshots().items();
    if (found < 0 && !items.empty() && items.back()->step == s.step_count() && pred(*items.back())) found = s.step_count();
  }
  return found;
}

RunOptions addsub(uint64_t seed, HeadInit init) {
  RunOptions r;
  r.task = "addsub";
  r.layers = 1;
  r.seed = seed;
  r.init = init;
  r.live.snapshot_every = 100;
  return r;
}

}  // namespace

TEST_CASE("symmetry and division, as shown: a head takes the subtraction by about its step and the run learns; "
          "the identical-heads twin stays identical and does not",
          "[.experiment][addsub]") {
  auto s = test::make_session(preset("symmetry"));
  REQUIRE(s->options().seed == static_cast<uint64_t>(measured::kAddsubSeed));
  const int sub = role_index(*s, "subtract");
  const int first = train_until(*s, 2000, [&](const Snapshot& snap) { return best(snap, 0, sub) >= kBadge; });
  WARN("seed " << measured::kAddsubSeed << ": first subtracting head at step " << first << " (sweep: "
               << measured::kAddsubSubtracter << ")");
  CHECK(first > 0);
  CHECK(first <= 2 * measured::kAddsubSubtracter + 200);
  CHECK(accuracy(*s) >= 0.9f);

  RunOptions twin = preset("symmetry");
  twin.init = HeadInit::CloneAll;  // compare=init:clone-all
  auto c = test::make_session(twin);
  train_until(*c, 2000, [](const Snapshot&) { return false; });
  CHECK(c->snapshots().items().back()->diversity[0] == 0.0f);
  CHECK(accuracy(*c) < 0.5f);
}

TEST_CASE("division, as shown: switch the subtracter off at step 1,000 and the seed does what its line says",
          "[.experiment][addsub]") {
  auto s = test::make_session(preset("division"));
  train_until(*s, 1000, [](const Snapshot&) { return false; });
  const int sub = role_index(*s, "subtract");
  const Snapshot& before = *s->snapshots().items().back();
  int subtracter = 0;
  for (int h = 1; h < before.H; ++h)
    if (before.role(0, h, sub) > before.role(0, subtracter, sub)) subtracter = h;
  REQUIRE(before.role(0, subtracter, sub) >= kBadge);
  RunOptions off = s->options();
  off.live.off = {{0, subtracter}};
  REQUIRE(s->update_hyperparameters(off) == "");
  CHECK(accuracy(*s) < 0.3f);  // the job is gone
  if (measured::kAddsubTakeoverSteps >= 0) {
    // ... and another head does it again, within a margin of this seed's measured steps.
    train_until(*s, 1000 + 2 * measured::kAddsubTakeoverSteps + 300, [](const Snapshot&) { return false; });
    CHECK(accuracy(*s) > 0.85f);
    const Snapshot& after = *s->snapshots().items().back();
    int heir = -1;
    for (int h = 0; h < after.H; ++h)
      if (h != subtracter && after.role(0, h, sub) >= kBadge) heir = h;
    CHECK(heir >= 0);
  } else {
    train_until(*s, 1000 + measured::kTakeoverWindow, [](const Snapshot&) { return false; });
    CHECK(accuracy(*s) < 0.5f);  // the line says this seed does not recover
  }
}

TEST_CASE("composition, as shown: two layers of identical heads learn addsub, layer 0 fetching b at + and "
          "layer 1 reading +, each layer's heads identical throughout",
          "[.experiment][addsub]") {
  auto s = test::make_session(preset("composition"));
  REQUIRE(s->options().init == HeadInit::CloneAll);
  const int fetch = role_index(*s, "b at +"), read = role_index(*s, "reads +");
  const int first = train_until(*s, 2000, [&](const Snapshot& snap) {
    return wears(snap, 0, fetch) && wears(snap, 1, read);
  });
  WARN("seed " << measured::kCompositionSeed << ": composed at step " << first << " (sweep: " << measured::kComposed << ")");
  CHECK(first > 0);
  CHECK(first <= 2 * measured::kComposed + 200);
  CHECK(accuracy(*s) >= 0.9f);
  for (const auto& snap : s->snapshots().items()) {
    INFO("step " << snap->step);
    CHECK(snap->diversity[0] == 0.0f);
    CHECK(snap->diversity[1] == 0.0f);
  }
}

TEST_CASE("redundancy, as shown: the layer-1 heads converge on induction and any single one can go",
          "[.experiment][induction]") {
  auto s = test::make_session(preset("redundancy"));
  train_until(*s, 2000, [](const Snapshot&) { return false; });
  const Snapshot& snap = *s->snapshots().items().back();
  const int induct = role_index(*s, "induction");
  CHECK(snap.ablation_base_accuracy > 0.9f);
  int inducting = 0;
  for (int h = 0; h < snap.H; ++h) {
    INFO("layer 1, head " << h);
    inducting += snap.role(1, h, induct) >= kBadge;
    CHECK(snap.head(snap.ablation_accuracy, 1, h) > snap.ablation_base_accuracy - 0.05f);
  }
  CHECK(inducting >= 3);
  // ... but the lookup itself is needed: without all four the task fails.
  RunOptions all_off = s->options();
  for (int h = 0; h < snap.H; ++h) all_off.live.off.push_back({1, h});
  REQUIRE(s->update_hyperparameters(all_off) == "");
  CHECK(accuracy(*s) < 0.2f);
}

TEST_CASE("coreference, as shown: at the clue a head looks back at the referent, for creatures' clues and for "
          "places', on held-out sentences",
          "[.experiment][coref]") {
  auto s = test::make_session(preset("coreference"));
  const int who = role_index(*s, "who"), where = role_index(*s, "where");
  const int first = train_until(*s, 1000, [&](const Snapshot& snap) {
    return best(snap, 0, who, true) >= 0.9f && best(snap, 0, where, true) >= 0.9f;
  });
  WARN("seed " << measured::kCorefSeed << ": resolved at step " << first << " (sweep: " << measured::kCorefResolvedStep << ")");
  CHECK(first > 0);
  CHECK(first <= 2 * measured::kCorefResolvedStep + 200);
  CHECK(accuracy(*s) >= 0.9f);
}

TEST_CASE("other seeds, wide margins: random heads learn addsub in one layer; identical heads rarely do",
          "[.experiment][addsub][seeds]") {
  // Seeds 1-3 are not the sweep's (100-119): its rates are in README.md.
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    auto random = test::make_session(addsub(seed, HeadInit::Random));
    train_until(*random, 2000, [](const Snapshot&) { return false; });
    const float acc = accuracy(*random);
    CHECK(acc >= 0.9f);
    auto clone = test::make_session(addsub(seed, HeadInit::CloneAll));
    train_until(*clone, 2000, [](const Snapshot&) { return false; });
    const float clone_acc = accuracy(*clone);
    CHECK(clone->snapshots().items().back()->diversity[0] == 0.0f);
    CHECK(clone_acc < 0.5f);
    WARN("addsub seed " << seed << ": random " << acc << ", clone-all " << clone_acc);
  }
}
