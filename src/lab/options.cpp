// The option table and everything that reads it.
//
// Index:
//   [SECTION] Values: strict text <-> typed member, one pair per kind
//   [SECTION] Rows: where each row's value lives
//   [SECTION] The table
//   [SECTION] Parsing, validation, description, help
#include "lab/options.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "core/params.h"
#include "core/task.h"
#include "lab/experiments.h"
#include "lab/json.h"
#include "lab/page_constants.h"
#include "lab/run_task.h"
#include "lab/snapshot.h"

namespace headlab {

namespace {

// [SECTION] Values: strict text <-> typed member, one pair per kind

constexpr size_t kMaxText = page::kMaxOptionValueBytes;  // 4 MiB of training text
constexpr size_t kMaxProbe = 4096;     // a probe has at most ctx (256) tokens, each a few bytes

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (const std::string& item : items) s += (s.empty() ? "" : sep) + item;
  return s;
}

// Bounds in messages: "1e6" and "1e-6" rather than "1e+06" and "1e-06", integers in full.
std::string bound_text(double x, OptionKind kind) {
  char buf[32];
  if (kind == OptionKind::Int) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%g", x);
  std::string s = buf;
  const size_t e = s.find('e');
  if (e != std::string::npos) {
    if (s[e + 1] == '+') s.erase(e + 1, 1);
    const size_t digits = s[e + 1] == '-' ? e + 2 : e + 1;
    if (s[digits] == '0') s.erase(digits, 1);
  }
  return s;
}

std::string expected(const OptionInfo& row, const std::string& what, const std::string& got) {
  return std::string(row.key) + ": expected " + what + ", got " + quote(got);
}

// Decimal digits only: no sign, no spaces, no base prefix.
bool read_unsigned(const std::string& v, uint64_t* out) {
  if (v.empty()) return false;
  uint64_t x = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (x > (UINT64_MAX - d) / 10) return false;
    x = x * 10 + d;
  }
  *out = x;
  return true;
}

// [-]digits[.digits][e[+-]digits] or [-].digits[...]: what describe() writes
// and people type; no hex, inf, nan, spaces or leading '+'.
bool is_plain_number(const std::string& v) {
  size_t i = 0, digits = 0;
  const size_t n = v.size();
  auto run = [&] {
    size_t start = i;
    while (i < n && v[i] >= '0' && v[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && v[i] == '-') ++i;
  digits += run();
  if (i < n && v[i] == '.') ++i, digits += run();
  if (digits == 0) return false;
  if (i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < n && (v[i] == '+' || v[i] == '-')) ++i;
    if (run() == 0) return false;
  }
  return i == n;
}

std::string parse(const OptionInfo& row, const std::string& v, uint64_t* out) {
  uint64_t x = 0;
  if (!read_unsigned(v, &x) || static_cast<double>(x) < row.lo || static_cast<double>(x) > row.hi)
    return expected(row, "an integer in " + option_range(row), v);
  *out = x;
  return "";
}

std::string parse(const OptionInfo& row, const std::string& v, int* out) {
  uint64_t x = 0;
  std::string e = parse(row, v, &x);  // the row's bounds keep it within int
  if (e.empty()) *out = static_cast<int>(x);
  return e;
}

std::string parse(const OptionInfo& row, const std::string& v, float* out) {
  errno = 0;
  const double x = is_plain_number(v) ? std::strtod(v.c_str(), nullptr) : NAN;
  const float f = static_cast<float>(x);  // the checks apply to the value the run will use...
  const float lo = static_cast<float>(row.lo), hi = static_cast<float>(row.hi);  // ...against bounds as floats (1e-6 is not one)
  if (errno == ERANGE || !std::isfinite(f) || (row.lo_open ? !(f > lo) : f < lo) || f > hi)
    return expected(row, "a number in " + option_range(row), v);
  *out = f;
  return "";
}

std::string parse(const OptionInfo& row, const std::string& v, bool* out) {
  for (const char* yes : {"1", "true", "yes", "on", ""})
    if (v == yes) {
      *out = true;
      return "";
    }
  for (const char* no : {"0", "false", "no", "off"})
    if (v == no) {
      *out = false;
      return "";
    }
  return expected(row, "1/0, true/false, yes/no or on/off", v);
}

bool is_choice(const OptionInfo& row, const std::string& v) {
  const std::vector<std::string>& c = row.choices();
  return std::find(c.begin(), c.end(), v) != c.end();
}

std::string read_text_file(const OptionInfo& row, const std::string& path, std::string* out) {
  const std::string key = row.key;
  // Checked before opening: opening a FIFO without a writer would wait for ever.
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return key + ": cannot open " + quote(path);
  if (!S_ISREG(st.st_mode)) return key + ": " + quote(path) + " is not a regular file";
  std::ifstream in(path, std::ios::binary);
  if (!in) return key + ": cannot open " + quote(path);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > row.hi) return key + ": " + quote(path) + " is larger than " + bound_text(row.hi, row.kind) + " bytes";
  }
  if (in.bad()) return key + ": cannot read " + quote(path);
  if (text.find('\0') != std::string::npos) return key + ": " + quote(path) + " contains a NUL byte (not text)";
  *out = std::move(text);
  return "";
}

