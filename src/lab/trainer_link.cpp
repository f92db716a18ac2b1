#include "lab/trainer_link.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

namespace headlab {

namespace {

constexpr uint8_t kCommandTag = 'C', kViewTag = 'V';
enum : uint8_t { kHistoryNone, kHistoryAppend, kHistoryAll };
enum : uint8_t { kSnapshotKept, kSnapshotNew };

// Little-endian on every platform headlab runs on (x86-64, WebAssembly).
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) { out_->clear(); }
  template <class T>
  void pod(T x) {
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    bytes(&x, sizeof x);
  }
  void str(const std::string& s) {
    pod(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod(static_cast<uint32_t>(v.size()));
    bytes(v.data(), v.size() * sizeof(T));
  }

 private:
  void bytes(const void* p, size_t n) {
    const size_t at = out_->size();
    out_->resize(at + n);
    if (n) std::memcpy(out_->data() + at, p, n);
  }
  std::vector<uint8_t>* out_;
};

// Reads what Writer wrote; any read past the end sets ok() false and yields zeros.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), left_(n) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && left_ == 0; }
  template <class T>
  T pod() {
    T x{};
    if (!take(sizeof x)) return x;
    std::memcpy(&x, p_ - sizeof x, sizeof x);
    return x;
  }
  std::string str() {
    const uint32_t n = pod<uint32_t>();
    if (!take(n)) return {};
    return std::string(reinterpret_cast<const char*>(p_ - n), n);
  }
  template <class T>
  std::vector<T> vec() {
    const uint32_t n = pod<uint32_t>();
    if (n > left_ / sizeof(T) || !take(n * sizeof(T))) {
      ok_ = false;
      return {};
    }
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), p_ - n * sizeof(T), n * sizeof(T));  // an empty vector's data() may be null
    return v;
  }

 private:
  bool take(size_t n) {
    if (!ok_ || n > left_) return ok_ = false;
    p_ += n;
    left_ -= n;
    return true;
  }
  const uint8_t* p_;
  size_t left_;
  bool ok_ = true;
};

// The run's options as describe() gives them: all of them, or only the live ones.
void write_options(Writer& w, const RunOptions& o, unsigned scopes = kScopeRunAndLive) {
  const auto pairs = describe(o, scopes);
  w.pod(static_cast<uint32_t>(pairs.size()));
  for (const auto& [key, value] : pairs) w.str(key), w.str(value);
}

// Reads what write_options wrote over *out (live only: over out->live).
std::string read_options(Reader& r, RunOptions* out, unsigned scopes = kScopeRunAndLive) {
  Options o;
  o.run = *out;
  const uint32_t n = r.pod<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    const std::string key = r.str(), value = r.str();
    if (!r.ok()) break;
    const std::string error = set_option(o, key, value, scopes);
    if (!error.empty()) return error;
  }
  if (!r.ok()) return "truncated options";
  *out = std::move(o.run);
  return "";
}

std::string live_text(const RunOptions& o) {
  std::string s;
  for (const auto& [key, value] : describe(o, kScopeLive)) s += key + "=" + value + ";";
  return s;
}

// Every field of the snapshot tables (snapshot.h), in table order.
void write_snapshot(Writer& w, const Snapshot& s) {
  w.pod(s.step), w.pod(s.L), w.pod(s.H), w.pod(s.T), w.pod(s.R);
  for (const SnapshotScalar& f : kSnapshotScalars) w.pod(s.*f.member);
  for (const SnapshotArray& a : kSnapshotArrays) w.vec(s.*a.member);
}

std::shared_ptr<const Snapshot> read_snapshot(Reader& r) {
  auto s = std::make_shared<Snapshot>();
  s->step = r.pod<int>(), s->L = r.pod<int>(), s->H = r.pod<int>(), s->T = r.pod<int>(), s->R = r.pod<int>();
  for (const SnapshotScalar& f : kSnapshotScalars) (*s).*f.member = r.pod<float>();
  for (const SnapshotArray& a : kSnapshotArrays) (*s).*a.member = r.vec<float>();
  // The UI indexes these by L, H, T and R: their sizes must agree.
  return r.ok() && snapshot_shaped(*s) ? s : nullptr;
}

bool same_point(const HistoryPoint& a, const HistoryPoint& b) {
  return a.step == b.step && std::memcmp(&a.loss, &b.loss, sizeof a.loss) == 0 &&
         std::memcmp(&a.accuracy, &b.accuracy, sizeof a.accuracy) == 0;
}

}  // namespace

// [SECTION] commands

