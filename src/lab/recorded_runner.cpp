#include "lab/recorded_runner.h"

#include <atomic>
#include <utility>

namespace headlab {

namespace {

// Runners number their runs from 1; a recorded view's generation comes from
// far above, so the UI sees a new run both when a recording opens and when
// it turns into a live run.
std::atomic<uint64_t> g_next_generation{uint64_t{1} << 62};

const char* const kNotTraining = "this is a recorded run: it does not train (Train it yourself starts it live)";

}  // namespace

RecordedRunner::RecordedRunner(RunnerFactory make, LabView recorded)
    : make_(std::move(make)), recorded_(std::move(recorded)) {
  recorded_.generation = g_next_generation++;
  recorded_.playing = false;
}

void RecordedRunner::play() {
  if (live_) live_->play();
}

void RecordedRunner::pause() {
  if (live_) live_->pause();
}

void RecordedRunner::step(int n) {
  if (live_) live_->step(n);
}

std::string RecordedRunner::reset(const RunOptions& options) {
  if (live_) return live_->reset(options);
  std::string error;
  auto live = make_(options, &error);
  if (!live) return error;
  live_ = std::move(live);
  return "";
}

std::string RecordedRunner::set_hyperparameters(const RunOptions& options) {
  return live_ ? live_->set_hyperparameters(options) : kNotTraining;
}

void RecordedRunner::restore_last_good() {
  if (live_) live_->restore_last_good();
}

void RecordedRunner::frame(double budget_ms) {
  if (live_) live_->frame(budget_ms);
}

std::vector<uint8_t> RecordedRunner::save_checkpoint() {
  return live_ ? live_->save_checkpoint() : std::vector<uint8_t>();
}

std::string RecordedRunner::load_checkpoint(const std::vector<uint8_t>& bytes) {
  if (!live_) {
    std::string error;
    auto live = make_(recorded_.options, &error);
    if (!live) return error;
    error = live->load_checkpoint(bytes);
    if (!error.empty()) return error;
    live_ = std::move(live);
    return "";
  }
  return live_->load_checkpoint(bytes);
}

}  // namespace headlab
