// The one option vocabulary of headlab, shared by the CLI
// (`--heads 4` or `heads=4`), the desktop app, the web page URL
// (`?heads=4`), the embed API and the UI. Every option is parsed and checked
// here, so nothing downstream ever sees an invalid configuration.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"

namespace headlab {

// Everything that defines a training run (same options + seed => same run).
struct RunOptions {
  std::string task = "induction";  // see task_names()
  int layers = 2;
  int heads = 4;
  int d_model = 64;
  int d_mlp = 256;
  int ctx = 32;
  int batch = 32;
  int symbols = 0;  // task alphabet size / modulus; 0 = task default
  // Induction head (score > 0.4) at the default size: ~370 steps at 1e-3,
  // ~660 at 3e-3, none within 1000 at 5e-3 or 1e-2 (headlab-train sweeps).
  float lr = 1e-3f;
  float weight_decay = 0.01f;
  float clip = 1.0f;  // 0 = no clipping
  uint64_t seed = 1;
  HeadInit init = HeadInit::Random;
  int snapshot_every = 10;  // steps between recorded snapshots (doubles as the store thins out)
  int eval_every = 50;      // steps between held-out accuracy evaluations
  std::string text;         // training text for task=text
};

// How the app looks and behaves; does not change what is learned.
struct ViewOptions {
  bool autoplay = false;
  float budget_ms = 8.0f;           // training time per frame (web); "speed"
  std::vector<std::string> panels;  // empty = all; else any of panel_names()
  std::vector<std::string> hide;    // panels to hide, applied after `panels`
  bool compact = false;
  std::string theme = "dark";       // dark | light
};

// Program-specific options; each program rejects the ones it does not use.
struct ProgramOptions {
  int steps = 2000;         // CLI: steps to train
  std::string out;          // CLI: JSON run file to write
  std::string save, load;   // checkpoint paths
  int frames = 0;           // desktop: quit after N frames (0 = run until closed)
  std::string screenshot;   // desktop: PNG of the last frame
  bool help = false;
};

struct Options {
  RunOptions run;
  ViewOptions view;
  ProgramOptions program;
};

// Which program an option belongs to, for --help and for rejecting strays.
enum OptionScope : unsigned { kScopeRun = 1, kScopeView = 2, kScopeCli = 4, kScopeDesktop = 8 };

struct OptionInfo {
  const char* key;    // canonical spelling, e.g. "d-model"; "d_model" is accepted too
  const char* range;  // human-readable valid values, e.g. "1..8"
  const char* help;
  unsigned scope;
};

const std::vector<OptionInfo>& option_table();
const std::vector<std::string>& panel_names();

// Sets one option from text. Returns "" on success, else one line such as
// "heads: expected an integer in 1..16, got '0'". `scopes` are the option
// groups the calling program accepts; others are reported as unknown.
std::string set_option(Options& o, const std::string& key, const std::string& value, unsigned scopes);

// Cross-option checks (d_model divisible by heads, task fits ctx, ...).
// Returns "" when the options describe a valid run.
std::string validate(const Options& o);

// Parses argv in either grammar: `--key value`, `--key=value`, `key=value`,
// and bare `--flag` for booleans. Stops at the first error.
std::string parse_args(int argc, const char* const* argv, unsigned scopes, Options& o);

// The canonical `key=value` list of a run, e.g. for the JSON "config" and share links.
std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r);

std::string help_text(unsigned scopes);

// A user's value for a one-line message: in quotes, cut at 40 bytes, control bytes as \xNN.
std::string quote(const std::string& v);

}  // namespace headlab
