// Compare mode: two runs side by side that differ in one option (the
// `compare` view option, e.g. compare=init:clone-all): same seed, same data,
// one Play. A PairRunner wraps the platform's runner of the run as
// configured (A) and, while compare mode is on, owns its twin (B). Every
// command goes to both; view() is A's and compare_view() B's. The twin is
// made by the platform's factory, so it trains where A does (inside the
// frame on the web, on its own thread natively).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "lab/runner.h"

namespace headlab {

using RunnerFactory = std::function<std::unique_ptr<Runner>(const RunOptions&, std::string*)>;

// The twin's options: `base` with the spec applied, validated as a whole.
std::string compared_options(const RunOptions& base, const std::string& spec, RunOptions* out);
// What tells a run apart in compare mode: "init=clone-all" (the spec's key and the run's value).
std::string compare_label(const RunOptions& r, const std::string& spec);

class PairRunner final : public Runner {
 public:
  // `first` must outlive the PairRunner.
  PairRunner(RunnerFactory make, Runner& first);

  // Turns compare mode on ("init:clone-all"), changes it, or turns it off ("").
  // Turning it on or changing it starts both runs over from step 0. On an
  // invalid spec nothing changes and the message is returned.
  std::string set_compare(const std::string& spec) override;
  const std::string& compare_spec() const override { return spec_; }
  const LabView* compare_view() const override { return b_ ? &b_->view() : nullptr; }

  void play() override;
  void pause() override;
  void step(int n) override;
  std::string reset(const RunOptions& options) override;
  std::string set_hyperparameters(const RunOptions& options) override;
  void restore_last_good() override;
  void frame(double budget_ms) override;
  bool trains_in_frame() const override { return a_->trains_in_frame(); }
  const LabView& view() const override { return a_->view(); }
  std::vector<uint8_t> save_checkpoint() override { return a_->save_checkpoint(); }
  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override;
  // The twin's own checkpoint (empty outside compare mode), and loading one
  // into it after load_checkpoint(), so a kept pair resumes as a pair.
  std::vector<uint8_t> save_twin_checkpoint() { return b_ ? b_->save_checkpoint() : std::vector<uint8_t>(); }
  std::string load_twin_checkpoint(const std::vector<uint8_t>& bytes);

 private:
  RunnerFactory make_;
  Runner* a_;
  std::unique_ptr<Runner> b_;
  std::string spec_;
};

}  // namespace headlab
