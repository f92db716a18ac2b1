// The one option parser: both grammars, every error names the option and
// its valid range, and cross-option checks catch impossible models.
#include <catch.hpp>
#include <functional>

#include "lab/experiments.h"
#include "lab/options.h"
#include "lab/run_checks.h"

using namespace headlab;

namespace {

std::string parse(std::vector<const char*> args, Options& o, unsigned scopes = kScopeRunAndLive | kScopeCli) {
  args.insert(args.begin(), "prog");
  return parse_args(static_cast<int>(args.size()), args.data(), scopes, o);
}

}  // namespace

TEST_CASE("both grammars set the same options", "[options]") {
  Options a, b, c;
  REQUIRE(parse({"--task", "copy", "--heads", "2", "--d-model=32", "--lr", "0.01", "--init", "clone-all"}, a) == "");
  REQUIRE(parse({"task=copy", "heads=2", "d_model=32", "lr=0.01", "init=clone-all"}, b) == "");
  REQUIRE(parse({"--task=copy", "heads=2", "--d_model", "32", "--lr=1e-2", "init=clone-all"}, c) == "");
  for (const Options* o : {&a, &b, &c}) {
    CHECK(o->run.task == "copy");
    CHECK(o->run.heads == 2);
    CHECK(o->run.d_model == 32);
    CHECK(o->run.live.lr == Approx(0.01f));
    CHECK(o->run.init == HeadInit::CloneAll);
  }
}

TEST_CASE("bad values give one line naming the option and its range", "[options]") {
  struct Case {
    std::vector<const char*> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--heads", "0"}, "heads: expected an integer in 1..16, got '0'"},
      {{"--heads", "four"}, "heads: expected an integer in 1..16, got 'four'"},
      {{"--heads", "3.5"}, "heads: expected an integer in 1..16"},
      {{"--layers", "99999999999999999999"}, "layers: expected an integer in 1..8"},
      {{"--lr", "-1"}, "lr: expected a number in (0, 1e6]"},
      {{"--lr", "nan"}, "lr: expected a number in (0, 1e6]"},
      {{"--lr", "1e7"}, "lr: expected a number in (0, 1e6]"},
      {{"--lr", ""}, "lr: expected a number"},
      {{"--task", "poetry"}, "task: expected one of induction|addsub|coref|coref-it|copy|reverse|sort|modadd|text, got 'poetry'"},
      {{"--init", "zeros"}, "init: expected one of random|clone-qkv|clone-all|clone-all-eps"},
      {{"--seed", "-3"}, "seed: expected an integer in 0.."},
      {{"--bogus", "1"}, "unknown option 'bogus'"},
      {{"--heads"}, "heads: missing value (1..16)"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"--frames", "3"}, "unknown option 'frames'"},  // a desktop option is not a CLI option
      {{"bad\nkey=1"}, "unknown option 'bad\\x0akey'"},  // found by fuzz_options: one line, always
      {{"--task", "x\ty"}, "got 'x\\x09y'"},
  };
  for (const Case& c : cases) {
    Options o;
    const std::string e = parse(c.args, o);
    INFO(c.args[0]);
    CHECK(e.find(c.expect) != std::string::npos);
    CHECK(e.find('\n') == std::string::npos);
  }
}

TEST_CASE("cross-option validation", "[options]") {
  Options o;
  CHECK(validate(o) == "");
  o.run.d_model = 30;
  o.run.heads = 4;
  CHECK(validate(o) == "d-model: must be divisible by heads (4), got 30");
  o = Options{};
  o.run.batch = 512;
  o.run.ctx = 256;
  o.run.d_model = 512;
  o.run.d_mlp = 2048;
  o.run.layers = 8;
  CHECK(validate(o).find("model too large") == 0);
  o = Options{};
  o.run.task = "text";
  CHECK(validate(o).find("text") != std::string::npos);  // empty text is rejected by the task
}

TEST_CASE("view options: panels, flags, theme", "[options]") {
  Options o;
  const unsigned view = kScopeRunAndLive | kScopeView;
  CHECK(set_option(o, "panels", "grid,loss", view) == "");
  CHECK(o.view.panels == std::vector<std::string>{"grid", "loss"});
  CHECK(set_option(o, "panels", "grid,fish", view).find("panels: expected a comma list") == 0);
  CHECK(o.view.panels == std::vector<std::string>{"grid", "loss"});  // unchanged on error
  CHECK(set_option(o, "autoplay", "1", view) == "");
  CHECK(o.view.autoplay);
  CHECK(set_option(o, "autoplay", "maybe", view).find("autoplay:") == 0);
  CHECK(set_option(o, "theme", "light", view) == "");
  CHECK(set_option(o, "theme", "pink", view) == "theme: expected one of dark|light|auto, got 'pink'");
  CHECK(set_option(o, "speed", "0", view).find("speed: expected a number in 1..50") == 0);
  CHECK(set_option(o, "steps", "5", view).find("unknown option") == 0);
}

