// The C++ model against PyTorch (llm.c's test_gpt2.c pattern): load the
// parameters of tests/reference/gpt_nano.ref, then compare logits, loss,
// every gradient tensor and ten AdamW steps with what make_reference.py
// computed. The fixture is compiled in (tests/CMakeLists.txt), so this runs as
// WASM under Node too. Run with -s to print the measured errors.
#include <catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/adamw.h"
#include "core/transformer.h"

namespace headlab::assets {
extern const unsigned char gpt_nano_ref[];  // embedded from gpt_nano.ref by tests/CMakeLists.txt
extern const size_t gpt_nano_ref_size;
}  // namespace headlab::assets

using namespace headlab;

namespace {

// Relative to the largest reference magnitude of each tensor: stable when
// single entries are near zero, and fp32 noise of a correct model stays ~1e-6.
constexpr double kTol = 1e-4;

// [SECTION] fixture reader (format: make_reference.py's docstring)

struct Record {
  int rows = 0, cols = 0;
  std::vector<float> f;  // dtype 0
  std::vector<int> i;    // dtype 1
};

class Reference {
 public:
  Reference(const unsigned char* data, size_t size) : p_(data), end_(data + size) {
    if (size < 8 || std::memcmp(data, "HLREF001", 8) != 0) throw std::runtime_error("bad fixture magic");
    p_ += 8;
    const uint32_t n = u32();
    for (uint32_t r = 0; r < n; ++r) {
      const uint32_t len = u32();
      need(len);
      std::string name(reinterpret_cast<const char*>(p_), len);
      p_ += len;
      const uint32_t dtype = u32();
      Record rec;
      rec.rows = static_cast<int>(u32());
      rec.cols = static_cast<int>(u32());
      const size_t count = static_cast<size_t>(rec.rows) * rec.cols;
      need(count * 4);
      if (dtype == 0) {
        rec.f.resize(count);
        std::memcpy(rec.f.data(), p_, count * 4);  // little-endian, as x86 and WASM
      } else if (dtype == 1) {
        rec.i.resize(count);
        std::memcpy(rec.i.data(), p_, count * 4);
      } else {
        throw std::runtime_error("bad dtype in record " + name);
      }
      p_ += count * 4;
      records_[name] = std::move(rec);
    }
    if (p_ != end_) throw std::runtime_error("trailing bytes in fixture");
  }

  const Record& get(const std::string& name) const {
    auto it = records_.find(name);
    if (it == records_.end()) throw std::runtime_error("fixture has no record " + name);
    return it->second;
  }
  size_t count_prefix(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& kv : records_) n += kv.first.compare(0, prefix.size(), prefix) == 0;
    return n;
  }

 private:
  void need(size_t n) const {
    if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error("truncated fixture");
  }
  uint32_t u32() {
    need(4);
    uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return v;
  }
  const unsigned char* p_;
  const unsigned char* end_;
  std::map<std::string, Record> records_;
};

const Reference& reference() {
  static const Reference ref(assets::gpt_nano_ref, assets::gpt_nano_ref_size);
  return ref;
}

// [SECTION] comparison

struct Error {
  double rel = 0.0;  // max|a-b| / max(max|b|, floor)
  size_t worst = 0;  // index of max|a-b|
};

Error compare(const float* a, const float* b, size_t n, double floor) {
  double diff = 0.0, scale = std::max(floor, 1e-12);
  Error e;
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (d > diff) {
      diff = d;
      e.worst = i;
    }
    scale = std::max(scale, std::fabs(static_cast<double>(b[i])));
  }
  e.rel = diff / scale;
  return e;
}

// Checks one tensor and returns its error; the failure message names the tensor and the worst entry.
double check_tensor(const std::string& name, const float* got, const std::vector<float>& want, double floor = 0.0) {
  const Error e = compare(got, want.data(), want.size(), floor);
  INFO(name << ": rel error " << e.rel << ", worst entry " << e.worst << " got " << got[e.worst] << " want "
            << want[e.worst]);
  CHECK(e.rel < kTol);
  return e.rel;
}

void report(const char* what, double err, const std::string& where = "") {
  if (Catch::getCurrentContext().getConfig()->includeSuccessfulResults())
    std::printf("  [reference] %-26s max rel error %.3g %s\n", what, err, where.c_str());
}

// [SECTION] model set-up from the fixture

struct Setup {
  ModelConfig cfg;
  AdamWConfig opt;
  int B = 0, T = 0;
  std::vector<int> tokens, targets;
};

Setup setup_from(const Reference& ref) {
  Setup s;
  const std::vector<int>& c = ref.get("config").i;
  REQUIRE(c.size() == 8);
  s.cfg.vocab = c[0];
  s.cfg.ctx = c[1];
  s.cfg.d_model = c[2];
  s.cfg.n_heads = c[3];
  s.cfg.n_layers = c[4];
  s.cfg.d_mlp = c[5];
  s.B = c[6];
  s.T = c[7];
  const std::vector<float>& a = ref.get("adamw").f;
  REQUIRE(a.size() == 6);
  s.opt.lr = a[0];
  s.opt.beta1 = a[1];
  s.opt.beta2 = a[2];
  s.opt.eps = a[3];
  s.opt.weight_decay = a[4];
  s.opt.clip = a[5];
  s.tokens = ref.get("tokens").i;
  s.targets = ref.get("targets").i;
  REQUIRE(s.tokens.size() == static_cast<size_t>(s.B) * s.T);
  REQUIRE(s.targets.size() == s.tokens.size());
  return s;
}

