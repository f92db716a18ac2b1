#include "lab/run_json_read.h"

#include <cmath>
#include <cstdio>
#include <type_traits>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/text.h"
#include "lab/run_task.h"

namespace headlab {

namespace {

using json = nlohmann::json;

// A refusal from inside the parser's callback; read_run_json() returns its text.
struct Refusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void refuse(const std::string& what) { throw Refusal(what); }

// The deepest the schema goes: snapshots / one snapshot / attn / layer / head / row / weight.
constexpr int kMaxDepth = 7;

const json& member(const json& o, const char* key, const std::string& where) {
  const auto it = o.find(key);
  if (it == o.end()) refuse(where + ": " + quote(key) + " is missing");
  return *it;
}

// A number, or null (how the writer spells NaN and infinities). Beyond a
// float's range it is an infinity (a plain cast would be undefined).
float number(const json& x, const std::string& where) {
  if (x.is_null()) return std::numeric_limits<float>::quiet_NaN();
  if (!x.is_number()) refuse(where + ": expected a number, got " + x.type_name());
  const double d = x.get<double>();
  if (std::fabs(d) > std::numeric_limits<float>::max()) return d > 0 ? INFINITY : -INFINITY;
  return static_cast<float>(d);
}

int integer(const json& x, const std::string& where) {
  if (!x.is_number_unsigned() || x.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max()))
    refuse(where + ": expected a step (a whole number >= 0)");
  return x.get<int>();
}

// Nested arrays of the given shape, flattened into *out (row-major).
void nested(const json& x, const int* dims, int ndims, const std::string& where, std::vector<float>* out) {
  if (!x.is_array() || x.size() != static_cast<size_t>(dims[0]))
    refuse(where + ": expected an array of " + std::to_string(dims[0]) +
           (x.is_array() ? ", got " + std::to_string(x.size()) : ", got " + std::string(x.type_name())));
  for (const json& e : x) {
    if (ndims == 1) out->push_back(number(e, where));
    else nested(e, dims + 1, ndims - 1, where, out);
  }
}

std::vector<float> shaped(const json& o, const char* key, std::initializer_list<int> dims, const std::string& where) {
  std::vector<float> v;
  nested(member(o, key, where), dims.begin(), static_cast<int>(dims.size()), where + "." + key, &v);
  return v;
}

// A config number as the option parser reads it: integers exactly, others to float precision and beyond.
std::string number_text(const json& x) {
  if (x.is_number_unsigned()) return std::to_string(x.get<uint64_t>());
  if (x.is_number_integer()) return std::to_string(x.get<int64_t>());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x.get<double>());
  return buf;
}

// An array equal, element by element, to `want` (strings or ids).
template <typename T>
bool same(const json& x, const std::vector<T>& want) {
  if (!x.is_array() || x.size() != want.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!x[i].is_string() || x[i].get_ref<const std::string&>() != want[i]) return false;
    } else {
      if (!x[i].is_number_unsigned() || x[i].get<uint64_t>() != static_cast<uint64_t>(want[i])) return false;
    }
  }
  return true;
}

class Reader {
 public:
  explicit Reader(LabView* view) : v_(view) {}

