// The toy tasks: structure (token ids, targets, scored positions,
// determinism, probes, errors) and learnability (a small model trained for a
// few hundred steps beats chance clearly). The [.slow] case checks that coref
// is learnt for real: > 95% on fresh sentences.
#include <catch.hpp>

#include <algorithm>
#include <set>

#include "core/adamw.h"
#include "core/init.h"
#include "core/task.h"
#include "core/transformer.h"

using namespace headlab;

namespace {

const char* const kText =
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
    "age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the "
    "season of Light, it was the season of Darkness, it was the spring of hope, it was the "
    "winter of despair.\nWe had everything before us, we had nothing before us, we were all "
    "going direct to Heaven, we were all going direct the other way.\n";

TaskSpec spec_for(const std::string& name, int ctx = 32, int symbols = 0) {
  TaskSpec s;
  s.name = name;
  s.ctx = ctx;
  s.symbols = symbols;
  if (name == "text") s.text = kText;
  return s;
}

std::unique_ptr<Task> build(const TaskSpec& spec) {
  std::string error;
  std::unique_ptr<Task> t = make_task(spec, &error);
  INFO(spec.name << ": " << error);
  REQUIRE(t);
  return t;
}

std::string error_of(const TaskSpec& spec) {
  std::string error;
  CHECK_FALSE(make_task(spec, &error));
  CHECK(error.find('\n') == std::string::npos);
  return error;
}

struct Batch {
  int B = 0, T = 0;
  std::vector<int> tokens, targets;
  const int* tok(int b) const { return tokens.data() + b * T; }
  const int* tgt(int b) const { return targets.data() + b * T; }
  std::vector<int> scored(int b) const {
    std::vector<int> pos;
    for (int i = 0; i < T; ++i)
      if (tgt(b)[i] >= 0) pos.push_back(i);
    return pos;
  }
};

Batch draw(const Task& task, uint64_t seed, int B) {
  Batch x{B, task.seq_len(), std::vector<int>(B * task.seq_len()), std::vector<int>(B * task.seq_len())};
  Rng rng(seed);
  task.sample(rng, B, x.tokens.data(), x.targets.data());
  return x;
}

Batch probe_of(const Task& task) {
  Batch x{1, task.seq_len(), std::vector<int>(task.seq_len()), std::vector<int>(task.seq_len())};
  task.probe(x.tokens.data(), x.targets.data());
  return x;
}

// Checks the encoding every task shares (task.h).
void check_encoding(const Task& task, const Batch& x) {
  const int V = task.vocab_size();
  for (int b = 0; b < x.B; ++b) {
    for (int i = 0; i < x.T; ++i) {
      REQUIRE(x.tok(b)[i] >= 0);
      REQUIRE(x.tok(b)[i] < V);
      const int t = x.tgt(b)[i];
      REQUIRE(t >= -1);
      REQUIRE(t < V);
      if (i + 1 < x.T && t >= 0) REQUIRE(t == x.tok(b)[i + 1]);
      // The last target lies beyond the row: only text, a window of a longer text, knows it.
      if (i + 1 == x.T && task.name() != "text") REQUIRE(t == -1);
    }
    REQUIRE_FALSE(x.scored(b).empty());
  }
}

std::string words(const Task& task, const int* tok, int T) {
  std::string s;
  for (int i = 0; i < T; ++i)
    if (task.vocab()[tok[i]] != "<pad>") s += (s.empty() ? "" : " ") + task.vocab()[tok[i]];
  return s;
}

std::vector<int> range(int lo, int hi) {  // [lo, hi)
  std::vector<int> v;
  for (int i = lo; i < hi; ++i) v.push_back(i);
  return v;
}

}  // namespace

// [SECTION] Structure shared by all tasks

TEST_CASE("task_names lists every task in menu order", "[tasks]") {
  CHECK(task_names() ==
        std::vector<std::string>{"induction", "addsub", "coref", "coref-it", "copy", "reverse", "sort", "modadd", "text"});
}

