// ThreadedRunner and FileWriter: the desktop's threads. Each test drives the
// runner the way the UI thread does (frame() then view(), commands in
// between) while the worker trains. Run under ThreadSanitizer (HEADLAB_TSAN)
// these tests are the race check of the hand-off; natively they check its
// behaviour: progress, ordering, no stale views, no lost saves.
#include <catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <thread>

#include "core/checkpoint.h"
#include "lab/run_files.h"
#include "platform/file_writer.h"
#include "platform/threaded_runner.h"
#include "presets.h"

using namespace headlab;
using Clock = std::chrono::steady_clock;

namespace {

RunOptions tiny(uint64_t seed = 1) { return presets::run_tiny(seed); }

// Calls frame() like a UI would until pred(view) holds; false after `seconds`.
bool frames_until(ThreadedRunner& r, const std::function<bool(const LabView&)>& pred, double seconds = 60.0) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    r.frame(0.0);
    if (pred(r.view())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

ThreadedRunner::SessionFactory create(const RunOptions& r) {
  return [r](std::string* error) { return Session::create(r, error); };
}

// A runner whose first run is on screen.
std::unique_ptr<ThreadedRunner> make(const RunOptions& r) {
  auto runner = std::make_unique<ThreadedRunner>(create(r));
  REQUIRE(frames_until(*runner, [](const LabView& v) { return v.generation != 0; }));
  REQUIRE(runner->has_run());
  return runner;
}

// Reads everything a panel could read, so ThreadSanitizer sees those reads.
double touch(const LabView& v) {
  double sum = v.step + v.loss + v.steps_per_sec + static_cast<double>(v.vocab.size() + v.probe.size());
  for (const HistoryPoint& h : v.history) sum += h.loss + h.accuracy;
  for (const auto& s : v.snapshots) {
    for (float a : s->attn) sum += a;
    for (float g : s->grad_norm) sum += g;
    sum += s->step;
  }
  return sum;
}

std::string temp_path(const char* name) { return std::string("desktop_thread_tests_") + name; }

}  // namespace

TEST_CASE("playing trains on the worker and the UI sees the steps", "[threads]") {
  auto r = make(tiny());
  CHECK(r->view().step == 0);
  CHECK_FALSE(r->view().playing);
  r->play();
  r->frame(0.0);
  CHECK(r->view().playing);
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 30 && v.snapshots.size() > 3; }));
  r->pause();
  r->frame(0.0);
  CHECK_FALSE(r->view().playing);
  // Once paused, the last hand-over arrives and the step stays put.
  REQUIRE(frames_until(*r, [&](const LabView&) {
    const int s = r->view().step;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    r->frame(0.0);
    return r->view().step == s;
  }));
}

TEST_CASE("step(n) runs exactly n steps and stays paused", "[threads]") {
  auto r = make(tiny());
  r->step(7);
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step == 7; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  r->frame(0.0);
  CHECK(r->view().step == 7);
  CHECK_FALSE(r->view().playing);
}

TEST_CASE("after reset the old run stays still until the new one is shown", "[threads]") {
  auto r = make(tiny(1));
  r->play();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 40; }));
  const uint64_t old_generation = r->view().generation;
  const int old_step = r->view().step;
  REQUIRE(r->reset(tiny(2)).empty());
  CHECK_FALSE(r->view().playing);  // a new run starts paused, as on the web
  // Until the new run arrives, no view the worker made after the request is shown.
  REQUIRE(frames_until(*r, [&](const LabView& v) {
    if (v.generation == old_generation) REQUIRE(v.step == old_step);
    return v.generation != old_generation;
  }));
  CHECK_FALSE(r->starting());
  CHECK(r->view().generation == old_generation + 1);
  CHECK(r->view().step == 0);
  CHECK(r->view().options.seed == 2u);
  r->play();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 5; }));
  CHECK(r->view().options.seed == 2u);
}

TEST_CASE("several resets in a row: only the last run is built and shown", "[threads]") {
  auto r = make(tiny(1));
  const uint64_t g = r->view().generation;
  for (uint64_t seed = 2; seed <= 4; ++seed) REQUIRE(r->reset(tiny(seed)).empty());
  CHECK(r->starting());
  REQUIRE(frames_until(*r, [&](const LabView& v) { return v.generation != g; }));
  CHECK(r->view().generation == g + 3);
  CHECK(r->view().options.seed == 4u);
}