TEST_CASE("describe() round-trips through the parser", "[options]") {
  Options a;
  a.run.task = "sort";
  a.run.heads = 2;
  a.run.live.lr = 0.0125f;
  a.run.seed = 123456789012345ull;
  a.run.init = HeadInit::CloneAllEps;
  Options b;
  for (const auto& [k, v] : describe(a.run)) REQUIRE(set_option(b, k, v, kScopeRunAndLive) == "");
  CHECK(b.run.task == "sort");
  CHECK(b.run.heads == 2);
  CHECK(b.run.live.lr == a.run.live.lr);
  CHECK(b.run.seed == a.run.seed);
  CHECK(b.run.init == HeadInit::CloneAllEps);
}

TEST_CASE("help lists every option of the program's scope", "[options]") {
  const std::string h = help_text(kScopeRunAndLive | kScopeCli);
  for (const char* k : {"--task", "--layers", "--heads", "--d-model", "--d-mlp", "--ctx", "--batch", "--lr",
                        "--steps", "--seed", "--init", "--clip", "--eval-every", "--snapshot-every", "--out",
                        "--save", "--load", "--help"})
    CHECK(h.find(k) != std::string::npos);
  CHECK(h.find("--frames") == std::string::npos);
}

TEST_CASE("numbers are plain decimal: no signs, spaces, hex or words", "[options]") {
  const std::vector<std::pair<const char*, const char*>> refused = {
      {"heads", " 4"}, {"heads", "4 "}, {"heads", "+4"}, {"heads", "0x4"}, {"heads", "4e0"}, {"heads", "-0"},
      {"seed", "-3"},  {"lr", "0x1p-3"}, {"lr", "1e-3 "}, {"lr", " 1e-3"}, {"lr", "+1e-3"}, {"lr", "inf"},
      {"lr", "nan"},   {"lr", "1e"},     {"lr", "."},     {"lr", "1e-3x"}, {"lr", "1e-400"}};
  for (const auto& [key, value] : refused) {
    Options o;
    INFO(key << "=" << value);
    CHECK(set_option(o, key, value, kScopeRunAndLive).find(std::string(key) + ": expected") == 0);
  }
  Options o;
  for (const char* v : {"1e-3", "1E-3", "0.001", ".001", "1.e-3", "1e+0"})
    CHECK(set_option(o, "lr", v, kScopeRunAndLive) == "");
  CHECK(set_option(o, "heads", "08", kScopeRun) == "");
  CHECK(o.run.heads == 8);
}

TEST_CASE("a NUL byte in a key or value is refused, not cut off", "[options]") {
  Options o;
  CHECK(set_option(o, "heads", std::string("2\0" "7", 3), kScopeRun) == "heads: the value contains a NUL byte");
  CHECK(set_option(o, std::string("heads\0x", 7), "2", kScopeRun) == "unknown option 'heads\\x00x' (see --help)");
  CHECK(o.run.heads == 4);
}

TEST_CASE("quote() cuts long values at a UTF-8 character boundary", "[options]") {
  const std::string e_acute = "\xc3\xa9";
  const std::string q = quote(std::string(39, 'a') + e_acute + "tail");
  CHECK(q == "'" + std::string(39, 'a') + "...'");
  CHECK(quote(std::string(38, 'a') + e_acute + "tail") == "'" + std::string(38, 'a') + e_acute + "...'");
}

TEST_CASE("text and text-file are only for task=text", "[options]") {
  Options o;
  REQUIRE(parse({"--task", "copy", "--ctx", "8", "--text", "hello, world"}, o) == "");
  CHECK(validate(o).find("text: only task=text trains on a text") == 0);
  o.run.task = "text";
  CHECK(validate(o) == "");
}

