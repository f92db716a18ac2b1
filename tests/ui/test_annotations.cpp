// What the panels compute to explain the data (ui/annotations.h).
#include <catch.hpp>

#include "ui/annotations.h"

using namespace headlab;
using namespace headlab::ui;

TEST_CASE("repeated stretches: the induction probe's second half, nothing in random tokens", "[ui][annotations]") {
  // <bos> a b c d e | a b c d e: one repeat of five tokens starting at 6.
  const std::vector<Repeat> r = repeated_stretches({0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5});
  REQUIRE(r.size() == 1);
  CHECK(r[0].source == 1);
  CHECK(r[0].start == 6);
  CHECK(r[0].length == 5);
  CHECK(repeated_stretches({0, 1, 2, 3, 4, 5, 6, 7}).empty());
  CHECK(repeated_stretches({1, 2, 9, 1, 2}).empty());  // shorter than three tokens: a coincidence, not a repeat
  // Only the longest few are kept, in probe order.
  const std::vector<Repeat> many = repeated_stretches({1, 2, 3, 0, 1, 2, 3, 9, 4, 5, 6, 7, 8, 4, 5, 6, 7, 8}, 3, 1);
  REQUIRE(many.size() == 1);
  CHECK(many[0].start == 13);
  CHECK(many[0].length == 5);
}

TEST_CASE("a fitted colour scale uses most of its colours", "[ui][annotations]") {
  CHECK(fitted_scale_max(0.034f, 0.01f) == Approx(0.05f));
  CHECK(fitted_scale_max(0.15f, 0.01f) == Approx(0.2f));
  CHECK(fitted_scale_max(0.5f, 0.01f) == Approx(0.5f));
  CHECK(fitted_scale_max(0.0f, 0.01f) == 0.01f);  // identical heads: a scale that still reads 0 as 0
}

TEST_CASE("timeline events: the loss halving, a head taking a role for the first time", "[ui][annotations]") {
  std::vector<HistoryPoint> history;
  for (int s = 0; s <= 100; s += 10) history.push_back({s, s < 50 ? 4.0f : 0.5f, 0.0f});
  std::vector<RolePattern> roles = {{"previous-token", "prev", "", {}}};
  auto snap = [](int step, float score) {
    auto s = std::make_shared<Snapshot>();
    s->step = step, s->L = 1, s->H = 2, s->R = 1;
    s->roles = {score, 0.0f};
    return std::shared_ptr<const Snapshot>(s);
  };
  const auto events = timeline_events(history, {snap(0, 0.9f), snap(10, 0.1f), snap(20, 0.1f), snap(30, 0.8f), snap(40, 0.9f)}, roles);
  int halved = 0, role = 0;
  for (const TimelineEvent& e : events) halved += e.kind == TimelineEvent::LossHalved, role += e.kind == TimelineEvent::RoleAppears;
  CHECK(halved == 1);
  CHECK(role == 0);  // random weights drew it at step 0: no event, and none when it comes back at 30
  // A role first taken at step 30 is an event there, once.
  const auto fresh = timeline_events({}, {snap(0, 0.1f), snap(30, 0.8f), snap(40, 0.9f)}, roles);
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0].step == 30);
  CHECK(fresh[0].text == "L0H0 becomes prev");
}

TEST_CASE("look-alike heads are grouped, hidden heads left out", "[ui][annotations]") {
  const std::vector<std::vector<float>> rows = {{0.5f, 0.5f}, {0.505f, 0.495f}, {0.9f, 0.1f}, {}, {0.5f, 0.5f}};
  const auto groups = look_alike_heads(rows, 0.01f);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0] == std::vector<int>{0, 1, 4});
  CHECK(look_alike_heads({{1.0f}, {0.0f}}, 0.01f).empty());
}