TEST_CASE("every task samples valid, deterministic batches and a fixed probe", "[tasks]") {
  for (const std::string& name : task_names()) {
    INFO(name);
    std::unique_ptr<Task> task = build(spec_for(name));
    CHECK(task->name() == name);
    CHECK(task->description().size() > 40);
    CHECK(task->seq_len() >= 2);
    CHECK(task->seq_len() <= 32);
    std::set<std::string> labels;
    for (const std::string& label : task->vocab()) {
      CHECK(!label.empty());
      CHECK(label.size() <= 8);
      CHECK(std::none_of(label.begin(), label.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      }));
      labels.insert(label);
    }
    CHECK(labels.size() == task->vocab().size());

    const Batch a = draw(*task, 7, 64);
    check_encoding(*task, a);
    CHECK(draw(*task, 7, 64).tokens == a.tokens);
    CHECK(draw(*task, 7, 64).targets == a.targets);
    CHECK(draw(*task, 8, 64).tokens != a.tokens);

    const Batch p = probe_of(*task);
    check_encoding(*task, p);
    CHECK(probe_of(*build(spec_for(name))).tokens == p.tokens);
    CHECK(probe_of(*task).targets == p.targets);
  }
}

TEST_CASE("make_task rejects bad specs with one line naming the option", "[tasks]") {
  CHECK(error_of(spec_for("bogus")).rfind("task: unknown task 'bogus'", 0) == 0);
  CHECK(error_of(spec_for("sort", 4)) == "ctx: task sort needs ctx >= 6, got 4");
  CHECK(error_of(spec_for("induction", 4)) == "ctx: task induction needs ctx >= 5, got 4");
  CHECK(error_of(spec_for("coref", 14)) == "ctx: task coref needs ctx >= 15, got 14");
  CHECK(error_of(spec_for("modadd", 3)) == "ctx: task modadd needs ctx >= 5, got 3");
  CHECK(error_of(spec_for("copy", 32, 100)) == "symbols: expected 2..52 for task copy, got 100");
  CHECK(error_of(spec_for("induction", 32, 1)) == "symbols: expected 2..52 for task induction, got 1");
  CHECK(error_of(spec_for("modadd", 32, 129)) == "symbols: expected 2..128 for task modadd, got 129");
  CHECK(error_of(spec_for("coref", 32, 5)).rfind("symbols: task coref has no alphabet", 0) == 0);
  CHECK(error_of(spec_for("text", 32, 5)).rfind("symbols: task text has no alphabet", 0) == 0);
  for (const std::string& name : task_names()) CHECK(make_task(spec_for(name, 64), nullptr));
}

// [SECTION] Each task's layout

TEST_CASE("induction copies stretches of a distinct prefix and scores what induction predicts", "[tasks]") {
  std::unique_ptr<Task> task = build(spec_for("induction", 32));
  const int T = task->seq_len();
  CHECK(T == 31);
  CHECK(task->vocab()[0] == "<bos>");
  CHECK(task->vocab()[1] == "a");
  CHECK(task->vocab_size() == 27);
  const Batch x = draw(*task, 3, 200);
  std::set<int> prefix_lengths, first_scored;
  for (int b = 0; b < x.B; ++b) {
    const int* t = x.tok(b);
    CHECK(t[0] == 0);
    // The prefix: distinct letters up to the first letter seen before.
    int k = 1;
    while (k + 1 < T && std::find(t + 1, t + 1 + k, t[k + 1]) == t + 1 + k) ++k;
    prefix_lengths.insert(k);
    const std::vector<int> scored = x.scored(b);
    REQUIRE(!scored.empty());
    first_scored.insert(scored.front());
    for (int i : scored) {
      // Scored exactly where the letter's earlier occurrence (in the prefix)
      // was followed by the letter that follows now.
      REQUIRE(i > k);
      const int* j = std::find(t + 1, t + 1 + k, t[i]);
      REQUIRE(j != t + 1 + k);
      REQUIRE(j[1] == t[i + 1]);
    }
  }
  CHECK(*prefix_lengths.begin() <= 9);
  CHECK(*prefix_lengths.rbegin() == 15);
  CHECK(first_scored.size() > 5);  // stretches start anywhere: no fixed offset predicts
  const Batch p = probe_of(*task);
  CHECK(p.scored(0) == range(16, 30));  // the probe: 15 letters, then the same 15
  for (int i = 16; i < T; ++i) CHECK(p.tok(0)[i] == p.tok(0)[i - 15]);
  // An alphabet smaller than the prefix still gives well-formed rows.
  check_encoding(*task, draw(*build(spec_for("induction", 32, 3)), 1, 16));
}

