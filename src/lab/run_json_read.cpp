#include "lab/run_json_read.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

#include "core/text.h"
#include "lab/history.h"
#include "lab/run_checks.h"
#include "lab/run_task.h"

namespace headlab {

namespace {

[[noreturn]] void refuse(const std::string& what) { throw JsonRefusal(what); }

// A number read as a float; beyond a float's range it is an infinity (a plain cast would be undefined).
float as_float(double d) {
  if (std::fabs(d) > std::numeric_limits<float>::max()) return d > 0 ? INFINITY : -INFINITY;
  return static_cast<float>(d);
}

int as_step(const JsonNumber& n, const std::string& where) {
  if (!n.is_whole || !n.whole_fits || n.whole > static_cast<uint64_t>(std::numeric_limits<int>::max()))
    refuse(where + ": expected a step (a whole number >= 0)");
  return static_cast<int>(n.whole);
}

enum Section : unsigned { kFormat = 1, kConfig = 2, kVocab = 4, kProbe = 8, kHistory = 16, kSnapshots = 32 };
constexpr struct {
  const char* key;
  Section section;
} kSections[] = {{"format", kFormat}, {"config", kConfig},       {"vocab", kVocab},
                 {"probe", kProbe},   {"history", kHistory},     {"snapshots", kSnapshots}};

// A snapshot's keys: "step", then kSnapshotArrays, then the top-level
// kSnapshotScalars, then the objects that group scalars; -1 if unknown.
constexpr int kArrays = static_cast<int>(std::size(kSnapshotArrays));
constexpr int kScalars = static_cast<int>(std::size(kSnapshotScalars));
int snapshot_key(const std::string& k) {
  if (k == "step") return 0;
  for (int i = 0; i < kArrays; ++i)
    if (k == kSnapshotArrays[i].key) return 1 + i;
  for (int i = 0; i < kScalars; ++i) {
    const char* object = kSnapshotScalars[i].object;
    if (!object && k == kSnapshotScalars[i].key) return 1 + kArrays + i;
    if (object && k == object) return 1 + kArrays + kScalars + i;  // the group's first scalar names it
  }
  return -1;
}
bool is_group_key(int id) { return id > kArrays + kScalars; }

}  // namespace

// The run file's schema as a state machine over the parser's events.
class RunFileEvents final : public JsonEvents {
 public:
  void begin_object() override;
  void key(std::string_view k) override;
  void end_object() override;
  void begin_array() override;
  void end_array() override;
  void string(std::string_view s) override;
  void number(const JsonNumber& n) override;
  void literal(JsonLiteral l) override;
  void finish(LabView* out);

 private:
  enum class In : uint8_t { Top, Config, Vocab, Probe, History, Point, Snapshots, Snap, Group, Roles };

  // One of a snapshot's arrays, filled value by value with its shape checked as it comes.
  struct Shaped {
    bool active = false;
    SnapshotShape shape;
    int level = 0;  // arrays open
    int counts[4] = {0, 0, 0, 0};
    float* base = nullptr;
    size_t stride = 1, offset = 0, next = 0;  // value i goes to base[i * stride + offset]
    bool unit = false;                        // attention weights: 0..1
    std::string name;
  };

  // Unknown keys' values are skipped whole (fields a newer headlab writes).
  bool skip_begin() {
    if (skip_ > 0) return ++skip_, true;
    if (skip_value_) return skip_value_ = false, skip_ = 1, true;
    return false;
  }
  bool skip_scalar() {
    if (skip_ > 0) return true;
    if (skip_value_) return skip_value_ = false, true;
    return false;
  }
  bool skip_end() { return skip_ > 0 ? (--skip_, true) : false; }

  In top() const { return stack_.back(); }
  std::string snap_where() const { return "snapshots[" + std::to_string(snapshot_count_) + "]"; }
  std::string where() const;
  void need_config(const char* section) const {
    if (!config_done_) refuse("'config' must come before " + quote(section));
  }

  void config_value(const std::string& text);
  void config_done();
  void shaped_start(const SnapshotArray& a, size_t stride, size_t offset, const std::string& name);
  void shaped_value(float x);
  void begin_snapshot();
  void end_snapshot();
  void end_point();
  void scalar(float x);

  std::vector<In> stack_;
  std::string key_;          // the key whose value comes next, in the innermost object
  int skip_ = 0;             // depth inside a skipped value
  bool skip_value_ = false;  // the next value belongs to an unknown key
  Shaped shaped_;
  unsigned sections_ = 0;
  bool closed_ = false;      // the root object ended