TEST_CASE("validate() checks every option's range with the parser's own message", "[options]") {
  struct Case {
    std::function<void(RunOptions&)> set;
    const char* key;
    std::string text;
  };
  const std::vector<Case> cases = {
      {[](RunOptions& r) { r.layers = 12; }, "layers", "12"},
      {[](RunOptions& r) { r.heads = 64; }, "heads", "64"},
      {[](RunOptions& r) { r.ctx = 4096; }, "ctx", "4096"},
      {[](RunOptions& r) { r.d_model = 4096; }, "d-model", "4096"},
      {[](RunOptions& r) { r.symbols = -1; }, "symbols", "-1"},
      {[](RunOptions& r) { r.seed = uint64_t(1) << 60; }, "seed", std::to_string(uint64_t(1) << 60)},
      {[](RunOptions& r) { r.init = static_cast<HeadInit>(9); }, "init", "?"},
      {[](RunOptions& r) { r.task = "poetry"; }, "task", "poetry"},
      {[](RunOptions& r) { r.live.lr = 0.0f; }, "lr", "0"},
      {[](RunOptions& r) { r.live.weight_decay = 1e30f; }, "weight-decay", "1e+30"},
      {[](RunOptions& r) { r.live.clip = -1.0f; }, "clip", "-1"},
      {[](RunOptions& r) { r.live.snapshot_every = 0; }, "snapshot-every", "0"},
      {[](RunOptions& r) { r.live.eval_every = 1 << 30; }, "eval-every", std::to_string(1 << 30)},
  };
  for (const Case& c : cases) {
    RunOptions r;
    c.set(r);
    Options scratch;
    const std::string parser_says = set_option(scratch, c.key, c.text, kScopeRunAndLive);
    INFO(c.key);
    REQUIRE(!parser_says.empty());
    CHECK(validate(r) == parser_says);
  }
}

TEST_CASE("describe() is exact: every run reads back bit for bit", "[options]") {
  RunOptions a;
  a.task = "text";
  a.text = "some text";
  a.live.lr = 0.0012345678f;
  a.live.weight_decay = 1.0f / 3.0f;
  a.seed = 9007199254740991ull;
  Options b;
  for (const auto& [k, v] : describe(a)) REQUIRE(set_option(b, k, v, kScopeRunAndLive) == "");
  CHECK(b.run.live.lr == a.live.lr);
  CHECK(b.run.live.weight_decay == a.live.weight_decay);
  CHECK(b.run.text == a.text);
  CHECK(changed_options(a, b.run, kScopeRunAndLive).empty());
  CHECK(describe(RunOptions())[8] == std::pair<std::string, std::string>("lr", "0.001"));
  ViewOptions v;
  v.budget_ms = 20.0f;
  CHECK(describe(v)[1] == std::pair<std::string, std::string>("speed", "20"));
}

TEST_CASE("the table knows which options a running run can change", "[options]") {
  RunOptions a, b;
  b.live.lr = 0.01f;
  b.live.snapshot_every = 3;
  CHECK(changed_options(a, b, kScopeRun).empty());
  CHECK(changed_options(a, b, kScopeLive) == std::vector<std::string>{"lr", "snapshot-every"});
  b.heads = 2;
  CHECK(changed_options(a, b, kScopeRun) == std::vector<std::string>{"heads"});
  CHECK(option_range(*find_option("lr")) == "(0, 1e6]");
  CHECK(option_range(*find_option("clip")) == "0..1e6");
  CHECK(find_option("d_model") == find_option("d-model"));
  CHECK(help_text(kScopeRunAndLive | kScopeCli).find("--lr (0, 1e6]") != std::string::npos);
}

TEST_CASE("off lists heads as LlHh, sorted, and validate() checks them against the model", "[options][ablation]") {
  Options o;
  REQUIRE(parse({"off=L1H3,l0h1,L1H3"}, o) == "");
  CHECK(o.run.live.off == std::vector<HeadId>{{0, 1}, {1, 3}});
  bool found = false;
  for (const auto& [key, value] : describe(o.run))
    if (key == "off") {
      found = true;
      CHECK(value == "L0H1,L1H3");
    }
  CHECK(found);
  CHECK(validate(o) == "");
  CHECK(parse({"off=L0H9"}, o) == "");
  CHECK(validate(o) == "off: L0H9 is not a head of this model (2 layers x 4 heads, counted from 0)");
  CHECK(parse({"off=L0X1"}, o) == "off: expected a comma list of heads such as L0H1,L1H3, got 'L0X1'");
  CHECK(parse({"off=L-1H0"}, o).rfind("off: expected", 0) == 0);
  REQUIRE(parse({"off="}, o) == "");  // none off
  CHECK(o.run.live.off.empty());
}

