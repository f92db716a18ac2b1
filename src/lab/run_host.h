// The UI's one handle on what it shows: the run as configured (live, or a
// recorded run opened from a file) and, in compare mode, its twin, a second
// run that differs in one option (the `compare` view option, e.g.
// compare=init:clone-all: same seed, same data, one Play).
//
// Each run has its own trainer (lab/trainer.h) behind a TrainerClient, on a
// channel the platform makes (ChannelFactory): in the frame loop, on a
// thread, in a Web Worker. The two runs of a pair train in lockstep (step k
// of both before step k+1 of either; on two cores at the same time), and
// view() and twin_view() show both at the step both have reached, so the
// screen never shows them at different steps. Every command goes to both:
// they stay the same run but for the compared option, so the comparison is fair.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lab/trainer_client.h"

namespace headlab {

using ChannelFactory = std::function<std::unique_ptr<TrainerChannel>()>;
// A channel to go on with after another stopped (`why`).
using FallbackFactory = std::function<std::unique_ptr<TrainerChannel>(const std::string& why)>;

// The twin's options: `base` with the spec applied, validated as a whole.
std::string compared_options(const RunOptions& base, const std::string& spec, RunOptions* out);
// What tells a run apart in compare mode: "init=clone-all" (the spec's key and the run's value).
std::string compare_label(const RunOptions& r, const std::string& spec);

class RunHost {
 public:
  // Starts the first run with `first` (checked by the caller) on a channel
  // from `make`, or continues `checkpoint` (a run with those options).
  RunHost(ChannelFactory make, const RunOptions& first, const std::vector<uint8_t>* checkpoint = nullptr);
  // Where a channel's trainer stops (a worker that died), both runs move to
  // channels made by `fallback` and go on from their newest checkpoints.
  void set_fallback(FallbackFactory fallback) { fallback_ = std::move(fallback); }

  // --- commands (to both runs of a pair) ---
  void play();
  void pause();
  void step(int n);
  // A new run (both); keeps playing if it was. "" or why not (the runs stay).
  std::string reset(const RunOptions& options);
  // The live options (lr, clip, heads switched off, ...) from the next step.
  std::string set_live(const LiveOptions& live);
  // Switches a head off, or back on, in both runs.
  std::string switch_head(HeadId head);
  void restore_last_good();

  // Compare mode on ("init:clone-all"), changed, or off (""). Turning it on or
  // changing it starts both runs over from step 0. "" or why not (nothing changes).
  std::string set_compare(const std::string& spec);
  const std::string& compare_spec() const { return spec_; }
  // The twin's view, or nullptr outside compare mode.
  const LabView* twin_view() const { return twin_ ? &twin_shown() : nullptr; }

  // A recorded run (a run file) in place of the run, read by the trainer as
  // its pieces arrive; compare mode ends. open_result(): "pending", then "" or why not.
  void open_begin(const std::string& name);
  void open_data(const uint8_t* data, size_t size);
  void open_end();
  const std::string& open_result() const { return main_->open_result(); }
  // Commands sent whose effect the trainer has not shown yet (the page's
  // feeding of a run file keeps this small).
  uint64_t unapplied() const { return main_->sent() - main_->applied(); }

  // Checkpoints, of the run (which = 0) or its twin (1): the newest the
  // trainer sent (a fresh one is asked for), empty if none.
  const std::vector<uint8_t>& checkpoint(int which);
  int checkpoint_step(int which) const;
  // Continues a kept run: which = 0 the run (the twin, if any, starts over
  // with its settings), then 1 its twin. "" or why not.
  std::string load_checkpoint(const std::vector<uint8_t>& bytes, int which);
  // Native trainers: writes the run's checkpoint file (the outcome comes as a notice).
  void save_file(const std::string& path) { main_->save_file(path); }

  // --- each frame ---
  // Takes the views that arrived (trains for about budget_ms where the trainer is in this loop).
  void frame(double budget_ms);
  bool trains_in_frame() const { return main_->channel().trains_here(); }
  const LabView& view() const { return twin_ ? main_shown() : main_->view(); }
  // Every command carried out and every step asked for run, by both.
  bool idle() const { return main_->idle() && (!twin_ || twin_->idle()); }
  // A new run was asked for and is not shown yet.
  bool starting() const { return main_->starting() || (twin_ && twin_->starting()); }
  // What the trainers had to say since the last call (results, refusals, a worker that died).
  std::vector<Notice> take_notices();
  // Carries out every command sent (saves included), stops training and takes the last views.
  void finish();
  // Where training runs: "worker", "thread", "page (why)".
  std::string where() const { return main_->channel().where(); }

 private:
  const LabView& main_shown() const { return trimmed_ ? main_trim_ : main_->view(); }
  const LabView& twin_shown() const { return trimmed_ ? twin_trim_ : twin_->view(); }
  void pair();
  void fall_back(const std::string& why);
  void show_common_step();

  ChannelFactory make_;
  FallbackFactory fallback_;
  std::unique_ptr<TrainerClient> main_, twin_;
  std::string spec_;
  uint64_t run_ = 1;          // the number of the pair's current run (lab/trainer.h)
  double checkpoint_asked_ = 0;  // when checkpoints were last asked for (now_ms())
  bool trimmed_ = false;      // both runs shown at the step both reached
  LabView main_trim_, twin_trim_;
  std::vector<Notice> notices_;
};

}  // namespace headlab
