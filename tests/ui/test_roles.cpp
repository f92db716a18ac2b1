// The head badges: a role is shown only when its score passes the threshold,
// under the short name the run's role list gives it.
#include <catch.hpp>

#include "ui/panels.h"

using namespace headlab;
using namespace headlab::ui;

TEST_CASE("top_role picks the strongest role above the badge threshold", "[ui][roles]") {
  LabView v;
  v.roles = {{"subtract", "sub", "the number to subtract", {}}, {"previous-token", "prev", "the token before", {}}};
  Snapshot s;
  s.L = 1;
  s.H = 2;
  s.R = 2;
  s.roles.assign(2 * 2, 0.0f);
  s.roles[0] = 0.3f;  // head 0: previous-token, clearly
  s.roles[1] = 0.9f;
  float score = 0.0f;
  CHECK(top_role(s, 0, 0, &score) == 1);
  CHECK(score == 0.9f);
  CHECK(std::string(role_short(v, 1)) == "prev");
  s.roles[2] = 0.01f;  // head 1: nothing stands out
  CHECK(top_role(s, 0, 1, &score) == -1);
  CHECK(std::string(role_short(v, -1)) == "?");
}