void encode_command(const TrainerMessage& m, std::vector<uint8_t>* out) {
  Writer w(out);
  w.pod(kCommandTag);
  w.pod(static_cast<uint8_t>(m.command));
  w.pod(m.seq);
  w.pod(m.run);
  w.pod(m.steps);
  if (m.command == TrainerCommand::Reset) write_options(w, m.options);
  if (m.command == TrainerCommand::SetLive) write_options(w, m.options, kScopeLive);
  if (m.command == TrainerCommand::LoadCheckpoint || m.command == TrainerCommand::RunData) w.vec(m.bytes);
  if (m.command == TrainerCommand::OpenRun || m.command == TrainerCommand::SaveFile) w.str(m.text);
}

std::string decode_command(const uint8_t* data, size_t size, TrainerMessage* m) {
  Reader r(data, size);
  if (r.pod<uint8_t>() != kCommandTag) return "not a command";
  const auto c = r.pod<uint8_t>();
  if (c > static_cast<uint8_t>(TrainerCommand::SaveFile)) return "unknown command";
  m->command = static_cast<TrainerCommand>(c);
  m->seq = r.pod<uint64_t>();
  m->run = r.pod<uint64_t>();
  m->steps = r.pod<int>();
  std::string error;
  if (m->command == TrainerCommand::Reset) error = read_options(r, &m->options);
  if (m->command == TrainerCommand::SetLive) error = read_options(r, &m->options, kScopeLive);
  if (!error.empty()) return error;
  if (m->command == TrainerCommand::LoadCheckpoint || m->command == TrainerCommand::RunData) m->bytes = r.vec<uint8_t>();
  if (m->command == TrainerCommand::OpenRun || m->command == TrainerCommand::SaveFile) m->text = r.str();
  return r.done() ? "" : "malformed command";
}

// [SECTION] views

bool ViewEncoder::changed(const LabView& v, const TrainerStatus& status) const {
  const auto& h = v.history;
  return v.generation != generation_ || v.step != step_ || v.playing != playing_ || v.fault != fault_ ||
         status.applied_seq != status_.applied_seq || status.steps_queued != status_.steps_queued ||
         !status.error.empty() || !status.notice.empty() || !status.checkpoint.empty() || h.size() != history_sent_ ||
         v.snapshots.size() != snapshots_.size() || (!v.snapshots.empty() && v.snapshots.back() != snapshots_.back()) ||
         live_text(v.options) != live_;
}

void ViewEncoder::encode(const LabView& v, const TrainerStatus& status, std::vector<uint8_t>* out) {
  Writer w(out);
  w.pod(kViewTag);
  const bool new_run = v.generation != generation_;
  w.pod(v.generation);
  w.pod(v.step), w.pod(v.loss), w.pod(v.accuracy);
  w.pod(v.steps_per_sec), w.pod(v.tokens_per_sec), w.pod(v.ms_per_step);
  w.pod(static_cast<uint8_t>(v.playing)), w.pod(static_cast<uint8_t>(v.fault));
  w.str(v.fault_message);
  w.pod(v.last_good_step);
  w.pod(status.applied_seq), w.pod(status.steps_queued);
  w.str(status.error);
  w.str(status.notice);
  w.vec(status.checkpoint);
  w.pod(status.checkpoint_step);
  write_options(w, v.options, kScopeLive);  // a few values: sent every time, so the receiver sees every change

  w.pod(static_cast<uint8_t>(new_run));
  if (new_run) {
    write_options(w, v.options);
    w.str(v.recorded);
    w.str(v.task_description);
    w.pod(static_cast<uint32_t>(v.vocab.size()));
    for (const std::string& s : v.vocab) w.str(s);
    w.vec(v.probe);
    w.pod(static_cast<uint32_t>(v.roles.size()));
    for (const RolePattern& p : v.roles) w.str(p.name), w.str(p.short_name), w.str(p.help), w.vec(p.keys);
    history_sent_ = 0;
    snapshots_.clear();
  }

  const auto& h = v.history;
  size_t from = history_sent_;
  uint8_t mode = kHistoryAppend;
  if (history_sent_ > h.size() || (history_sent_ > 0 && !same_point(h[history_sent_ - 1], history_last_)))
    mode = kHistoryAll, from = 0;  // thinned or rewound
  else if (history_sent_ == h.size())
    mode = kHistoryNone;
  w.pod(mode);
  if (mode != kHistoryNone) {
    w.pod(static_cast<uint32_t>(h.size() - from));
    for (size_t i = from; i < h.size(); ++i) w.pod(h[i].step), w.pod(h[i].loss), w.pod(h[i].accuracy);
  }
  history_sent_ = h.size();
  if (!h.empty()) history_last_ = h.back();

  // Kept snapshots stay in order, so one forward scan finds each in the receiver's list.
  w.pod(static_cast<uint32_t>(v.snapshots.size()));
  size_t cursor = 0;
  for (const auto& s : v.snapshots) {
    size_t i = cursor;
    while (i < snapshots_.size() && snapshots_[i] != s) ++i;
    if (i < snapshots_.size()) {
      w.pod(kSnapshotKept), w.pod(static_cast<uint32_t>(i));
      cursor = i + 1;
    } else {
      w.pod(kSnapshotNew);
      write_snapshot(w, *s);
    }
  }
  snapshots_ = v.snapshots;
  generation_ = v.generation, step_ = v.step, playing_ = v.playing, fault_ = v.fault;
  live_ = live_text(v.options);
  status_.applied_seq = status.applied_seq, status_.steps_queued = status.steps_queued;  // error, checkpoint: sent once
}