TEST_CASE("copy, reverse and sort score exactly the output half", "[tasks]") {
  for (const std::string name : {"copy", "reverse", "sort"}) {
    INFO(name);
    std::unique_ptr<Task> task = build(spec_for(name, 21, 5));
    const int n = 9;
    CHECK(task->seq_len() == 2 * n + 2);
    CHECK(task->vocab_size() == 7);
    CHECK(task->vocab()[2] == (name == "sort" ? "0" : "a"));
    const Batch x = draw(*task, 5, 50);
    for (int b = 0; b < x.B; ++b) {
      REQUIRE(x.scored(b) == range(n + 1, 2 * n + 1));
      std::vector<int> in(x.tok(b) + 1, x.tok(b) + 1 + n), out(x.tok(b) + n + 2, x.tok(b) + 2 * n + 2);
      CHECK(x.tok(b)[0] == 0);
      CHECK(x.tok(b)[n + 1] == 1);
      if (name == "reverse") std::reverse(in.begin(), in.end());
      if (name == "sort") std::sort(in.begin(), in.end());
      CHECK(in == out);
    }
  }
}

TEST_CASE("modadd scores c = (a + b) mod p at the equals sign", "[tasks]") {
  std::unique_ptr<Task> task = build(spec_for("modadd", 32, 7));
  CHECK(task->seq_len() == 5);
  CHECK(task->vocab() == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "+", "="});
  const Batch x = draw(*task, 9, 200);
  std::set<int> seen;
  for (int b = 0; b < x.B; ++b) {
    const int* t = x.tok(b);
    REQUIRE(x.scored(b) == std::vector<int>{3});
    CHECK(t[1] == 7);
    CHECK(t[3] == 8);
    CHECK(t[4] == (t[0] + t[2]) % 7);
    seen.insert(t[0] * 7 + t[2]);
  }
  CHECK(seen.size() > 40);  // of 49 pairs
}

TEST_CASE("addsub scores r = a - b + c at every equals sign, and its roles mark a, c and b", "[tasks]") {
  std::unique_ptr<Task> task = build(spec_for("addsub", 32, 4));
  const int T = task->seq_len();
  CHECK(T == 28);  // four groups of 7
  CHECK(task->vocab() ==
        std::vector<std::string>{"-3", "-2", "-1", "0", "1", "2", "3", "4", "5", "6", "-", "+", "="});
  auto number = [&](int id) { return std::stoi(task->vocab()[id]); };
  const Batch x = draw(*task, 5, 300);
  std::set<int> triples;
  for (int b = 0; b < x.B; ++b) {
    const int* t = x.tok(b);
    REQUIRE(x.scored(b) == std::vector<int>{5, 12, 19, 26});
    for (int g = 0; g < T; g += 7) {
      CHECK(task->vocab()[t[g + 1]] == "-");
      CHECK(task->vocab()[t[g + 3]] == "+");
      CHECK(task->vocab()[t[g + 5]] == "=");
      const int a = number(t[g]), bb = number(t[g + 2]), c = number(t[g + 4]);
      CHECK(std::min({a, bb, c}) >= 0);
      CHECK(std::max({a, bb, c}) <= 3);
      CHECK(x.tgt(b)[g + 5] == t[g + 6]);
      CHECK(number(t[g + 6]) == a - bb + c);
      triples.insert(a * 16 + bb * 4 + c);
    }
  }
  CHECK(triples.size() == 64);  // every (a, b, c) of 4 symbols occurs
  const Batch p = probe_of(*task);
  CHECK(words(*task, p.tok(0), T) == "3 - 1 + 2 = 4 3 - 1 + 0 = 2 2 - 1 + 2 = 3 0 - 0 + 1 = 1");  // mod 4
  const std::vector<RolePattern> roles = task->roles_on(p.tok(0), T);
  REQUIRE(roles.size() == 4);
  CHECK(roles[0].short_name == "add");
  CHECK(roles[1].short_name == "sub");
  CHECK(roles[2].short_name == "b@+");
  CHECK(roles[3].short_name == "read+");
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) {
      const bool equals = i % 7 == 5, plus = i % 7 == 3, same_group = j / 7 == i / 7;
      CHECK(roles[0].keys[i * T + j] == (equals && same_group && (j % 7 == 0 || j % 7 == 4)));
      CHECK(roles[1].keys[i * T + j] == (equals && same_group && j % 7 == 2));
      CHECK(roles[2].keys[i * T + j] == (plus && same_group && j % 7 == 2));    // at "+", b
      CHECK(roles[3].keys[i * T + j] == (equals && same_group && j % 7 == 3));  // at "=", "+"
    }
}

