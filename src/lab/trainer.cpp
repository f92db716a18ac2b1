#include "lab/trainer.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "lab/run_files.h"

namespace headlab {

namespace {

constexpr int kMaxQueuedSteps = 1 << 30;
const char* const kRecorded = "this is a recorded run: it does not train (Train it yourself starts it live)";

}  // namespace

void Trainer::new_run(uint64_t run) {
  playing_ = false;
  status_.steps_queued = 0;
  rate_.clear();
  view_.generation = ++generation_;
  run_ = run;
}

void Trainer::adopt(std::unique_ptr<Session> s, uint64_t run) {
  session_ = std::move(s);
  reader_.reset();
  start_view(*session_, &view_);
  new_run(run);
}

void Trainer::command(const TrainerMessage& m) {
  std::string error;
  switch (m.command) {
    case TrainerCommand::Play:
      status_.steps_queued = 0;
      playing_ = session_ && session_->fault() == Fault::None;
      break;
    case TrainerCommand::Pause:
      status_.steps_queued = 0;
      playing_ = false;
      break;
    case TrainerCommand::Step:
      playing_ = false;
      if (session_) status_.steps_queued = std::clamp(status_.steps_queued + std::max(m.steps, 0), 0, kMaxQueuedSteps);
      break;
    case TrainerCommand::Reset: {
      auto s = Session::create(m.options, &error);
      if (s) adopt(std::move(s), m.run);
      else error = "reset: " + error;
      break;
    }
    case TrainerCommand::SetLive:
      if (!session_) {
        error = kRecorded;
      } else {
        RunOptions o = session_->options();
        o.live = m.options.live;
        error = session_->update_hyperparameters(o);
        if (!error.empty()) error = "set: " + error;
      }
      break;
    case TrainerCommand::RestoreLastGood:
      if (session_) session_->restore_last_good();
      break;
    case TrainerCommand::LoadCheckpoint: {
      auto s = Session::load(m.bytes, &error);
      if (s) adopt(std::move(s), m.run);
      break;
    }
    case TrainerCommand::SaveCheckpoint:
      if (session_) {
        status_.checkpoint = session_->save();
        status_.checkpoint_step = session_->step_count();
      }
      break;
    case TrainerCommand::SaveFile:
      if (!session_) {
        error = "no live run to save (" + std::string(kRecorded) + ")";
      } else {
        error = checkpoint_save_file(m.text, session_->checkpoint());
        if (error.empty()) status_.notice = "saved checkpoint " + m.text + " (step " + std::to_string(session_->step_count()) + ")";
        else error = "could not save " + m.text + ": " + error;
      }
      break;
    case TrainerCommand::OpenRun:
      reader_ = std::make_unique<RunFileReader>();
      reading_ = m.text;
      break;
    case TrainerCommand::RunData:
      if (reader_) {  // (after a refusal the rest of the file is dropped)
        error = reader_->feed(reinterpret_cast<const char*>(m.bytes.data()), m.bytes.size());
        if (!error.empty()) reader_.reset(), error = "open: " + error;
      }
      break;
    case TrainerCommand::RunEnd:
      if (reader_) {
        LabView v;
        error = reader_->finish(&v);
        reader_.reset();
        if (!error.empty()) {
          error = "open: " + error;
          break;
        }
        session_.reset();
        view_ = std::move(v);
        view_.recorded = reading_;
        new_run(m.run);
      }
      break;
  }
  if (!error.empty()) status_.error = std::move(error);
  status_.applied_seq = m.seq;
}

int Trainer::step() const { return session_ ? session_->step_count() : view_.step; }

void Trainer::set_peer(uint64_t run, int step) {
  has_peer_ = true;
  peer_run_ = run;
  peer_step_ = step;
}

// The last step this trainer may finish now: one past its peer's, in the same run.
int Trainer::ceiling() const {
  if (!has_peer_) return std::numeric_limits<int>::max();
  return peer_run_ == run_ ? peer_step_ + 1 : step();
}

bool Trainer::has_work() const {
  return session_ && session_->fault() == Fault::None && (playing_ || status_.steps_queued > 0);
}

bool Trainer::wants_to_train() const { return has_work() && session_->step_count() < ceiling(); }

int Trainer::train(double budget_ms) {
  if (!session_) return 0;
  const int before = session_->step_count();
  if (playing_) {
    session_->advance(budget_ms, ceiling());
    rate_.add(session_->step_count());
  } else {
    rate_.clear();
    const double start = now_ms();
    while (status_.steps_queued > 0 && session_->step_count() < ceiling()) {
      if (!session_->step()) break;
      --status_.steps_queued;
      if (now_ms() - start >= budget_ms) break;
    }
  }
  if (session_->fault() != Fault::None) playing_ = false, status_.steps_queued = 0;
  return session_->step_count() - before;
}

const LabView& Trainer::view() {
  if (!session_) return view_;
  update_view(*session_, &view_);
  view_.playing = playing_;
  view_.steps_per_sec = rate_.per_second();
  view_.tokens_per_sec = view_.steps_per_sec * session_->tokens_per_step();
  return view_;
}

}  // namespace headlab