  // config
  Options options_;
  std::set<std::string> config_keys_;
  bool config_done_ = false;
  std::unique_ptr<Task> task_;
  LabView v_;
  int L_ = 0, H_ = 0, T_ = 0, R_ = 0;
  size_t list_at_ = 0;  // vocab or probe entries read

  // history
  HistoryPoint point_;
  unsigned point_seen_ = 0;
  ThinningSeries<HistoryPoint> history_{kHistoryPoints, 1};
  HistoryPoint history_tail_;
  bool history_tail_unsent_ = false;
  size_t point_count_ = 0;

  // snapshots
  std::shared_ptr<Snapshot> snap_;
  uint64_t snap_seen_ = 0;
  int group_ = -1;            // kSnapshotScalars index of the group's first scalar
  unsigned group_seen_ = 0;
  unsigned roles_seen_ = 0;   // bit r: role r read
  const SnapshotArray* per_role_ = nullptr;  // the [L][H][R] array whose roles are being read
  ThinningSeries<std::shared_ptr<const Snapshot>> snapshots_{1, 1};
  std::shared_ptr<const Snapshot> snapshot_tail_;
  size_t snapshot_count_ = 0;
  int last_snapshot_step_ = -1;
};

std::string RunFileEvents::where() const {
  switch (top()) {
    case In::Top: return quote(key_);
    case In::Config: return "config: " + quote(key_);
    case In::Vocab: return "vocab";
    case In::Probe: return "probe";
    case In::History: return "history";
    case In::Point: return "history[" + std::to_string(point_count_) + "]." + key_;
    case In::Snapshots: return "snapshots";
    case In::Snap: return snap_where() + "." + key_;
    case In::Group: return snap_where() + "." + kSnapshotScalars[group_].object + "." + key_;
    case In::Roles: return snap_where() + "." + per_role_->key + "." + key_;
  }
  return "";
}

void RunFileEvents::begin_object() {
  if (shaped_.active) refuse(snap_where() + "." + shaped_.name + ": expected numbers in arrays");
  if (skip_begin()) return;
  if (stack_.empty()) {
    if (closed_) refuse("not a run file: expected a JSON object");
    stack_.push_back(In::Top);
    return;
  }
  switch (top()) {
    case In::Top:
      if (key_ == "config") return stack_.push_back(In::Config);
      break;
    case In::History:
      point_ = HistoryPoint();
      point_seen_ = 0;
      return stack_.push_back(In::Point);
    case In::Snapshots:
      begin_snapshot();
      return stack_.push_back(In::Snap);
    case In::Snap: {
      const int id = snapshot_key(key_);
      if (is_group_key(id)) {
        group_ = id - 1 - kArrays - kScalars;
        group_seen_ = 0;
        return stack_.push_back(In::Group);
      }
      if (id >= 1 && id <= kArrays && kSnapshotArrays[id - 1].dims == SnapshotDims::LHR) {
        per_role_ = &kSnapshotArrays[id - 1];
        roles_seen_ = 0;
        return stack_.push_back(In::Roles);
      }
      break;
    }
    default:
      break;
  }
  refuse(where() + ": unexpected object");
}

void RunFileEvents::key(std::string_view k) {
  if (skip_ > 0) return;
  key_.assign(k.data(), k.size());
  switch (top()) {
    case In::Top: {
      for (const auto& s : kSections) {
        if (key_ != s.key) continue;
        if (sections_ & s.section) refuse(quote(key_) + " appears twice");
        sections_ |= s.section;
        return;
      }
      skip_value_ = true;
      return;
    }
    case In::Config: {
      const OptionInfo* o = find_option(key_);
      if (o && !config_keys_.insert(o->key).second) refuse("config: " + quote(key_) + " appears twice");
      return;
    }
    case In::Point: {
      const char* const keys[] = {"step", "loss", "acc"};
      for (unsigned i = 0; i < 3; ++i) {
        if (key_ != keys[i]) continue;
        if (point_seen_ & (1u << i)) refuse(where() + " appears twice");
        point_seen_ |= 1u << i;
        return;
      }
      skip_value_ = true;
      return;
    }
    case In::Snap: {
      const int id = snapshot_key(key_);
      if (id < 0) {
        skip_value_ = true;
        return;
      }
      if (snap_seen_ & (uint64_t{1} << id)) refuse(where() + " appears twice");
      snap_seen_ |= uint64_t{1} << id;
      return;
    }
    case In::Group: {
      for (int i = 0; i < kScalars; ++i) {
        const SnapshotScalar& s = kSnapshotScalars[i];
        if (!s.object || std::strcmp(s.object, kSnapshotScalars[group_].object) != 0 || key_ != s.key) continue;
        if (group_seen_ & (1u << i)) refuse(where() + " appears twice");
        group_seen_ |= 1u << i;
        return;
      }
      skip_value_ = true;
      return;
    }
    case In::Roles:
      for (int r = 0; r < R_; ++r) {
        if (key_ != v_.roles[r].name) continue;
        if (roles_seen_ & (1u << r)) refuse(where() + " appears twice");
        roles_seen_ |= 1u << r;
        return;
      }
      skip_value_ = true;  // a role a newer headlab scores
      return;
    default:
      return;
  }
}

void RunFileEvents::end_object() {
  if (skip_end()) return;
  const In in = top();
  stack_.pop_back();
  if (in == In::Top) closed_ = true;
  else if (in == In::Config) config_done();
  else if (in == In::Point) end_point();
  else if (in == In::Snap) end_snapshot();
}

void RunFileEvents::begin_array() {
  if (shaped_.active) {
    Shaped& s = shaped_;
    if (s.level >= s.shape.n) refuse(snap_where() + "." + s.name + ": expected a number, got an array");
    if (++s.counts[s.level - 1] > s.shape.dims[s.level - 1])
      refuse(snap_where() + "." + s.name + ": expected an array of " + std::to_string(s.shape.dims[s.level - 1]) + ", got more");
    s.counts[s.level++] = 0;
    return;
  }
  if (skip_begin()) return;
  if (stack_.empty()) refuse("not a run file: expected a JSON object");
  switch (top()) {
    case In::Top:
      list_at_ = 0;
      if (key_ == "vocab") return need_config("vocab"), stack_.push_back(In::Vocab);
      if (key_ == "probe") return need_config("probe"), stack_.push_back(In::Probe);
      if (key_ == "history") return stack_.push_back(In::History);
      if (key_ == "snapshots") return need_config("snapshots"), stack_.push_back(In::Snapshots);
      break;
    case In::Snap: {
      const int id = snapshot_key(key_);
      if (id >= 1 && id <= kArrays && kSnapshotArrays[id - 1].dims != SnapshotDims::LHR)
        return shaped_start(kSnapshotArrays[id - 1], 1, 0, key_);
      break;
    }
    case In::Roles:
      for (int r = 0; r < R_; ++r)
        if (key_ == v_.roles[r].name)
          return shaped_start({per_role_->key, per_role_->member, SnapshotDims::LH, 6, true}, static_cast<size_t>(R_),
                              static_cast<size_t>(r), std::string(per_role_->key) + "." + key_);
      break;
    default:
      break;
  }
  refuse(where() + ": unexpected array");
}

void RunFileEvents::end_array() {
  if (shaped_.active) {
    Shaped& s = shaped_;
    const int want = s.shape.dims[s.level - 1], got = s.counts[s.level - 1];
    if (got != want)
      refuse(snap_where() + "." + s.name + ": expected an array of " + std::to_string(want) + ", got " + std::to_string(got));
    if (--s.level == 0) s.active = false;
    return;
  }
  if (skip_end()) return;
  const In in = top();
  stack_.pop_back();
  if (in == In::Vocab && list_at_ != v_.vocab.size())
    refuse("vocab: not the vocabulary this config gives (was the file edited?)");
  if (in == In::Probe && list_at_ != v_.probe.size()) refuse("probe: not the probe this config gives (was the file edited?)");
}

void RunFileEvents::string(std::string_view s) {
  if (shaped_.active) refuse(snap_where() + "." + shaped_.name + ": expected a number, got a string");
  if (skip_scalar()) return;
  if (stack_.empty()) refuse("not a run file: expected a JSON object");
  if (top() == In::Config) return config_value(std::string(s));
  if (top() == In::Vocab) {
    if (list_at_ >= v_.vocab.size() || s != v_.vocab[list_at_])
      refuse("vocab: not the vocabulary this config gives (was the file edited?)");
    ++list_at_;
    return;
  }
  refuse(where() + ": unexpected string");
}

void RunFileEvents::number(const JsonNumber& n) {
  if (shaped_.active) return shaped_value(as_float(n.value));
  if (skip_scalar()) return;
  if (stack_.empty()) refuse("not a run file: expected a JSON object");
  switch (top()) {
    case In::Top:
      if (key_ != "format") break;
      if (!n.is_whole) refuse("format: expected a whole number");
      if (!n.whole_fits || n.whole > static_cast<uint64_t>(kRunFileFormat))
        refuse("this run file has format " + std::string(n.text.substr(0, 20)) + ", from a newer headlab; this one reads formats up to " +
               std::to_string(kRunFileFormat) + ": open it with the headlab that wrote it, or a newer one");
      return;
    case In::Config:
      return config_value(std::string(n.text));
    case In::Probe:
      if (list_at_ >= v_.probe.size() || !n.is_whole || !n.whole_fits || n.whole != static_cast<uint64_t>(v_.probe[list_at_]))
        refuse("probe: not the probe this config gives (was the file edited?)");
      ++list_at_;
      return;
    case In::Point:
      if (key_ == "step") point_.step = as_step(n, where());
      else scalar(as_float(n.value));
      return;
    case In::Snap:
      if (key_ == "step") {
        snap_->step = as_step(n, where());
        return;
      }
      [[fallthrough]];
    case In::Group:
      return scalar(as_float(n.value));
    default:
      break;
  }
  refuse(where() + ": unexpected number");
}

void RunFileEvents::literal(JsonLiteral l) {
  // null is how the writer spells NaN and infinities.
  const bool null = l == JsonLiteral::Null;
  if (shaped_.active) {
    if (!null) refuse(snap_where() + "." + shaped_.name + ": expected a number, got true or false");
    return shaped_value(std::numeric_limits<float>::quiet_NaN());
  }
  if (skip_scalar()) return;
  if (stack_.empty()) refuse("not a run file: expected a JSON object");
  const In in = top();
  if (null && (in == In::Group || (in == In::Point && key_ != "step") || (in == In::Snap && key_ != "step")))
    return scalar(std::numeric_limits<float>::quiet_NaN());
  refuse(where() + (in == In::Config ? ": expected a string or a number" : ": unexpected true, false or null"));
}

// A float where one is expected: a history point's loss or accuracy, a snapshot's scalar.
void RunFileEvents::scalar(float x) {
  if (top() == In::Point) {
    (key_ == "loss" ? point_.loss : point_.accuracy) = x;
    return;
  }
  for (const SnapshotScalar& s : kSnapshotScalars) {
    const bool here = top() == In::Group ? s.object && std::strcmp(s.object, kSnapshotScalars[group_].object) == 0
                                         : s.object == nullptr;
    if (here && key_ == s.key) {
      (*snap_).*s.member = x;
      return;
    }
  }
  refuse(where() + ": unexpected number");
}

void RunFileEvents::config_value(const std::string& text) {
  const std::string e = set_option(options_, key_, text, kScopeRunAndLive);
  if (!e.empty()) refuse("config: " + e);
}

void RunFileEvents::config_done() {
  std::string e = validate(options_.run);
  if (!e.empty()) refuse("config: " + e);
  task_ = make_task(task_spec(options_.run), &e);
  if (!task_) refuse("config: " + e);
  Probe probe = make_probe(*task_, options_.run);
  v_.options = options_.run;
  v_.task_description = task_->description();
  v_.vocab = task_->vocab();
  v_.probe = std::move(probe.tokens);
  v_.roles = std::move(probe.roles);
  L_ = v_.options.layers, H_ = v_.options.heads, T_ = static_cast<int>(v_.probe.size());
  R_ = static_cast<int>(v_.roles.size());
  if (R_ > 32) refuse("config: more roles than a snapshot can hold");
  snapshots_ = ThinningSeries<std::shared_ptr<const Snapshot>>(snapshot_capacity(L_, H_, T_), 1);
  config_done_ = true;
}

void RunFileEvents::shaped_start(const SnapshotArray& a, size_t stride, size_t offset, const std::string& name) {
  Shaped& s = shaped_;
  s.active = true;
  s.shape = snapshot_shape(a.dims, L_, H_, T_, R_);
  s.level = 1;
  s.counts[0] = 0;
  s.base = ((*snap_).*a.member).data();
  s.stride = stride, s.offset = offset, s.next = 0;
  s.unit = a.member == &Snapshot::attn;
  s.name = name;
}

void RunFileEvents::shaped_value(float x) {
  Shaped& s = shaped_;
  const int n = s.shape.n;
  if (s.level != n) refuse(snap_where() + "." + s.name + ": expected an array, got a number");
  if (++s.counts[n - 1] > s.shape.dims[n - 1])
    refuse(snap_where() + "." + s.name + ": expected an array of " + std::to_string(s.shape.dims[n - 1]) + ", got more");
  if (s.unit && !(x >= 0.0f && x <= 1.0f)) refuse(snap_where() + "." + s.name + ": weights must be numbers from 0 to 1");
  s.base[s.next++ * s.stride + s.offset] = x;
}

void RunFileEvents::begin_snapshot() {
  snap_ = std::make_shared<Snapshot>();
  shape_snapshot(snap_.get(), L_, H_, T_, R_);
  snap_seen_ = 0;
}

void RunFileEvents::end_snapshot() {
  const std::string at = snap_where();
  for (const char* k : {"step", "loss"})
    if (!(snap_seen_ & (uint64_t{1} << snapshot_key(k)))) refuse(at + ": " + quote(k) + " is missing");
  for (int i = 0; i < kArrays; ++i)
    if (!kSnapshotArrays[i].optional && !(snap_seen_ & (uint64_t{1} << (1 + i))))
      refuse(at + ": " + quote(kSnapshotArrays[i].key) + " is missing");
  if (snap_->step <= last_snapshot_step_) refuse(at + ": steps must increase");
  last_snapshot_step_ = snap_->step;
  // Thinned as training thins: when the store is full every other one goes.
  if (snapshots_.wants(static_cast<int>(snapshot_count_ % (1u << 30)))) {
    snapshots_.push(std::move(snap_));
    snapshot_tail_.reset();
  } else {
    snapshot_tail_ = std::move(snap_);
  }
  ++snapshot_count_;
}

void RunFileEvents::end_point() {
  const std::string at = "history[" + std::to_string(point_count_) + "]";
  const char* const keys[] = {"step", "loss", "acc"};
  for (unsigned i = 0; i < 3; ++i)
    if (!(point_seen_ & (1u << i))) refuse(at + ": " + quote(keys[i]) + " is missing");
  const int last = history_tail_unsent_ ? history_tail_.step : history_.empty() ? -1 : history_.back().step;
  if (point_.step <= last) refuse(at + ": steps must increase");
  if (history_.wants(static_cast<int>(point_count_ % (1u << 30)))) {
    history_.push(point_);
    history_tail_unsent_ = false;
  } else {
    history_tail_ = point_;
    history_tail_unsent_ = true;
  }
  ++point_count_;
}

void RunFileEvents::finish(LabView* out) {
  for (const auto& s : kSections)
    if (s.section != kFormat && !(sections_ & s.section)) refuse(quote(s.key) + " is missing");
  if (history_tail_unsent_) history_.push(history_tail_);
  if (snapshot_tail_) snapshots_.push(std::move(snapshot_tail_));
  if (snapshots_.empty()) refuse("snapshots: none, so there is nothing to draw");
  v_.history = history_.items();
  v_.snapshots = snapshots_.items();
  v_.step = std::max(v_.history.empty() ? 0 : v_.history.back().step, v_.snapshots.back()->step);
  v_.loss = v_.history.empty() ? v_.snapshots.back()->loss : v_.history.back().loss;
  v_.accuracy = v_.history.empty() ? -1.0f : v_.history.back().accuracy;
  *out = std::move(v_);
}

RunFileReader::RunFileReader() : events_(std::make_unique<RunFileEvents>()), parser_(events_.get()) {}
RunFileReader::~RunFileReader() = default;

std::string RunFileReader::feed(const char* data, size_t size) {
  if (!error_.empty()) return error_;
  if (parser_.bytes() + size > kMaxRunJsonBytes) {
    return error_ = "the file has more than " + std::to_string(kMaxRunJsonBytes >> 20) + " MiB; a run file may have at most " +
                    std::to_string(kMaxRunJsonBytes >> 20) + " MiB";
  }
  try {
    parser_.feed(data, size);
  } catch (const JsonRefusal& r) {
    error_ = r.what();
  } catch (const std::bad_alloc&) {
    error_ = "out of memory";
  }
  return error_;
}

std::string RunFileReader::finish(LabView* view) {
  if (!error_.empty()) return error_;
  try {
    parser_.finish();
    LabView v;
    events_->finish(&v);
    *view = std::move(v);
  } catch (const JsonRefusal& r) {
    error_ = r.what();
  } catch (const std::bad_alloc&) {
    error_ = "out of memory";
  }
  return error_;
}

std::string read_run_json(const std::string& text, LabView* view) {
  RunFileReader reader;
  const std::string error = reader.feed(text.data(), text.size());
  return error.empty() ? reader.finish(view) : error;
}

}  // namespace headlab
