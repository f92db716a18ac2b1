// The contract every transport of the trainer keeps (lab/trainer_client.h):
// the same cases, driven as the UI drives a RunHost (frame(), then view(),
// commands in between), against the trainer in the same loop
// (lab/direct_channel.h, natively and as WebAssembly under Node), a trainer
// that answers a frame late (tests/lab/test_run_host.cpp) and the desktop's
// thread (platform/thread_channel.h, natively and under ThreadSanitizer).
#pragma once
#include <catch.hpp>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lab/run_host.h"
#include "lab/run_json.h"
#include "presets.h"

namespace headlab::contract {

using Clock = std::chrono::steady_clock;

// Frames like a UI's until pred() holds; false after `seconds`.
inline bool until(RunHost& h, const std::function<bool()>& pred, double seconds = 120.0) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    h.frame(2.0);
    if (pred()) return true;
    if (!h.trains_in_frame()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

inline bool settled(RunHost& h) { return until(h, [&] { return h.idle() && h.view().generation != 0; }); }

inline std::unique_ptr<RunHost> host(const ChannelFactory& make, const RunOptions& r = presets::run_tiny()) {
  auto h = std::make_unique<RunHost>(make, r);
  REQUIRE(settled(*h));
  return h;
}

// Play trains and the UI sees the steps; pause stops them; step(n) runs exactly n.
inline void trains_pauses_and_steps(const ChannelFactory& make) {
  auto h = host(make);
  CHECK(h->view().step == 0);
  h->play();
  CHECK(h->view().playing);  // at once, before the trainer has it
  REQUIRE(until(*h, [&] { return h->view().step >= 5; }));
  h->pause();
  CHECK_FALSE(h->view().playing);
  REQUIRE(settled(*h));
  const int at = h->view().step;
  h->step(7);
  REQUIRE(settled(*h));
  CHECK(h->view().step == at + 7);
  CHECK_FALSE(h->view().playing);
  CHECK(h->view().history.back().step == at + 7);
}

// A new run shows once built, from step 0; invalid options are refused at once and the run goes on.
inline void resets(const ChannelFactory& make) {
  auto h = host(make);
  h->step(4);
  REQUIRE(settled(*h));
  const uint64_t generation = h->view().generation;
  RunOptions r = h->view().options;
  r.seed = 5;
  REQUIRE(h->reset(r) == "");
  REQUIRE(settled(*h));
  CHECK(h->view().generation != generation);
  CHECK(h->view().step == 0);
  CHECK(h->view().options.seed == 5);
  r.heads = 3;  // d-model 16 is not divisible by 3
  CHECK(h->reset(r).find("divisible") != std::string::npos);
  h->step(2);
  REQUIRE(settled(*h));
  CHECK(h->view().step == 2);
  CHECK(h->view().options.seed == 5);
}

// Live options show at once and reach training; a head switched off shows at once and switches back on.
inline void live_options(const ChannelFactory& make) {
  auto h = host(make);
  LiveOptions live = h->view().options.live;
  live.lr = 3e-3f;
  REQUIRE(h->set_live(live) == "");
  CHECK(h->view().options.live.lr == 3e-3f);
  live.clip = -1;
  CHECK(h->set_live(live).find("clip") != std::string::npos);
  REQUIRE(h->switch_head({0, 1}) == "");
  REQUIRE(h->view().options.live.off.size() == 1);  // at once
  h->step(3);
  REQUIRE(settled(*h));
  CHECK(h->view().options.live.lr == 3e-3f);  // as the trainer now has it
  REQUIRE(h->view().options.live.off.size() == 1);
  CHECK(h->view().options.live.off[0] == HeadId{0, 1});
  REQUIRE(h->switch_head({0, 1}) == "");  // a second click: back on
  CHECK(h->view().options.live.off.empty());
  REQUIRE(settled(*h));
  CHECK(h->view().options.live.off.empty());
  CHECK(h->switch_head({3, 0}).find("not a head of this model") != std::string::npos);
}

// A checkpoint comes when asked for, and a run loaded from it goes on exactly as the original.
inline void checkpoints(const ChannelFactory& make) {
  auto a = host(make);
  a->step(6);
  REQUIRE(settled(*a));
  a->checkpoint(0);
  REQUIRE(until(*a, [&] { return !a->checkpoint(0).empty(); }));
  const std::vector<uint8_t> saved = a->checkpoint(0);
  CHECK(a->checkpoint_step(0) == 6);
  auto b = host(make, presets::run_tiny(9));
  REQUIRE(b->load_checkpoint(saved, 0) == "");
  REQUIRE(settled(*b));
  CHECK(b->view().step == 6);
  a->step(5);
  b->step(5);
  REQUIRE(settled(*a));
  REQUIRE(settled(*b));
  CHECK(b->view().loss == a->view().loss);  // bit for bit
  std::vector<uint8_t> broken = saved;
  broken[broken.size() / 2] ^= 0x10;
  CHECK(b->load_checkpoint(broken, 0).find("checksum") != std::string::npos);
  CHECK(b->view().step == 11);
}

// Compare mode: both runs at the same step on screen at every frame, and
// the twin is a solo run of its settings, bit for bit.
inline void compare_in_lockstep(const ChannelFactory& make) {
  const RunOptions r = presets::run_small("addsub");
  auto h = host(make, r);
  REQUIRE(h->set_compare("init:clone-all") == "");
  REQUIRE(h->twin_view());
  REQUIRE(settled(*h));
  CHECK(h->twin_view()->options.init == HeadInit::CloneAll);
  CHECK(changed_options(h->view().options, h->twin_view()->options, kScopeRunAndLive) == std::vector<std::string>{"init"});
  h->play();
  int frames = 0, apart = 0;
  REQUIRE(until(*h, [&] {
    const LabView &a = h->view(), &b = *h->twin_view();
    ++frames;
    if (a.step != b.step) ++apart;
    if (!a.snapshots.empty() && !b.snapshots.empty() && a.snapshots.back()->step != b.snapshots.back()->step) ++apart;
    return a.step >= 30;
  }));
  h->pause();
  REQUIRE(settled(*h));
  INFO(frames << " frames looked at");
  CHECK(apart == 0);
  h->step(3);
  REQUIRE(settled(*h));
  const LabView twin = *h->twin_view();
  CHECK(twin.step == h->view().step);
  CHECK(twin.snapshots.back()->diversity[0] == 0.0f);
  CHECK(h->view().snapshots.back()->diversity[0] > 0.0f);

  RunOptions solo_options = r;
  solo_options.init = HeadInit::CloneAll;
  auto solo = host(make, solo_options);
  solo->step(twin.step);
  REQUIRE(settled(*solo));
  const LabView& s = solo->view();
  REQUIRE(s.step == twin.step);
  REQUIRE(s.history.size() == twin.history.size());
  for (size_t i = 0; i < s.history.size(); ++i) CHECK(s.history[i].loss == twin.history[i].loss);
  CHECK(s.snapshots.back()->attn == twin.snapshots.back()->attn);

  // A switch applies to both runs; a bad spec changes nothing; "" ends compare mode.
  REQUIRE(h->switch_head({0, 2}) == "");
  CHECK(h->view().options.live.off.size() == 1);
  CHECK(h->twin_view()->options.live.off.size() == 1);
  CHECK(h->set_compare("init:zeros").rfind("compare: init: expected one of", 0) == 0);
  CHECK(h->compare_spec() == "init:clone-all");
  CHECK(h->set_compare("heads:5") == "compare: d-model: must be divisible by heads (5), got 32");
  REQUIRE(h->set_compare("") == "");
  CHECK(h->twin_view() == nullptr);
  h->step(2);
  REQUIRE(settled(*h));
}

// A kept pair resumes as a pair: the first run, then its twin, at their steps.
inline void pair_resumes(const ChannelFactory& make) {
  auto h = host(make, presets::run_small("addsub"));
  REQUIRE(h->set_compare("init:clone-all") == "");
  h->step(7);
  REQUIRE(settled(*h));
  h->checkpoint(0), h->checkpoint(1);
  REQUIRE(until(*h, [&] { return !h->checkpoint(0).empty() && !h->checkpoint(1).empty(); }));
  const std::vector<uint8_t> a = h->checkpoint(0), b = h->checkpoint(1);
  auto q = host(make, presets::run_small("addsub"));
  REQUIRE(q->set_compare("init:clone-all") == "");
  REQUIRE(q->load_checkpoint(a, 0) == "");
  REQUIRE(q->load_checkpoint(b, 1) == "");
  REQUIRE(settled(*q));
  CHECK(q->view().step == 7);
  CHECK(q->twin_view()->step == 7);
  CHECK(q->twin_view()->options.init == HeadInit::CloneAll);
  q->step(4);  // the pair's lockstep holds after resuming
  REQUIRE(settled(*q));
  CHECK(q->view().step == 11);
  CHECK(q->twin_view()->step == 11);
  CHECK(q->load_checkpoint(a, 1) != "");  // the first run's checkpoint is no twin: it starts over
}

// A recorded run read in pieces shows as recorded; nothing trains it until "Train it yourself".
inline void recorded_runs(const ChannelFactory& make) {
  auto solo = host(make, presets::run_small("addsub"));
  solo->step(12);
  REQUIRE(settled(*solo));
  std::ostringstream file;
  write_run_json(file, solo->view());
  const std::string text = file.str();

  auto h = host(make);
  h->open_begin("run.json");
  for (size_t at = 0; at < text.size(); at += 997)
    h->open_data(reinterpret_cast<const uint8_t*>(text.data()) + at, std::min<size_t>(997, text.size() - at));
  h->open_end();
  REQUIRE(until(*h, [&] { return h->open_result() != "pending" && h->idle(); }));
  REQUIRE(h->open_result() == "");
  CHECK(h->view().recorded == "run.json");
  CHECK(h->view().step == 12);
  CHECK(h->view().options.task == "addsub");
  h->play();
  h->step(3);
  REQUIRE(settled(*h));
  CHECK(h->view().step == 12);  // nothing trains
  CHECK(h->set_live(h->view().options.live).find("recorded run") != std::string::npos);
  CHECK(h->set_compare("init:clone-all").find("recorded run") != std::string::npos);
  REQUIRE(h->reset(h->view().options) == "");  // "Train it yourself"
  REQUIRE(settled(*h));
  CHECK(h->view().recorded.empty());
  CHECK(h->view().step == 0);
  h->step(2);
  REQUIRE(settled(*h));
  CHECK(h->view().step == 2);

  // A broken file is refused with the reader's message; the run shown stays.
  h->open_begin("broken.json");
  const std::string half = text.substr(0, text.size() / 2);
  h->open_data(reinterpret_cast<const uint8_t*>(half.data()), half.size());
  h->open_end();
  REQUIRE(until(*h, [&] { return h->open_result() != "pending" && h->idle(); }));
  CHECK(h->open_result().find("the text ends before the document does") != std::string::npos);
  CHECK(h->view().recorded.empty());
  CHECK(h->view().step == 2);
}

// A run that diverges stops playing; restoring the last good state lets it play again.
inline void faults(const ChannelFactory& make) {
  RunOptions r = presets::run_tiny();
  r.live.lr = 1e6f;
  r.live.clip = 0;
  auto h = host(make, r);
  h->play();
  REQUIRE(until(*h, [&] { return h->view().fault != Fault::None && !h->view().playing; }));
  h->restore_last_good();
  LiveOptions live = h->view().options.live;
  live.lr = 1e-3f;
  REQUIRE(h->set_live(live) == "");
  REQUIRE(settled(*h));
  CHECK(h->view().fault == Fault::None);
  const int at = h->view().step;
  h->step(2);
  REQUIRE(settled(*h));
  CHECK(h->view().step == at + 2);
}

}  // namespace headlab::contract