// Copies every parameter by name; the fixture must hold exactly headlab's tensors with headlab's shapes.
void load_params(Transformer& model, const Reference& ref) {
  const auto& tensors = model.layout().tensors();
  REQUIRE(ref.count_prefix("param.") == tensors.size());
  for (const NamedSlot& t : tensors) {
    INFO("tensor " << t.name);
    const Record& r = ref.get("param." + t.name);
    REQUIRE(r.rows == t.slot.rows);
    REQUIRE(r.cols == t.slot.cols);
    std::copy(r.f.begin(), r.f.end(), model.params() + t.slot.offset);
  }
}

// The fused attn.w_qkv / b_qkv gradients are compared per Q, K, V column
// block: V's gradients are ~10x larger than K's here, and one scale for the
// whole tensor would let an error in the small blocks hide under V's. Each
// block's scale is floored at 1% of the whole tensor's, because the key
// bias's true gradient is exactly 0 (softmax ignores the per-row constant
// q.b_k), so both sides of b_qkv[K] are ~1e-9 of fp32 noise.
struct Part {
  std::string suffix;
  std::vector<float> got, want;
  double floor = 0.0;
};

std::vector<Part> split_qkv(const NamedSlot& t, const float* got, const std::vector<float>& want) {
  const int rows = t.slot.rows, cols = t.slot.cols;
  const bool fused = t.name.size() > 4 && t.name.compare(t.name.size() - 4, 4, "_qkv") == 0;
  if (!fused) return {Part{"", std::vector<float>(got, got + t.slot.size()), want, 0.0}};
  const int C = cols / 3;
  double whole = 0.0;
  for (float w : want) whole = std::max(whole, std::fabs(static_cast<double>(w)));
  std::vector<Part> parts;
  for (int blk = 0; blk < 3; ++blk) {
    Part p{std::string("[") + "QKV"[blk] + "]", {}, {}, 0.01 * whole};
    for (int r = 0; r < rows; ++r)
      for (int c = blk * C; c < (blk + 1) * C; ++c) {
        p.got.push_back(got[static_cast<size_t>(r) * cols + c]);
        p.want.push_back(want[static_cast<size_t>(r) * cols + c]);
      }
    parts.push_back(std::move(p));
  }
  return parts;
}

// Forward and backward on the batch stored under `prefix` ("" or "short."):
// logits, loss and every gradient tensor against PyTorch.
void check_batch(Transformer& model, const Reference& ref, const std::string& prefix) {
  const Record& tokens = ref.get(prefix + "tokens");
  const std::vector<int>& targets = ref.get(prefix + "targets").i;
  const int B = tokens.rows, T = tokens.cols;
  REQUIRE(targets.size() == tokens.i.size());
  REQUIRE(B <= model.max_batch());
  REQUIRE(T <= model.config().ctx);

  const float loss = model.forward(tokens.i.data(), targets.data(), B, T);
  const std::vector<float>& want_logits = ref.get(prefix + "logits").f;
  REQUIRE(static_cast<size_t>(model.logits().size()) == want_logits.size());
  report((prefix + "logits").c_str(), check_tensor(prefix + "logits", model.logits().data(), want_logits));
  report((prefix + "loss").c_str(), check_tensor(prefix + "loss", &loss, ref.get(prefix + "loss").f));

  model.zero_grad();
  model.backward();
  double worst = 0.0;
  std::string worst_name;
  for (const NamedSlot& t : model.layout().tensors()) {
    const std::string name = prefix + "grad." + t.name;
    for (const Part& part : split_qkv(t, model.grads() + t.slot.offset, ref.get(name).f)) {
      const double e = check_tensor(name + part.suffix, part.got.data(), part.want, part.floor);
      if (e >= worst) {
        worst = e;
        worst_name = t.name + part.suffix;
      }
    }
  }
  report((prefix + "grads (worst tensor)").c_str(), worst, "(" + worst_name + ")");
}

}  // namespace

TEST_CASE("forward and backward match PyTorch on gpt-nano", "[reference]") {
  const Reference& ref = reference();
  const Setup s = setup_from(ref);
  Transformer model(s.cfg, s.B);
  load_params(model, ref);
  SECTION("full batch, T = ctx") { check_batch(model, ref, ""); }
  SECTION("smaller batch and T < ctx") { check_batch(model, ref, "short."); }
}

TEST_CASE("ten AdamW steps match PyTorch on gpt-nano", "[reference]") {
  const Reference& ref = reference();
  const Setup s = setup_from(ref);
  Transformer model(s.cfg, s.B);
  load_params(model, ref);
  AdamW opt(model.layout());

  const std::vector<float>& want_norms = ref.get("step_grad_norms").f;
  const std::vector<float>& want_losses = ref.get("step_losses").f;
  REQUIRE(want_norms.size() == want_losses.size());
  double worst_norm = 0.0, worst_loss = 0.0;
  for (size_t k = 0; k < want_losses.size(); ++k) {
    model.zero_grad();
    model.forward(s.tokens.data(), s.targets.data(), s.B, s.T);
    model.backward();
    const float norm = opt.step(model.params(), model.grads(), s.opt);
    const float loss = model.forward(s.tokens.data(), s.targets.data(), s.B, s.T);
    const std::string step = "step " + std::to_string(k);
    worst_norm = std::max(worst_norm, check_tensor(step + " grad norm", &norm, {want_norms[k]}));
    worst_loss = std::max(worst_loss, check_tensor(step + " loss", &loss, {want_losses[k]}));
  }
  report("step grad norms", worst_norm);
  report("step losses", worst_loss);
}
