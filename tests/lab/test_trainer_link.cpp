// lab/trainer_link.h: a view sent as a series of delta messages arrives
// whole (history, snapshots, a new run, a rewind), and commands round-trip.
#include <catch.hpp>

#include "lab/trainer.h"
#include "lab/trainer_link.h"

using namespace headlab;

namespace {

void require_same(const LabView& a, const LabView& b) {
  REQUIRE(a.generation == b.generation);
  REQUIRE(a.step == b.step);
  REQUIRE(a.loss == b.loss);
  REQUIRE(a.playing == b.playing);
  REQUIRE(describe(a.options) == describe(b.options));
  REQUIRE(a.vocab == b.vocab);
  REQUIRE(a.probe == b.probe);
  REQUIRE(a.roles.size() == b.roles.size());
  REQUIRE(a.history.size() == b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    REQUIRE(a.history[i].step == b.history[i].step);
    REQUIRE(a.history[i].loss == b.history[i].loss);
  }
  REQUIRE(a.snapshots.size() == b.snapshots.size());
  for (size_t i = 0; i < a.snapshots.size(); ++i) {
    REQUIRE(a.snapshots[i]->step == b.snapshots[i]->step);
    REQUIRE(a.snapshots[i]->attn == b.snapshots[i]->attn);
    REQUIRE(a.snapshots[i]->roles == b.snapshots[i]->roles);
  }
}

// A trainer with a first run of `o`, as a client starts it.
void start(Trainer* t, const RunOptions& o, TrainerCommand c = TrainerCommand::Reset, int steps = 0) {
  TrainerMessage m;
  m.command = c;
  m.options = o;
  m.steps = steps;
  m.run = 1;
  t->command(m);
  REQUIRE(t->status().error == "");
}

}  // namespace

TEST_CASE("a view arrives whole through delta messages", "[trainer_link]") {
  RunOptions o;
  o.task = "copy";
  o.batch = 4;
  o.d_model = 16;
  o.d_mlp = 32;
  o.live.snapshot_every = 2;
  Trainer trainer;
  start(&trainer, o);
  ViewEncoder encoder;
  LabView received;
  TrainerStatus status, got;
  std::vector<uint8_t> bytes;
  size_t last = 0;
  auto send = [&] {
    REQUIRE(encoder.changed(trainer.view(), status));
    encoder.encode(trainer.view(), status, &bytes);
    REQUIRE(apply_view(bytes.data(), bytes.size(), &received, &got) == "");
    REQUIRE_FALSE(encoder.changed(trainer.view(), status));
    require_same(trainer.view(), received);
    last = bytes.size();
  };
  send();
  for (int i = 0; i < 6; ++i) {
    start(&trainer, o, TrainerCommand::Step, 3);
    while (trainer.wants_to_train()) trainer.train(100.0);
    send();
  }
  ViewEncoder fresh;
  std::vector<uint8_t> whole;
  fresh.encode(trainer.view(), status, &whole);
  CHECK(last < whole.size() / 4);  // the new snapshots, not all of them
  start(&trainer, o, TrainerCommand::RestoreLastGood);
  status.applied_seq = 7;
  send();
  CHECK(got.applied_seq == 7);
  // A live change reaches the receiver without a new run; a new run brings everything.
  o.live.lr = 3e-3f;
  o.live.off = {{0, 1}};
  start(&trainer, o, TrainerCommand::SetLive);
  send();
  CHECK(received.options.live.lr == 3e-3f);
  CHECK(received.options.live.off.size() == 1);
  o.seed = 2;
  start(&trainer, o);
  send();
  CHECK(received.options.seed == 2);
}

TEST_CASE("a malformed view message changes nothing", "[trainer_link]") {
  RunOptions o;
  o.task = "copy";
  o.batch = 4;
  Trainer trainer;
  start(&trainer, o);
  ViewEncoder encoder;
  std::vector<uint8_t> bytes;
  encoder.encode(trainer.view(), TrainerStatus(), &bytes);
  LabView v;
  TrainerStatus st;
  for (size_t cut : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    CHECK(apply_view(bytes.data(), cut, &v, &st) != "");
    CHECK(v.generation == 0);
  }
}

TEST_CASE("commands round-trip", "[trainer_link]") {
  TrainerMessage m;
  m.command = TrainerCommand::Reset;
  m.seq = 42;
  m.options.heads = 2;
  m.options.text = "";
  m.options.live.lr = 3e-4f;
  std::vector<uint8_t> bytes;
  encode_command(m, &bytes);
  TrainerMessage back;
  REQUIRE(decode_command(bytes.data(), bytes.size(), &back) == "");
  CHECK(back.command == TrainerCommand::Reset);
  CHECK(back.seq == 42);
  m.command = TrainerCommand::RunData;
  m.bytes = {1, 2, 3};
  encode_command(m, &bytes);
  REQUIRE(decode_command(bytes.data(), bytes.size(), &back) == "");
  CHECK(back.bytes == m.bytes);
  m.command = TrainerCommand::OpenRun;
  m.text = "division.json";
  encode_command(m, &bytes);
  REQUIRE(decode_command(bytes.data(), bytes.size(), &back) == "");
  CHECK(back.text == "division.json");
  m.command = TrainerCommand::Reset;
  encode_command(m, &bytes);
  CHECK(describe(back.options) == describe(m.options));
  CHECK(decode_command(bytes.data(), bytes.size() - 1, &back) != "");
}
