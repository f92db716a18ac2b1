// The UI's handle on a run. The UI never touches a Session directly: it
// reads a LabView (a copy, refreshed once per frame) and sends commands.
// On the web an InlineRunner trains inside the frame; natively a threaded
// runner (platform/) trains on a worker and hands views over under a mutex.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/options.h"
#include "lab/session.h"

namespace headlab {

struct LabView {
  uint64_t generation = 0;  // changes on reset/load: cached textures and selections are stale
  RunOptions options;
  std::string task_description;
  std::vector<std::string> vocab;
  std::vector<int> probe;
  std::vector<RolePattern> roles;  // what Snapshot::roles scores (Session::roles())
  int step = 0;
  float loss = 0.0f;
  float accuracy = -1.0f;
  double steps_per_sec = 0.0;
  double tokens_per_sec = 0.0;
  double ms_per_step = 0.0;  // training compute per step, without drawing
  bool playing = false;
  Fault fault = Fault::None;
  std::string fault_message;
  int last_good_step = 0;
  std::vector<HistoryPoint> history;
  std::vector<std::shared_ptr<const Snapshot>> snapshots;
  // A recorded run (lab/recorded_runner.h): where it was read from, e.g.
  // "division.json"; empty for a run that trains.
  std::string recorded;
};

// Copies a session's state into *view (not `generation`, `playing` or the
// wall-clock rates, which belong to the runner). Series are copied only when
// they changed; snapshot copies share their data.
void update_view(const Session& s, LabView* view);
// Sets the fields that change only when a run starts (and bumps generation).
void start_view(const Session& s, LabView* view);

class Runner {
 public:
  virtual ~Runner() = default;
  virtual void play() = 0;
  virtual void pause() = 0;
  // Runs n steps now (while paused), then stays paused.
  virtual void step(int n) = 0;
  // Starts a new run; on invalid options keeps the current run and returns the error.
  virtual std::string reset(const RunOptions& options) = 0;
  // Applies options that keep the model's shape (lr, clip, ...); "" or an error.
  virtual std::string set_hyperparameters(const RunOptions& options) = 0;
  virtual void restore_last_good() = 0;
  // Called once per UI frame: trains for up to budget_ms (inline runner) and refreshes view().
  virtual void frame(double budget_ms) = 0;
  // True when training happens inside frame(), so budget_ms matters; false with a worker thread.
  virtual bool trains_in_frame() const = 0;
  virtual const LabView& view() const = 0;
  virtual std::vector<uint8_t> save_checkpoint() = 0;
  // Replaces the run with a checkpoint; on a bad file keeps the current run and returns the error.
  virtual std::string load_checkpoint(const std::vector<uint8_t>& bytes) = 0;

  // Compare mode: a twin run differing in one option (lab/pair_runner.h). A
  // single run has none and refuses to start one.
  virtual std::string set_compare(const std::string& spec) {
    return spec.empty() ? "" : "compare: this program runs one run at a time";
  }
  virtual const std::string& compare_spec() const {
    static const std::string none;
    return none;
  }
  virtual const LabView* compare_view() const { return nullptr; }
};

// Trains inside frame() on the calling thread (web, CLI, tests).
std::unique_ptr<Runner> make_inline_runner(const RunOptions& options, std::string* error);

}  // namespace headlab