std::string apply_view(const uint8_t* data, size_t size, LabView* v, TrainerStatus* status) {
  Reader r(data, size);
  if (r.pod<uint8_t>() != kViewTag) return "not a view";
  LabView next = *v;
  TrainerStatus st;
  next.generation = r.pod<uint64_t>();
  next.step = r.pod<int>(), next.loss = r.pod<float>(), next.accuracy = r.pod<float>();
  next.steps_per_sec = r.pod<double>(), next.tokens_per_sec = r.pod<double>(), next.ms_per_step = r.pod<double>();
  next.playing = r.pod<uint8_t>() != 0;
  const auto fault = r.pod<uint8_t>();
  if (fault > static_cast<uint8_t>(Fault::NonFiniteGrad)) return "unknown fault";
  next.fault = static_cast<Fault>(fault);
  next.fault_message = r.str();
  next.last_good_step = r.pod<int>();
  st.applied_seq = r.pod<uint64_t>(), st.steps_queued = r.pod<int>();
  st.error = r.str();
  st.notice = r.str();
  st.checkpoint = r.vec<uint8_t>();
  st.checkpoint_step = r.pod<int>();
  RunOptions live = next.options;
  std::string error = read_options(r, &live, kScopeLive);
  if (!error.empty()) return error;

  if (r.pod<uint8_t>()) {
    error = read_options(r, &next.options);
    if (!error.empty()) return error;
    next.recorded = r.str();
    next.task_description = r.str();
    next.vocab.assign(std::min<size_t>(r.pod<uint32_t>(), size), "");
    for (std::string& s : next.vocab) s = r.str();
    next.probe = r.vec<int>();
    next.roles.assign(std::min<size_t>(r.pod<uint32_t>(), size), RolePattern());
    for (RolePattern& p : next.roles) p.name = r.str(), p.short_name = r.str(), p.help = r.str(), p.keys = r.vec<unsigned char>();
    next.history.clear();
    next.snapshots.clear();
  }

  const auto mode = r.pod<uint8_t>();
  if (mode > kHistoryAll) return "malformed history";
  if (mode == kHistoryAll) next.history.clear();
  if (mode != kHistoryNone) {
    const uint32_t n = r.pod<uint32_t>();
    if (n > size / 12) return "malformed history";
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      HistoryPoint p;
      p.step = r.pod<int>(), p.loss = r.pod<float>(), p.accuracy = r.pod<float>();
      next.history.push_back(p);
    }
  }

  const uint32_t count = r.pod<uint32_t>();
  if (count > size) return "malformed snapshots";
  std::vector<std::shared_ptr<const Snapshot>> snapshots;
  snapshots.reserve(count);
  for (uint32_t k = 0; k < count && r.ok(); ++k) {
    const auto kind = r.pod<uint8_t>();
    if (kind == kSnapshotKept) {
      const uint32_t i = r.pod<uint32_t>();
      if (i >= next.snapshots.size()) return "a snapshot the receiver does not have";
      snapshots.push_back(next.snapshots[i]);
    } else if (kind == kSnapshotNew) {
      auto s = read_snapshot(r);
      if (!s) return "malformed snapshot";
      snapshots.push_back(std::move(s));
    } else {
      return "malformed snapshots";
    }
  }
  if (!r.done()) return "malformed view";
  next.options.live = std::move(live.live);
  next.snapshots = std::move(snapshots);
  *v = std::move(next);
  *status = std::move(st);
  return "";
}

}  // namespace headlab