std::string parse(const OptionInfo& row, const std::string& v, std::string* out) {
  switch (row.kind) {
    case OptionKind::Choice:
      if (!is_choice(row, v)) return expected(row, "one of " + option_range(row), v);
      break;
    case OptionKind::Text:
      if (v.size() > row.hi)
        return std::string(row.key) + ": expected at most " + bound_text(row.hi, OptionKind::Int) + " bytes, got " +
               std::to_string(v.size());
      break;
    case OptionKind::File: return read_text_file(row, v, out);
    case OptionKind::Compare:
      if (!v.empty()) {  // "" turns compare mode off
        std::string key, value;
        const std::string e = parse_compare(v, &key, &value);
        if (!e.empty()) return e;
      }
      break;
    default:  // Path
      if (v.empty()) return std::string(row.key) + ": expected a file name";
  }
  *out = v;
  return "";
}

std::string parse(const OptionInfo& row, const std::string& v, std::vector<std::string>* out) {
  std::vector<std::string> items;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    if (!is_choice(row, item)) return expected(row, "a comma list of " + joined(row.choices(), ","), item);
    items.push_back(item);
  }
  *out = std::move(items);
  return "";
}

// L<layer>H<head>, both decimal: "L1H2".
bool read_head(const std::string& item, HeadId* out) {
  const size_t h = item.find_first_of("Hh");
  if (item.size() < 4 || (item[0] != 'L' && item[0] != 'l') || h == std::string::npos) return false;
  uint64_t layer = 0, head = 0;
  if (!read_unsigned(item.substr(1, h - 1), &layer) || !read_unsigned(item.substr(h + 1), &head)) return false;
  if (layer >= 1000 || head >= 1000) return false;  // validate() checks them against the model
  *out = {static_cast<int>(layer), static_cast<int>(head)};
  return true;
}

std::string parse(const OptionInfo& row, const std::string& v, std::vector<HeadId>* out) {
  std::vector<HeadId> heads;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    HeadId id;
    if (!read_head(item, &id)) return expected(row, "a comma list of heads such as L0H1,L1H3", item);
    heads.push_back(id);
  }
  std::sort(heads.begin(), heads.end());
  heads.erase(std::unique(heads.begin(), heads.end()), heads.end());
  *out = std::move(heads);
  return "";
}

// Enumerations are Choice rows whose choices() are listed in the enum's order.
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
std::string parse(const OptionInfo& row, const std::string& v, E* out) {
  const std::vector<std::string>& names = row.choices();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) {
      *out = static_cast<E>(i);
      return "";
    }
  return expected(row, "one of " + option_range(row), v);
}

std::string format(const OptionInfo&, int x) { return std::to_string(x); }
std::string format(const OptionInfo&, uint64_t x) { return std::to_string(x); }
std::string format(const OptionInfo&, float x) { return float_text(x); }
std::string format(const OptionInfo&, bool x) { return x ? "1" : "0"; }
std::string format(const OptionInfo&, const std::string& x) { return x; }
std::string format(const OptionInfo&, const std::vector<std::string>& x) { return joined(x, ","); }
std::string format(const OptionInfo&, const std::vector<HeadId>& x) {
  std::vector<std::string> items;
  for (const HeadId& h : x) items.push_back("L" + std::to_string(h.layer) + "H" + std::to_string(h.head));
  return joined(items, ",");
}
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
std::string format(const OptionInfo& row, E x) {
  const size_t i = static_cast<size_t>(x);
  return i < row.choices().size() ? row.choices()[i] : "?";
}