  // The parser's callback: each top-level section is taken as soon as it is
  // complete and then dropped, so the document tree never holds more than one snapshot.
  bool on_event(int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) refuse("nested deeper than a run file ever is");
    if (depth == 0 && event != json::parse_event_t::object_start && event != json::parse_event_t::object_end)
      refuse("not a run file: expected a JSON object");
    if (event == json::parse_event_t::key && depth == 1) section_ = parsed.get<std::string>();
    const bool done = event == json::parse_event_t::object_end || event == json::parse_event_t::array_end ||
                      event == json::parse_event_t::value;
    if (!done) return true;
    if (depth == 1) {
      take_section(parsed);
      return false;
    }
    if (depth == 2 && section_ == "snapshots" && event == json::parse_event_t::object_end) {
      take_snapshot(parsed);
      return false;
    }
    if (depth == 2 && section_ == "snapshots") refuse("snapshots: every entry must be an object");
    return true;
  }

  void finish() {
    for (const char* s : {"config", "vocab", "probe", "history", "snapshots"})
      if (!seen_.count(s)) refuse(quote(s) + " is missing");
    if (v_->snapshots.empty()) refuse("snapshots: none, so there is nothing to draw");
    v_->step = std::max(v_->history.empty() ? 0 : v_->history.back().step, v_->snapshots.back()->step);
    v_->loss = v_->history.empty() ? v_->snapshots.back()->loss : v_->history.back().loss;
    v_->accuracy = v_->history.empty() ? -1.0f : v_->history.back().accuracy;
  }

 private:
  void take_section(const json& x) {
    if (!seen_.insert(section_).second) refuse(quote(section_) + " appears twice");
    if (section_ == "config") return take_config(x);
    if (section_ != "snapshots" && !config_) refuse("'config' must come before " + quote(section_));
    if (section_ == "vocab") {
      if (!same(x, task_->vocab())) refuse("vocab: not the vocabulary this config gives (was the file edited?)");
    } else if (section_ == "probe") {
      if (!same(x, v_->probe)) refuse("probe: not the probe this config gives (was the file edited?)");
    } else if (section_ == "history") {
      take_history(x);
    } else if (section_ != "snapshots") {
      refuse("unknown section " + quote(section_));
    }
  }

  void take_config(const json& x) {
    if (!x.is_object()) refuse("config: expected an object");
    Options o;
    for (const auto& [key, value] : x.items()) {
      std::string text;
      if (value.is_string()) text = value.get<std::string>();
      else if (value.is_number()) text = number_text(value);
      else refuse("config: " + quote(key) + ": expected a string or a number");
      const std::string e = set_option(o, key, text, kScopeRunAndLive);
      if (!e.empty()) refuse("config: " + e);
    }
    const std::string e = validate(o.run);
    if (!e.empty()) refuse("config: " + e);
    std::string error;
    task_ = make_task(task_spec(o.run), &error);
    if (!task_) refuse("config: " + error);
    Probe probe = make_probe(*task_, o.run);
    v_->options = o.run;
    v_->task_description = task_->description();
    v_->vocab = task_->vocab();
    v_->probe = std::move(probe.tokens);
    v_->roles = std::move(probe.roles);
    config_ = true;
  }

  void take_history(const json& x) {
    if (!x.is_array()) refuse("history: expected an array");
    v_->history.reserve(x.size());
    for (const json& p : x) {
      const std::string where = "history[" + std::to_string(v_->history.size()) + "]";
      if (!p.is_object()) refuse(where + ": expected an object");
      HistoryPoint h;
      h.step = integer(member(p, "step", where), where + ".step");
      h.loss = number(member(p, "loss", where), where + ".loss");
      h.accuracy = number(member(p, "acc", where), where + ".acc");
      if (!v_->history.empty() && h.step <= v_->history.back().step) refuse(where + ": steps must increase");
      v_->history.push_back(h);
    }
  }

  void take_snapshot(const json& x) {
    if (!config_) refuse("'config' must come before 'snapshots'");
    const std::string where = "snapshots[" + std::to_string(v_->snapshots.size()) + "]";
    auto s = std::make_shared<Snapshot>();
    s->L = v_->options.layers;
    s->H = v_->options.heads;
    s->T = static_cast<int>(v_->probe.size());
    s->R = static_cast<int>(v_->roles.size());
    const int L = s->L, H = s->H, T = s->T;
    s->step = integer(member(x, "step", where), where + ".step");
    if (!v_->snapshots.empty() && s->step <= v_->snapshots.back()->step) refuse(where + ": steps must increase");
    s->loss = number(member(x, "loss", where), where + ".loss");
    s->probe_loss = number(member(x, "probe_loss", where), where + ".probe_loss");
    s->attn = shaped(x, "attn", {L, H, T, T}, where);
    for (float w : s->attn)
      if (!(w >= 0.0f && w <= 1.0f)) refuse(where + ".attn: weights must be numbers from 0 to 1");
    s->grad_norm = shaped(x, "grad_norm", {L, H}, where);
    s->grad_qkvo.assign(static_cast<size_t>(L) * H * 4, 0.0f);  // not in the file: no panel draws it
    s->grad_cos = shaped(x, "grad_cos", {L, H, H}, where);
    s->js = shaped(x, "js", {L, H, H}, where);
    s->diversity = shaped(x, "diversity", {L}, where);
    s->entropy = shaped(x, "entropy", {L, H}, where);
    s->confidence = shaped(x, "confidence", {L, H}, where);
    const json& base = member(x, "ablation_base", where);
    if (!base.is_object()) refuse(where + ".ablation_base: expected an object");
    s->ablation_base_loss = number(member(base, "loss", where + ".ablation_base"), where + ".ablation_base.loss");
    s->ablation_base_accuracy =
        number(member(base, "accuracy", where + ".ablation_base"), where + ".ablation_base.accuracy");
    s->ablation_loss = shaped(x, "ablation", {L, H}, where);
    s->ablation_accuracy = shaped(x, "ablation_accuracy", {L, H}, where);
    const json& roles = member(x, "roles", where);
    if (!roles.is_object() || roles.size() != v_->roles.size())
      refuse(where + ".roles: expected the " + std::to_string(v_->roles.size()) + " roles this task scores");
    s->roles.assign(static_cast<size_t>(L) * H * s->R, 0.0f);
    for (int r = 0; r < s->R; ++r) {
      const std::vector<float> per_head = shaped(roles, v_->roles[r].name.c_str(), {L, H}, where + ".roles");
      for (int i = 0; i < L * H; ++i) s->roles[static_cast<size_t>(i) * s->R + r] = per_head[i];
    }
    v_->snapshots.push_back(std::move(s));
  }

  LabView* v_;
  std::unique_ptr<Task> task_;
  bool config_ = false;
  std::string section_;
  std::set<std::string> seen_;
};

}  // namespace

std::string read_run_json(const std::string& text, LabView* view) {
  if (text.size() > kMaxRunJsonBytes)
    return "the file has " + std::to_string(text.size() >> 20) + " MiB; a run file may have at most " +
           std::to_string(kMaxRunJsonBytes >> 20) + " MiB";
  LabView v;
  Reader reader(&v);
  try {
    const json rest = json::parse(
        text, [&](int depth, json::parse_event_t e, json& parsed) { return reader.on_event(depth, e, parsed); });
    if (!rest.is_object()) return "not a run file: expected a JSON object";
    reader.finish();
  } catch (const Refusal& r) {
    return r.what();
  } catch (const json::exception& e) {
    // nlohmann's messages name the byte: "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
    const std::string m = e.what();
    const size_t at = m.find("] ");
    return "not valid JSON: " + (at == std::string::npos ? m : m.substr(at + 2));
  }
  *view = std::move(v);
  return "";
}

}  // namespace headlab
