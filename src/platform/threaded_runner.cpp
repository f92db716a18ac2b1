// ThreadedRunner: a worker thread builds and trains the Session; the UI
// thread copies views and posts commands (see threaded_runner.h for who owns what).
//
// The hand-off is double-buffered so the mutex is only held for O(1) swaps:
// the worker refreshes its own view (back_) and copies it (staged_) outside
// the lock, then swaps the copy into handed_; frame() swaps handed_ into
// view_. A view is accepted only if it already reflects every new run or
// restore the UI has asked for, so after reset() the UI never shows a view of
// the old run that the worker made after the request.
#include "platform/threaded_runner.h"

#include <utility>
#include <vector>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "core/checkpoint.h"
#include "lab/run_files.h"
#include "lab/rate_meter.h"

namespace headlab {
namespace {

constexpr double kSliceMs = 4.0;      // training between two looks at the command queue
constexpr double kHandOverMs = 15.0;  // newest view at most this old: one per 60 Hz frame

}  // namespace

ThreadedRunner::ThreadedRunner(SessionFactory first, std::function<void()> on_new_view)
    : on_new_view_(std::move(on_new_view)), worker_(&ThreadedRunner::worker_main, this) {
  start_run(std::move(first));
}

ThreadedRunner::~ThreadedRunner() { stop(); }

// [SECTION] UI thread: commands ------------------------------------------------

void ThreadedRunner::post_locked(Command c) {
  // Settings changes are not numbered: frame() shows the asked-for options
  // itself, so dragging the lr slider does not hold back the views.
  if (c.kind == Command::kStart || c.kind == Command::kRestore) c.seq = ++posted_seq_;
  queue_.push_back(std::move(c));
  wake_.notify_one();
}

void ThreadedRunner::play() {
  if (stopped_) return;
  std::lock_guard<std::mutex> lock(m_);
  // A faulted run needs restore_last_good() (or a new run) first; one may be on its way.
  if (view_.fault != Fault::None && view_seq_ == posted_seq_) return;
  playing_ = true;
  wake_.notify_one();
}

void ThreadedRunner::pause() {
  std::lock_guard<std::mutex> lock(m_);
  playing_ = false;
  steps_pending_ = 0;
}

void ThreadedRunner::step(int n) {
  if (stopped_ || n <= 0) return;
  std::lock_guard<std::mutex> lock(m_);
  playing_ = false;
  steps_pending_ += n;
  wake_.notify_one();
}

std::string ThreadedRunner::reset(const RunOptions& options) {
  if (stopped_) return "the run has stopped";
  std::string error = validate(options);
  if (!error.empty()) return error;
  start_run([options](std::string* e) { return Session::create(options, e); });
  return "";
}

std::string ThreadedRunner::load_checkpoint(const std::vector<uint8_t>& bytes) {
  if (stopped_) return "the run has stopped";
  auto d = std::make_shared<CheckpointData>();
  std::string error;
  if (!checkpoint_decode(bytes.data(), bytes.size(), d.get(), &error)) return error;
  start_run([d](std::string* e) { return Session::from_checkpoint(*d, e); });
  return "";
}

void ThreadedRunner::start_run(SessionFactory make, std::string announce) {
  if (stopped_) return;
  Command c(Command::kStart);
  c.make = std::move(make);
  c.announce = std::move(announce);
  c.generation = ++generation_;
  options_known_ = false;
  std::lock_guard<std::mutex> lock(m_);
  playing_ = false;  // a new run starts paused; play() before it arrives still counts
  steps_pending_ = 0;
  view_.playing = false;
  post_locked(std::move(c));
  last_start_seq_ = posted_seq_;
}

std::string ThreadedRunner::set_hyperparameters(const RunOptions& options) {
  if (stopped_) return "the run has stopped";
  if (!options_known_) return "a new run is starting; change settings once it is shown";
  // The session's own checks, here, so the UI gets its answer at once
  // instead of waiting for the worker to finish a step.
  std::string error = validate(options);
  if (!error.empty()) return error;
  if (!changed_options(options, run_options_, kScopeRun).empty()) return kNeedsNewRun;
  run_options_ = options;
  view_.options = options;
  Command c(Command::kHyperparameters);
  c.options = options;
  std::lock_guard<std::mutex> lock(m_);
  post_locked(std::move(c));
  return "";
}

void ThreadedRunner::restore_last_good() {
  if (stopped_) return;
  std::lock_guard<std::mutex> lock(m_);
  post_locked(Command(Command::kRestore));
}

void ThreadedRunner::save_checkpoint_file(const std::string& path) {
  if (stopped_) return;
  Command c(Command::kSaveFile);
  c.path = path;
  std::lock_guard<std::mutex> lock(m_);
  post_locked(std::move(c));
}

std::vector<uint8_t> ThreadedRunner::save_checkpoint() {
  // After stop() the worker has been joined: the session is ours to read.
  if (stopped_) return session_ ? session_->save() : std::vector<uint8_t>{};
  Command c(Command::kSaveBytes);
  std::future<std::vector<uint8_t>> bytes = c.bytes.get_future();
  {
    std::lock_guard<std::mutex> lock(m_);
    post_locked(std::move(c));
  }
  return bytes.get();
}

std::vector<Notice> ThreadedRunner::take_notices() {
  std::lock_guard<std::mutex> lock(m_);
  return std::exchange(notices_, {});
}

void ThreadedRunner::frame(double /*budget_ms: the worker trains all the time*/) {
  std::lock_guard<std::mutex> lock(m_);
  if (handed_fresh_ && handed_seq_ == posted_seq_) {
    std::swap(view_, handed_);
    view_seq_ = handed_seq_;
  }
  handed_fresh_ = false;
  view_.playing = playing_;
  if (starting() || !has_run()) return;
  // A new run's options are learnt from its first view (a checkpoint's are
  // only known once it is decoded); after that the view shows the settings
  // as last asked for, which the worker may not have applied yet.
  if (options_known_) {
    view_.options = run_options_;
  } else {
    run_options_ = view_.options;
    options_known_ = true;
  }
}

void ThreadedRunner::stop() {
  if (stopped_) return;
  {
    std::lock_guard<std::mutex> lock(m_);
    quit_ = true;
    playing_ = false;
    steps_pending_ = 0;
    wake_.notify_one();
  }
  worker_.join();
  stopped_ = true;
  frame(0.0);  // the last hand-over, so view() shows the final state
}

// [SECTION] Worker thread ---------------------------------------------------------

void ThreadedRunner::worker_main() {
#ifdef __linux__
  // Training takes every cycle it gets; on a 2-core laptop drawing (and a
  // software GL driver) must still win when they compete, or frames stutter.
  // Linux applies nice per thread. Best effort: failure changes nothing else.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    // Commands first, in the order they were sent; quitting runs them too,
    // so a save requested just before closing the window is still written.
    if (!queue_.empty()) {
      std::deque<Command> batch;
      batch.swap(queue_);
      lock.unlock();
      run_commands(batch);
      batch.clear();  // a replaced Session is freed here, outside the lock
      if (session_) stage_view();
      lock.lock();
      if (session_) hand_over(lock);
      continue;
    }
    if (quit_) return;
    if (!session_ || (!playing_ && steps_pending_ == 0)) {
      rate_.clear();
      if (unsent_) {  // the last steps before a pause, or the end of step(n)
        lock.unlock();
        stage_view();
        lock.lock();
        hand_over(lock);
        continue;
      }
      wake_.wait(lock);
      continue;
    }

    const bool single = !playing_;
    if (single) --steps_pending_;
    lock.unlock();
    if (single) {
      session_->step();
    } else {
      session_->advance(kSliceMs);
      rate_.add(session_->step_count());
    }
    unsent_ = true;
    const bool faulted = session_->fault() != Fault::None;
    const bool due = faulted || now_ms() - last_hand_over_ >= kHandOverMs;
    if (due) stage_view();
    lock.lock();
    // Stop on a fault, unless the UI has just sent something (a new run, a
    // restore) that the next turn of the loop applies first.
    if (faulted && queue_.empty()) {
      playing_ = false;
      steps_pending_ = 0;
    }
    if (due) hand_over(lock);
  }
}