// [SECTION] Rows: where each row's value lives

RunOptions& part(Options& o, RunOptions*) { return o.run; }
LiveOptions& part(Options& o, LiveOptions*) { return o.run.live; }
ViewOptions& part(Options& o, ViewOptions*) { return o.view; }
ProgramOptions& part(Options& o, ProgramOptions*) { return o.program; }
const RunOptions& part(const RunOptions& r, RunOptions*) { return r; }
const LiveOptions& part(const RunOptions& r, LiveOptions*) { return r.live; }

template <class M>
struct MemberOf;
template <class S, class T>
struct MemberOf<T S::*> {
  using Struct = S;
  using Type = T;
};
template <auto M>
using StructOf = typename MemberOf<decltype(M)>::Struct;
template <auto M>
using TypeOf = typename MemberOf<decltype(M)>::Type;

template <auto M>
TypeOf<M>& member(Options& o) {
  return part(o, static_cast<StructOf<M>*>(nullptr)).*M;
}
template <auto M>
const TypeOf<M>& member(const RunOptions& r) {
  return part(r, static_cast<StructOf<M>*>(nullptr)).*M;
}

}  // namespace

struct OptionField {
  // Parses the text into the member, which is left alone on error.
  std::string (*set)(Options& o, const OptionInfo& row, const std::string& v);
  // The member as text that set() reads back; File rows (which only write) have none.
  std::string (*text)(const Options& o, const OptionInfo& row);
  // Run and live rows: the same from a RunOptions, and whether two runs agree on it.
  std::string (*run_text)(const RunOptions& r, const OptionInfo& row);
  bool (*same)(const RunOptions& a, const RunOptions& b);
};

