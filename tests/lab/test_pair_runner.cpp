// Compare mode: a twin run differing in one option, commanded with the first.
#include <catch.hpp>

#include "lab/pair_runner.h"
#include "presets.h"

using namespace headlab;

namespace {

// The first run and the pair that wraps it.
struct Pair {
  std::unique_ptr<Runner> first;
  std::unique_ptr<PairRunner> pair;
  PairRunner* operator->() { return pair.get(); }
};

Pair make_pair(const RunOptions& r) {
  std::string error;
  Pair p;
  p.first = make_inline_runner(r, &error);
  INFO(error);
  REQUIRE(p.first);
  p.pair = std::make_unique<PairRunner>(make_inline_runner, *p.first);
  return p;
}

}  // namespace

TEST_CASE("compare mode trains a twin with one option changed, in step with the first run", "[compare]") {
  auto p = make_pair(presets::run_small("addsub"));
  CHECK(p->compare_view() == nullptr);
  REQUIRE(p->set_compare("init:clone-all") == "");
  REQUIRE(p->compare_view());
  const LabView& a = p->view();
  const LabView& b = *p->compare_view();
  CHECK(a.options.init == HeadInit::Random);
  CHECK(b.options.init == HeadInit::CloneAll);
  CHECK(b.options.seed == a.options.seed);
  CHECK(changed_options(a.options, b.options, kScopeRunAndLive) == std::vector<std::string>{"init"});

  p->step(12);
  CHECK(a.step == 12);
  CHECK(b.step == 12);
  CHECK(b.snapshots.back()->diversity[0] == 0.0f);
  CHECK(a.snapshots.back()->diversity[0] > 0.0f);

  p->play();
  CHECK(a.playing);
  CHECK(b.playing);
  p->pause();
  CHECK_FALSE(b.playing);

  // A new run for both; a live change for both, the compared option kept.
  RunOptions r = a.options;
  r.seed = 9;
  REQUIRE(p->reset(r) == "");
  CHECK(p->compare_view()->options.seed == 9);
  CHECK(p->compare_view()->options.init == HeadInit::CloneAll);
  r.live.lr = 3e-3f;
  REQUIRE(p->set_hyperparameters(r) == "");
  CHECK(p->compare_view()->options.live.lr == 3e-3f);

  // A bad spec changes nothing; "" ends compare mode.
  CHECK(p->set_compare("init:zeros").rfind("compare: init: expected one of", 0) == 0);
  CHECK(p->compare_spec() == "init:clone-all");
  REQUIRE(p->set_compare("") == "");
  CHECK(p->compare_view() == nullptr);
}

TEST_CASE("comparing a live option keeps the twin's value when the first run's changes", "[compare]") {
  auto p = make_pair(presets::run_small("addsub"));
  REQUIRE(p->set_compare("lr:0.003") == "");
  RunOptions r = p->view().options;
  r.live.clip = 0.5f;
  REQUIRE(p->set_hyperparameters(r) == "");
  CHECK(p->compare_view()->options.live.lr == 0.003f);
  CHECK(p->compare_view()->options.live.clip == 0.5f);
  CHECK(p->view().options.live.lr == r.live.lr);
}

TEST_CASE("a twin the model cannot have is refused whole", "[compare]") {
  auto p = make_pair(presets::run_small("addsub"));  // d-model 32
  CHECK(p->set_compare("heads:5") == "compare: d-model: must be divisible by heads (5), got 32");
  CHECK(p->compare_view() == nullptr);
}

TEST_CASE("a kept pair resumes as a pair: both checkpoints load at their steps", "[compare]") {
  auto p = make_pair(presets::run_small("addsub"));
  REQUIRE(p->set_compare("init:clone-all") == "");
  p->step(7);
  const std::vector<uint8_t> a = p->save_checkpoint(), b = p->save_twin_checkpoint();
  REQUIRE_FALSE(b.empty());

  auto q = make_pair(presets::run_small("addsub"));
  REQUIRE(q->set_compare("init:clone-all") == "");
  REQUIRE(q->load_checkpoint(a) == "");
  CHECK(q->view().step == 7);
  CHECK(q->compare_view()->step == 0);  // loading the first run starts its twin over...
  REQUIRE(q->load_twin_checkpoint(b) == "");
  CHECK(q->compare_view()->step == 7);  // ...until the twin's own checkpoint is loaded
  CHECK(q->compare_view()->options.init == HeadInit::CloneAll);
  // The first run's checkpoint is no twin: it starts over with the pair's settings.
  CHECK(q->load_twin_checkpoint(a) != "");
  CHECK(q->compare_view()->step == 0);
  CHECK(q->compare_view()->options.init == HeadInit::CloneAll);
  p->set_compare("");
  CHECK(p->save_twin_checkpoint().empty());
}
