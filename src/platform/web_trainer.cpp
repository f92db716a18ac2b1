// The engine as a trainer in a Web Worker (web/headlab-worker.js): the same
// module as the page's engine, instantiated in the worker, where it owns the
// Session and never touches GL. The page's WorkerRunner (worker_runner.h)
// sends commands and applies the views this side sends (lab/trainer_link.h).
//
// headlab-worker.js calls, in a loop while there is work:
//   headlab_trainer_command(bytes)  for each command that arrived
//   headlab_trainer_train(ms)       trains for about ms (playing or step(n))
//   headlab_trainer_view()          a view message, when the page took the previous one
// No function lets a C++ exception out: a failure becomes the view's error.
#include <emscripten.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "lab/runner.h"
#include "lab/trainer_link.h"

using namespace headlab;

namespace {

std::unique_ptr<Runner> g_runner;
ViewEncoder g_encoder;
TrainerStatus g_status;
std::vector<uint8_t> g_message;  // the latest view message, read by JS before the next call

template <typename F>
int guarded(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    g_status.error = std::string(what) + ": out of memory";
  } catch (const std::exception& e) {
    g_status.error = std::string(what) + ": " + e.what();
  }
  return 0;
}

void carry_out(const TrainerMessage& m) {
  switch (m.command) {
    case TrainerCommand::Play:
      g_status.steps_queued = 0;
      g_runner->play();
      break;
    case TrainerCommand::Pause:
      g_status.steps_queued = 0;
      g_runner->pause();
      break;
    case TrainerCommand::Step:
      g_runner->pause();
      g_status.steps_queued = std::clamp(g_status.steps_queued + m.steps, 0, 1 << 30);
      break;
    case TrainerCommand::Reset: {
      const bool was_playing = g_runner->view().playing;
      g_status.steps_queued = 0;
      const std::string error = g_runner->reset(m.options);
      if (!error.empty()) g_status.error = "reset: " + error;
      if (was_playing) g_runner->play();
      break;
    }
    case TrainerCommand::Hyperparameters: {
      RunOptions o = g_runner->view().options;
      o.live = m.options.live;
      const std::string error = g_runner->set_hyperparameters(o);
      if (!error.empty()) g_status.error = "set: " + error;
      break;
    }
    case TrainerCommand::RestoreLastGood:
      g_runner->restore_last_good();
      break;
    case TrainerCommand::SaveCheckpoint:
      g_status.checkpoint = g_runner->save_checkpoint();
      break;
    case TrainerCommand::LoadCheckpoint: {
      g_status.steps_queued = 0;
      const std::string error = g_runner->load_checkpoint(m.checkpoint);
      if (!error.empty()) g_status.error = "load: " + error;
      break;
    }
  }
  g_status.applied_seq = m.seq;
}

}  // namespace

extern "C" {

// Builds the first run from a Reset command (the page's staged options).
// Returns 1, or 0 with the reason in the first view's error.
EMSCRIPTEN_KEEPALIVE int headlab_trainer_start(const uint8_t* data, int size) {
  return guarded("start", [&] {
    TrainerMessage m;
    std::string error = decode_command(data, static_cast<size_t>(size), &m);
    if (error.empty() && m.command != TrainerCommand::Reset) error = "the first command must be a reset";
    if (error.empty()) {
      Session::set_whole_steps(true);
      g_runner = make_inline_runner(m.options, &error);
    }
    if (!g_runner) {
      g_status.error = "start: " + error;
      return 0;
    }
    g_status.applied_seq = m.seq;
    return 1;
  });
}

EMSCRIPTEN_KEEPALIVE int headlab_trainer_command(const uint8_t* data, int size) {
  return guarded("command", [&] {
    if (!g_runner) return 0;
    TrainerMessage m;
    const std::string error = decode_command(data, static_cast<size_t>(size), &m);
    if (!error.empty()) {
      g_status.error = "command: " + error;
      return 0;
    }
    carry_out(m);
    return 1;
  });
}

// Trains for about budget_ms: continuously while playing, else the steps
// queued by step(n). Returns 1 while there is more to do.
EMSCRIPTEN_KEEPALIVE int headlab_trainer_train(double budget_ms) {
  return guarded("train", [&] {
    if (!g_runner) return 0;
    Runner& r = *g_runner;
    if (r.view().playing) {
      r.frame(budget_ms);
      return static_cast<int>(r.view().playing);
    }
    const double start = emscripten_get_now();
    while (g_status.steps_queued > 0 && emscripten_get_now() - start < budget_ms) {
      const int before = r.view().step;
      r.step(1);
      if (r.view().step == before) {  // faulted: the run stays where its last good step left it
        g_status.steps_queued = 0;
        break;
      }
      --g_status.steps_queued;
    }
    r.frame(0);
    return static_cast<int>(g_status.steps_queued > 0);
  });
}

// Encodes what changed since the last view sent; returns its size (0: nothing
// new). The bytes are at headlab_trainer_view_data() until the next call.
EMSCRIPTEN_KEEPALIVE int headlab_trainer_view() {
  return guarded("view", [] {
    if (!g_runner && g_status.error.empty()) return 0;
    if (!g_runner) {  // the first run failed: a view with only the error
      g_encoder.encode(LabView(), g_status, &g_message);
    } else {
      const LabView& v = g_runner->view();
      if (!g_encoder.changed(v, g_status)) return 0;
      g_encoder.encode(v, g_status, &g_message);
    }
    g_status.error.clear();
    g_status.checkpoint.clear();
    return static_cast<int>(g_message.size());
  });
}

EMSCRIPTEN_KEEPALIVE const uint8_t* headlab_trainer_view_data() { return g_message.data(); }

}  // extern "C"
