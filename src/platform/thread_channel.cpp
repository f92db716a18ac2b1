// ThreadChannel: the Trainer on a thread (see thread_channel.h for who owns what).
#include "platform/thread_channel.h"

#include <atomic>
#include <utility>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace headlab {

namespace {

constexpr double kSliceMs = 4.0;      // training between two looks at the inbox
constexpr double kHandOverMs = 15.0;  // a new view at most this often while training: one per 60 Hz frame

}  // namespace

// The two sides of a pair: each publishes its run and step after each slice
// and wakes the other, which may then go one step further.
struct ThreadChannel::Lockstep {
  std::atomic<uint64_t> run[2] = {0, 0};
  std::atomic<int> step[2] = {0, 0};
  std::mutex m;  // guards side[]: a side leaving the pair is forgotten before it goes
  ThreadChannel* side[2] = {nullptr, nullptr};
};

ThreadChannel::ThreadChannel(std::function<void()> on_view)
    : on_view_(std::move(on_view)), thread_(&ThreadChannel::loop, this) {}

ThreadChannel::~ThreadChannel() {
  pair_with(nullptr);
  finish();
}

void ThreadChannel::post(const std::vector<uint8_t>& command) {
  std::lock_guard<std::mutex> lock(m_);
  inbox_.push_back(command);
  wake_.notify_one();
}

void ThreadChannel::receive(std::vector<std::vector<uint8_t>>* messages) {
  std::lock_guard<std::mutex> lock(m_);
  for (auto& m : outbox_) messages->push_back(std::move(m));
  outbox_.clear();
  wake_.notify_one();  // the next view may be made
}

void ThreadChannel::wake() {
  std::lock_guard<std::mutex> lock(m_);
  wake_.notify_one();
}

void ThreadChannel::pair_with(TrainerChannel* twin) {
  std::shared_ptr<Lockstep> old;
  {
    std::lock_guard<std::mutex> lock(m_);
    old = std::move(pair_);
  }
  if (old) {  // both sides train alone again
    ThreadChannel* other = nullptr;
    {
      std::lock_guard<std::mutex> lock(old->m);
      other = old->side[0] == this ? old->side[1] : old->side[0];
      old->side[0] = old->side[1] = nullptr;
    }
    if (other) {
      std::lock_guard<std::mutex> lock(other->m_);
      other->pair_.reset();
      other->wake_.notify_one();
    }
  }
  if (!twin) return wake();
  auto* peer = static_cast<ThreadChannel*>(twin);
  peer->pair_with(nullptr);
  auto pair = std::make_shared<Lockstep>();
  pair->side[0] = this;
  pair->side[1] = peer;
  {
    std::lock_guard<std::mutex> lock(m_);
    pair_ = pair;
    side_ = 0;
    wake_.notify_one();
  }
  std::lock_guard<std::mutex> lock(peer->m_);
  peer->pair_ = pair;
  peer->side_ = 1;
  peer->wake_.notify_one();
}

void ThreadChannel::finish() {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (quit_) return;
    quit_ = true;
    wake_.notify_one();
  }
  thread_.join();
}

void ThreadChannel::read_peer(const std::shared_ptr<Lockstep>& pair, int side) {
  if (!pair) return trainer_.clear_peer();
  trainer_.set_peer(pair->run[1 - side].load(), pair->step[1 - side].load());
}

void ThreadChannel::publish(const std::shared_ptr<Lockstep>& pair, int side) {
  if (!pair) return;
  pair->run[side].store(trainer_.run());
  pair->step[side].store(trainer_.step());
  std::lock_guard<std::mutex> pair_lock(pair->m);  // then the other's m_: never while holding our own
  if (ThreadChannel* other = pair->side[1 - side]) {
    std::lock_guard<std::mutex> lock(other->m_);
    other->wake_.notify_one();
  }
}

void ThreadChannel::loop() {
#ifdef __linux__
  // Training takes every cycle it gets; on a 2-core laptop drawing (and a
  // software GL driver) must still win when they compete, or frames stutter.
  // Linux applies nice per thread. Best effort: failure changes nothing else.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
  std::vector<std::vector<uint8_t>> commands;
  std::vector<uint8_t> message;
  for (;;) {
    std::shared_ptr<Lockstep> pair;
    int side = 0;
    bool quit = false, can_send = false;
    {
      std::unique_lock<std::mutex> lock(m_);
      // Sleeps until a command, a view the UI took (while one is to send), the peer's progress, or the end.
      for (;;) {
        pair = pair_;
        side = side_;
        read_peer(pair, side);
        can_send = outbox_.empty();
        const bool to_send = can_send && (trainer_.has_run() || !trainer_.status().error.empty()) &&
                             encoder_.changed(trainer_.view(), trainer_.status());
        if (quit_ || !inbox_.empty() || trainer_.wants_to_train() || to_send) break;
        wake_.wait(lock);
      }
      commands.swap(inbox_);
      quit = quit_;
    }
    // Commands first, in the order they were sent; quitting runs them too,
    // so a save asked for just before the window closed is still written.
    for (const auto& bytes : commands) {
      TrainerMessage m;
      const std::string error = decode_command(bytes.data(), bytes.size(), &m);
      if (error.empty()) trainer_.command(m);
      else trainer_.status().error = "command: " + error;
    }
    commands.clear();
    const bool training = !quit && trainer_.wants_to_train();
    if (training) trainer_.train(kSliceMs);
    publish(pair, side);
    // A view when the UI has taken the last one: at once after commands or a
    // pause, every kHandOverMs while training, and a last one when quitting.
    const bool due = !training || now_ms() - sent_at_ >= kHandOverMs || trainer_.view().fault != Fault::None;
    if ((can_send || quit) && due && (trainer_.has_run() || !trainer_.status().error.empty())) {
      TrainerStatus& status = trainer_.status();
      const LabView& v = trainer_.view();
      if (quit || encoder_.changed(v, status)) {
        encoder_.encode(v, status, &message);
        status.error.clear();
        status.notice.clear();
        status.checkpoint.clear();
        sent_at_ = now_ms();
        {
          std::lock_guard<std::mutex> lock(m_);
          outbox_.push_back(message);
        }
        if (on_view_) on_view_();  // the callback talks to the window system: never under our lock
      }
    }
    if (quit) return;
  }
}

}  // namespace headlab
