// The UI's side of one trainer (lab/trainer.h): it checks what it can at
// once (options, checkpoints), numbers the commands, sends them as bytes
// through a TrainerChannel and applies the views that come back. The channel
// is the only thing that differs between platforms: a Trainer in the same
// loop (lab/direct_channel.h), on a thread (platform/thread_channel.h) or in
// a Web Worker (platform/worker_channel.h).
//
// The view trails the trainer by a message: after a command, view() shows
// its effect once the trainer has carried it out (idle() says when), except
// for what the UI asked for itself (play or pause, the live options), which
// it shows at once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/lab_view.h"
#include "lab/notice.h"
#include "lab/trainer_link.h"

namespace headlab {

// A transport between a client and its trainer.
class TrainerChannel {
 public:
  virtual ~TrainerChannel() = default;
  virtual void post(const std::vector<uint8_t>& command) = 0;
  // The view messages that arrived since the last call, oldest first.
  virtual void receive(std::vector<std::vector<uint8_t>>* messages) = 0;
  // Channels whose trainer lives in this loop train here, for about budget_ms.
  virtual void pump(double budget_ms) { (void)budget_ms; }
  virtual bool trains_here() const { return false; }
  // "" while the trainer works; else why it stopped (a worker that died).
  virtual std::string failure() { return ""; }
  // Carries out every command posted, then stops training; the last views
  // can still be received (the desktop's close: no save asked for is lost).
  virtual void finish() {}
  // Compare mode: trains in lockstep with `twin`'s trainer (a channel of the
  // same kind()), or alone again (nullptr).
  virtual void pair_with(TrainerChannel* twin) = 0;
  // Channels pair only with their own kind: "direct", "thread", "worker".
  virtual const char* kind() const = 0;
  // Where training runs, for the reader: "worker", "thread", "page (why)".
  virtual std::string where() const = 0;
};

class TrainerClient {
 public:
  // Sends the first run's options (checked by the caller), or a checkpoint
  // of a run with those options to continue; view() holds only the options
  // (generation 0) until the trainer's first view arrives. `run` numbers each
  // new run (the same for both runs of a pair: lab/trainer.h).
  TrainerClient(std::unique_ptr<TrainerChannel> channel, const RunOptions& first, uint64_t run,
                const std::vector<uint8_t>* checkpoint = nullptr);

  void play();
  void pause();
  void step(int n);
  // Checked here (the whole run); the trainer builds it. "" or why not (the run stays).
  std::string reset(const RunOptions& options, uint64_t run);
  // Checked here (live options only) and shown at once; applied from the trainer's next step.
  std::string set_live(const LiveOptions& live);
  void restore_last_good();
  // Decoded here; the trainer builds the run from it.
  std::string load_checkpoint(const std::vector<uint8_t>& bytes, uint64_t run);
  // Native trainers write a checkpoint file when they get to this request;
  // the outcome arrives through take_notices().
  void save_file(const std::string& path);
  // A recorded run, read by the trainer as its pieces arrive. open_result()
  // is "pending" until the trainer has read the end, then "" or why not.
  void open_begin(const std::string& name);
  void open_data(const uint8_t* data, size_t size);
  void open_end(uint64_t run);
  const std::string& open_result() const { return open_result_; }
  // Asks for a fresh checkpoint; checkpoint() is the newest one the trainer sent of the run shown.
  void request_checkpoint();
  const std::vector<uint8_t>& checkpoint() const { return checkpoint_; }
  int checkpoint_step() const { return checkpoint_step_; }

  // Takes the views that arrived (and, for a channel in this loop, trains for about budget_ms).
  void frame(double budget_ms);
  const LabView& view() const { return view_; }
  // Every command sent has been carried out and every step asked for run.
  bool idle() const { return status_.applied_seq == seq_ && status_.steps_queued == 0; }
  // A new run was asked for and is not shown yet.
  bool starting() const { return status_.applied_seq < start_seq_; }
  uint64_t sent() const { return seq_; }
  uint64_t applied() const { return status_.applied_seq; }
  std::vector<Notice> take_notices() { return std::move(notices_); }

  TrainerChannel& channel() { return *channel_; }
  const TrainerChannel& channel() const { return *channel_; }
  // Moves the run to another channel (its trainer may have died): the run
  // goes on there from the newest checkpoint, or starts over when there is none.
  // Returns the step it goes on from.
  int move_to(std::unique_ptr<TrainerChannel> channel);

 private:
  void post(TrainerMessage& m);
  void apply(const std::vector<uint8_t>& message);

  std::unique_ptr<TrainerChannel> channel_;
  uint64_t seq_ = 0;        // the last command posted
  uint64_t start_seq_ = 0;  // the last new run asked for (Reset, LoadCheckpoint, RunEnd)
  uint64_t run_ = 0;        // its number
  RunOptions options_;      // the run last asked for, or shown
  bool playing_ = false;    // as last asked
  uint64_t playing_seq_ = 0, live_seq_ = 0;
  LabView view_;
  TrainerStatus status_;
  uint64_t trainer_generation_ = 0;  // the trainer's number of the run shown
  uint64_t generation_ = 0;          // ours: new for every run shown, whichever trainer made it
  std::vector<uint8_t> checkpoint_;
  int checkpoint_step_ = -1;
  uint64_t checkpoint_asked_ = 0;  // seq of a SaveCheckpoint not yet answered
  uint64_t open_from_ = 0, open_to_ = 0;  // the open's first and last command
  std::string open_result_;
  std::vector<Notice> notices_;
  std::vector<uint8_t> outbox_;
  std::vector<std::vector<uint8_t>> inbox_;
};

}  // namespace headlab
