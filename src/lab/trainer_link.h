// The messages between a client (lab/trainer_client.h, the UI's side) and a
// Trainer (lab/trainer.h) wherever it runs: in the same frame loop, on a
// thread of its own (the desktop) or in a Web Worker (the page). Commands go
// one way and views the other, as plain bytes (on the web they travel as
// transferable ArrayBuffers; no shared memory).
//
// A view message carries only what changed since the previous one: scalars
// and the live options always, history points appended since (or the whole
// series after it was thinned or rewound), and of the snapshots the list of
// those kept, each either one the receiver already has or new with its data
// (every array of kSnapshotArrays, snapshot.h). The trainer may send the next
// message only after the receiver applied the previous one.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/lab_view.h"

namespace headlab {

// The one command vocabulary of every trainer.
enum class TrainerCommand : uint8_t {
  Play,             // train continuously
  Pause,            // stop, dropping steps asked for and not yet run
  Step,             // pause, then run `steps` more steps
  Reset,            // a new run with `options` (paused)
  SetLive,          // `options.live` from the next step
  RestoreLastGood,  // back to the last good snapshot after a fault
  LoadCheckpoint,   // a new run from the checkpoint in `bytes` (paused)
  SaveCheckpoint,   // the status' checkpoint, once
  OpenRun,          // start reading a run file named `text`...
  RunData,          // ...whose next piece is `bytes`...
  RunEnd,           // ...and which ends here: the recorded run is shown, or the status says why not
  SaveFile,         // write a checkpoint to the path `text` (native trainers; the status' notice says how it went)
};

struct TrainerMessage {
  TrainerCommand command = TrainerCommand::Pause;
  uint64_t seq = 0;            // numbered by the client; views say which they reflect
  uint64_t run = 0;            // Reset, LoadCheckpoint, RunEnd: the new run's number, the same for both
                               // runs of a pair (compare mode's lockstep pairs steps of equal runs)
  int steps = 0;               // Step
  RunOptions options;          // Reset (all), SetLive (the live part)
  std::vector<uint8_t> bytes;  // LoadCheckpoint, RunData
  std::string text;            // OpenRun, SaveFile
};

void encode_command(const TrainerMessage& m, std::vector<uint8_t>* out);
// "" or what was wrong with the bytes (then *m is unspecified).
std::string decode_command(const uint8_t* data, size_t size, TrainerMessage* m);

// What a view message says besides the LabView.
struct TrainerStatus {
  uint64_t applied_seq = 0;  // the last command the trainer carried out
  int steps_queued = 0;      // of Step: steps not yet run
  std::string error;         // the last command failed (e.g. a run file that is not one), once
  std::string notice;        // a result worth a line (e.g. "saved checkpoint ..."), once
  std::vector<uint8_t> checkpoint;  // asked for by SaveCheckpoint, once
  int checkpoint_step = -1;         // its step
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
  std::string live_;  // the live options sent, as text
  TrainerStatus status_;
  size_t history_sent_ = 0;
  HistoryPoint history_last_;  // the last point sent: a rewound series differs there
  std::vector<std::shared_ptr<const Snapshot>> snapshots_;  // as the receiver has them
};

// The receiver's side: applies one view message to *v. "" on success, else
// what was wrong (a malformed message leaves *v as it was).
std::string apply_view(const uint8_t* data, size_t size, LabView* v, TrainerStatus* status);

}  // namespace headlab
