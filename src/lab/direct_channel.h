// A trainer in the caller's own loop: the page where no worker could start
// (it trains inside the animation frames, time-sliced) and the tests.
// Commands are carried out as they are posted; pump() trains.
#pragma once
#include <string>
#include <vector>

#include "lab/trainer.h"
#include "lab/trainer_client.h"

namespace headlab {

class DirectChannel final : public TrainerChannel {
 public:
  // `where` is what the reader is told, e.g. "page (no worker: ...)".
  explicit DirectChannel(std::string where = "here") : where_(std::move(where)) {}

  void post(const std::vector<uint8_t>& command) override;
  void receive(std::vector<std::vector<uint8_t>>* messages) override;
  // Trains for about budget_ms; a pair's first channel trains both, in lockstep, the second none.
  void pump(double budget_ms) override;
  bool trains_here() const override { return true; }
  // `twin` must be a DirectChannel.
  void pair_with(TrainerChannel* twin) override;
  const char* kind() const override { return "direct"; }
  std::string where() const override { return where_; }

 private:
  Trainer trainer_;
  ViewEncoder encoder_;
  std::vector<uint8_t> message_;
  DirectChannel* peer_ = nullptr;
  bool leader_ = false;  // of a pair: the one whose pump() trains both
  std::string where_;
};

}  // namespace headlab
