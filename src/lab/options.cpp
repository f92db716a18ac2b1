#include "lab/options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/params.h"
#include "core/task.h"

namespace headlab {

std::string quote(const std::string& v) {
  // Messages are one line, so control bytes from a URL or argv are shown escaped.
  static const char kHex[] = "0123456789abcdef";
  std::string s = "'";
  for (size_t i = 0; i < v.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) {
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
  }
  return s + (v.size() > 40 ? "...'" : "'");
}

namespace {

std::string want_int(const char* key, const std::string& v, long long lo, long long hi, long long* out) {
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE || x < lo || x > hi)
    return std::string(key) + ": expected an integer in " + std::to_string(lo) + ".." +
           std::to_string(hi) + ", got " + quote(v);
  *out = x;
  return "";
}

std::string set_int(int* field, const char* key, const std::string& v, int lo, int hi) {
  long long x = 0;
  std::string e = want_int(key, v, lo, hi, &x);
  if (e.empty()) *field = static_cast<int>(x);
  return e;
}

std::string set_float(float* field, const char* key, const std::string& v, double lo, double hi,
                      const char* range) {
  errno = 0;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x) || x < lo || x > hi)
    return std::string(key) + ": expected a number in " + range + ", got " + quote(v);
  *field = static_cast<float>(x);
  return "";
}

std::string set_bool(bool* field, const char* key, const std::string& v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on" || v.empty()) {
    *field = true;
    return "";
  }
  if (v == "0" || v == "false" || v == "no" || v == "off") {
    *field = false;
    return "";
  }
  return std::string(key) + ": expected 1/0, true/false, yes/no or on/off, got " + quote(v);
}

std::string set_choice(std::string* field, const char* key, const std::string& v,
                       const std::vector<std::string>& choices) {
  std::string all;
  for (const auto& c : choices) {
    if (c == v) {
      *field = v;
      return "";
    }
    all += (all.empty() ? "" : "|") + c;
  }
  return std::string(key) + ": expected one of " + all + ", got " + quote(v);
}

std::string set_panels(std::vector<std::string>* field, const char* key, const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    std::string ok;
    if (!set_choice(&ok, key, item, panel_names()).empty()) {
      std::string all;
      for (const auto& p : panel_names()) all += (all.empty() ? "" : ",") + p;
      return std::string(key) + ": expected a comma list of " + all + ", got " + quote(item);
    }
    out.push_back(item);
  }
  *field = out;
  return "";
}

constexpr size_t kMaxText = 4u << 20;  // 4 MiB of training text

std::string read_text_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "text-file: cannot open " + quote(path);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxText)
      return "text-file: " + quote(path) + " is larger than " + std::to_string(kMaxText) + " bytes";
  }
  if (in.bad()) return "text-file: cannot read " + quote(path);
  *out = std::move(text);
  return "";
}

using Setter = std::function<std::string(Options&, const std::string&)>;

