// The desktop's Runner: the Session lives on a worker thread that trains
// continuously while playing, so the UI keeps its frame rate however long one
// training step takes. The UI thread never waits for a step: frame() only
// takes the newest LabView the worker has handed over, and commands are
// queued for the worker to run between two steps.
//
// Who owns what (the whole threading contract):
//   worker thread   the Session, its working view and the copy it hands over
//   UI thread       view_ (what view() returns) and the options it last asked for
//   mutex m_        the command queue, play/step flags, the hand-off view, notices
// Every public function is meant for one thread, the UI thread.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/runner.h"
#include "platform/notice.h"

namespace headlab {

class ThreadedRunner final : public Runner {
 public:
  // Takes a run built by the caller and starts the worker, paused.
  explicit ThreadedRunner(std::unique_ptr<Session> session);
  // Finishes every queued request (so no requested save is lost), then joins the worker.
  ~ThreadedRunner() override;
  ThreadedRunner(const ThreadedRunner&) = delete;
  ThreadedRunner& operator=(const ThreadedRunner&) = delete;

  // --- Runner -----------------------------------------------------------------
  void play() override;
  void pause() override;  // also drops steps asked for with step() and not yet run
  void step(int n) override;
  // Builds the new run on the calling thread (no lock held), then hands it over.
  std::string reset(const RunOptions& options) override;
  // Checked here against the run last asked for, applied by the worker between steps.
  std::string set_hyperparameters(const RunOptions& options) override;
  void restore_last_good() override;
  // Takes the newest view the worker handed over; never trains, so budget_ms is unused.
  void frame(double budget_ms) override;
  const LabView& view() const override { return view_; }
  // Waits for the worker to finish its current step (use save_checkpoint_file to not wait).
  std::vector<uint8_t> save_checkpoint() override;
  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override;

  // --- Desktop extras -----------------------------------------------------------
  // Replaces the run with one the caller built (e.g. from a checkpoint file).
  void replace_session(std::unique_ptr<Session> session);
  // Writes a checkpoint of the run as it is when the worker gets to this
  // request (after the commands sent before it), atomically, without making
  // the caller wait. The outcome arrives through take_notices().
  void save_checkpoint_file(const std::string& path);
  // One line per finished asynchronous request ("saved ...", errors), oldest first.
  std::vector<Notice> take_notices();
  // Runs what is queued, stops the worker and joins it. Idempotent; afterwards
  // the runner is inert (commands are ignored, view() stays valid).
  void stop();

 private:
  struct Command {
    enum Kind { kAdopt, kHyperparameters, kRestore, kSaveFile, kSaveBytes };
    explicit Command(Kind k) : kind(k) {}
    Kind kind;
    uint64_t seq = 0;                   // new runs and restores are numbered (see frame())
    std::unique_ptr<Session> session;   // kAdopt
    uint64_t generation = 0;            // kAdopt: the new run's LabView::generation
    RunOptions options;                 // kHyperparameters
    std::string path;                   // kSaveFile
    std::promise<std::vector<uint8_t>> bytes;  // kSaveBytes
  };

  void post_locked(Command c);  // under m_: queues c and numbers it if it changes the run
  void worker_main();
  void execute(Command& c);
  void stage_view();        // worker, no lock: refresh its view and copy it for handing over
  void hand_over_locked();  // worker, under m_: make the staged copy the newest view
  double steps_per_second();

  // --- worker thread only ---
  std::unique_ptr<Session> session_;
  LabView back_;    // the worker's view, refreshed incrementally by update_view
  LabView staged_;  // copy of back_ about to be handed over (copied outside the lock)
  uint64_t applied_seq_ = 0;  // the last state-changing command executed
  bool unsent_ = false;       // trained since the last hand-over
  struct RatePoint {
    double t;
    int step;
  };
  std::deque<RatePoint> rate_;
  double last_hand_over_ = 0.0;

  // --- UI thread only ---
  LabView view_;
  RunOptions run_options_;  // the run last asked for, with its queued hyper-parameters
  uint64_t generation_ = 1;
  uint64_t view_seq_ = 0;  // the last state-changing command view_ reflects
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

  std::thread worker_;  // last: starts after every member above exists
};

// The same, as a plain Runner, for code that only knows the interface.
std::unique_ptr<Runner> make_threaded_runner(const RunOptions& options, std::string* error);

}  // namespace headlab
