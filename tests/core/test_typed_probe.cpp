// A probe the reader types: read in the task's own tokens, scored and given
// roles the way the task's own probe is, and refused with a message saying
// what is wrong.
#include <catch.hpp>

#include <string>
#include <vector>

#include "core/task.h"

namespace headlab {
namespace {

std::unique_ptr<Task> task_for(const std::string& name, const std::string& text = "") {
  TaskSpec spec;
  spec.name = name;
  spec.text = text;
  std::string error;
  auto t = make_task(spec, &error);
  INFO(error);
  REQUIRE(t);
  return t;
}

std::string labels(const Task& task, const std::vector<int>& ids) {
  std::string s;
  for (int id : ids) s += (s.empty() ? "" : " ") + task.vocab()[id];
  return s;
}

std::vector<int> read(const Task& task, const std::string& text) {
  std::vector<int> ids;
  const std::string error = task.read_probe(text, &ids);
  INFO(error);
  REQUIRE(error.empty());
  return ids;
}

std::string refusal(const Task& task, const std::string& text) {
  std::vector<int> ids;
  return task.read_probe(text, &ids);
}

}  // namespace

TEST_CASE("a typed probe is read in the task's tokens, with <bos> where the task starts with it", "[tasks][probe]") {
  const auto induction = task_for("induction");
  CHECK(labels(*induction, read(*induction, "a b c a b c")) == "<bos> a b c a b c");
  CHECK(labels(*induction, read(*induction, "abcabc")) == "<bos> a b c a b c");  // a word is a run of tokens
  CHECK(labels(*induction, read(*induction, "<bos> x y x")) == "<bos> x y x");    // not doubled
  CHECK(labels(*induction, read(*induction, "  a\tb\n")) == "<bos> a b");

  const auto addsub = task_for("addsub");
  CHECK(labels(*addsub, read(*addsub, "9 - 4 + 2 = 7")) == "9 - 4 + 2 = 7");
  CHECK(labels(*addsub, read(*addsub, "12 = -3")) == "12 = -3");  // numbers are single tokens, longest first

  const auto modadd = task_for("modadd");
  CHECK(labels(*modadd, read(*modadd, "12 + 5 =")) == "12 + 5 =");
}

TEST_CASE("a typed probe that is not the task's tokens or does not fit is refused with what is wrong", "[tasks][probe]") {
  const auto induction = task_for("induction");
  CHECK(refusal(*induction, "a b ? c").find("\"?\" is not made of this task's tokens (<bos> a b c") == 0);
  CHECK(refusal(*induction, "") == "type at least two tokens");  // <bos> alone is one
  const int T = induction->seq_len();
  const std::string too_long = std::string(static_cast<size_t>(T), 'a');  // T letters + <bos>
  CHECK(refusal(*induction, too_long) ==
        std::to_string(T) + " tokens and <bos>, but this task's sequences have " + std::to_string(T) +
            " positions and the model has seen no later ones; type at most " + std::to_string(T - 1));
  CHECK(refusal(*induction, std::string(static_cast<size_t>(T - 1), 'a')).empty());
}

TEST_CASE("task=text reads every character of a typed probe, spaces included", "[tasks][probe]") {
  const auto text = task_for("text", "the cat sat on the mat, and the dog sat on the log. " + std::string(40, ' '));
  const std::vector<int> ids = read(*text, "the cat");
  REQUIRE(ids.size() == 7);
  CHECK(text->vocab()[ids[3]] == "\xE2\x90\xA3");  // the space, drawn as an open box
  CHECK(refusal(*text, "the cow") == "'w' does not occur in the training text, so the model has no token for it");
  CHECK(refusal(*text, "a\xC3") == "invalid UTF-8 at byte 1");
}

TEST_CASE("a typed probe is scored and given roles as the task's own probe is", "[tasks][probe]") {
  const auto addsub = task_for("addsub");
  const std::vector<int> ids = read(*addsub, "1 2 9 - 4 + 2 = 7");
  const int T = static_cast<int>(ids.size());
  std::vector<int> targets(T);
  addsub->probe_targets(ids.data(), T, targets.data());
  for (int i = 0; i < T; ++i) CHECK(targets[i] == (i == 7 ? ids[8] : -1));  // only the answer after "="
  const std::vector<RolePattern> roles = addsub->roles_on(ids.data(), T);
  REQUIRE(roles.size() == 4);
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) {
      CHECK(roles[0].keys[i * T + j] == (i == 7 && (j == 2 || j == 6)));  // add: 9 and 2
      CHECK(roles[1].keys[i * T + j] == (i == 7 && j == 4));              // subtract: 4
      CHECK(roles[2].keys[i * T + j] == (i == 5 && j == 4));              // b at +: 4
      CHECK(roles[3].keys[i * T + j] == (i == 7 && j == 5));              // reads +
    }

  // Without "=" nothing would be scored: every next token is, as for the other tasks.
  const std::vector<int> plain = read(*addsub, "1 2 3");
  std::vector<int> t3(3);
  addsub->probe_targets(plain.data(), 3, t3.data());
  CHECK(t3 == std::vector<int>{plain[1], plain[2], -1});

  const auto coref = task_for("coref");
  const std::vector<int> c = read(*coref, "the dog didn't cross the road because it was too wide road");
  const std::vector<RolePattern> refer = coref->roles_on(c.data(), static_cast<int>(c.size()));
  REQUIRE(refer.size() == 3);
  const int n = static_cast<int>(c.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      CHECK(refer[0].keys[i * n + j] == (i == 10 && j == 5));  // from "wide" to "road"
      CHECK(refer[2].keys[i * n + j] == (i == 10 && j == 5));  // where
    }
  std::vector<int> scored(n);
  coref->probe_targets(c.data(), n, scored.data());
  for (int i = 0; i < n; ++i) CHECK(scored[i] == (i == 10 ? c[11] : -1));  // the answer, at the clue
}

}  // namespace headlab