struct Entry {
  OptionInfo info;
  Setter set;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = {
      // [SECTION] run: what is trained
      {{"task", "induction|addsub|coref|copy|reverse|sort|modadd|text", "what the model learns", kScopeRun},
       [](Options& o, const std::string& v) { return set_choice(&o.run.task, "task", v, task_names()); }},
      {{"layers", "1..8", "transformer blocks", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.layers, "layers", v, 1, 8); }},
      {{"heads", "1..16", "attention heads per layer (must divide d-model)", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.heads, "heads", v, 1, 16); }},
      {{"d-model", "4..512", "residual stream width", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.d_model, "d-model", v, 4, 512); }},
      {{"d-mlp", "4..2048", "MLP hidden width", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.d_mlp, "d-mlp", v, 4, 2048); }},
      {{"ctx", "2..256", "context length (the task picks its sequence length within it)", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.ctx, "ctx", v, 2, 256); }},
      {{"batch", "1..512", "sequences per training step", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.batch, "batch", v, 1, 512); }},
      {{"symbols", "0..256", "task alphabet size or modulus (0 = task default)", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.symbols, "symbols", v, 0, 256); }},
      {{"lr", "(0, 1e6]", "AdamW learning rate", kScopeRun},
       [](Options& o, const std::string& v) {
         // A tiny positive lower bound: lr must be > 0, and float must not round it to 0.
         return set_float(&o.run.lr, "lr", v, 1e-12, 1e6, "(0, 1e6]");
       }},
      {{"weight-decay", "0..10", "AdamW decoupled weight decay (matrices only)", kScopeRun},
       [](Options& o, const std::string& v) {
         return set_float(&o.run.weight_decay, "weight-decay", v, 0.0, 10.0, "0..10");
       }},
      {{"clip", "0..1e6", "global gradient-norm clip (0 = off)", kScopeRun},
       [](Options& o, const std::string& v) { return set_float(&o.run.clip, "clip", v, 0.0, 1e6, "0..1e6"); }},
      {{"seed", "0..9007199254740991", "random seed: same seed and options, same run", kScopeRun},
       [](Options& o, const std::string& v) {
         long long x = 0;
         std::string e = want_int("seed", v, 0, 9007199254740991LL, &x);
         if (e.empty()) o.run.seed = static_cast<uint64_t>(x);
         return e;
       }},
      {{"init", "random|clone-qkv|clone-all|clone-all-eps", "how heads start (the symmetry experiment)", kScopeRun},
       [](Options& o, const std::string& v) {
         if (parse_head_init(v, &o.run.init)) return std::string();
         return "init: expected one of random|clone-qkv|clone-all|clone-all-eps, got " + quote(v);
       }},
      {{"snapshot-every", "1..100000", "steps between recorded attention snapshots", kScopeRun},
       [](Options& o, const std::string& v) {
         return set_int(&o.run.snapshot_every, "snapshot-every", v, 1, 100000);
       }},
      {{"eval-every", "1..100000", "steps between held-out accuracy evaluations", kScopeRun},
       [](Options& o, const std::string& v) { return set_int(&o.run.eval_every, "eval-every", v, 1, 100000); }},
      {{"text", "1..4194304 bytes of UTF-8", "training text for task=text", kScopeRun},
       [](Options& o, const std::string& v) {
         if (v.size() > kMaxText)
           return "text: expected at most " + std::to_string(kMaxText) + " bytes, got " + std::to_string(v.size());
         o.run.text = v;
         return std::string();
       }},
      {{"text-file", "FILE (UTF-8, at most 4 MiB)", "read the training text for task=text from a file",
        kScopeCli | kScopeDesktop},
       [](Options& o, const std::string& v) { return read_text_file(v, &o.run.text); }},
      // [SECTION] view: how the app looks
      {{"autoplay", "0|1", "start training as soon as the app is ready", kScopeView},
       [](Options& o, const std::string& v) { return set_bool(&o.view.autoplay, "autoplay", v); }},
      {{"speed", "1..50", "milliseconds of training per frame", kScopeView},
       [](Options& o, const std::string& v) { return set_float(&o.view.budget_ms, "speed", v, 1.0, 50.0, "1..50"); }},
      {{"panels", "comma list", "panels to show: controls,loss,grid,head,timeline,why", kScopeView},
       [](Options& o, const std::string& v) { return set_panels(&o.view.panels, "panels", v); }},
      {{"hide", "comma list", "panels to hide (applied after panels=)", kScopeView},
       [](Options& o, const std::string& v) { return set_panels(&o.view.hide, "hide", v); }},
      {{"compact", "0|1", "smaller text and spacing for small embeds", kScopeView},
       [](Options& o, const std::string& v) { return set_bool(&o.view.compact, "compact", v); }},
      {{"theme", "dark|light", "colour theme", kScopeView},
       [](Options& o, const std::string& v) { return set_choice(&o.view.theme, "theme", v, {"dark", "light"}); }},
      // [SECTION] programs
      {{"steps", "0..100000000", "steps to train", kScopeCli},
       [](Options& o, const std::string& v) { return set_int(&o.program.steps, "steps", v, 0, 100000000); }},
      {{"out", "FILE.json", "write the run (config, history, snapshots) as JSON", kScopeCli},
       [](Options& o, const std::string& v) {
         if (v.empty()) return std::string("out: expected a file name");
         o.program.out = v;
         return std::string();
       }},
      {{"save", "FILE", "write a checkpoint at the end", kScopeCli | kScopeDesktop},
       [](Options& o, const std::string& v) {
         if (v.empty()) return std::string("save: expected a file name");
         o.program.save = v;
         return std::string();
       }},
      {{"load", "FILE", "start from a checkpoint", kScopeCli | kScopeDesktop},
       [](Options& o, const std::string& v) {
         if (v.empty()) return std::string("load: expected a file name");
         o.program.load = v;
         return std::string();
       }},
      {{"frames", "0..10000000", "quit after N frames (0 = run until closed)", kScopeDesktop},
       [](Options& o, const std::string& v) { return set_int(&o.program.frames, "frames", v, 0, 10000000); }},
      {{"screenshot", "FILE.png", "write the last frame as PNG", kScopeDesktop},
       [](Options& o, const std::string& v) {
         if (v.empty()) return std::string("screenshot: expected a file name");
         o.program.screenshot = v;
         return std::string();
       }},
      {{"help", "", "print this help", kScopeCli | kScopeDesktop},
       [](Options& o, const std::string& v) { return set_bool(&o.program.help, "help", v); }},
  };
  return table;
}

