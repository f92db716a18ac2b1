// The engine as a trainer in a Web Worker (web/headlab-worker.js): the same
// module as the page's engine, instantiated in the worker, where it owns a
// Trainer (lab/trainer.h) and never touches GL. The page's client sends
// commands through platform/worker_channel.cpp and applies the views sent back.
//
// headlab-worker.js calls, in a loop while there is work:
//   headlab_trainer_command(bytes)  for each command that arrived
//   headlab_trainer_train(ms)       trains for about ms (playing or step(n))
//   headlab_trainer_view()          a view message, when the page took the previous one
// and, in compare mode, tells the trainer its peer's progress
// (headlab_trainer_set_peer) and tells the peer its own (headlab_trainer_run/step).
// No function lets a C++ exception out: a failure becomes the view's error.
#include <emscripten.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "lab/trainer.h"

using namespace headlab;

namespace {

Trainer g_trainer;
ViewEncoder g_encoder;
std::vector<uint8_t> g_message;  // the latest view message, read by JS before the next call

template <typename F>
int guarded(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    g_trainer.status().error = std::string(what) + ": out of memory";
  } catch (const std::exception& e) {
    g_trainer.status().error = std::string(what) + ": " + e.what();
  }
  return 0;
}

}  // namespace

extern "C" {

// Called once: a worker has a thread of its own, so a step need not be sliced into chunks.
EMSCRIPTEN_KEEPALIVE void headlab_trainer_init() { Session::set_whole_steps(true); }

EMSCRIPTEN_KEEPALIVE int headlab_trainer_command(const uint8_t* data, int size) {
  return guarded("command", [&] {
    TrainerMessage m;
    const std::string error = decode_command(data, static_cast<size_t>(size), &m);
    if (!error.empty()) {
      g_trainer.status().error = "command: " + error;
      return 0;
    }
    g_trainer.command(m);
    return 1;
  });
}

// Trains for about budget_ms. Returns 1 while there is more it may do now
// (0 when paused, done, or waiting for the peer's next step).
EMSCRIPTEN_KEEPALIVE int headlab_trainer_train(double budget_ms) {
  return guarded("train", [&] {
    if (g_trainer.wants_to_train()) g_trainer.train(budget_ms);
    return static_cast<int>(g_trainer.wants_to_train());
  });
}

// Encodes what changed since the last view sent; returns its size (0: nothing
// new). The bytes are at headlab_trainer_view_data() until the next call.
EMSCRIPTEN_KEEPALIVE int headlab_trainer_view() {
  return guarded("view", [] {
    TrainerStatus& status = g_trainer.status();
    if (!g_trainer.has_run() && status.error.empty()) return 0;
    const LabView& v = g_trainer.view();
    if (!g_encoder.changed(v, status)) return 0;
    g_encoder.encode(v, status, &g_message);
    status.error.clear();
    status.notice.clear();
    status.checkpoint.clear();
    return static_cast<int>(g_message.size());
  });
}

EMSCRIPTEN_KEEPALIVE const uint8_t* headlab_trainer_view_data() { return g_message.data(); }

// Compare mode's lockstep (lab/trainer.h): the peer worker's run and step,
// and this one's for the peer. Run numbers are small integers: doubles carry them exactly.
EMSCRIPTEN_KEEPALIVE void headlab_trainer_set_peer(double run, int step) {
  g_trainer.set_peer(static_cast<uint64_t>(run), step);
}
EMSCRIPTEN_KEEPALIVE void headlab_trainer_clear_peer() { g_trainer.clear_peer(); }
EMSCRIPTEN_KEEPALIVE double headlab_trainer_run() { return static_cast<double>(g_trainer.run()); }
EMSCRIPTEN_KEEPALIVE int headlab_trainer_step() { return g_trainer.step(); }

}  // extern "C"
