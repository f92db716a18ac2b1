// The messages between a UI and a run trained somewhere else (the web page's
// worker, platform/worker_runner.h): commands one way, views the other, as
// plain bytes (they travel as transferable ArrayBuffers; no shared memory).
//
// A view message carries only what changed since the previous one: scalars
// always, history points appended since (or the whole series after it was
// thinned or rewound), and of the snapshots the list of those kept, each
// either one the receiver already has or new with its data. The trainer may
// send the next message only after the receiver applied the previous one.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/runner.h"

namespace headlab {

enum class TrainerCommand : uint8_t {
  Play, Pause, Step, Reset, Hyperparameters, RestoreLastGood, LoadCheckpoint, SaveCheckpoint
};

struct TrainerMessage {
  TrainerCommand command = TrainerCommand::Pause;
  uint64_t seq = 0;    // numbered by the sender; views say which they reflect
  int steps = 0;       // Step
  RunOptions options;  // Reset, Hyperparameters
  std::vector<uint8_t> checkpoint;  // LoadCheckpoint
};

void encode_command(const TrainerMessage& m, std::vector<uint8_t>* out);
// "" or what was wrong with the bytes (then *m is unspecified).
std::string decode_command(const uint8_t* data, size_t size, TrainerMessage* m);

// What a view message says besides the LabView.
struct TrainerStatus {
  uint64_t applied_seq = 0;  // the last command the trainer carried out
  int steps_queued = 0;      // of step(n): steps not yet run
  std::string error;         // the last command failed (e.g. a new run that could not be built), once
  std::vector<uint8_t> checkpoint;  // asked for by SaveCheckpoint, once
};

// The trainer's side: remembers what the receiver has.
class ViewEncoder {
 public:
  // Replaces *out with the changes that bring the receiver from the last view sent to `v`.
  void encode(const LabView& v, const TrainerStatus& status, std::vector<uint8_t>* out);
  // True when `v` differs from the last view sent in anything a message would carry.
  bool changed(const LabView& v, const TrainerStatus& status) const;

 private:
  uint64_t generation_ = 0;  // 0: nothing sent yet
  int step_ = -1;
  bool playing_ = false;
  Fault fault_ = Fault::None;
  TrainerStatus status_;
  size_t history_sent_ = 0;
  HistoryPoint history_last_;  // the last point sent: a rewound series differs there
  std::vector<std::shared_ptr<const Snapshot>> snapshots_;  // as the receiver has them
};

// The receiver's side: applies one view message to *v. "" on success, else
// what was wrong (a malformed message leaves *v as it was).
std::string apply_view(const uint8_t* data, size_t size, LabView* v, TrainerStatus* status);

}  // namespace headlab
