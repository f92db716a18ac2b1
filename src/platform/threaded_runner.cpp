// ThreadedRunner: a worker thread trains the Session; the UI thread copies
// views and posts commands (see threaded_runner.h for who owns what).
//
// The hand-off is double-buffered so the mutex is only held for O(1) swaps:
// the worker refreshes its own view (back_) and copies it (staged_) outside
// the lock, then swaps the copy into handed_; frame() swaps handed_ into
// view_. A view is accepted only if it already reflects every state-changing
// new run or restore the UI has asked for, so after reset() the UI never
// briefly shows the old run again.
#include "platform/threaded_runner.h"

#include <chrono>
#include <utility>

namespace headlab {
namespace {

constexpr double kSliceMs = 4.0;      // training between two looks at the command queue
constexpr double kHandOverMs = 15.0;  // newest view at most this old: one per 60 Hz frame

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// Mirrors the check in Session::update_hyperparameters, so the UI gets its
// answer at once instead of waiting for the worker to finish a step.
bool same_model_and_data(const RunOptions& a, const RunOptions& b) {
  return a.task == b.task && a.layers == b.layers && a.heads == b.heads && a.d_model == b.d_model &&
         a.d_mlp == b.d_mlp && a.ctx == b.ctx && a.batch == b.batch && a.symbols == b.symbols && a.text == b.text &&
         a.seed == b.seed && a.init == b.init;
}

}  // namespace

ThreadedRunner::ThreadedRunner(std::unique_ptr<Session> session) : session_(std::move(session)) {
  // The worker does not exist yet, so both sides' views can be set up here.
  start_view(*session_, &back_);
  back_.generation = generation_;
  view_ = back_;
  run_options_ = session_->options();
  worker_ = std::thread(&ThreadedRunner::worker_main, this);
}

ThreadedRunner::~ThreadedRunner() { stop(); }

// [SECTION] UI thread: commands ------------------------------------------------

void ThreadedRunner::post_locked(Command c) {
  // Settings changes are not numbered: frame() shows the asked-for options
  // itself, so dragging the lr slider does not hold back the views.
  if (c.kind == Command::kAdopt || c.kind == Command::kRestore) c.seq = ++posted_seq_;
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
  std::string error;
  auto s = Session::create(options, &error);  // may take a while for a big model: no lock held
  if (!s) return error;
  replace_session(std::move(s));
  return "";
}

std::string ThreadedRunner::load_checkpoint(const std::vector<uint8_t>& bytes) {
  if (stopped_) return "the run has stopped";
  std::string error;
  auto s = Session::load(bytes, &error);
  if (!s) return error;
  replace_session(std::move(s));
  return "";
}

void ThreadedRunner::replace_session(std::unique_ptr<Session> session) {
  if (stopped_ || !session) return;
  // The UI shows the new run at once (like the inline runner); the worker's
  // views of the old run are refused from now on (see frame()).
  run_options_ = session->options();
  start_view(*session, &view_);
  view_.generation = ++generation_;
  view_.playing = false;
  view_.steps_per_sec = view_.tokens_per_sec = 0.0;
  Command c(Command::kAdopt);
  c.session = std::move(session);
  c.generation = generation_;
  std::lock_guard<std::mutex> lock(m_);
  playing_ = false;
  steps_pending_ = 0;
  post_locked(std::move(c));
  view_seq_ = posted_seq_;  // view_ already shows the new run
}

std::string ThreadedRunner::set_hyperparameters(const RunOptions& options) {
  if (stopped_) return "the run has stopped";
  Options all;
  all.run = options;
  std::string error = validate(all);
  if (!error.empty()) return error;
  if (!same_model_and_data(options, run_options_))
    return "these options change the model or data; start a new run (reset) to apply them";
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
  if (stopped_) return session_->save();  // the worker has been joined: the session is ours
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
  view_.options = run_options_;  // this run's settings as last asked for (the worker may not have them yet)
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
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    // Commands first, in the order they were sent; quitting runs them too,
    // so a save requested just before closing the window is still written.
    if (!queue_.empty()) {
      std::deque<Command> batch;
      batch.swap(queue_);
      lock.unlock();
      for (Command& c : batch) execute(c);
      batch.clear();  // an old Session is freed here, outside the lock
      stage_view();
      lock.lock();
      hand_over_locked();
      continue;
    }
    if (quit_) return;
    if (!playing_ && steps_pending_ == 0) {
      rate_.clear();
      if (unsent_) {  // the last steps before a pause, or the end of step(n)
        lock.unlock();
        stage_view();
        lock.lock();
        hand_over_locked();
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
      rate_.push_back({now_ms(), session_->step_count()});
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
    if (due) hand_over_locked();
  }
}

void ThreadedRunner::execute(Command& c) {
  Notice notice;
  switch (c.kind) {
    case Command::kAdopt:
      session_ = std::move(c.session);
      start_view(*session_, &back_);
      back_.generation = c.generation;
      rate_.clear();
      break;
    case Command::kHyperparameters: {
      const std::string error = session_->update_hyperparameters(c.options);  // checked by the UI: "" expected
      if (!error.empty()) notice = {"settings not applied: " + error, false};
      break;
    }
    case Command::kRestore:
      session_->restore_last_good();
      break;
    case Command::kSaveFile: {
      std::string error;
      if (checkpoint_save_file(c.path, session_->checkpoint(), &error))
        notice = {"saved checkpoint " + c.path + " (step " + std::to_string(session_->step_count()) + ")", true};
      else
        notice = {"could not save " + c.path + ": " + error, false};
      break;
    }
    case Command::kSaveBytes:
      c.bytes.set_value(session_->save());
      break;
  }
  if (c.seq) applied_seq_ = c.seq;
  if (!notice.text.empty()) {
    std::lock_guard<std::mutex> lock(m_);
    notices_.push_back(std::move(notice));
  }
}

double ThreadedRunner::steps_per_second() {
  while (rate_.size() > 2 && rate_.back().t - rate_.front().t > 1000.0) rate_.pop_front();
  if (rate_.size() < 2) return 0.0;
  const double dt = rate_.back().t - rate_.front().t;
  return dt > 0.0 ? (rate_.back().step - rate_.front().step) * 1000.0 / dt : 0.0;
}

void ThreadedRunner::stage_view() {
  update_view(*session_, &back_);
  back_.steps_per_sec = steps_per_second();
  back_.tokens_per_sec = back_.steps_per_sec * session_->tokens_per_step();
  staged_ = back_;  // the expensive copy, outside the lock
  last_hand_over_ = now_ms();
  unsent_ = false;
}

void ThreadedRunner::hand_over_locked() {
  std::swap(handed_, staged_);
  handed_seq_ = applied_seq_;
  handed_fresh_ = true;
}

// [SECTION] Factory ------------------------------------------------------------

std::unique_ptr<Runner> make_threaded_runner(const RunOptions& options, std::string* error) {
  auto s = Session::create(options, error);
  if (!s) return nullptr;
  return std::make_unique<ThreadedRunner>(std::move(s));
}

}  // namespace headlab