std::string canonical(std::string key) {
  for (char& c : key)
    if (c == '_') c = '-';
  return key;
}

const Entry* lookup(const std::string& key) {
  const std::string k = canonical(key);
  for (const Entry& e : entries())
    if (k == e.info.key) return &e;
  return nullptr;
}

bool is_flag(const Entry& e) {
  const std::string k = e.info.key;
  return k == "autoplay" || k == "compact" || k == "help";
}

}  // namespace

const std::vector<std::string>& panel_names() {
  static const std::vector<std::string> names = {"controls", "loss", "grid", "head", "timeline", "why"};
  return names;
}

const std::vector<OptionInfo>& option_table() {
  static const std::vector<OptionInfo> infos = [] {
    std::vector<OptionInfo> v;
    for (const Entry& e : entries()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::string set_option(Options& o, const std::string& key, const std::string& value, unsigned scopes) {
  const Entry* e = lookup(key);
  if (!e || !(e->info.scope & scopes)) return "unknown option " + quote(key) + " (see --help)";
  return e->set(o, value);
}

std::string validate(const Options& o) {
  const RunOptions& r = o.run;
  if (r.d_model % r.heads != 0)
    return "d-model: must be divisible by heads (" + std::to_string(r.heads) + "), got " +
           std::to_string(r.d_model);
  if (r.d_mlp < 1) return "d-mlp: must be at least 1";
  TaskSpec spec;
  spec.name = r.task;
  spec.ctx = r.ctx;
  spec.symbols = r.symbols;
  spec.text = r.text;
  std::string error;
  const auto task = make_task(spec, &error);
  if (!task) return error;
  ModelConfig cfg;
  cfg.vocab = task->vocab_size();
  cfg.ctx = r.ctx;
  cfg.d_model = r.d_model;
  cfg.n_heads = r.heads;
  cfg.n_layers = r.layers;
  cfg.d_mlp = r.d_mlp;
  // Parameters x4 (weights, grads, two moments) plus the activation arena; keeps a
  // browser tab (and a laptop) well clear of running out of memory.
  const double params = static_cast<double>(ParamLayout(cfg).size()) * 4;
  const double rows = static_cast<double>(r.batch) * r.ctx;
  const double acts = rows * (r.layers * (9.0 * r.d_model + 2.0 * r.d_mlp) + 3.0 * cfg.vocab) * 2 +
                      static_cast<double>(r.batch) * r.heads * r.ctx * r.ctx * r.layers;
  const double mb = (params + acts) * 4.0 / (1 << 20);
  if (mb > 1024.0)
    return "model too large: needs about " + std::to_string(static_cast<int>(mb)) +
           " MB (limit 1024 MB); reduce batch, ctx, d-model, d-mlp or layers";
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
    const Entry* e = lookup(key);
    if (!e || !(e->info.scope & scopes)) return "unknown option " + quote(key) + " (see --help)";
    if (!have_value && !is_flag(*e)) {
      if (i + 1 >= argc) return std::string(e->info.key) + ": missing value (" + e->info.range + ")";
      value = argv[++i];
    }
    std::string err = e->set(o, value);
    if (!err.empty()) return err;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> describe(const RunOptions& r) {
  auto num = [](double x) {
    std::ostringstream s;
    s.precision(7);
    s << x;
    return s.str();
  };
  std::vector<std::pair<std::string, std::string>> kv = {
      {"task", r.task},
      {"layers", std::to_string(r.layers)},
      {"heads", std::to_string(r.heads)},
      {"d-model", std::to_string(r.d_model)},
      {"d-mlp", std::to_string(r.d_mlp)},
      {"ctx", std::to_string(r.ctx)},
      {"batch", std::to_string(r.batch)},
      {"symbols", std::to_string(r.symbols)},
      {"lr", num(r.lr)},
      {"weight-decay", num(r.weight_decay)},
      {"clip", num(r.clip)},
      {"seed", std::to_string(r.seed)},
      {"init", head_init_name(r.init)},
      {"snapshot-every", std::to_string(r.snapshot_every)},
      {"eval-every", std::to_string(r.eval_every)},
  };
  if (r.task == "text") kv.push_back({"text", r.text});
  return kv;
}

std::string help_text(unsigned scopes) {
  std::ostringstream s;
  s << "Options (--key value, --key=value or key=value):\n";
  for (const Entry& e : entries()) {
    if (!(e.info.scope & scopes)) continue;
    std::string left = std::string("  --") + e.info.key;
    if (!is_flag(e)) left += std::string(" ") + e.info.range;
    s << left;
    for (size_t pad = left.size(); pad < 52; ++pad) s << ' ';
    s << ' ' << e.info.help << '\n';
  }
  return s.str();
}

}  // namespace headlab