TEST_CASE("coref answers at the clue the noun that the adjective decides", "[tasks]") {
  std::unique_ptr<Task> task = build(spec_for("coref"));
  const std::vector<std::string>& v = task->vocab();
  const int T = task->seq_len();
  CHECK(T == 15);
  CHECK(v[0] == "<pad>");
  const Batch p = probe_of(*task);
  CHECK(words(*task, p.tok(0), T) == "the animal didn't cross the street because it was too tired animal");
  CHECK(p.scored(0) == std::vector<int>{10});  // at "tired"
  const std::vector<RolePattern> roles = task->roles_on(p.tok(0), T);
  REQUIRE(roles.size() == 3);
  CHECK(roles[0].name == "referent");
  CHECK(roles[1].name == "who");
  CHECK(roles[2].name == "where");
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) {
      CHECK(roles[0].keys[i * T + j] == (i == 10 && j == 1));  // from "tired" to "animal"
      CHECK(roles[1].keys[i * T + j] == (i == 10 && j == 1));  // a creature's adjective
      CHECK(roles[2].keys[i * T + j] == 0);                    // no place's adjective here
    }

  // Parse every sentence: the answer, right after the adjective, must be the
  // first noun (before "didn't") for one set of adjectives and the second
  // noun (before "because") for the other.
  const Batch x = draw(*task, 11, 400);
  std::set<int> lengths, first_role, second_role;
  for (int b = 0; b < x.B; ++b) {
    const int* t = x.tok(b);
    auto at = [&](const char* w) {
      return static_cast<int>(std::find_if(t, t + T, [&](int id) { return v[id] == w; }) - t);
    };
    const int len = static_cast<int>(std::find_if(t, t + T, [&](int id) { return v[id] == "<pad>"; }) - t);
    const int adj = at("too") + 1, answer = t[len - 1];
    lengths.insert(len);
    REQUIRE(x.scored(b) == std::vector<int>{adj});
    CHECK(adj == len - 2);
    CHECK(std::all_of(t + len, t + T, [&](int id) { return v[id] == "<pad>"; }));
    // The referent role marks the answer's noun from the clue.
    const std::vector<RolePattern> r = task->roles_on(t, T);
    const bool first = answer == t[at("didn't") - 1];
    const int noun = first ? at("didn't") - 1 : at("because") - 1;
    CHECK(r[0].keys[adj * T + noun] == 1);
    CHECK(r[first ? 1 : 2].keys[adj * T + noun] == 1);  // who for creatures, where for places
    CHECK(r[first ? 2 : 1].keys[adj * T + noun] == 0);
    if (answer == t[at("didn't") - 1]) {
      first_role.insert(t[adj]);
    } else {
      CHECK(answer == t[at("because") - 1]);
      second_role.insert(t[adj]);
    }
  }
  CHECK(lengths == std::set<int>{12, 13, 14, 15});
  CHECK(first_role.size() >= 4);
  CHECK(second_role.size() >= 4);
  for (int adj : first_role) CHECK(second_role.count(adj) == 0);
  auto id = [&](const char* w) { return static_cast<int>(std::find(v.begin(), v.end(), w) - v.begin()); };
  CHECK(first_role.count(id("tired")) == 1);
  CHECK(second_role.count(id("wide")) == 1);
}

TEST_CASE("coref-it answers after a second 'it', as a reader asks", "[tasks]") {
  std::unique_ptr<Task> task = build(spec_for("coref-it"));
  const int T = task->seq_len();
  CHECK(T == 18);
  const Batch p = probe_of(*task);
  CHECK(words(*task, p.tok(0), T) == "the animal didn't cross the street because it was too tired . it = animal");
  CHECK(p.scored(0) == std::vector<int>{13});
  const std::vector<RolePattern> roles = task->roles_on(p.tok(0), T);
  REQUIRE(roles.size() == 1);
  CHECK(roles[0].name == "antecedent");
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) CHECK(roles[0].keys[i * T + j] == ((i == 12 || i == 13) && j == 1));  // "animal"
}