namespace {

template <auto M>
std::string set_member(Options& o, const OptionInfo& row, const std::string& v) {
  TypeOf<M> x{};
  std::string e = parse(row, v, &x);
  if (e.empty()) member<M>(o) = std::move(x);
  return e;
}
template <auto M>
std::string member_text(const Options& o, const OptionInfo& row) {
  return format(row, member<M>(const_cast<Options&>(o)));  // only read
}
template <auto M>
std::string run_member_text(const RunOptions& r, const OptionInfo& row) {
  return format(row, member<M>(r));
}
template <auto M>
bool same_member(const RunOptions& a, const RunOptions& b) {
  return member<M>(a) == member<M>(b);
}

template <auto M>
const OptionField* field_of(OptionKind kind) {
  static const OptionField write_only = {&set_member<M>, nullptr, nullptr, nullptr};
  if (kind == OptionKind::File) return &write_only;
  if constexpr (std::is_same_v<StructOf<M>, RunOptions> || std::is_same_v<StructOf<M>, LiveOptions>) {
    static const OptionField run = {&set_member<M>, &member_text<M>, &run_member_text<M>, &same_member<M>};
    return &run;
  } else {
    static const OptionField other = {&set_member<M>, &member_text<M>, nullptr, nullptr};
    return &other;
  }
}

template <auto M>
OptionInfo row(const char* key, OptionKind kind, unsigned scope, const char* help, double lo = 0, double hi = 0) {
  return {key, kind, scope, lo, hi, false, nullptr, nullptr, help, field_of<M>(kind)};
}
template <auto M>
OptionInfo integer(const char* key, unsigned scope, double lo, double hi, const char* help) {
  return row<M>(key, OptionKind::Int, scope, help, lo, hi);
}
template <auto M>
OptionInfo number(const char* key, unsigned scope, double lo, double hi, const char* help) {
  return row<M>(key, OptionKind::Float, scope, help, lo, hi);
}
// A number that must be greater than lo.
template <auto M>
OptionInfo positive(const char* key, unsigned scope, double hi, const char* help) {
  OptionInfo o = row<M>(key, OptionKind::Float, scope, help, 0, hi);
  o.lo_open = true;
  return o;
}
template <auto M>
OptionInfo flag(const char* key, unsigned scope, const char* help) {
  return row<M>(key, OptionKind::Flag, scope, help);
}
template <auto M>
OptionInfo choice(const char* key, unsigned scope, const std::vector<std::string>& (*choices)(), const char* help) {
  OptionInfo o = row<M>(key, OptionKind::Choice, scope, help);
  o.choices = choices;
  return o;
}
template <auto M>
OptionInfo list(const char* key, unsigned scope, const std::vector<std::string>& (*choices)(), const char* help) {
  OptionInfo o = row<M>(key, OptionKind::List, scope, help);
  o.choices = choices;
  return o;
}
template <auto M>
OptionInfo text(const char* key, unsigned scope, double max_bytes, const char* help) {
  return row<M>(key, OptionKind::Text, scope, help, 0, max_bytes);
}
template <auto M>
OptionInfo file(const char* key, unsigned scope, double max_bytes, const char* value_name, const char* help) {
  OptionInfo o = row<M>(key, OptionKind::File, scope, help, 0, max_bytes);
  o.value_name = value_name;
  return o;
}
template <auto M>
OptionInfo path(const char* key, unsigned scope, const char* value_name, const char* help) {
  OptionInfo o = row<M>(key, OptionKind::Path, scope, help);
  o.value_name = value_name;
  return o;
}
template <auto M>
OptionInfo heads(const char* key, unsigned scope, const char* help) {
  return row<M>(key, OptionKind::Heads, scope, help);
}
template <auto M>
OptionInfo compare(const char* key, unsigned scope, const char* help) {
  return row<M>(key, OptionKind::Compare, scope, help);
}

// The experiment presets set several options at once and are no member of
// their own: they are not described or stored, only applied.
std::string apply_experiment(Options& o, const OptionInfo& row, const std::string& v) {
  const Experiment* e = find_experiment(v);
  if (!e) return expected(row, "one of " + option_range(row), v);
  Options next = o;
  next.run = RunOptions();
  for (const auto& [key, value] : e->options) {
    const std::string error = set_option(next, key, value, kScopeRunAndLive | kScopeView);
    if (!error.empty()) return error;
  }
  o = std::move(next);
  return "";
}
std::string no_text(const Options&, const OptionInfo&) { return ""; }
const OptionField kExperimentField = {&apply_experiment, &no_text, nullptr, nullptr};

OptionInfo experiment(const char* key, const char* help) {
  return {key, OptionKind::Preset, kScopeRun, 0, 0, false, experiment_names, nullptr, help, &kExperimentField};
}

}  // namespace

// [SECTION] The table

