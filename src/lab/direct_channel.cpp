#include "lab/direct_channel.h"

namespace headlab {

void DirectChannel::post(const std::vector<uint8_t>& command) {
  TrainerMessage m;
  const std::string error = decode_command(command.data(), command.size(), &m);
  if (!error.empty()) {
    trainer_.status().error = "command: " + error;
    return;
  }
  trainer_.command(m);
}

void DirectChannel::receive(std::vector<std::vector<uint8_t>>* messages) {
  TrainerStatus& status = trainer_.status();
  if (!trainer_.has_run() && status.error.empty()) return;
  const LabView& v = trainer_.view();
  if (!encoder_.changed(v, status)) return;
  encoder_.encode(v, status, &message_);
  messages->push_back(message_);
  status.error.clear();
  status.notice.clear();
  status.checkpoint.clear();
}

void DirectChannel::pair_with(TrainerChannel* twin) {
  if (peer_) {
    peer_->peer_ = nullptr;
    peer_->trainer_.clear_peer();
  }
  peer_ = static_cast<DirectChannel*>(twin);
  leader_ = peer_ != nullptr;
  trainer_.clear_peer();
  if (!peer_) return;
  peer_->pair_with(nullptr);  // (drops any pair it had)
  peer_->peer_ = this;
  peer_->leader_ = false;
}

void DirectChannel::pump(double budget_ms) {
  if (budget_ms <= 0.0) return;  // (a look for views only)
  if (!peer_) {
    if (trainer_.has_work()) trainer_.train(budget_ms);
    return;
  }
  if (!leader_) return;
  // Each trainer may start a step only once the other has finished the one
  // before it, so the two take turns, a step (or a chunk of one) at a time.
  Trainer& a = trainer_;
  Trainer& b = peer_->trainer_;
  const double end = now_ms() + budget_ms;
  for (;;) {
    a.set_peer(b.run(), b.step());
    b.set_peer(a.run(), a.step());
    const bool go_a = a.wants_to_train(), go_b = b.wants_to_train();
    if (!go_a && !go_b) return;
    if (go_a) a.train(end - now_ms());
    b.set_peer(a.run(), a.step());
    if (go_b && b.wants_to_train()) b.train(end - now_ms());
    if (now_ms() >= end) return;
  }
}

}  // namespace headlab
