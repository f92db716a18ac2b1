// The one option vocabulary of headlab, shared by the CLI
// (`--heads 4` or `heads=4`), the desktop app, the web page URL
// (`?heads=4`), the embed API, the UI and checkpoints. One typed table
// (option_table()) says, per option, its key, scope, kind, bounds, valid
// choices and the member it sets; parsing, validate(), describe(), --help, the
// UI's slider bounds and combo lists and the web API's scopes all read it, so
// nothing downstream ever sees an invalid configuration.
//
// Adding an option: a field in one of the structs below and one row in
// option_table() (options.cpp). Nothing else.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/text.h"
#include "lab/page_constants.h"

namespace headlab {

// One attention head, written L1H2 (layer 1, head 2; both count from 0).
struct HeadId {
  int layer = 0, head = 0;
  bool operator==(const HeadId& o) const { return layer == o.layer && head == o.head; }
  bool operator<(const HeadId& o) const { return layer != o.layer ? layer < o.layer : head < o.head; }
};

// The settings a run may change while it trains (scope kScopeLive); every
// other RunOptions field needs a new run. They are their own struct so that
// applying them is one assignment and "needs a reset" follows from the table.
struct LiveOptions {
  // Induction head (score > 0.4) at the default size: ~370 steps at 1e-3,
  // ~660 at 3e-3, none within 1000 at 5e-3 or 1e-2 (headlab-train sweeps).
  float lr = 1e-3f;
  float weight_decay = 0.01f;
  float clip = 1.0f;        // 0 = no clipping
  int snapshot_every = 10;  // steps between recorded snapshots (doubles as the store thins out)
  int eval_every = 50;      // steps between held-out accuracy evaluations
  // Heads switched off (ablated): their output is zeroed and they get no
  // gradient, so a reader can watch the others take over. Sorted, no repeats.
  std::vector<HeadId> off;
};

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
  uint64_t seed = 1;
  HeadInit init = HeadInit::Random;
  float nudge = 1e-3f;  // clone-all-eps: std of the noise added to each cloned weight (weights: 0.02)
  std::string text;  // training text for task=text (empty for every other task)
  // The input every head is drawn on, as typed (Task::read_probe); "" = the
  // task's own. Training does not depend on it: same seed, same weights.
  std::string probe;
  LiveOptions live;  // lr, weight decay, clip, snapshot and eval cadence
};

// How the app looks and behaves; does not change what is learned.
struct ViewOptions {
  bool autoplay = false;
  float budget_ms = 8.0f;           // training time per frame (web); "speed"
  std::vector<std::string> panels;  // empty = all; else any of panel_names()
  std::vector<std::string> hide;    // panels to hide, applied after `panels`
  bool compact = false;
  std::string theme = "dark";       // see theme_names(); "auto" follows the system's (the host page's) preference
  bool topbar = true;               // the top bar (buttons, status, experiment strip)
  bool theme_button = true;         // the top bar's light/dark switch
  bool keep = true;                 // web: keep a checkpoint in the browser and offer to resume it after a reload
  // A recorded run to show instead of training: a run file written by
  // headlab-train --out or the Share menu (web: its URL; headlab-train prints it).
  std::string replay;
  // Compare mode: a twin run differing in one option, "KEY:VALUE" (e.g.
  // init:clone-all), drawn beside this one (lab/run_host.h); "" = off.
  std::string compare;
};

// Program-specific options; each program rejects the ones it does not use.
struct ProgramOptions {
  int steps = 2000;         // CLI: steps to train
  std::string out;          // CLI: JSON run file to write
  std::string save, load;   // checkpoint paths
  int frames = 0;           // desktop: quit after N frames (0 = run until closed)
  int until_step = 0;       // desktop: quit once the run has reached step N (0 = no limit)
  std::string screenshot;   // desktop: PNG of the last frame
  int threads = 0;          // threads for a training step (core/parallel.h); 0 = every core
  bool help = false;
  bool options_json = false;  // CLI: print the option table as JSON (the kit's TypeScript declarations are made from it)
};

struct Options {
  RunOptions run;
  ViewOptions view;
  ProgramOptions program;
};

