// Compare mode: the run as configured and a twin differing in one option,
// trained together and commanded as one (see pair_runner.h).
#include "lab/pair_runner.h"

#include <utility>

namespace headlab {

std::string compared_options(const RunOptions& base, const std::string& spec, RunOptions* out) {
  std::string key, value;
  std::string error = parse_compare(spec, &key, &value);
  if (!error.empty()) return error;
  Options o;
  o.run = base;
  error = set_option(o, key, value, kScopeRunAndLive);
  if (error.empty()) error = validate(o);
  if (!error.empty()) return "compare: " + error;
  *out = o.run;
  return "";
}

std::string compare_label(const RunOptions& r, const std::string& spec) {
  std::string key, value;
  if (!parse_compare(spec, &key, &value).empty()) return "";
  for (const auto& [k, v] : describe(r))
    if (k == key) return k + "=" + (v.empty() ? "(none)" : v);
  return "";
}

PairRunner::PairRunner(RunnerFactory make, Runner& first) : make_(std::move(make)), a_(&first) {}

std::string PairRunner::set_compare(const std::string& spec) {
  if (spec == spec_) return "";
  if (spec.empty()) {
    b_.reset();
    spec_.clear();
    return "";
  }
  RunOptions twin;
  std::string error = compared_options(a_->view().options, spec, &twin);
  if (!error.empty()) return error;
  auto b = make_(twin, &error);
  if (!b) return "compare: " + error;
  b_ = std::move(b);
  spec_ = spec;
  // The twin starts at step 0, so the first run starts over too: both show the same steps.
  const bool playing = a_->view().playing;
  a_->reset(a_->view().options);
  if (playing) play();
  return "";
}

void PairRunner::play() {
  a_->play();
  if (b_) b_->play();
}

void PairRunner::pause() {
  a_->pause();
  if (b_) b_->pause();
}

void PairRunner::step(int n) {
  a_->step(n);
  if (b_) b_->step(n);
}

std::string PairRunner::reset(const RunOptions& options) {
  RunOptions twin;
  if (b_) {
    const std::string error = compared_options(options, spec_, &twin);
    if (!error.empty()) return error;
  }
  std::string error = a_->reset(options);
  if (error.empty() && b_) error = b_->reset(twin);
  return error;
}

std::string PairRunner::set_hyperparameters(const RunOptions& options) {
  std::string error = a_->set_hyperparameters(options);
  if (!error.empty() || !b_) return error;
  RunOptions twin;
  error = compared_options(options, spec_, &twin);
  return error.empty() ? b_->set_hyperparameters(twin) : error;
}

void PairRunner::restore_last_good() {
  a_->restore_last_good();
  if (b_) b_->restore_last_good();
}

void PairRunner::frame(double budget_ms) {
  // Inline runners share the frame's budget; threaded ones ignore it.
  const double share = b_ ? budget_ms / 2 : budget_ms;
  a_->frame(share);
  if (b_) b_->frame(share);
}

std::string PairRunner::load_checkpoint(const std::vector<uint8_t>& bytes) {
  std::string error = a_->load_checkpoint(bytes);
  if (!error.empty() || !b_) return error;
  // The twin cannot share the checkpoint's history: it starts over with the loaded settings.
  RunOptions twin;
  error = compared_options(a_->view().options, spec_, &twin);
  if (error.empty()) error = b_->reset(twin);
  if (!error.empty()) b_.reset(), spec_.clear();
  return error;
}

std::string PairRunner::load_twin_checkpoint(const std::vector<uint8_t>& bytes) {
  if (!b_) return "compare: no twin run to load into";
  RunOptions want;
  std::string error = compared_options(a_->view().options, spec_, &want);
  if (!error.empty()) return error;
  error = b_->load_checkpoint(bytes);
  if (!error.empty()) return error;
  // A twin of other settings would no longer be this pair's: start it over.
  if (!changed_options(b_->view().options, want, kScopeRunAndLive).empty()) {
    b_->reset(want);
    return "compare: the kept twin run has other settings; it starts over";
  }
  return "";
}

}  // namespace headlab
