// The web page's Runner when a Web Worker trains (the desktop's
// ThreadedRunner, for a page): the worker (web/headlab-worker.js running this
// same engine, platform/web_trainer.cpp) owns the Session; this side posts
// commands and applies the views it sends back (lab/trainer_link.h), as
// transferable ArrayBuffers through Module.headlabWorker, which web/headlab.js
// provides. No shared memory, so no COOP/COEP; the worker is a same-origin
// script, allowed by the README's CSP through worker-src 'self'.
//
// The view trails the worker by a message: after a command, view() shows
// its effect once the worker has carried it out (idle() says when). If the
// worker dies or cannot start, training moves into frame() on this thread,
// as the page's InlineRunner does, and note() says why.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/runner.h"
#include "lab/trainer_link.h"

namespace headlab {

class WorkerRunner final : public Runner {
 public:
  // Posts the first run's options to the worker; view() has only them
  // (generation 0) until the worker's first view arrives.
  explicit WorkerRunner(const RunOptions& options);

  void play() override;
  void pause() override;
  void step(int n) override;
  std::string reset(const RunOptions& options) override;
  std::string set_hyperparameters(const RunOptions& options) override;
  void restore_last_good() override;
  // Applies the views that arrived (never trains, unless the worker failed).
  void frame(double budget_ms) override;
  bool trains_in_frame() const override { return fallback_ != nullptr; }
  const LabView& view() const override { return fallback_ ? fallback_->view() : view_; }
  // A page's main thread cannot wait for the worker: this returns the newest
  // checkpoint the worker has sent (empty at first) and asks it for a fresh
  // one, which the next call returns (web/keep.js calls every few seconds).
  std::vector<uint8_t> save_checkpoint() override;
  // Checked here; the worker builds the run (empty bytes are refused).
  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override;

  // True when the worker has carried out every command and step sent so far.
  bool idle() const;
  // "worker", or why training runs in the page's frames.
  const std::string& note() const { return note_; }

 private:
  void post(TrainerMessage& m);
  void take_views();
  void fall_back(const std::string& why);

  RunOptions options_;  // of the run last asked for (reset) or shown
  LabView view_;
  TrainerStatus status_;
  uint64_t seq_ = 0;       // of the last command posted
  std::vector<uint8_t> inbox_, outbox_;
  std::vector<uint8_t> checkpoint_;  // the newest the worker sent, of the run shown
  uint64_t checkpoint_asked_ = 0;    // seq of the SaveCheckpoint not yet answered (0: none)
  std::unique_ptr<Runner> fallback_;
  std::string note_ = "worker";
};

// The page's Runner: a WorkerRunner when web/headlab.js started a worker for
// this widget, else the InlineRunner (with *note saying why).
std::unique_ptr<Runner> make_web_runner(const RunOptions& options, std::string* error, std::string* note);

}  // namespace headlab
