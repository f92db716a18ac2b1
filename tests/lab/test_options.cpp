// The one option parser: both grammars, every error names the option and
// its valid range, and cross-option checks catch impossible models.
#include <catch.hpp>

#include "lab/options.h"

using namespace headlab;

namespace {

std::string parse(std::vector<const char*> args, Options& o, unsigned scopes = kScopeRun | kScopeCli) {
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
    CHECK(o->run.lr == Approx(0.01f));
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
      {{"--task", "poetry"}, "task: expected one of induction|addsub|coref|copy|reverse|sort|modadd|text, got 'poetry'"},
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
  const unsigned view = kScopeRun | kScopeView;
  CHECK(set_option(o, "panels", "grid,loss", view) == "");
  CHECK(o.view.panels == std::vector<std::string>{"grid", "loss"});
  CHECK(set_option(o, "panels", "grid,fish", view).find("panels: expected a comma list") == 0);
  CHECK(o.view.panels == std::vector<std::string>{"grid", "loss"});  // unchanged on error
  CHECK(set_option(o, "autoplay", "1", view) == "");
  CHECK(o.view.autoplay);
  CHECK(set_option(o, "autoplay", "maybe", view).find("autoplay:") == 0);
  CHECK(set_option(o, "theme", "light", view) == "");
  CHECK(set_option(o, "theme", "pink", view) == "theme: expected one of dark|light, got 'pink'");
  CHECK(set_option(o, "speed", "0", view).find("speed: expected a number in 1..50") == 0);
  CHECK(set_option(o, "steps", "5", view).find("unknown option") == 0);
}

TEST_CASE("describe() round-trips through the parser", "[options]") {
  Options a;
  a.run.task = "sort";
  a.run.heads = 2;
  a.run.lr = 0.0125f;
  a.run.seed = 123456789012345ull;
  a.run.init = HeadInit::CloneAllEps;
  Options b;
  for (const auto& [k, v] : describe(a.run)) REQUIRE(set_option(b, k, v, kScopeRun) == "");
  CHECK(b.run.task == "sort");
  CHECK(b.run.heads == 2);
  CHECK(b.run.lr == a.run.lr);
  CHECK(b.run.seed == a.run.seed);
  CHECK(b.run.init == HeadInit::CloneAllEps);
}

TEST_CASE("help lists every option of the program's scope", "[options]") {
  const std::string h = help_text(kScopeRun | kScopeCli);
  for (const char* k : {"--task", "--layers", "--heads", "--d-model", "--d-mlp", "--ctx", "--batch", "--lr",
                        "--steps", "--seed", "--init", "--clip", "--eval-every", "--snapshot-every", "--out",
                        "--save", "--load", "--help"})
    CHECK(h.find(k) != std::string::npos);
  CHECK(h.find("--frames") == std::string::npos);
}
