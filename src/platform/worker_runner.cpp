#include "platform/worker_runner.h"

#include <emscripten.h>
#include <emscripten/console.h>

#include <cstring>

#include "core/checkpoint.h"

namespace headlab {

namespace {

// Module.headlabWorker (web/headlab.js): post(bytes) sends to the worker, inbox
// holds the view messages that arrived, took() tells the worker they were
// applied, failure says why the worker stopped (null while it works).
EM_JS(int, worker_present, (), { return Module.headlabWorker ? 1 : 0; });
EM_JS(void, worker_post, (const uint8_t* data, int size), {
  Module.headlabWorker.post(HEAPU8.slice(data, data + size));
});
// Bytes worker_take() writes: each message as a 4-byte length and its bytes.
EM_JS(int, worker_inbox_size, (), {
  return Module.headlabWorker.inbox.reduce(function(n, m) { return n + 4 + m.length; }, 0);
});
EM_JS(void, worker_take, (uint8_t* out), {
  var w = Module.headlabWorker;
  var view = new DataView(HEAPU8.buffer);
  w.inbox.splice(0).forEach(function(m) {
    view.setUint32(out, m.length, true);
    HEAPU8.set(m, out + 4);
    out += 4 + m.length;
  });
  w.took();
});
EM_JS(int, worker_failure, (char* out, int capacity), {
  var f = Module.headlabWorker && Module.headlabWorker.failure;
  if (!f) return 0;
  stringToUTF8(String(f), out, capacity);
  return 1;
});

}  // namespace

WorkerRunner::WorkerRunner(const RunOptions& options) : options_(options) {
  view_.options = options;  // what the run will be (compare mode reads it before the worker answers)
  TrainerMessage m;
  m.command = TrainerCommand::Reset;
  m.options = options;
  post(m);
}

void WorkerRunner::post(TrainerMessage& m) {
  m.seq = ++seq_;
  encode_command(m, &outbox_);
  worker_post(outbox_.data(), static_cast<int>(outbox_.size()));
}

void WorkerRunner::play() {
  if (fallback_) return fallback_->play();
  TrainerMessage m;
  m.command = TrainerCommand::Play;
  post(m);
  view_.playing = view_.fault == Fault::None;  // at once, as the inline runner's view does
}

void WorkerRunner::pause() {
  if (fallback_) return fallback_->pause();
  TrainerMessage m;
  m.command = TrainerCommand::Pause;
  post(m);
  view_.playing = false;
}

void WorkerRunner::step(int n) {
  if (fallback_) return fallback_->step(n);
  TrainerMessage m;
  m.command = TrainerCommand::Step;
  m.steps = n;
  post(m);
  view_.playing = false;
}

std::string WorkerRunner::reset(const RunOptions& options) {
  if (fallback_) return fallback_->reset(options);
  const std::string error = validate(options);
  if (!error.empty()) return error;
  options_ = options;
  TrainerMessage m;
  m.command = TrainerCommand::Reset;
  m.options = options;
  post(m);
  return "";
}

std::string WorkerRunner::set_hyperparameters(const RunOptions& options) {
  if (fallback_) return fallback_->set_hyperparameters(options);
  // Checked against the run shown (what the caller read); the worker applies
  // only the live options, to whichever run it has by then.
  std::string error = validate(options);
  if (error.empty() && !changed_options(view_.options, options, kScopeRun).empty()) error = kNeedsNewRun;
  if (!error.empty()) return error;
  options_.live = options.live;
  TrainerMessage m;
  m.command = TrainerCommand::Hyperparameters;
  m.options = options;
  post(m);
  return "";
}

void WorkerRunner::restore_last_good() {
  if (fallback_) return fallback_->restore_last_good();
  TrainerMessage m;
  m.command = TrainerCommand::RestoreLastGood;
  post(m);
}

std::vector<uint8_t> WorkerRunner::save_checkpoint() {
  if (fallback_) return fallback_->save_checkpoint();
  if (checkpoint_asked_ == 0) {
    TrainerMessage m;
    m.command = TrainerCommand::SaveCheckpoint;
    post(m);
    checkpoint_asked_ = m.seq;
  }
  return checkpoint_;
}

std::string WorkerRunner::load_checkpoint(const std::vector<uint8_t>& bytes) {
  if (fallback_) return fallback_->load_checkpoint(bytes);
  CheckpointData d;
  std::string error;
  if (!checkpoint_decode(bytes.data(), bytes.size(), &d, &error)) return error;
  TrainerMessage m;
  m.command = TrainerCommand::LoadCheckpoint;
  m.checkpoint = bytes;
  post(m);
  return "";
}

bool WorkerRunner::idle() const { return fallback_ || (status_.applied_seq == seq_ && status_.steps_queued == 0); }

void WorkerRunner::frame(double budget_ms) {
  if (fallback_) return fallback_->frame(budget_ms);
  char failure[256];
  if (worker_failure(failure, sizeof failure)) return fall_back(std::string("the worker stopped: ") + failure);
  take_views();
}

void WorkerRunner::take_views() {
  const int size = worker_inbox_size();
  if (size == 0) return;
  inbox_.resize(static_cast<size_t>(size));
  worker_take(inbox_.data());
  for (size_t at = 0; at + 4 <= inbox_.size();) {
    uint32_t n = 0;
    std::memcpy(&n, inbox_.data() + at, 4);
    at += 4;
    const bool playing = view_.playing;
    const uint64_t generation = view_.generation;
    const std::string error = apply_view(inbox_.data() + at, std::min<size_t>(n, inbox_.size() - at), &view_, &status_);
    at += n;
    if (!error.empty()) return fall_back("the worker sent a bad view (" + error + ")");
    // A view the worker made before the latest command shows the play state as it was asked for.
    if (status_.applied_seq != seq_) view_.playing = playing;
    if (!status_.error.empty()) emscripten_console_warnf("headlab: %s", status_.error.c_str());
    if (view_.generation != generation) checkpoint_.clear();  // of a run no longer shown
    if (checkpoint_asked_ && status_.applied_seq >= checkpoint_asked_) {
      checkpoint_ = std::move(status_.checkpoint);
      checkpoint_asked_ = 0;
    }
    if (view_.generation == 0) return fall_back("the worker could not start the run");
    options_ = status_.applied_seq == seq_ ? view_.options : options_;
  }
}

void WorkerRunner::fall_back(const std::string& why) {
  note_ = "page (" + why + ")";
  emscripten_console_warnf("headlab: training in the page's frames: %s", why.c_str());
  std::string error;
  fallback_ = make_inline_runner(options_, &error);
  if (!fallback_) {
    note_ += "; " + error;
    return;
  }
  if (view_.playing) fallback_->play();
}

std::unique_ptr<Runner> make_web_runner(const RunOptions& options, std::string* error, std::string* note) {
  if (worker_present()) {
    *note = "worker";
    return std::make_unique<WorkerRunner>(options);
  }
  *note = "page (no worker was started for this widget)";
  return make_inline_runner(options, error);
}

}  // namespace headlab
