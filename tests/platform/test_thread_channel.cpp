// The desktop's threads: the trainer's contract (tests/host_contract.h) with
// each run's trainer on a thread of its own (platform/thread_channel.h), a
// pair of them in lockstep, and what only threads have: the UI never waits
// for a step, saves asked for before closing are written, and every command
// may come from the UI thread while the trainers train. Run under
// ThreadSanitizer (HEADLAB_TSAN) these are the race check of the hand-off.
#include <catch.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/checkpoint.h"
#include "host_contract.h"
#include "lab/run_files.h"
#include "platform/file_writer.h"
#include "platform/thread_channel.h"

using namespace headlab;
using Clock = std::chrono::steady_clock;

namespace {

std::unique_ptr<TrainerChannel> thread() { return std::make_unique<ThreadChannel>(); }

// Reads everything a panel could read, so ThreadSanitizer sees those reads.
double touch(const LabView& v) {
  double sum = v.step + v.loss + v.steps_per_sec + static_cast<double>(v.vocab.size() + v.probe.size());
  for (const HistoryPoint& h : v.history) sum += h.loss + h.accuracy;
  for (const auto& s : v.snapshots) {
    for (float a : s->attn) sum += a;
    sum += s->step;
  }
  return sum;
}

std::string temp_path(const char* name) { return std::string("desktop_thread_tests_") + name; }

}  // namespace

TEST_CASE("on a thread: play, pause and step(n)", "[threads]") { contract::trains_pauses_and_steps(thread); }
TEST_CASE("on a thread: reset", "[threads]") { contract::resets(thread); }
TEST_CASE("on a thread: live options and switching heads", "[threads]") { contract::live_options(thread); }
TEST_CASE("on a thread: checkpoints", "[threads]") { contract::checkpoints(thread); }
TEST_CASE("on two threads: compare mode in lockstep, the twin a solo run", "[threads][compare]") {
  contract::compare_in_lockstep(thread);
}
TEST_CASE("on two threads: a kept pair resumes", "[threads][compare]") { contract::pair_resumes(thread); }
TEST_CASE("on a thread: recorded runs", "[threads][replay]") { contract::recorded_runs(thread); }
TEST_CASE("on a thread: faults", "[threads]") { contract::faults(thread); }

TEST_CASE("a save asked for just before closing is written", "[threads]") {
  const std::string path = temp_path("closing.ckpt");
  std::remove(path.c_str());
  {
    RunHost h(thread, presets::run_tiny());
    h.play();
    REQUIRE(contract::until(h, [&] { return h.view().step >= 3; }));
    h.save_file(path);
    h.finish();  // as the window closes
    bool saved = false;
    for (const Notice& n : h.take_notices()) saved = saved || (n.ok && n.text.find("saved checkpoint") == 0);
    CHECK(saved);
  }
  CheckpointData d;
  std::string error;
  REQUIRE(checkpoint_load_file(path, &d, &error));
  CHECK(d.step >= 3);
  std::remove(path.c_str());
}

TEST_CASE("a save that cannot be written is reported", "[threads]") {
  RunHost h(thread, presets::run_tiny());
  REQUIRE(contract::settled(h));
  h.save_file("/nonexistent-folder/x.ckpt");
  std::vector<Notice> notices;
  REQUIRE(contract::until(h, [&] {
    for (Notice& n : h.take_notices()) notices.push_back(n);
    return !notices.empty();
  }));
  CHECK_FALSE(notices[0].ok);
  CHECK(notices[0].text.find("could not save /nonexistent-folder/x.ckpt") == 0);
}

TEST_CASE("frame() never waits for a slow training step", "[threads][slow]") {
  RunOptions big = presets::run_small();
  big.d_model = 128, big.d_mlp = 512, big.batch = 64, big.ctx = 64;
  RunHost h(thread, big);
  REQUIRE(contract::settled(h));
  h.play();
  double longest = 0;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = Clock::now();
    h.frame(0.0);
    touch(h.view());
    longest = std::max(longest, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  h.pause();
  INFO("longest frame() " << longest << " ms");
  CHECK(longest < 250.0);  // a step of this model takes longer; frame() only copies views
}

TEST_CASE("every command from the UI thread while two trainers train", "[threads][stress]") {
  RunHost h(thread, presets::run_tiny());
  REQUIRE(contract::settled(h));
  REQUIRE(h.set_compare("init:clone-all") == "");
  double sum = 0;
  for (int i = 0; i < 300; ++i) {
    switch (i % 9) {
      case 0: h.play(); break;
      case 1: h.pause(); break;
      case 2: h.step(2); break;
      case 3: {
        LiveOptions live = h.view().options.live;
        live.lr = i % 2 ? 1e-3f : 2e-3f;
        h.set_live(live);
        break;
      }
      case 4: h.switch_head({0, i % 2}); break;
      case 5: h.checkpoint(i % 2); break;
      case 6: if (i % 4 == 0) h.reset(presets::run_tiny(static_cast<uint64_t>(i))); break;
      case 7: if (i % 5 == 0) h.set_compare(i % 10 ? "init:clone-all" : ""); break;
      default: h.play(); break;
    }
    h.frame(0.0);
    sum += touch(h.view());
    if (const LabView* twin = h.twin_view()) sum += touch(*twin);
  }
  h.pause();
  REQUIRE(contract::settled(h));
  CHECK(sum != 0);
  if (const LabView* twin = h.twin_view()) CHECK(twin->step == h.view().step);
}

TEST_CASE("FileWriter runs every job in order, also those posted just before finish", "[threads]") {
  FileWriter writer;
  std::vector<int> order;
  for (int i = 0; i < 20; ++i)
    writer.post([&order, i] {
      order.push_back(i);
      return Notice{"job " + std::to_string(i), true};
    });
  writer.finish();
  REQUIRE(order.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(order[i] == i);
  CHECK(writer.take_notices().size() == 20);
}
