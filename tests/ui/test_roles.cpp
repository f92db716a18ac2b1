// The head badges: a role is shown only when its score passes the threshold.
#include <catch.hpp>

#include "ui/panels.h"

using namespace headlab;
using namespace headlab::ui;

TEST_CASE("top_role picks the strongest role above the badge threshold", "[ui][roles]") {
  Snapshot s;
  s.L = 1;
  s.H = 2;
  s.roles.assign(2 * kNumRoles, 0.0f);
  s.roles[kRolePrevToken] = 0.9f;  // head 0: previous-token, clearly
  s.roles[kRoleSelf] = 0.3f;
  float score = 0.0f;
  CHECK(top_role(s, 0, 0, &score) == kRolePrevToken);
  CHECK(score == 0.9f);
  CHECK(std::string(role_short(kRolePrevToken)) == "prev");
  s.roles[kNumRoles + kRoleInduction] = 0.01f;  // head 1: nothing stands out
  CHECK(top_role(s, 0, 1, &score) == -1);
  CHECK(std::string(role_short(-1)) == "?");
}
