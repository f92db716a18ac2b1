// The one trainer: it owns a run, carries out the commands of trainer_link.h
// and trains. The run is a live Session, or a recorded run read from a run
// file as its pieces arrive (RunData), which it shows until a new run is
// asked for. Whatever the platform, a Trainer runs where training happens:
// in the frame loop (lab/direct_channel.h), on a thread (the desktop's
// platform/thread_channel.h) or in a Web Worker (platform/web_trainer.cpp),
// and a TrainerClient (lab/trainer_client.h) talks to it in bytes.
//
// Compare mode's two runs are two Trainers in lockstep: each is told its
// peer's run and step (set_peer) and starts step k+1 of a run only once the
// peer has finished step k of its own (the same run number), so the two
// never differ by more than one step, and on two cores they train at once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "lab/rate_meter.h"
#include "lab/run_json_read.h"
#include "lab/trainer_link.h"

namespace headlab {

class Trainer {
 public:
  // Carries out one command; what went wrong goes to status().error (once).
  void command(const TrainerMessage& m);
  // Trains for about budget_ms while playing, or the steps Step asked for,
  // starting no step the peer has not reached. Returns the steps taken.
  int train(double budget_ms);
  // True when train() has work it may do now (playing or steps left, and not held back by the peer).
  bool wants_to_train() const;
  // True while playing or steps are left, held back by the peer or not.
  bool has_work() const;

  // Lockstep (compare mode): the peer's run number and steps done.
  void set_peer(uint64_t run, int step);
  void clear_peer() { has_peer_ = false; }
  // The run's number as the client gave it (the same for both runs of a
  // pair) and the steps it has done, for the peer.
  uint64_t run() const { return run_; }
  int step() const;

  // The run as it is now, and the status to send with it.
  const LabView& view();
  TrainerStatus& status() { return status_; }
  bool has_run() const { return session_ != nullptr || !view_.recorded.empty(); }

 private:
  void adopt(std::unique_ptr<Session> s, uint64_t run);
  void new_run(uint64_t run);
  int ceiling() const;

  std::unique_ptr<Session> session_;  // null for a recorded run (or before the first run)
  LabView view_;
  uint64_t generation_ = 0;  // of view_: every new run here
  uint64_t run_ = 0;         // as the client numbered it
  bool playing_ = false;
  RateMeter rate_;
  std::unique_ptr<RunFileReader> reader_;  // a run file being read
  std::string reading_;                    // its name
  bool has_peer_ = false;
  uint64_t peer_run_ = 0;
  int peer_step_ = 0;
  TrainerStatus status_;
};

}  // namespace headlab