const std::vector<OptionInfo>& option_table() {
  static const std::vector<OptionInfo> table = {
      // run: what is trained; a change needs a new run
      experiment("experiment",
                 "a ready-made experiment: sets the run options below to its own (later options change them)"),
      choice<&RunOptions::task>("task", kScopeRun, task_names, "what the model learns"),
      integer<&RunOptions::layers>("layers", kScopeRun, 1, 8, "transformer blocks"),
      integer<&RunOptions::heads>("heads", kScopeRun, 1, 16, "attention heads per layer (must divide d-model)"),
      integer<&RunOptions::d_model>("d-model", kScopeRun, 4, 512, "residual stream width"),
      integer<&RunOptions::d_mlp>("d-mlp", kScopeRun, 4, 2048, "MLP hidden width"),
      integer<&RunOptions::ctx>("ctx", kScopeRun, 2, 256, "context length (the task picks its sequence length within it)"),
      integer<&RunOptions::batch>("batch", kScopeRun, 1, 512, "sequences per training step"),
      integer<&RunOptions::symbols>("symbols", kScopeRun, 0, 256, "task alphabet size or modulus (0 = task default)"),
      positive<&LiveOptions::lr>("lr", kScopeLive, 1e6, "AdamW learning rate"),
      number<&LiveOptions::weight_decay>("weight-decay", kScopeLive, 0, 10, "AdamW decoupled weight decay (matrices only)"),
      number<&LiveOptions::clip>("clip", kScopeLive, 0, 1e6, "global gradient-norm clip (0 = off)"),
      integer<&RunOptions::seed>("seed", kScopeRun, 0, 9007199254740991.0, "random seed: same seed and options, same run"),
      choice<&RunOptions::init>("init", kScopeRun, head_init_names, "how heads start (the symmetry experiment)"),
      number<&RunOptions::nudge>("nudge", kScopeRun, 1e-6, 1e-2,
                                 "init=clone-all-eps: std of the noise added to each copied weight (weights: 0.02)"),
      integer<&LiveOptions::snapshot_every>("snapshot-every", kScopeLive, 1, 100000,
                                            "steps between recorded attention snapshots"),
      integer<&LiveOptions::eval_every>("eval-every", kScopeLive, 1, 100000, "steps between held-out accuracy evaluations"),
      heads<&LiveOptions::off>("off", kScopeLive, "heads switched off, e.g. L0H1,L1H3: output zeroed, no gradient"),
      text<&RunOptions::text>("text", kScopeRun, kMaxText, "training text for task=text (UTF-8)"),
      text<&RunOptions::probe>("probe", kScopeRun, kMaxProbe,
                               "the input every head is drawn on, in the task's tokens separated by spaces, e.g. "
                               "\"a b c a b c\" (empty: the task's own); training is the same whatever it is"),
      file<&RunOptions::text>("text-file", kScopeCli | kScopeDesktop, kMaxText, "FILE",
                              "read the training text for task=text from a file (UTF-8, at most 4 MiB)"),
      // view: how the app looks; changes at once
      flag<&ViewOptions::autoplay>("autoplay", kScopeView, "start training as soon as the app is ready"),
      number<&ViewOptions::budget_ms>("speed", kScopeView, 1, 50, "milliseconds of training per frame"),
      list<&ViewOptions::panels>("panels", kScopeView, panel_names, "panels to show"),
      list<&ViewOptions::hide>("hide", kScopeView, panel_names, "panels to hide (applied after panels=)"),
      flag<&ViewOptions::compact>("compact", kScopeView, "smaller text and spacing for small embeds"),
      choice<&ViewOptions::theme>("theme", kScopeView, theme_names, "colour theme (auto: as the system or page prefers)"),
      flag<&ViewOptions::topbar>("topbar", kScopeView, "show the top bar (0: only the panels)"),
      flag<&ViewOptions::theme_button>("theme-button", kScopeView, "show the top bar's light/dark switch"),
      flag<&ViewOptions::keep>("keep", kScopeView, "web: keep the run in the browser and offer to resume it after a reload"),
      compare<&ViewOptions::compare>("compare", kScopeView,
                                     "a twin run beside this one, differing in one option: KEY:VALUE, e.g. init:clone-all"),
      path<&ViewOptions::replay>("replay", kScopeView | kScopeCli, "FILE.json",
                                 "show a recorded run (a run JSON from --out or the Share menu) without training; "
                                 "headlab-train prints its summary"),
      // programs
      integer<&ProgramOptions::steps>("steps", kScopeCli, 0, 100000000, "steps to train"),
      path<&ProgramOptions::out>("out", kScopeCli, "FILE.json", "write the run (config, history, snapshots) as JSON"),
      path<&ProgramOptions::save>("save", kScopeCli | kScopeDesktop, "FILE", "write a checkpoint at the end"),
      path<&ProgramOptions::load>("load", kScopeCli | kScopeDesktop, "FILE", "start from a checkpoint"),
      integer<&ProgramOptions::frames>("frames", kScopeDesktop, 0, 10000000, "quit after N frames (0 = run until closed)"),
      integer<&ProgramOptions::until_step>("until-step", kScopeDesktop, 0, 10000000,
                                           "quit once the run has reached step N (0 = no limit); with autoplay=1 and "
                                           "--screenshot, a picture of an experiment at its promised step"),
      path<&ProgramOptions::screenshot>("screenshot", kScopeDesktop, "FILE.png", "write the last frame as PNG"),
      integer<&ProgramOptions::threads>("threads", kScopeCli | kScopeDesktop, 0, 256,
                                        "threads for a training step (0 = every core); results do not depend on it"),
      flag<&ProgramOptions::help>("help", kScopeCli | kScopeDesktop, "print this help"),
      flag<&ProgramOptions::options_json>("options-json", kScopeCli,
                                          "print every option as JSON (key, kind, scope, range, choices, default, help) and exit"),
  };
  return table;
}

