// The trainer's contract (tests/host_contract.h) with the trainer in the
// caller's loop (lab/direct_channel.h: the page without a worker; also as
// WebAssembly under Node) and with one that answers a frame late, as a
// worker does, whose views trail the commands.
#include <catch.hpp>
#include <deque>

#include "host_contract.h"
#include "lab/direct_channel.h"

using namespace headlab;

namespace {

std::unique_ptr<TrainerChannel> direct() { return std::make_unique<DirectChannel>(); }

// Commands are carried out, and views made, only on the next pump(): the UI
// sees what it asked for before the trainer has done it. No pairs.
class LateChannel final : public TrainerChannel {
 public:
  void post(const std::vector<uint8_t>& command) override { inbox_.push_back(command); }
  void receive(std::vector<std::vector<uint8_t>>* messages) override {
    for (auto& m : outbox_) messages->push_back(std::move(m));
    outbox_.clear();
  }
  void pump(double budget_ms) override {
    for (const auto& bytes : inbox_) {
      TrainerMessage m;
      REQUIRE(decode_command(bytes.data(), bytes.size(), &m) == "");
      trainer_.command(m);
    }
    inbox_.clear();
    if (trainer_.wants_to_train()) trainer_.train(budget_ms);
    TrainerStatus& status = trainer_.status();
    if (!outbox_.empty() || !(trainer_.has_run() || !status.error.empty()) || !encoder_.changed(trainer_.view(), status)) return;
    outbox_.emplace_back();
    encoder_.encode(trainer_.view(), status, &outbox_.back());
    status.error.clear(), status.notice.clear(), status.checkpoint.clear();
  }
  bool trains_here() const override { return true; }
  void pair_with(TrainerChannel*) override { FAIL("a late channel does not pair"); }
  const char* kind() const override { return "late"; }
  std::string where() const override { return "late"; }

 private:
  Trainer trainer_;
  ViewEncoder encoder_;
  std::vector<std::vector<uint8_t>> inbox_, outbox_;
};

std::unique_ptr<TrainerChannel> late() { return std::make_unique<LateChannel>(); }

}  // namespace

TEST_CASE("in the caller's loop: play, pause and step(n)", "[host]") { contract::trains_pauses_and_steps(direct); }
TEST_CASE("in the caller's loop: reset", "[host]") { contract::resets(direct); }
TEST_CASE("in the caller's loop: live options and switching heads", "[host]") { contract::live_options(direct); }
TEST_CASE("in the caller's loop: checkpoints", "[host]") { contract::checkpoints(direct); }
TEST_CASE("in the caller's loop: compare mode in lockstep, the twin a solo run", "[host][compare]") { contract::compare_in_lockstep(direct); }
TEST_CASE("in the caller's loop: a kept pair resumes", "[host][compare]") { contract::pair_resumes(direct); }
TEST_CASE("in the caller's loop: recorded runs", "[host][replay]") { contract::recorded_runs(direct); }
TEST_CASE("in the caller's loop: faults", "[host]") { contract::faults(direct); }

TEST_CASE("a frame late: play, pause and step(n)", "[host]") { contract::trains_pauses_and_steps(late); }
TEST_CASE("a frame late: reset", "[host]") { contract::resets(late); }
TEST_CASE("a frame late: live options and switching heads", "[host]") { contract::live_options(late); }
TEST_CASE("a frame late: checkpoints", "[host]") { contract::checkpoints(late); }
TEST_CASE("a frame late: recorded runs", "[host][replay]") { contract::recorded_runs(late); }
TEST_CASE("a frame late: faults", "[host]") { contract::faults(late); }

TEST_CASE("a trainer that stops: both runs go on elsewhere from their newest checkpoints", "[host]") {
  // A channel whose trainer can be made to "die", as a worker can.
  struct Dying final : TrainerChannel {
    DirectChannel inner;
    std::string* dead;
    explicit Dying(std::string* d) : dead(d) {}
    void post(const std::vector<uint8_t>& c) override { inner.post(c); }
    void receive(std::vector<std::vector<uint8_t>>* m) override { inner.receive(m); }
    void pump(double ms) override { inner.pump(ms); }
    bool trains_here() const override { return true; }
    std::string failure() override { return *dead; }
    void pair_with(TrainerChannel* twin) override { inner.pair_with(twin ? &static_cast<Dying*>(twin)->inner : nullptr); }
    const char* kind() const override { return "dying"; }
    std::string where() const override { return "worker"; }
  };
  std::string dead;
  RunHost h([&] { return std::make_unique<Dying>(&dead); }, presets::run_small("addsub"));
  h.set_fallback([](const std::string& why) { return std::make_unique<DirectChannel>("page (" + why + ")"); });
  REQUIRE(h.set_compare("init:clone-all") == "");
  h.step(8);
  REQUIRE(contract::settled(h));
  h.checkpoint(0), h.checkpoint(1);
  REQUIRE(contract::until(h, [&] { return !h.checkpoint(0).empty() && !h.checkpoint(1).empty(); }));
  h.step(3);  // past the checkpoints: lost with the trainer
  REQUIRE(contract::settled(h));
  const uint64_t generation = h.view().generation;
  dead = "worker crashed";
  h.play();
  h.frame(1.0);
  const std::vector<Notice> notices = h.take_notices();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].text == "training stopped (worker crashed): it goes on in page (worker crashed) from step 8, the last checkpoint it sent");
  CHECK_FALSE(notices[0].ok);
  CHECK(h.where() == "page (worker crashed)");
  REQUIRE(contract::until(h, [&] { return h.view().step >= 12; }));
  CHECK(h.view().generation != generation);
  CHECK(h.view().playing);
  CHECK(h.twin_view()->step == h.view().step);
  CHECK(h.twin_view()->options.init == HeadInit::CloneAll);
}