// A new run makes the commands before it moot, except saves: after pressing
// Reset three times on a big model, only the last run is built.
void ThreadedRunner::run_commands(std::deque<Command>& batch) {
  std::vector<bool> superseded(batch.size(), false);
  bool later_start = false;  // a kStart follows, with no save in between
  for (size_t i = batch.size(); i-- > 0;) {
    const Command::Kind k = batch[i].kind;
    if (k == Command::kSaveFile || k == Command::kSaveBytes) later_start = false;
    if (k == Command::kStart) superseded[i] = std::exchange(later_start, true);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (superseded[i]) applied_seq_ = batch[i].seq;
    else execute(batch[i]);
  }
}

void ThreadedRunner::execute(Command& c) {
  Notice notice;
  if (c.seq) applied_seq_ = c.seq;
  if (c.kind == Command::kStart) {
    std::string error;
    std::unique_ptr<Session> s = c.make(&error);  // may take seconds: no lock held, the UI keeps drawing
    if (!s) {
      notice = {"could not start the run: " + error, false};
    } else {
      session_ = std::move(s);
      start_view(*session_, &back_);
      back_.generation = c.generation;
      rate_.clear();
      if (!c.announce.empty()) notice = {c.announce + " (step " + std::to_string(session_->step_count()) + ")", true};
    }
  } else if (!session_) {
    notice = {"no run yet", false};
    if (c.kind == Command::kSaveBytes) c.bytes.set_value({});
  } else if (c.kind == Command::kHyperparameters) {
    const std::string error = session_->update_hyperparameters(c.options);  // checked by the UI: "" expected
    if (!error.empty()) notice = {"settings not applied: " + error, false};
  } else if (c.kind == Command::kRestore) {
    session_->restore_last_good();
  } else if (c.kind == Command::kSaveFile) {
    const std::string error = checkpoint_save_file(c.path, session_->checkpoint());
    if (error.empty())
      notice = {"saved checkpoint " + c.path + " (step " + std::to_string(session_->step_count()) + ")", true};
    else
      notice = {"could not save " + c.path + ": " + error, false};
  } else if (c.kind == Command::kSaveBytes) {
    c.bytes.set_value(session_->save());
  }
  if (!notice.text.empty()) {
    std::lock_guard<std::mutex> lock(m_);
    notices_.push_back(std::move(notice));
  }
}

void ThreadedRunner::stage_view() {
  update_view(*session_, &back_);
  back_.steps_per_sec = rate_.per_second();
  back_.tokens_per_sec = back_.steps_per_sec * session_->tokens_per_step();
  staged_ = back_;  // the expensive copy, outside the lock
  last_hand_over_ = now_ms();
  unsent_ = false;
}

void ThreadedRunner::hand_over(std::unique_lock<std::mutex>& lock) {
  std::swap(handed_, staged_);
  handed_seq_ = applied_seq_;
  handed_fresh_ = true;
  if (!on_new_view_) return;
  lock.unlock();  // the callback talks to the window system: never under our lock
  on_new_view_();
  lock.lock();
}

}  // namespace headlab
