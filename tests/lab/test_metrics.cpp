// Head metrics on hand-made attention patterns with known answers.
#include <catch.hpp>
#include <cmath>
#include <vector>

#include "lab/metrics.h"
#include "lab/snapshot.h"

using namespace headlab;

namespace {

// A map where row i puts all its weight on column f(i).
std::vector<float> pointer_map(int T, int (*f)(int)) {
  std::vector<float> m(T * T, 0.0f);
  for (int i = 0; i < T; ++i) m[i * T + f(i)] = 1.0f;
  return m;
}

std::vector<float> uniform_map(int T) {
  std::vector<float> m(T * T, 0.0f);
  for (int i = 0; i < T; ++i)
    for (int j = 0; j <= i; ++j) m[i * T + j] = 1.0f / (i + 1);
  return m;
}

}  // namespace

TEST_CASE("entropy and confidence of sharp and uniform maps", "[metrics]") {
  const int T = 5;
  const auto prev = pointer_map(T, [](int i) { return i > 0 ? i - 1 : 0; });
  CHECK(attention_entropy(prev.data(), T) == 0.0f);
  CHECK(attention_confidence(prev.data(), T) == 1.0f);
  const auto uni = uniform_map(T);
  // rows 1..4 have entropies ln2, ln3, ln4, ln5
  const double expect = (std::log(2.0) + std::log(3.0) + std::log(4.0) + std::log(5.0)) / 4;
  CHECK(attention_entropy(uni.data(), T) == Approx(expect).epsilon(1e-6));
  CHECK(attention_confidence(uni.data(), T) == Approx((1 / 2.0 + 1 / 3.0 + 1 / 4.0 + 1 / 5.0) / 4).epsilon(1e-6));
}

TEST_CASE("Jensen-Shannon divergence: 0 for equal maps, ln 2 for disjoint ones", "[metrics]") {
  const int T = 6;
  const auto self = pointer_map(T, [](int i) { return i; });
  const auto first = pointer_map(T, [](int) { return 0; });
  CHECK(attention_js(self.data(), self.data(), T) == 0.0f);
  CHECK(attention_js(self.data(), first.data(), T) == Approx(std::log(2.0)).epsilon(1e-6));
  const auto uni = uniform_map(T);
  const float js = attention_js(self.data(), uni.data(), T);
  CHECK(js > 0.0f);
  CHECK(js < std::log(2.0f));
  CHECK(js == Approx(attention_js(uni.data(), self.data(), T)));  // symmetric
}

TEST_CASE("role scores recognise each textbook head", "[metrics]") {
  // BOS a b c d a b c d: the induction pattern Olsson et al. use.
  const int T = 9;
  const int tokens[T] = {0, 1, 2, 3, 4, 1, 2, 3, 4};
  const std::vector<RolePattern> roles = generic_roles(tokens, T);
  REQUIRE(roles.size() == 5);
  enum { kPrev, kDup, kInduct, kFirst, kSelf };
  auto score = [&](const std::vector<float>& map, int r) { return role_score(map.data(), roles[r], T); };

  const auto prev = pointer_map(T, [](int i) { return i > 0 ? i - 1 : 0; });
  CHECK(score(prev, kPrev) == 1.0f);
  CHECK(score(prev, kInduct) == 0.0f);
  CHECK(score(prev, kSelf) == 0.0f);

  // Induction: the second copy of token x at i attends to the token after the first x.
  const auto induction = pointer_map(T, [](int i) { return i >= 5 ? i - 3 : 0; });
  CHECK(score(induction, kInduct) == 1.0f);
  CHECK(score(induction, kDup) == 0.0f);

  const auto duplicate = pointer_map(T, [](int i) { return i >= 5 ? i - 4 : 0; });
  CHECK(score(duplicate, kDup) == 1.0f);
  CHECK(score(duplicate, kInduct) == 0.0f);

  const auto first = pointer_map(T, [](int) { return 0; });
  CHECK(score(first, kFirst) == 1.0f);

  const auto self = pointer_map(T, [](int i) { return i; });
  CHECK(score(self, kSelf) == 1.0f);
  CHECK(score(self, kPrev) == 0.0f);

  // Uniform attention scores 1/(i+1) per target: far from 1 everywhere.
  const auto uni = uniform_map(T);
  for (int k = 0; k < 5; ++k) CHECK(score(uni, k) < 0.4f);
}

TEST_CASE("a role scores only the rows its pattern defines, with the mass on all its keys", "[metrics]") {
  const int T = 4;
  RolePattern r{"two", "two", "rows 2 and 3 look at 0 and 1", std::vector<unsigned char>(T * T, 0)};
  r.keys[2 * T + 0] = r.keys[2 * T + 1] = 1;
  r.keys[3 * T + 1] = 1;
  // Row 2: 0.25 + 0.25 on its keys; row 3: 0.5 on key 1. Rows 0 and 1 do not count.
  const std::vector<float> map = {1, 0, 0, 0, 0, 1, 0, 0, 0.25f, 0.25f, 0.5f, 0, 0, 0.5f, 0.25f, 0.25f};
  CHECK(role_score(map.data(), r, T) == Approx(0.5));
  RolePattern none{"none", "none", "no row", std::vector<unsigned char>(T * T, 0)};
  CHECK(role_score(map.data(), none, T) == 0.0f);
}

TEST_CASE("generic roles have names, badges and help", "[metrics]") {
  const int tokens[3] = {0, 1, 0};
  for (const RolePattern& r : generic_roles(tokens, 3)) {
    CHECK(r.name.size() > 3);
    CHECK(r.short_name.size() <= 6);
    CHECK(r.help.size() > 10);
  }
}
