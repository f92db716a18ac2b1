// A run drawn on a probe the reader typed: the UI says training is the same
// whatever the probe is, and that every snapshot is measured on the typed input.
#include <catch.hpp>

#include "lab/lab_helpers.h"
#include "lab/session.h"
#include "presets.h"

using namespace headlab;

namespace {

void train(Session& s, int steps) {
  for (int i = 0; i < steps; ++i) REQUIRE(s.step());
}

std::vector<float> params(const Session& s) {
  return std::vector<float>(s.model().params(), s.model().params() + s.model().num_params());
}

}  // namespace

TEST_CASE("a typed probe changes what is measured, never what is learned", "[session][probe]") {
  RunOptions own = presets::run_small("induction");
  RunOptions typed = own;
  typed.probe = "x y z w x y z";
  auto a = test::make_session(own), b = test::make_session(typed);
  train(*a, 25);
  train(*b, 25);
  CHECK(params(*a) == params(*b));  // bit for bit: the probe is never trained on
  CHECK(a->last_loss() == b->last_loss());
  CHECK(a->history().size() == b->history().size());

  REQUIRE(b->probe_length() == 8);  // <bos> and seven letters
  const auto& snaps = b->snapshots().items();
  REQUIRE(snaps.size() > 1);
  for (size_t i = 0; i < snaps.size(); ++i) CHECK(snaps[i]->T == 8);
  const Snapshot& last = *snaps[snaps.size() - 1];
  CHECK(last.attn.size() == static_cast<size_t>(last.L) * last.H * 8 * 8);
  // Causal rows of the typed input, each a distribution.
  for (int l = 0; l < last.L; ++l)
    for (int h = 0; h < last.H; ++h)
      for (int i = 0; i < 8; ++i) {
        double row = 0;
        for (int j = 0; j < 8; ++j) row += last.map(l, h)[i * 8 + j];
        CHECK(row == Approx(1.0).epsilon(1e-4));
      }
}

TEST_CASE("a typed probe is kept by checkpoints and refused with the reader's message", "[session][probe]") {
  RunOptions typed = presets::run_small("addsub");
  typed.probe = "9 - 4 + 2 = 7";
  auto a = test::make_session(typed);
  train(*a, 3);
  std::string error;
  auto b = Session::load(a->save(), &error);
  INFO(error);
  REQUIRE(b);
  CHECK(b->options().probe == typed.probe);
  CHECK(b->probe_tokens() == a->probe_tokens());
  CHECK(b->roles()[0].name == "add");

  typed.probe = "9 - 4 + x";
  CHECK_FALSE(Session::create(typed, &error));
  CHECK(error.find("probe: \"x\" is not made of this task's tokens") == 0);
}
