// The desktop's Runner: the Session lives on a worker thread that trains
// continuously while playing, so the UI keeps its frame rate however long one
// training step takes. The UI thread never waits for the worker: frame() only
// takes the newest LabView the worker has handed over, and commands (new
// runs included: building a big model takes seconds) are queued for the
// worker to run between two steps, in the order they were sent.
//
// Who owns what (the whole threading contract):
//   worker thread   the Session, its working view and the copy it hands over
//   UI thread       view_ (what view() returns) and what it has asked for
//   mutex m_        the command queue, play/step flags, the hand-off view, notices
// Every public function is meant for one thread, the UI thread.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/rate_meter.h"
#include "lab/runner.h"
#include "platform/notice.h"

namespace headlab {

class ThreadedRunner final : public Runner {
 public:
  // Builds a run on the worker; until it arrives, has_run() is false.
  using SessionFactory = std::function<std::unique_ptr<Session>(std::string* error)>;

  // Starts the worker, paused, and has it build the first run with `first`.
  // `on_new_view`, if given, is called on the worker after each hand-over, so
  // an idle UI loop can sleep until there is something new to draw.
  explicit ThreadedRunner(SessionFactory first, std::function<void()> on_new_view = {});
  // Finishes every queued request (so no requested save is lost), then joins the worker.
  ~ThreadedRunner() override;
  ThreadedRunner(const ThreadedRunner&) = delete;
  ThreadedRunner& operator=(const ThreadedRunner&) = delete;

  // --- Runner -----------------------------------------------------------------
  void play() override;
  void pause() override;  // also drops steps asked for with step() and not yet run
  void step(int n) override;
  // Checks the options at once; the worker builds the run and the view switches
  // to it when it is ready (starting() until then).
  std::string reset(const RunOptions& options) override;
  // Checked here against the run last asked for, applied by the worker between steps.
  std::string set_hyperparameters(const RunOptions& options) override;
  void restore_last_good() override;
  // Takes the newest view the worker handed over; never trains, so budget_ms is unused.
  void frame(double budget_ms) override;
  bool trains_in_frame() const override { return false; }
  const LabView& view() const override { return view_; }
  // Waits for the worker to finish its current step (use save_checkpoint_file to not wait).
  std::vector<uint8_t> save_checkpoint() override;
  // Decodes and checks the bytes here; the worker builds the run from them.
  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override;

  // --- Desktop extras -----------------------------------------------------------
  // Replaces the run with one the worker builds with `make`. A failure keeps
  // the current run and is reported through take_notices(); so is success,
  // as "<announce> (step N)", if announce is not empty.
  void start_run(SessionFactory make, std::string announce = "");
  // Writes a checkpoint of the run as it is when the worker gets to this
  // request (after the commands sent before it), atomically, without making
  // the caller wait. The outcome arrives through take_notices().
  void save_checkpoint_file(const std::string& path);
  // One line per finished asynchronous request ("saved ...", errors), oldest first.
  std::vector<Notice> take_notices();
  // False until the first run has arrived (view() is empty until then).
  bool has_run() const { return view_.generation != 0; }
  // True while a new run asked for is still being built.
  bool starting() const { return view_seq_ < last_start_seq_; }
  // Runs what is queued, stops the worker and joins it. Idempotent; afterwards
  // the runner is inert (commands are ignored, view() stays valid).
  void stop();

 private:
  struct Command {
    enum Kind { kStart, kHyperparameters, kRestore, kSaveFile, kSaveBytes };
    explicit Command(Kind k) : kind(k) {}
    Kind kind;
    uint64_t seq = 0;           // new runs and restores are numbered (see frame())
    SessionFactory make;        // kStart
    std::string announce;       // kStart: the notice on success, if any
    uint64_t generation = 0;    // kStart: the new run's LabView::generation
    RunOptions options;         // kHyperparameters
    std::string path;           // kSaveFile
    std::promise<std::vector<uint8_t>> bytes;  // kSaveBytes
  };

  void post_locked(Command c);  // under m_: queues c and numbers it if it changes the run
  void worker_main();
  void run_commands(std::deque<Command>& batch);
  void execute(Command& c);
  void stage_view();        // worker, no lock: refresh its view and copy it for handing over
  // Worker, with m_ locked: makes the staged copy the newest view, then calls
  // on_new_view_ with m_ unlocked for the moment.
  void hand_over(std::unique_lock<std::mutex>& lock);

  // --- worker thread only ---
  std::unique_ptr<Session> session_;  // null until the first run is built
  LabView back_;    // the worker's view, refreshed incrementally by update_view
  LabView staged_;  // copy of back_ about to be handed over (copied outside the lock)
  uint64_t applied_seq_ = 0;  // the last numbered command executed
  bool unsent_ = false;       // trained since the last hand-over
  RateMeter rate_;
  double last_hand_over_ = 0.0;

  // --- UI thread only ---
  LabView view_;
  RunOptions run_options_;      // the shown run's options with the settings asked for since
  bool options_known_ = false;  // false from a new run's request until it is shown
  uint64_t generation_ = 0;     // of the run last asked for
  uint64_t view_seq_ = 0;       // the last numbered command view_ reflects
  uint64_t last_start_seq_ = 0; // the last new run asked for
  bool stopped_ = false;

  // --- shared, under m_ ---
  std::mutex m_;
  std::condition_variable wake_;
  std::deque<Command> queue_;
  uint64_t posted_seq_ = 0;
  bool playing_ = false;
  int steps_pending_ = 0;
  bool quit_ = false;
  LabView handed_;  // the newest view from the worker, until frame() takes it
  uint64_t handed_seq_ = 0;
  bool handed_fresh_ = false;
  std::vector<Notice> notices_;

  const std::function<void()> on_new_view_;  // set before the worker starts, then only read

  std::thread worker_;  // last: starts after every member above exists
};

}  // namespace headlab