TEST_CASE("text models every next character of the user's text", "[tasks]") {
  TaskSpec spec = spec_for("text", 8);
  spec.text = "ab\tc\n\xF0\x9F\x98\x80 ba\x01\xC3\xA9" "cab";  // 😀 U+1F600, U+0001, é U+00E9
  std::unique_ptr<Task> task = build(spec);
  CHECK(task->seq_len() == 8);
  CHECK(task->vocab() == std::vector<std::string>{"\\x01", "\\t", "\\n", "\xE2\x90\xA3", "a", "b",
                                                  "c", "\xC3\xA9", "\xF0\x9F\x98\x80"});
  const Batch p = probe_of(*task);
  CHECK(p.tokens == std::vector<int>{4, 5, 1, 6, 2, 8, 3, 5});  // a b \t c \n 😀 ␣ b
  CHECK(p.targets == std::vector<int>{5, 1, 6, 2, 8, 3, 5, 4});
  // Every row is a window of the 14-character text, starting anywhere in 0..5.
  const std::vector<int> text = {4, 5, 1, 6, 2, 8, 3, 5, 4, 0, 7, 6, 4, 5};
  const Batch x = draw(*task, 1, 100);
  std::set<int> starts;
  for (int b = 0; b < x.B; ++b) {
    CHECK(x.scored(b) == range(0, 8));
    for (int s = 0; s + 9 <= 14; ++s)
      if (std::equal(x.tok(b), x.tok(b) + 8, &text[s]) && std::equal(x.tgt(b), x.tgt(b) + 8, &text[s + 1]))
        starts.insert(s);
  }
  CHECK(starts == std::set<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("text rejects unusable texts with one line each", "[tasks]") {
  TaskSpec spec = spec_for("text", 8);
  spec.text = "";
  CHECK(error_of(spec) == "text: no training text given; task text needs at least 9 characters (ctx 8 + 1)");
  spec.text = "h\xC3\xA9llo!!";  // 7 code points in 8 bytes
  CHECK(error_of(spec) ==
        "text: 7 characters is too short; need at least 9 characters (ctx 8 + 1)");
  for (const char* bad : {"abcdefgh\xFFxyz", "abcdefgh\xC3", "abcdefgh\xC0\xAFxyz", "abcdefgh\xED\xA0\x80x"}) {
    spec.text = bad;
    CHECK(error_of(spec) == "text: invalid UTF-8 at byte 8; save the text as UTF-8");
  }
  spec.text.clear();
  for (int cp = 0x100; cp < 0x100 + 300; ++cp) {  // 300 distinct two-byte characters
    spec.text += static_cast<char>(0xC0 | (cp >> 6));
    spec.text += static_cast<char>(0x80 | (cp & 0x3F));
  }
  CHECK(error_of(spec) == "text: more than 256 distinct characters; use a text with a smaller alphabet");
}

TEST_CASE("text builds from a megabyte in linear time", "[tasks]") {
  TaskSpec spec = spec_for("text", 64);
  spec.text.clear();
  while (spec.text.size() < (1u << 20)) spec.text += kText;
  spec.text += "\xE2\x82\xAC";  // a last, new symbol: the whole text is scanned
  std::unique_ptr<Task> task = build(spec);
  CHECK(task->vocab().back() == "\xE2\x82\xAC");
  check_encoding(*task, draw(*task, 2, 32));
}

// [SECTION] Learnability: a small model beats chance after a short training

namespace {

// Every hyper-parameter the learnability tests vary; the rest is the app default.
struct Setup {
  int ctx = 16;
  int symbols = 0;
  int d_model = 32;  // 4 heads, 2 layers, d_mlp = 4 d_model
  int batch = 32;
  int steps = 300;
  float lr = 3e-3f;
  int eval_rows = 128;  // held-out examples, a multiple of batch
};

struct Score {
  float loss = 0.0f, accuracy = 0.0f;
};

// Loss and argmax accuracy over the scored positions of `held_out`, in chunks of the model's batch.
Score evaluate(Transformer& model, const Batch& held_out) {
  const int B = model.max_batch(), T = held_out.T;
  double loss = 0.0;
  int hits = 0, scored = 0, chunks = 0;
  for (int b = 0; b < held_out.B; b += B, ++chunks) {
    loss += model.forward(held_out.tok(b), held_out.tgt(b), B, T);
    hits += model.last_correct();
    scored += model.last_scored();
  }
  return {static_cast<float>(loss / chunks), static_cast<float>(hits) / scored};
}

struct Progress {
  Score before, after;
};

Progress train(const Task& task, const Setup& s) {
  ModelConfig cfg;
  cfg.vocab = task.vocab_size();
  cfg.ctx = task.seq_len();
  cfg.d_model = s.d_model;
  cfg.d_mlp = 4 * s.d_model;
  Transformer model(cfg, s.batch);
  init_params(model.params(), model.layout(), cfg, HeadInit::Random, /*seed=*/1);
  AdamW opt(model.layout());
  AdamWConfig ocfg;
  ocfg.lr = s.lr;
  const Batch held_out = draw(task, /*seed=*/999, s.eval_rows);
  Progress p;
  p.before = evaluate(model, held_out);
  Rng rng(2);
  std::vector<int> tokens(s.batch * task.seq_len()), targets(tokens.size());
  for (int step = 0; step < s.steps; ++step) {
    task.sample(rng, s.batch, tokens.data(), targets.data());
    model.zero_grad();
    model.forward(tokens.data(), targets.data(), s.batch, task.seq_len());
    model.backward();
    opt.step(model.params(), model.grads(), ocfg);
  }
  p.after = evaluate(model, held_out);
  return p;
}

// Trains and checks that the held-out loss falls below max_loss_ratio of its
// start and the accuracy reaches min_accuracy (chance is far below each bound).
void check_learns(const std::string& name, const Setup& s, float max_loss_ratio, float min_accuracy) {
  std::unique_ptr<Task> task = build(spec_for(name, s.ctx, s.symbols));
  const Progress p = train(*task, s);
  INFO(name << ": loss " << p.before.loss << " -> " << p.after.loss << ", accuracy "
            << p.before.accuracy << " -> " << p.after.accuracy << " after " << s.steps << " steps");
  CHECK(p.after.loss < max_loss_ratio * p.before.loss);
  CHECK(p.after.accuracy >= min_accuracy);
}

}  // namespace

// Margins: each bound sits well below what these setups reach natively, since
// WASM rounds differently and so follows a slightly different trajectory.

TEST_CASE("induction is learnable by 2 layers", "[tasks][learn]") {
  // Chance is 1/26; the induction circuit forms after a plateau of a few hundred steps.
  Setup s;
  s.steps = 500;
  s.lr = 1e-3f;
  check_learns("induction", s, 0.4f, 0.6f);
}

TEST_CASE("coref and coref-it are learnable", "[tasks][learn]") {
  Setup s;  // chance: 1 of 2 nouns at best, 1/50 before training
  s.ctx = 18;
  s.steps = 200;
  check_learns("coref", s, 0.1f, 0.9f);
  check_learns("coref-it", s, 0.1f, 0.9f);
}

TEST_CASE("copy, reverse and sort are learnable", "[tasks][learn]") {
  Setup s;  // chance 1/16
  s.steps = 150;
  check_learns("copy", s, 0.2f, 0.9f);
  check_learns("reverse", s, 0.2f, 0.9f);
  s.steps = 200;
  check_learns("sort", s, 0.3f, 0.8f);
}

TEST_CASE("modadd is learnable", "[tasks][learn]") {
  Setup s;  // chance 1/13 (default modulus)
  s.d_model = 64;
  s.batch = 64;
  s.eval_rows = 256;
  check_learns("modadd", s, 0.3f, 0.7f);
}

TEST_CASE("text is learnable", "[tasks][learn]") {
  Setup s;  // the most frequent character, space, is 1/5 of the text
  check_learns("text", s, 0.3f, 0.6f);
}

TEST_CASE("coref: a trained model names the referent of 'it' in > 95% of fresh sentences", "[.slow][coref]") {
  Setup s;  // the app's default model and optimiser
  s.ctx = 32;
  s.d_model = 64;
  s.steps = 600;
  s.eval_rows = 4096;
  std::unique_ptr<Task> task = build(spec_for("coref", s.ctx));
  const Progress p = train(*task, s);
  INFO("coref accuracy on 4096 fresh sentences: " << p.after.accuracy);
  CHECK(p.after.accuracy > 0.95f);
}
