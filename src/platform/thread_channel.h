// The desktop's transport (lab/trainer_client.h): the Trainer lives on a
// thread of its own and trains all the time while playing, so the window
// keeps its frame rate however long one step takes. Commands and views
// cross as bytes under a mutex, exactly as they cross to a Web Worker.
//
// Who owns what (the whole threading contract):
//   training thread  the Trainer, its ViewEncoder
//   UI thread        nothing but what post() and receive() hand over
//   mutex m_         the inbox (commands), the outbox (at most one view
//                    message the UI has not taken), quit_
//   a pair's Lockstep  each side's run and step (atomics): compare mode's
//                    two threads train in lockstep, one step apart at most
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/trainer.h"
#include "lab/trainer_client.h"

namespace headlab {

class ThreadChannel final : public TrainerChannel {
 public:
  // `on_view`, if given, is called on the training thread after each view
  // it hands over, so an idle UI loop can sleep until there is something to draw.
  explicit ThreadChannel(std::function<void()> on_view = {});
  // Carries out every command posted (so no save asked for is lost), then joins the thread.
  ~ThreadChannel() override;
  ThreadChannel(const ThreadChannel&) = delete;
  ThreadChannel& operator=(const ThreadChannel&) = delete;

  void post(const std::vector<uint8_t>& command) override;
  void receive(std::vector<std::vector<uint8_t>>* messages) override;
  // `twin` must be a ThreadChannel.
  void pair_with(TrainerChannel* twin) override;
  const char* kind() const override { return "thread"; }
  std::string where() const override { return "thread"; }
  void finish() override;

 private:
  struct Lockstep;
  void loop();
  // Training thread: the peer's run and step, from the pair's Lockstep.
  void read_peer(const std::shared_ptr<Lockstep>& pair, int side);
  void publish(const std::shared_ptr<Lockstep>& pair, int side);
  void wake();

  // --- training thread only ---
  Trainer trainer_;
  ViewEncoder encoder_;
  double sent_at_ = 0.0;

  // --- shared, under m_ ---
  std::mutex m_;
  std::condition_variable wake_;
  std::vector<std::vector<uint8_t>> inbox_;
  std::vector<std::vector<uint8_t>> outbox_;
  bool quit_ = false;
  std::shared_ptr<Lockstep> pair_;
  int side_ = 0;  // of the pair: 0 or 1

  const std::function<void()> on_view_;  // set before the thread starts, then only read
  std::thread thread_;                   // last: starts after every member above exists
};

}  // namespace headlab
