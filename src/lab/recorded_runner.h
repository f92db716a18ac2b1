// A recorded run (a run file read by lab/run_json_read.h) shown without
// training: the timeline, every map and every measurement as recorded, for
// tutorial authors who ship a run and readers who open one. It trains nothing
// until asked for a new run: reset() (Apply, "Train it yourself", typing a
// probe) or load_checkpoint() starts a live run made by the platform's
// factory, and every command goes to that one from then on.
#pragma once
#include <memory>
#include <string>

#include "lab/pair_runner.h"

namespace headlab {

class RecordedRunner final : public Runner {
 public:
  // `recorded` must have view.recorded set (where it came from).
  RecordedRunner(RunnerFactory make, LabView recorded);

  // The live run once there is one (nullptr while the recording shows).
  Runner* live_runner() const { return live_.get(); }

  void play() override;
  void pause() override;
  void step(int n) override;
  std::string reset(const RunOptions& options) override;
  std::string set_hyperparameters(const RunOptions& options) override;
  void restore_last_good() override;
  void frame(double budget_ms) override;
  bool trains_in_frame() const override { return live_ && live_->trains_in_frame(); }
  const LabView& view() const override { return live_ ? live_->view() : recorded_; }
  std::vector<uint8_t> save_checkpoint() override;
  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override;

 private:
  RunnerFactory make_;
  LabView recorded_;
  std::unique_ptr<Runner> live_;
};

}  // namespace headlab