const std::vector<std::string>& panel_names() {
  static const std::vector<std::string> names = {"controls", "loss", "grid", "head", "timeline", "why"};
  return names;
}

const std::vector<std::string>& theme_names() {
  static const std::vector<std::string> names = {"dark", "light", "auto"};
  return names;
}

// [SECTION] Parsing, validation, description, help

const OptionInfo* find_option(const std::string& key) {
  std::string k = key;
  for (char& c : k)
    if (c == '_') c = '-';
  for (const OptionInfo& o : option_table())
    if (k == o.key) return &o;
  return nullptr;
}

std::string option_range(const OptionInfo& o) {
  switch (o.kind) {
    case OptionKind::Int: return bound_text(o.lo, o.kind) + ".." + bound_text(o.hi, o.kind);
    case OptionKind::Float:
      if (o.lo_open) return "(" + bound_text(o.lo, o.kind) + ", " + bound_text(o.hi, o.kind) + "]";
      return bound_text(o.lo, o.kind) + ".." + bound_text(o.hi, o.kind);
    case OptionKind::Flag: return "0|1";
    case OptionKind::Choice: return joined(o.choices(), "|");
    case OptionKind::List: return "comma list of " + joined(o.choices(), ",");
    case OptionKind::Text: return "at most " + bound_text(o.hi, OptionKind::Int) + " bytes";
    case OptionKind::Heads: return "comma list of LlHh";
    case OptionKind::Compare: return "KEY:VALUE";
    case OptionKind::Preset: return joined(o.choices(), "|");
    default: return o.value_name;  // File, Path
  }
}

std::string set_option(Options& o, const std::string& key, const std::string& value, unsigned scopes) {
  const OptionInfo* row = find_option(key);
  if (!row || !(row->scope & scopes)) return "unknown option " + quote(key) + " (see --help)";
  // C strings (argv, the web API) cannot carry a NUL, so a value holding one was cut somewhere.
  if (value.find('\0') != std::string::npos) return std::string(row->key) + ": the value contains a NUL byte";
  return row->field->set(o, *row, value);
}

std::string check_options(const RunOptions& r, unsigned scopes) {
  for (const OptionInfo& row : option_table()) {
    if (!(row.scope & scopes) || !row.field->run_text) continue;
    Options scratch;
    const std::string e = row.field->set(scratch, row, row.field->run_text(r, row));
    if (!e.empty()) return e;
  }
  return "";
}

std::string check_options(const ViewOptions& v) {
  Options o;
  o.view = v;
  for (const OptionInfo& row : option_table()) {
    if (row.scope != kScopeView) continue;
    Options scratch;
    const std::string e = row.field->set(scratch, row, row.field->text(o, row));
    if (!e.empty()) return e;
  }
  return "";
}

std::string parse_args(int argc, const char* const* argv, unsigned scopes, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string key, value;
    bool have_value = false;
    if (arg == "-h") arg = "--help";
    if (arg.rfind("--", 0) == 0) {
      arg = arg.substr(2);
      const size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        key = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        have_value = true;
      } else {
        key = arg;
      }
    } else {
      const size_t eq = arg.find('=');
      if (eq == std::string::npos || eq == 0)
        return "unexpected argument " + quote(arg) + " (options look like --key value or key=value)";
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      have_value = true;
    }
    const OptionInfo* row = find_option(key);
    if (!row || !(row->scope & scopes)) return "unknown option " + quote(key) + " (see --help)";
    if (!have_value && row->kind != OptionKind::Flag) {
      if (i + 1 >= argc) return std::string(row->key) + ": missing value (" + option_range(*row) + ")";
      value = argv[++i];
    }
    std::string err = set_option(o, row->key, value, scopes);
    if (!err.empty()) return err;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r) { return describe(r, kScopeRunAndLive); }

