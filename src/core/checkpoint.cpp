// Checkpoint encoder/decoder (format in checkpoint.h).
//
// Index:
//   [SECTION] Limits and messages
//   [SECTION] Field checks shared by the encoder and the decoder
//   [SECTION] Encoder
//   [SECTION] Decoder
#include "core/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <utility>

#include "core/params.h"
#include "core/text.h"

namespace headlab {

namespace {

// [SECTION] Limits and messages

constexpr uint8_t kMagic[8] = {'H', 'E', 'A', 'D', 'L', 'A', 'B', 0};
constexpr size_t kHeaderBytes = 20;  // magic, u32 version, u64 file size
constexpr size_t kChecksumBytes = 8;
constexpr uint64_t kMaxParams = uint64_t(1) << 28;  // per buffer (1 GiB of floats)
constexpr uint32_t kMaxName = 256;                  // tensor names, option keys; v1: task and init names
constexpr uint32_t kMaxText = 16u << 20;            // one option value (the training text); v1: task text
constexpr uint32_t kMaxValue = 64u << 10;           // v1: one extra value
constexpr uint32_t kMaxOptions = 1024;              // v1: extras
// Three float buffers, the text and every other string at its limit, plus slack for tensor headers.
constexpr uint64_t kMaxFileBytes =
    12 * kMaxParams + kMaxText + uint64_t(kMaxOptions) * (kMaxName + kMaxValue + 8) + (1u << 20);

constexpr int kSections = 3;
const char* const kSectionNames[kSections] = {"params", "adam_m", "adam_v"};
constexpr int kAdamV = 2;

using std::to_string;

constexpr char kPrefix[] = "checkpoint: ";  // starts every message

bool fail(std::string* err, const std::string& msg) {
  *err = kPrefix + msg;
  return false;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// [SECTION] Field checks shared by the encoder and the decoder

// Shapes sane enough to size buffers from. These are not the option ranges
// (the lab checks a loaded run's options like typed ones); they only keep
// hostile sizes from reaching the allocator.
bool check_model(const ModelConfig& m, std::string* err) {
  const struct {
    const char* name;
    int value, max;
  } dims[] = {{"vocab", m.vocab, 65536},    {"ctx", m.ctx, 4096},         {"d_model", m.d_model, 4096},
              {"n_heads", m.n_heads, 4096}, {"n_layers", m.n_layers, 64}, {"d_mlp", m.d_mlp, 16384}};
  for (const auto& d : dims)
    if (d.value < 1 || d.value > d.max)
      return fail(err, std::string("model ") + d.name + " " + to_string(d.value) + " is outside 1.." +
                           to_string(d.max));
  if (m.d_model % m.n_heads != 0)
    return fail(err,
                "model n_heads " + to_string(m.n_heads) + " does not divide d_model " + to_string(m.d_model));
  return true;
}

// Summed in 64 bits because ParamLayout::size() is a size_t, which can wrap on
// wasm32 for the large configs rejected here.
bool check_param_count(const ParamLayout& layout, std::string* err) {
  uint64_t n = 0;
  for (const NamedSlot& t : layout.tensors()) n += t.slot.size();
  if (n > kMaxParams)
    return fail(err, "model has " + to_string(n) + " parameters, over the limit of " + to_string(kMaxParams));
  return true;
}

// Version 1 stored AdamW's betas and eps, which headlab never let anyone change
// (lr, weight decay and clip are options, checked by the lab).
bool check_v1_optim(const AdamWConfig& o, std::string* err) {
  const AdamWConfig ours;
  const struct {
    const char* name;
    float value, expected;
  } fields[] = {{"beta1", o.beta1, ours.beta1}, {"beta2", o.beta2, ours.beta2}, {"eps", o.eps, ours.eps}};
  for (const auto& f : fields)
    if (f.value != f.expected)
      return fail(err, std::string("optimiser ") + f.name + " " + num(f.value) + " is not headlab's " + num(f.expected));
  return true;
}

bool check_rng(const char* which, const Rng::State& s, std::string* err) {
  // PCG32 needs an odd increment; a cached normal must be a real number.
  if ((s.inc & 1) == 0 || s.has_cached > 1 || !std::isfinite(s.cached))
    return fail(err, std::string(which) + " rng state is not a valid PCG32 state");
  return true;
}

bool check_options(const std::vector<std::pair<std::string, std::string>>& options, std::string* err) {
  if (options.size() > kMaxOptions)
    return fail(err, to_string(options.size()) + " options, over the limit of " + to_string(kMaxOptions));
  std::vector<const std::string*> keys;
  for (const auto& kv : options) {
    if (kv.first.empty() || kv.first.size() > kMaxName)
      return fail(err, "option key " + quote(kv.first, 64) + " is empty or too long");
    if (kv.second.size() > kMaxText)
      return fail(err, "option " + quote(kv.first, 64) + " is over " + to_string(kMaxText) + " bytes");
    keys.push_back(&kv.first);
  }
  std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  for (size_t i = 1; i < keys.size(); ++i)
    if (*keys[i] == *keys[i - 1]) return fail(err, "duplicate option " + quote(*keys[i], 64));
  return true;
}

bool check_steps(const char* which, int64_t n, std::string* err) {
  if (n < 0 || n > kMaxCheckpointSteps)
    return fail(err, std::string(which) + " " + to_string(n) + " is outside 0.." + to_string(kMaxCheckpointSteps));
  return true;
}

// Everything except the tensors.
bool check_scalars(const CheckpointData& d, std::string* err) {
  return check_steps("step", d.step, err) && check_steps("adam_steps", d.adam_steps, err) &&
         check_model(d.model, err) && check_rng("data", d.data_rng, err) && check_rng("eval", d.eval_rng, err) &&
         check_options(d.options, err);
}

// A restored model must be usable: finite values, and non-negative second
// moments (AdamW takes their square root). Returns what is wrong, or nullptr.
const char* bad_value(int section, float x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return "infinite";
  if (section == kAdamV && x < 0) return "negative";
  return nullptr;
}

std::string value_error(int section, const std::string& tensor, size_t i, const char* what) {
  return std::string(kSectionNames[section]) + " tensor " + quote(tensor) + " element " + to_string(i) +
         " is " + what;
}

bool validate(const CheckpointData& d, std::string* err) {
  if (!check_scalars(d, err)) return false;
  const ParamLayout layout(d.model);
  if (!check_param_count(layout, err)) return false;
  const std::vector<float>* bufs[kSections] = {&d.params, &d.adam_m, &d.adam_v};
  for (int s = 0; s < kSections; ++s) {
    if (bufs[s]->size() != layout.size())
      return fail(err, std::string(kSectionNames[s]) + " holds " + to_string(bufs[s]->size()) +
                           " floats, the model layout needs " + to_string(layout.size()));
    for (const NamedSlot& t : layout.tensors())
      for (size_t i = 0; i < t.slot.size(); ++i)
        if (const char* bad = bad_value(s, (*bufs[s])[t.slot.offset + i]))
          return fail(err, value_error(s, t.name, i, bad));
  }
  return true;
}

// [SECTION] Encoder

uint32_t float_bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

void store_le(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

class Writer {
 public:
  explicit Writer(size_t reserve) { buf_.reserve(reserve); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }  // two's complement, by definition of the conversion
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v) { u32(float_bits(v)); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    buf_.insert(buf_.end(), s.begin(), s.end());
  }
  void floats(const float* p, size_t n) {
    const size_t at = buf_.size();
    buf_.resize(at + 4 * n);
    for (size_t i = 0; i < n; ++i) store_le(&buf_[at + 4 * i], float_bits(p[i]), 4);
  }
  std::vector<uint8_t>& bytes() { return buf_; }

 private:
  void put(uint64_t v, int n) {
    const size_t at = buf_.size();
    buf_.resize(at + n);
    store_le(&buf_[at], v, n);
  }
  std::vector<uint8_t> buf_;
};

void write_rng(Writer& w, const Rng::State& s) {
  w.u64(s.state);
  w.u64(s.inc);
  w.f32(s.cached);
  w.u32(s.has_cached);
}

// `d` must have passed validate().
std::vector<uint8_t> encode_valid(const CheckpointData& d) {
  const ParamLayout layout(d.model);
  size_t option_bytes = 0;
  for (const auto& kv : d.options) option_bytes += 8 + kv.first.size() + kv.second.size();
  Writer w(12 * layout.size() + option_bytes + 64 * layout.tensors().size() + 4096);
  w.bytes().assign(kMagic, kMagic + sizeof kMagic);
  w.u32(kCheckpointVersion);
  w.u64(0);  // file size, patched below
  const ModelConfig& m = d.model;
  for (int v : {m.vocab, m.ctx, m.d_model, m.n_heads, m.n_layers, m.d_mlp}) w.i32(v);
  w.i64(d.step);
  w.i32(d.adam_steps);
  write_rng(w, d.data_rng);
  write_rng(w, d.eval_rng);
  w.u32(static_cast<uint32_t>(d.options.size()));
  for (const auto& kv : d.options) {
    w.str(kv.first);
    w.str(kv.second);
  }
  const std::vector<float>* bufs[kSections] = {&d.params, &d.adam_m, &d.adam_v};
  for (int s = 0; s < kSections; ++s) {
    w.str(kSectionNames[s]);
    w.u32(static_cast<uint32_t>(layout.tensors().size()));
    for (const NamedSlot& t : layout.tensors()) {
      w.str(t.name);
      w.u32(static_cast<uint32_t>(t.slot.rows));
      w.u32(static_cast<uint32_t>(t.slot.cols));
      w.floats(bufs[s]->data() + t.slot.offset, t.slot.size());
    }
  }
  std::vector<uint8_t>& out = w.bytes();
  store_le(&out[12], out.size() + kChecksumBytes, 8);
  const uint64_t sum = checkpoint_checksum(out.data(), out.size());
  w.u64(sum);
  return std::move(out);
}

// [SECTION] Decoder

uint64_t load_le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// Bounds-checked little-endian reads over [pos, end). The first failure is
// sticky: later reads return zeros, so callers check ok() once per group.
class Reader {
 public:
  // `truncated`: the file ends before its declared size, so running out of
  // bytes is reported as truncation rather than as an inconsistent file.
  Reader(const uint8_t* data, size_t pos, size_t end, bool truncated, uint64_t declared)
      : data_(data), pos_(pos), end_(end), truncated_(truncated), declared_(declared) {}

  std::string where = "header";  // what is being read, for messages
  std::string err;

  bool ok() const { return err.empty(); }
  bool fail(const std::string& msg) { return headlab::fail(&err, msg); }
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  void seek(size_t pos) { pos_ = pos; }

  uint32_t u32() { return static_cast<uint32_t>(load(4)); }
  uint64_t u64() { return load(8); }
  int32_t i32() {
    const uint32_t u = u32();
    int32_t v;
    std::memcpy(&v, &u, 4);
    return v;
  }
  int64_t i64() {
    const uint64_t u = u64();
    int64_t v;
    std::memcpy(&v, &u, 8);
    return v;
  }
  float f32() {
    const uint32_t u = u32();
    float v;
    std::memcpy(&v, &u, 4);
    return v;
  }
  std::string str(uint32_t limit) {
    const uint32_t n = u32();
    if (ok() && n > limit)
      fail("declared size " + to_string(n) + " of " + where + " exceeds limit " + to_string(limit));
    const uint8_t* p = take(n);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }
  // Reads n floats into dst, or only checks them when dst is null.
  void floats(size_t n, float* dst, int section, const std::string& tensor) {
    const uint8_t* p = take(uint64_t(n) * 4);
    for (size_t i = 0; p && i < n; ++i) {
      const uint32_t u = static_cast<uint32_t>(load_le(p + 4 * i, 4));
      float x;
      std::memcpy(&x, &u, 4);
      if (const char* bad = bad_value(section, x)) {
        fail(value_error(section, tensor, i, bad));
        return;
      }
      if (dst) dst[i] = x;
    }
  }

 private:
  const uint8_t* take(uint64_t n) {
    if (!ok()) return nullptr;
    if (n > end_ - pos_) {
      if (truncated_)
        fail("truncated at byte " + to_string(end_) + " of " + to_string(declared_) + " (" + where + ")");
      else
        fail(where + " runs past the end of the data (" + to_string(n) + " bytes at byte " + to_string(pos_) +
             ", " + to_string(end_ - pos_) + " left)");
      return nullptr;
    }
    const uint8_t* p = data_ + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  uint64_t load(int bytes) {
    const uint8_t* p = take(bytes);
    return p ? load_le(p, bytes) : 0;
  }

  const uint8_t* data_;
  size_t pos_, end_;
  bool truncated_;
  uint64_t declared_;
};

void read_rng(Reader& r, Rng::State* s) {
  s->state = r.u64();
  s->inc = r.u64();
  s->cached = r.f32();
  s->has_cached = r.u32();
}

// One tensor section, checked against the layout name by name; stores into
// dst only when given (the second pass, after everything was validated).
bool read_section(Reader& r, const ParamLayout& layout, int s, float* dst) {
  const std::string section = kSectionNames[s];
  r.where = section + " section";
  const std::string tag = r.str(kMaxName);
  const uint32_t count = r.u32();
  if (!r.ok()) return false;
  if (tag != section) return r.fail("expected section '" + section + "', found " + quote(tag));
  if (count != layout.tensors().size())
    return r.fail(section + " has " + to_string(count) + " tensors, the model has " +
                  to_string(layout.tensors().size()));
  for (const NamedSlot& t : layout.tensors()) {
    r.where = section + " tensor " + quote(t.name);
    const std::string name = r.str(kMaxName);
    const uint32_t rows = r.u32(), cols = r.u32();
    if (!r.ok()) return false;
    if (name != t.name)
      return r.fail(section + " tensor " + quote(name) + " found where the model has " + quote(t.name));
    if (rows != static_cast<uint32_t>(t.slot.rows) || cols != static_cast<uint32_t>(t.slot.cols))
      return r.fail(section + " tensor " + quote(t.name) + " has shape [" + to_string(rows) + ", " +
                    to_string(cols) + "], the model expects [" + to_string(t.slot.rows) + ", " +
                    to_string(t.slot.cols) + "]");
    r.floats(t.slot.size(), dst ? dst + t.slot.offset : nullptr, s, t.name);
    if (!r.ok()) return false;
  }
  return true;
}

bool read_header(const uint8_t* data, size_t size, uint32_t* version, uint64_t* declared, std::string* err) {
  // Magic first, so any other file is named as such even when it is short.
  for (size_t i = 0; i < sizeof kMagic && i < size; ++i)
    if (data[i] != kMagic[i]) return fail(err, "not a headlab checkpoint (bad magic)");
  if (size >= 12) {
    *version = static_cast<uint32_t>(load_le(data + 8, 4));
    if (*version == 0) return fail(err, "version 0 is not a valid checkpoint version");
    if (*version > kCheckpointVersion)
      return fail(err, "version " + to_string(*version) + " is newer than this build understands (" +
                           to_string(kCheckpointVersion) + ")");
  }
  if (size < kHeaderBytes)
    return fail(err, "truncated at byte " + to_string(size) + " of " + to_string(kHeaderBytes) + " (header)");
  *declared = load_le(data + 12, 8);
  if (*declared > kMaxFileBytes)
    return fail(err, "declared size " + to_string(*declared) + " exceeds limit " + to_string(kMaxFileBytes));
  if (*declared < kHeaderBytes + kChecksumBytes)
    return fail(err, "declared size " + to_string(*declared) + " is smaller than a header");
  if (size > *declared)
    return fail(err, to_string(size - *declared) + " unexpected bytes after the declared end at byte " +
                         to_string(*declared));
  if (size == *declared &&
      load_le(data + size - kChecksumBytes, 8) != checkpoint_checksum(data, size - kChecksumBytes))
    return fail(err, "checksum mismatch, the file is corrupted");
  return true;
}

// Key/value strings: v2's options, v1's extras.
void read_pairs(Reader& r, const char* what, uint32_t max_value,
                std::vector<std::pair<std::string, std::string>>* out) {
  r.where = std::string(what) + "s";
  const uint32_t n = r.u32();
  if (r.ok() && n > kMaxOptions)
    r.fail("declared count " + to_string(n) + " of " + what + "s exceeds limit " + to_string(kMaxOptions));
  for (uint32_t i = 0; r.ok() && i < n; ++i) {
    r.where = std::string(what) + " " + to_string(i) + " key";
    std::string key = r.str(kMaxName);
    r.where = std::string(what) + " " + quote(key, 64) + " value";
    std::string value = r.str(max_value);
    out->emplace_back(std::move(key), std::move(value));
  }
}

void read_run_state(Reader& r, CheckpointData* d) {
  r.where = "run state";
  d->step = r.i64();
  d->adam_steps = r.i32();
  read_rng(r, &d->data_rng);
  read_rng(r, &d->eval_rng);
}

// Version 1: the options it knew were fixed fields, the others "extras".
// They become the options they always meant, in the lab's spelling.
bool read_v1_fields(Reader& r, CheckpointData* d, std::string* err) {
  const ModelConfig& m = d->model;
  r.where = "optimiser config";
  AdamWConfig o;
  for (float* v : {&o.lr, &o.beta1, &o.beta2, &o.eps, &o.weight_decay, &o.clip}) *v = r.f32();
  r.where = "head init";
  const std::string init = r.str(kMaxName);
  r.where = "task name";
  const std::string task = r.str(kMaxName);
  r.where = "task spec";
  const int32_t ctx = r.i32(), symbols = r.i32();
  r.where = "task text";
  std::string text = r.str(kMaxText);
  r.where = "run state";
  const uint64_t seed = r.u64();
  read_run_state(r, d);
  std::vector<std::pair<std::string, std::string>> extras;
  read_pairs(r, "extra", kMaxValue, &extras);
  if (!r.ok()) {
    *err = r.err;
    return false;
  }
  if (!check_v1_optim(o, err)) return false;
  d->options = {{"task", task},
                {"layers", to_string(m.n_layers)},
                {"heads", to_string(m.n_heads)},
                {"d-model", to_string(m.d_model)},
                {"d-mlp", to_string(m.d_mlp)},
                {"ctx", to_string(ctx)},
                {"symbols", to_string(symbols)},
                {"lr", float_text(o.lr)},
                {"weight-decay", float_text(o.weight_decay)},
                {"clip", float_text(o.clip)},
                {"seed", to_string(seed)},
                {"init", init}};
  if (!text.empty()) d->options.emplace_back("text", std::move(text));
  for (auto& kv : extras) d->options.push_back(std::move(kv));
  return true;
}

bool decode(const uint8_t* data, size_t size, CheckpointData* d, std::string* err) {
  uint32_t version = 0;
  uint64_t declared = 0;
  if (!read_header(data, size, &version, &declared, err)) return false;
  // A short file is still parsed, to say in which field it ends.
  const bool truncated = size < declared;
  Reader r(data, kHeaderBytes, truncated ? size : size - kChecksumBytes, truncated, declared);

  r.where = "model config";
  ModelConfig& m = d->model;
  for (int* v : {&m.vocab, &m.ctx, &m.d_model, &m.n_heads, &m.n_layers, &m.d_mlp}) *v = r.i32();
  if (version == 1) {
    if (!read_v1_fields(r, d, err)) return false;
  } else {
    read_run_state(r, d);
    read_pairs(r, "option", kMaxText, &d->options);
  }
  if (!r.ok()) {
    *err = r.err;
    return false;
  }
  if (!check_scalars(*d, err)) return false;

  const ParamLayout layout(d->model);
  if (!check_param_count(layout, err)) return false;
  const size_t tensors_at = r.pos();
  for (int s = 0; s < kSections; ++s)
    if (!read_section(r, layout, s, nullptr)) {
      *err = r.err;
      return false;
    }
  if (truncated)
    return fail(err, "truncated at byte " + to_string(size) + " of " + to_string(declared) + " (checksum)");
  if (r.pos() != r.end())
    return fail(err, to_string(r.end() - r.pos()) + " unexpected bytes before the checksum");

  // Everything checked: the buffers are bounded by the bytes just read.
  std::vector<float>* bufs[kSections] = {&d->params, &d->adam_m, &d->adam_v};
  r.seek(tensors_at);
  for (int s = 0; s < kSections; ++s) {
    bufs[s]->assign(layout.size(), 0.0f);
    read_section(r, layout, s, bufs[s]->data());  // cannot fail: the first pass read the same bytes
  }
  return true;
}

// Runs one of the above so that no exception (only bad_alloc can occur) escapes
// and *error is set only on failure.
template <class F>
bool guarded(std::string* error, F&& f) {
  std::string err;
  bool ok = false;
  try {
    ok = f(&err);
  } catch (const std::bad_alloc&) {
    err = "checkpoint: out of memory";
  }
  if (!ok && error) *error = err;
  return ok;
}

}  // namespace

uint64_t checkpoint_checksum(const uint8_t* data, size_t size) {
  // FNV-1a 64: each step is a bijection of the state, so any single changed byte changes the sum.
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

std::vector<uint8_t> checkpoint_encode(const CheckpointData& d, std::string* error) {
  std::vector<uint8_t> out;
  guarded(error, [&](std::string* err) {
    if (validate(d, err)) out = encode_valid(d);
    return !out.empty();
  });
  return out;
}

bool checkpoint_valid(const CheckpointData& d, std::string* error) {
  return guarded(error, [&](std::string* err) { return validate(d, err); });
}

bool checkpoint_decode(const uint8_t* data, size_t size, CheckpointData* out, std::string* error) {
  return guarded(error, [&](std::string* err) {
    CheckpointData d;
    if (!decode(data, size, &d, err)) return false;
    *out = std::move(d);
    return true;
  });
}

uint64_t checkpoint_max_bytes() { return kMaxFileBytes; }

}  // namespace headlab