TEST_CASE("start_run announces the new run when asked to", "[threads]") {
  auto r = make(tiny());
  r->start_run(create(tiny(5)), "loaded it");
  std::vector<Notice> n;
  REQUIRE(frames_until(*r, [&](const LabView&) {
    n = r->take_notices();
    return !n.empty();
  }));
  CHECK(n[0].ok);
  CHECK(n[0].text == "loaded it (step 0)");
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.options.seed == 5u; }));
}

TEST_CASE("a first run that cannot be built is reported", "[threads]") {
  ThreadedRunner r([](std::string* error) -> std::unique_ptr<Session> {
    *error = "no such thing";
    return nullptr;
  });
  std::vector<Notice> n;
  REQUIRE(frames_until(r, [&](const LabView&) {
    n = r.take_notices();
    return !n.empty();
  }));
  CHECK_FALSE(n[0].ok);
  CHECK(n[0].text.find("no such thing") != std::string::npos);
  CHECK_FALSE(r.has_run());
  r.play();
  r.step(3);
  r.save_checkpoint_file("never-written.ckpt");
  r.stop();
  CHECK_FALSE(r.has_run());
}

TEST_CASE("invalid options are refused at once and the run goes on", "[threads]") {
  auto r = make(tiny());
  RunOptions bad = tiny();
  bad.d_model = 15;  // not divisible by heads
  CHECK_FALSE(r->reset(bad).empty());
  RunOptions shape = tiny();
  shape.heads = 4;
  CHECK_FALSE(r->set_hyperparameters(shape).empty());
  CHECK(r->view().options.heads == 2);
}

TEST_CASE("a new learning rate shows at once and reaches the training", "[threads]") {
  auto r = make(tiny());
  r->play();
  RunOptions o = r->view().options;
  o.live.lr = 1.25e-3f;
  REQUIRE(r->set_hyperparameters(o).empty());
  CHECK(r->view().options.live.lr == 1.25e-3f);
  r->frame(0.0);
  CHECK(r->view().options.live.lr == 1.25e-3f);  // not undone by a view the worker made before
  std::string error;
  auto copy = Session::load(r->save_checkpoint(), &error);  // waits for the worker: the lr is applied by then
  REQUIRE(copy);
  CHECK(copy->options().live.lr == 1.25e-3f);
}

TEST_CASE("save_checkpoint and load_checkpoint round-trip while training", "[threads]") {
  auto r = make(tiny());
  r->play();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 20; }));
  const std::vector<uint8_t> bytes = r->save_checkpoint();
  std::string error;
  auto saved = Session::load(bytes, &error);
  REQUIRE(saved);
  const int saved_step = saved->step_count();
  CHECK(saved_step >= 20);
  REQUIRE(frames_until(*r, [&](const LabView& v) { return v.step > saved_step + 10; }));
  const uint64_t g = r->view().generation;
  REQUIRE(r->load_checkpoint(bytes).empty());
  CHECK_FALSE(r->view().playing);
  REQUIRE(frames_until(*r, [&](const LabView& v) { return v.generation != g; }));
  CHECK(r->view().step == saved_step);
  CHECK_FALSE(r->load_checkpoint({1, 2, 3}).empty());  // a bad file keeps the run
  CHECK_FALSE(r->starting());
  CHECK(r->view().step == saved_step);
}

TEST_CASE("a save asked for just before closing is written", "[threads]") {
  const std::string path = temp_path("close.ckpt");
  std::remove(path.c_str());
  int step_at_close = 0;
  {
    auto r = make(tiny());
    r->play();
    REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 10; }));
    step_at_close = r->view().step;
    r->save_checkpoint_file(path);
  }  // the destructor stops the worker: queued requests run first
  CheckpointData d;
  std::string error;
  REQUIRE(checkpoint_load_file(path, &d, &error));
  CHECK(d.step >= step_at_close);
  std::remove(path.c_str());
}

TEST_CASE("save_checkpoint_file reports its result", "[threads]") {
  auto r = make(tiny());
  const std::string path = temp_path("notice.ckpt");
  r->save_checkpoint_file(path);
  r->save_checkpoint_file("no-such-directory/x.ckpt");
  r->stop();
  const std::vector<Notice> n = r->take_notices();
  REQUIRE(n.size() == 2);
  CHECK(n[0].ok);
  CHECK(n[0].text.find(path) != std::string::npos);
  CHECK_FALSE(n[1].ok);
  std::remove(path.c_str());
}

