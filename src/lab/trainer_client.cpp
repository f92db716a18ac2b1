#include "lab/trainer_client.h"

#include <utility>

#include "core/checkpoint.h"
#include "lab/run_checks.h"

namespace headlab {

namespace {

constexpr const char* kOpenPending = "pending";
constexpr const char* kOpenPrefix = "open: ";
constexpr const char* kRecorded = "this is a recorded run: it does not train (Train it yourself starts it live)";

TrainerMessage message(TrainerCommand c) {
  TrainerMessage m;
  m.command = c;
  return m;
}

}  // namespace

TrainerClient::TrainerClient(std::unique_ptr<TrainerChannel> channel, const RunOptions& first, uint64_t run,
                             const std::vector<uint8_t>* checkpoint)
    : channel_(std::move(channel)), run_(run), options_(first) {
  view_.options = first;  // what the run will be (compare mode reads it before the trainer answers)
  TrainerMessage m = message(checkpoint ? TrainerCommand::LoadCheckpoint : TrainerCommand::Reset);
  m.options = first;
  if (checkpoint) m.bytes = *checkpoint;
  m.run = run;
  post(m);
  start_seq_ = m.seq;
}

void TrainerClient::post(TrainerMessage& m) {
  m.seq = ++seq_;
  encode_command(m, &outbox_);
  channel_->post(outbox_);
}

void TrainerClient::play() {
  TrainerMessage m = message(TrainerCommand::Play);
  post(m);
  playing_ = true;
  playing_seq_ = m.seq;
  view_.playing = view_.fault == Fault::None && view_.recorded.empty();  // at once: a page asking state() sees it
}

void TrainerClient::pause() {
  TrainerMessage m = message(TrainerCommand::Pause);
  post(m);
  playing_ = false;
  playing_seq_ = m.seq;
  view_.playing = false;
}

void TrainerClient::step(int n) {
  if (n <= 0) return;
  TrainerMessage m = message(TrainerCommand::Step);
  m.steps = n;
  post(m);
  playing_ = false;
  playing_seq_ = m.seq;
  view_.playing = false;
}

std::string TrainerClient::reset(const RunOptions& options, uint64_t run) {
  const std::string error = validate(options);
  if (!error.empty()) return error;
  options_ = options;
  run_ = run;
  TrainerMessage m = message(TrainerCommand::Reset);
  m.options = options;
  m.run = run;
  post(m);
  start_seq_ = m.seq;
  playing_ = false;
  playing_seq_ = m.seq;
  view_.playing = false;
  return "";
}

std::string TrainerClient::set_live(const LiveOptions& live) {
  if (!view_.recorded.empty() && status_.applied_seq >= start_seq_) return kRecorded;
  const std::string error = validate_live(live, options_.layers, options_.heads);
  if (!error.empty()) return error;
  options_.live = live;
  view_.options.live = live;
  TrainerMessage m = message(TrainerCommand::SetLive);
  m.options.live = live;
  post(m);
  live_seq_ = m.seq;
  return "";
}

void TrainerClient::restore_last_good() {
  TrainerMessage m = message(TrainerCommand::RestoreLastGood);
  post(m);
}

std::string TrainerClient::load_checkpoint(const std::vector<uint8_t>& bytes, uint64_t run) {
  CheckpointData d;
  std::string error;
  if (!checkpoint_decode(bytes.data(), bytes.size(), &d, &error)) return error;
  run_ = run;
  TrainerMessage m = message(TrainerCommand::LoadCheckpoint);
  m.bytes = bytes;
  m.run = run;
  post(m);
  start_seq_ = m.seq;
  playing_ = false;
  playing_seq_ = m.seq;
  view_.playing = false;
  return "";
}

void TrainerClient::save_file(const std::string& path) {
  TrainerMessage m = message(TrainerCommand::SaveFile);
  m.text = path;
  post(m);
}

void TrainerClient::open_begin(const std::string& name) {
  TrainerMessage m = message(TrainerCommand::OpenRun);
  m.text = name;
  post(m);
  open_from_ = m.seq;
  open_to_ = 0;
  open_result_ = kOpenPending;
}

void TrainerClient::open_data(const uint8_t* data, size_t size) {
  TrainerMessage m = message(TrainerCommand::RunData);
  m.bytes.assign(data, data + size);
  post(m);
}

void TrainerClient::open_end(uint64_t run) {
  run_ = run;
  TrainerMessage m = message(TrainerCommand::RunEnd);
  m.run = run;
  post(m);
  open_to_ = m.seq;
  start_seq_ = m.seq;
  playing_ = false;
  playing_seq_ = m.seq;
  view_.playing = false;
}

void TrainerClient::request_checkpoint() {
  if (checkpoint_asked_) return;
  TrainerMessage m = message(TrainerCommand::SaveCheckpoint);
  post(m);
  checkpoint_asked_ = m.seq;
}

void TrainerClient::frame(double budget_ms) {
  channel_->pump(budget_ms);
  channel_->receive(&inbox_);
  for (const std::vector<uint8_t>& message : inbox_) apply(message);
  inbox_.clear();
}

void TrainerClient::apply(const std::vector<uint8_t>& message) {
  const std::string bad = apply_view(message.data(), message.size(), &view_, &status_);
  if (!bad.empty()) {
    notices_.push_back({"the trainer sent a view that does not read (" + bad + ")", false});
    return;
  }
  if (view_.generation != trainer_generation_) {  // another run: ours to number
    trainer_generation_ = view_.generation;
    ++generation_;
    checkpoint_.clear();
    checkpoint_step_ = -1;
    if (status_.applied_seq >= start_seq_) options_ = view_.options;
  }
  view_.generation = generation_;
  // What the UI asked for and the trainer has not carried out yet shows as asked.
  if (status_.applied_seq < playing_seq_) view_.playing = playing_ && view_.fault == Fault::None && view_.recorded.empty();
  if (status_.applied_seq < live_seq_) view_.options.live = options_.live;
  else options_.live = view_.options.live;
  if (checkpoint_asked_ && status_.applied_seq >= checkpoint_asked_) {
    if (!status_.checkpoint.empty()) {
      checkpoint_ = std::move(status_.checkpoint);
      checkpoint_step_ = status_.checkpoint_step;
    }
    checkpoint_asked_ = 0;
  }
  if (!status_.error.empty()) {
    const bool opening = open_result_ == kOpenPending && status_.applied_seq >= open_from_;
    if (opening && status_.error.rfind(kOpenPrefix, 0) == 0) open_result_ = status_.error.substr(std::string(kOpenPrefix).size());
    else notices_.push_back({status_.error, false});
  }
  if (open_result_ == kOpenPending && open_to_ && status_.applied_seq >= open_to_) open_result_.clear();
  if (!status_.notice.empty()) notices_.push_back({status_.notice, true});
}

int TrainerClient::move_to(std::unique_ptr<TrainerChannel> channel) {
  channel_ = std::move(channel);
  trainer_generation_ = 0;
  checkpoint_asked_ = 0;
  const int steps_left = status_.steps_queued;
  status_.steps_queued = 0;
  if (!view_.recorded.empty()) return view_.step;  // shown as it was read; Train it yourself starts it live
  int from = 0;
  if (!checkpoint_.empty()) {
    TrainerMessage m = message(TrainerCommand::LoadCheckpoint);
    m.bytes = checkpoint_;
    m.run = run_;
    post(m);
    from = checkpoint_step_;
    TrainerMessage live = message(TrainerCommand::SetLive);
    live.options.live = options_.live;
    post(live);
  } else {
    TrainerMessage m = message(TrainerCommand::Reset);
    m.options = options_;
    m.run = run_;
    post(m);
  }
  start_seq_ = seq_;
  if (playing_) {
    play();
  } else if (steps_left > 0) {
    step(steps_left);
  }
  return from;
}

}  // namespace headlab
