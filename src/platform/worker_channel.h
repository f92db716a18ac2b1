// The page's transport (lab/trainer_client.h): the Trainer in a Web Worker
// (web/headlab-worker.js running this same engine, platform/web_trainer.cpp).
// Commands and views cross as transferable ArrayBuffers through
// Module.headlabTrainers, which web/headlab.js provides: no shared memory, so
// no COOP/COEP; the worker is a same-origin script, allowed by the README's
// CSP through worker-src 'self'. Compare mode's two runs each have a worker
// (two cores), joined by a MessageChannel of their own for the lockstep.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "lab/trainer_client.h"

namespace headlab {

class WorkerChannel final : public TrainerChannel {
 public:
  explicit WorkerChannel(int id) : id_(id) {}
  ~WorkerChannel() override;  // the worker closes

  void post(const std::vector<uint8_t>& command) override;
  void receive(std::vector<std::vector<uint8_t>>* messages) override;
  std::string failure() override;
  // `twin` must be a WorkerChannel.
  void pair_with(TrainerChannel* twin) override;
  const char* kind() const override { return "worker"; }
  std::string where() const override { return "worker"; }

 private:
  int id_;
};

// A channel for one run of the page: a worker where the page could start
// one, else a trainer in the page's frames (lab/direct_channel.h), which
// then says why.
std::unique_ptr<TrainerChannel> make_web_channel();
// The page's frames, after a worker died (`why`).
std::unique_ptr<TrainerChannel> make_page_channel(const std::string& why);

}  // namespace headlab