TEST_CASE("nudge sets clone-all-eps's noise within 1e-6..1e-2", "[options]") {
  Options o;
  REQUIRE(parse({"nudge=1e-5"}, o) == "");
  CHECK(o.run.nudge == 1e-5f);
  CHECK(parse({"nudge=0.1"}, o) == "nudge: expected a number in 1e-6..0.01, got '0.1'");
}

TEST_CASE("compare names one run option and a valid value for it", "[options][compare]") {
  Options o;
  REQUIRE(parse({"compare=init:clone-all"}, o, kScopeView) == "");
  CHECK(o.view.compare == "init:clone-all");
  std::string key, value;
  CHECK(parse_compare("lr:3e-3", &key, &value) == "");
  CHECK(key == "lr");
  CHECK(value == "3e-3");
  CHECK(parse({"compare=init"}, o, kScopeView) ==
        "compare: expected KEY:VALUE naming one run option, e.g. init:clone-all, got 'init'");
  CHECK(parse({"compare=theme:light"}, o, kScopeView) ==
        "compare: 'theme' is not a run option (e.g. init, seed, lr, heads, off)");
  CHECK(parse({"compare=init:zeros"}, o, kScopeView).rfind("compare: init: expected one of random|", 0) == 0);
  REQUIRE(parse({"compare="}, o, kScopeView) == "");  // off
  CHECK(o.view.compare.empty());
}

TEST_CASE("experiment presets set the run where they appear; later options change them", "[options][experiment]") {
  const unsigned scopes = kScopeRunAndLive | kScopeView;
  Options o;
  REQUIRE(parse({"heads=2", "experiment=symmetry", "seed=5"}, o, scopes) == "");
  CHECK(o.run.task == "addsub");
  CHECK(o.run.layers == 1);
  CHECK(o.run.heads == 4);  // set before the preset: the preset starts from the defaults
  CHECK(o.run.seed == 5);   // set after it
  CHECK(o.view.compare == "init:clone-all");
  CHECK(validate(o) == "");
  REQUIRE(parse({"experiment=redundancy"}, o, scopes) == "");
  CHECK(o.run.task == "induction");
  CHECK(o.view.compare.empty());
  CHECK(parse({"experiment=magic"}, o, scopes) ==
        "experiment: expected one of symmetry|division|composition|redundancy|coreference, got 'magic'");
  for (const auto& [key, value] : describe(o.run)) CHECK(key != "experiment");  // applied, never stored
}

TEST_CASE("the strip names the experiment running, whatever probe is typed, and nothing after a run option changes",
          "[options][experiment]") {
  Options o;
  REQUIRE(parse({"experiment=coreference"}, o, kScopeRunAndLive | kScopeView) == "");
  const Experiment* e = matching_experiment(o.run, o.view.compare);
  REQUIRE(e != nullptr);
  CHECK(e->key == "coreference");
  REQUIRE(set_option(o, "probe", "the animal didn't cross the street because it was too wide street", kScopeRun) == "");
  CHECK(matching_experiment(o.run, o.view.compare) == e);
  REQUIRE(set_option(o, "seed", "7", kScopeRun) == "");
  CHECK(matching_experiment(o.run, o.view.compare) == nullptr);
  REQUIRE(parse({"experiment=symmetry"}, o, kScopeRunAndLive | kScopeView) == "");
  CHECK(matching_experiment(o.run, "")->key == "division");  // the same run without the twin
  CHECK(matching_experiment(o.run, o.view.compare)->key == "symmetry");
}

TEST_CASE("changed_from_defaults lists what a link needs", "[options]") {
  Options o;
  CHECK(changed_from_defaults(o.run, o.view).empty());
  REQUIRE(set_option(o, "init", "clone-all", kScopeRun) == "");
  REQUIRE(set_option(o, "lr", "0.003", kScopeLive) == "");
  REQUIRE(set_option(o, "compare", "seed:2", kScopeView) == "");
  REQUIRE(set_option(o, "keep", "0", kScopeView) == "");
  using KV = std::pair<std::string, std::string>;
  const std::vector<KV> want = {{"lr", "0.003"}, {"init", "clone-all"}, {"keep", "0"}, {"compare", "seed:2"}};  // table order
  CHECK(changed_from_defaults(o.run, o.view) == want);
  // The values read back as the same run.
  Options back;
  for (const KV& kv : changed_from_defaults(o.run, o.view)) CHECK(set_option(back, kv.first, kv.second, kScopeRunAndLive | kScopeView) == "");
  CHECK(changed_options(back.run, o.run, kScopeRunAndLive).empty());
}