TEST_CASE("a fault stops playing; restoring lets it play again", "[threads]") {
  RunOptions o = tiny();
  o.live.lr = 1e6f;
  o.live.clip = 0.0f;
  auto r = make(o);
  r->play();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.fault != Fault::None && !v.playing; }));
  r->play();  // refused: the view says faulted
  r->frame(0.0);
  CHECK_FALSE(r->view().playing);
  r->restore_last_good();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.fault == Fault::None; }));
}

TEST_CASE("frame() never waits for a slow training step", "[threads][slow]") {
  RunOptions o;  // each step takes several milliseconds (far more under ThreadSanitizer)
  o.layers = 2;
  o.heads = 4;
  o.d_model = 128;
  o.d_mlp = 512;
  o.ctx = 32;
  o.batch = 16;
  auto r = make(o);
  r->play();
  REQUIRE(frames_until(*r, [](const LabView& v) { return v.step >= 3; }, 300.0));
  double worst_ms = 0;
  const int start = r->view().step;
  const auto end = Clock::now() + std::chrono::milliseconds(500);
  while (Clock::now() < end) {
    const auto t0 = Clock::now();
    r->frame(0.0);
    worst_ms = std::max(worst_ms, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    touch(r->view());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double ms_per_step = r->view().ms_per_step;
  INFO("worst frame() " << worst_ms << " ms; one step " << ms_per_step << " ms; steps " << r->view().step - start);
  CHECK(worst_ms < std::max(2.0, ms_per_step / 2));
}

TEST_CASE("hammering every command from the UI thread while it trains", "[threads][stress]") {
  auto r = make(tiny());
  r->play();
  uint64_t generation = r->view().generation;
  int starts = 0;
  std::vector<uint8_t> bytes = r->save_checkpoint();
  const std::string path = temp_path("hammer.ckpt");
  uint32_t x = 12345;  // a fixed pseudo-random command sequence
  double sink = 0;
  for (int i = 0; i < 1500; ++i) {
    x = x * 1664525u + 1013904223u;
    switch ((x >> 24) % 12) {
      case 0: r->play(); break;
      case 1: r->pause(); break;
      case 2: r->step(1 + static_cast<int>(x % 5)); break;
      case 3:
        if ((x >> 8) % 8 == 0) {
          REQUIRE(r->reset(tiny(x % 100)).empty());
          ++starts;
        }
        break;
      case 4: {
        RunOptions o = r->view().options;
        o.live.lr = 1e-3f * (1 + x % 5);
        const std::string error = r->set_hyperparameters(o);
        REQUIRE((error.empty() || r->starting()));  // refused only while a new run is being built
        break;
      }
      case 5: r->restore_last_good(); break;
      case 6:
        if ((x >> 8) % 8 == 0) bytes = r->save_checkpoint();
        break;
      case 7:
        if ((x >> 8) % 8 == 0) {
          REQUIRE(r->load_checkpoint(bytes).empty());
          ++starts;
        }
        break;
      case 8:
        if ((x >> 8) % 8 == 0) r->save_checkpoint_file(path);
        break;
      default: break;
    }
    r->frame(0.0);
    const LabView& v = r->view();
    REQUIRE(v.generation >= generation);
    generation = v.generation;
    sink += touch(v);
    if (i % 50 == 0) r->take_notices();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  r->stop();
  for (const Notice& n : r->take_notices()) CHECK(n.ok);
  CHECK(std::isfinite(sink));
  CHECK(starts > 10);
  CHECK_FALSE(r->starting());  // stop() shows the last run asked for
  std::remove(path.c_str());
}

TEST_CASE("FileWriter runs every job in order, also those posted just before finish", "[threads]") {
  std::vector<int> order;  // written by the writer thread only, read after finish()
  FileWriter w;
  for (int i = 0; i < 20; ++i)
    w.post([&order, i] {
      order.push_back(i);
      return Notice{i % 2 ? "odd" : "", true};
    });
  w.finish();
  REQUIRE(order.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(order[i] == i);
  CHECK(w.take_notices().size() == 10);  // empty lines are not reported
}