std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r, unsigned scopes) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const OptionInfo& row : option_table()) {
    if (!(row.scope & scopes) || !row.field->run_text) continue;
    std::string value = row.field->run_text(r, row);
    if (row.kind == OptionKind::Text && value.empty()) continue;  // runs without a text
    kv.emplace_back(row.key, std::move(value));
  }
  return kv;
}

std::vector<std::pair<std::string, std::string>> describe(const ViewOptions& v) {
  Options o;
  o.view = v;
  std::vector<std::pair<std::string, std::string>> kv;
  for (const OptionInfo& row : option_table())
    if (row.scope == kScopeView) kv.emplace_back(row.key, row.field->text(o, row));
  return kv;
}

std::vector<std::pair<std::string, std::string>> changed_from_defaults(const RunOptions& r, const ViewOptions& v) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&out](const auto& now, const auto& defaults) {
    for (const auto& kv : now)
      if (std::find(defaults.begin(), defaults.end(), kv) == defaults.end()) out.push_back(kv);
  };
  add(describe(r), describe(RunOptions()));
  add(describe(v), describe(ViewOptions()));
  return out;
}

std::vector<std::string> changed_options(const RunOptions& a, const RunOptions& b, unsigned scopes) {
  std::vector<std::string> keys;
  for (const OptionInfo& row : option_table())
    if ((row.scope & scopes) && row.field->same && !row.field->same(a, b)) keys.emplace_back(row.key);
  return keys;
}

std::string parse_compare(const std::string& spec, std::string* key, std::string* value) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    return "compare: expected KEY:VALUE naming one run option, e.g. init:clone-all, got " + quote(spec);
  const std::string k = spec.substr(0, colon), v = spec.substr(colon + 1);
  // Only an option that defines or tunes a run can make a twin run.
  const OptionInfo* row = find_option(k);
  if (!row || !(row->scope & kScopeRunAndLive) || row->kind == OptionKind::Preset || !row->field->run_text)
    return "compare: " + quote(k) + " is not a run option (e.g. init, seed, lr, heads, off)";
  Options scratch;
  const std::string error = row->field->set(scratch, *row, v);
  if (!error.empty()) return "compare: " + error;
  *key = row->key;
  *value = v;
  return "";
}

std::string options_json() {
  static const char* const kKinds[] = {"int", "float", "flag", "choice", "list", "text", "file", "path", "heads", "compare", "preset"};
  const Options defaults;
  std::string out = "[";
  for (const OptionInfo& row : option_table()) {
    std::string scope;
    for (const auto& [bit, name] : {std::pair<unsigned, const char*>{kScopeRun, "run"}, {kScopeLive, "live"}, {kScopeView, "view"},
                                    {kScopeCli, "cli"}, {kScopeDesktop, "desktop"}})
      if (row.scope & bit) scope += std::string(scope.empty() ? "" : ",") + json_string(name);
    std::string choices;
    if (row.choices)
      for (const std::string& c : row.choices()) choices += (choices.empty() ? "" : ",") + json_string(c);
    out += std::string(out.size() > 1 ? ",\n" : "\n") + "{\"key\":" + json_string(row.key) +
           ",\"kind\":" + json_string(kKinds[static_cast<int>(row.kind)]) + ",\"scope\":[" + scope + "]" +
           ",\"lo\":" + json_number(row.lo, 17) + ",\"hi\":" + json_number(row.hi, 17) +
           ",\"loOpen\":" + (row.lo_open ? "true" : "false") + ",\"choices\":[" + choices + "]" +
           ",\"default\":" + (row.field->text ? json_string(row.field->text(defaults, row)) : "null") +
           ",\"help\":" + json_string(row.help) + "}";
  }
  return out + "\n]\n";
}

std::string help_text(unsigned scopes) {
  std::ostringstream s;
  s << "Options (--key value, --key=value or key=value):\n";
  for (const OptionInfo& row : option_table()) {
    if (!(row.scope & scopes)) continue;
    std::string left = std::string("  --") + row.key;
    if (row.kind != OptionKind::Flag) left += " " + option_range(row);
    s << left;
    for (size_t pad = left.size(); pad < 52; ++pad) s << ' ';
    s << ' ' << row.help;
    if (row.scope == kScopeLive) s << " (can change while training)";
    s << '\n';
  }
  return s.str();
}

}  // namespace headlab