// The group an option belongs to. A program accepts a mask of groups and
// reports the others as unknown; kScopeRun vs kScopeLive vs kScopeView also
// says when a change applies (a new run / the next step / at once).
enum OptionScope : unsigned {
  kScopeRun = 1,      // what is learned: RunOptions, a new run
  kScopeView = 2,     // how the app looks: ViewOptions
  kScopeCli = 4,      // headlab-train only
  kScopeDesktop = 8,  // the desktop app only
  kScopeLive = 16,    // RunOptions::live: applies to a running run from its next step
};
// A run's complete settings: what describe() lists and a checkpoint stores.
constexpr unsigned kScopeRunAndLive = kScopeRun | kScopeLive;
static_assert(kScopeRun == page::kScopeRun, "web/headlab.js reads the scope bits of lab/page_constants.h");

enum class OptionKind {
  Int,     // decimal digits only, within [lo, hi]
  Float,   // plain decimal or scientific notation, within [lo, hi] ((lo, hi] if lo_open)
  Flag,    // 1/0, true/false, yes/no, on/off; bare `--flag` means 1
  Choice,  // one of choices()
  List,    // comma list of choices()
  Text,    // any bytes but NUL, at most hi bytes
  File,    // a path whose content (at most hi bytes) sets the Text option of the same member
  Path,    // a file name (not empty)
  Heads,   // comma list of heads, L<layer>H<head>
  Compare, // KEY:VALUE, a run option and a value for it
  Preset,  // one of choices(): sets several options at once (an experiment)
};

struct OptionField;  // how a row reads and writes its member (options.cpp)

struct OptionInfo {
  const char* key;  // canonical spelling, e.g. "d-model"; "d_model" is accepted too
  OptionKind kind;
  unsigned scope;   // one OptionScope bit, or kScopeCli | kScopeDesktop
  double lo, hi;    // Int/Float bounds; Text/File: hi = the size limit in bytes
  bool lo_open;     // Float: lo itself is not allowed
  const std::vector<std::string>& (*choices)();  // Choice/List, else nullptr
  const char* value_name;  // File/Path: how --help names the value, e.g. "FILE.json"
  const char* help;
  const OptionField* field;
};

// Every option, in --help and describe() order.
const std::vector<OptionInfo>& option_table();
// The row for a key in either spelling, or nullptr.
const OptionInfo* find_option(const std::string& key);
// The valid values in words, as messages and --help show them: "1..8", "(0, 1e6]", "dark|light".
std::string option_range(const OptionInfo& o);

const std::vector<std::string>& panel_names();
const std::vector<std::string>& theme_names();

// Sets one option from text. Returns "" on success, else one line such as
// "heads: expected an integer in 1..16, got '0'". `scopes` are the option
// groups the calling program accepts; others are reported as unknown.
std::string set_option(Options& o, const std::string& key, const std::string& value, unsigned scopes);

// Each option of `scopes` exactly as the parser checks its text, with its
// message: "" when every one is within its row's range. The checks across
// options and of whole runs are lab/run_checks.h's.
std::string check_options(const RunOptions& r, unsigned scopes);
std::string check_options(const ViewOptions& v);

// Parses argv in either grammar: `--key value`, `--key=value`, `key=value`,
// and bare `--flag` for flags. Stops at the first error.
std::string parse_args(int argc, const char* const* argv, unsigned scopes, Options& o);

// The canonical `key=value` list of a run (run and live options, the text
// only when there is one), e.g. for the JSON "config", share links and
// checkpoints. Numbers are exact: set_option() reads back the same run.
std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r);
// Only the options of `scopes` (e.g. kScopeLive: a few short values, never the training text).
std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r, unsigned scopes);
// The view options as text, same form.
std::vector<std::pair<std::string, std::string>> describe(const ViewOptions& v);
// The run, live and view options that differ from the defaults, same form:
// what a link needs to give the same run and view (e.g. task=copy, init=clone-all).
std::vector<std::pair<std::string, std::string>> changed_from_defaults(const RunOptions& r, const ViewOptions& v);

// Checks a compare spec ("init:clone-all": KEY a run or live option, VALUE
// valid for it) and splits it; "" or the message.
std::string parse_compare(const std::string& spec, std::string* key, std::string* value);

// Why a change of a kScopeRun option is refused by a running run.
constexpr const char* kNeedsNewRun = "these options change the model or data; start a new run (reset) to apply them";

// Keys of the options in `scopes` (e.g. kScopeRun: those that need a new run) that differ between a and b.
std::vector<std::string> changed_options(const RunOptions& a, const RunOptions& b, unsigned scopes);

std::string help_text(unsigned scopes);
// Every option as a JSON array: key, kind, scope, lo, hi, loOpen, choices, default (as text), help.
std::string options_json();

}  // namespace headlab
