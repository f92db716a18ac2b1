// Checkpoints: bit-exact round trips, and rejection (with a useful one-line
// message, *out untouched) of truncated, corrupted, crafted and mismatched files.

#include <algorithm>
#include <catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/adamw.h"
#include "core/checkpoint.h"
#include "core/init.h"
#include "core/transformer.h"
#include "presets.h"

using namespace headlab;

namespace {

using Bytes = std::vector<uint8_t>;

// Small enough that looping over every byte of the file stays fast.
ModelConfig small_model() { return presets::gpt_pico(/*layers=*/1); }

// One training step on a random batch; the same batch for every call.
void train_step(Transformer& t, AdamW& opt, const AdamWConfig& cfg) {
  const int B = 2, T = t.config().ctx;
  std::vector<int> tokens(B * T), targets(B * T);
  Rng rng(99);
  for (int i = 0; i < B * T; ++i) {
    tokens[i] = static_cast<int>(rng.below(t.config().vocab));
    targets[i] = static_cast<int>(rng.below(t.config().vocab));
  }
  t.zero_grad();
  t.forward(tokens.data(), targets.data(), B, T);
  t.backward();
  opt.step(t.params(), t.grads(), cfg);
}

std::vector<float> copy(const float* p, size_t n) { return std::vector<float>(p, p + n); }

// core stores the options without reading them, so any text will do.
CheckpointData snapshot(const Transformer& t, const AdamW& opt) {
  CheckpointData d;
  d.model = t.config();
  d.options = {{"task", "induction"},
               {"text", "TEXT-MARKER: the animal didn't cross the street"},
               {"seed", "18364758544493064431"},
               {"note", std::string("bytes\0\n\xff", 8)}};
  d.step = 123456789;
  d.adam_steps = opt.steps_taken();
  Rng data(3, 1), eval(4, 2);
  data.normal();  // leaves a cached second normal in the state
  d.data_rng = data.save();
  d.eval_rng = eval.save();
  const size_t n = t.num_params();
  d.params = copy(t.params(), n);
  d.adam_m = copy(opt.m(), n);
  d.adam_v = copy(opt.v(), n);
  return d;
}

CheckpointData trained_data(const ModelConfig& cfg = small_model()) {
  Transformer t(cfg, 2);
  init_params(t.params(), t.layout(), cfg, HeadInit::CloneQKV, 5);
  AdamW opt(t.layout());
  train_step(t, opt, AdamWConfig());
  return snapshot(t, opt);
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void require_same(const CheckpointData& a, const CheckpointData& b) {
  REQUIRE(a.model == b.model);
  REQUIRE(a.options == b.options);
  REQUIRE(a.step == b.step);
  REQUIRE(a.adam_steps == b.adam_steps);
  for (auto [x, y] : {std::pair(a.data_rng, b.data_rng), std::pair(a.eval_rng, b.eval_rng)}) {
    REQUIRE(x.state == y.state);
    REQUIRE(x.inc == y.inc);
    REQUIRE(std::memcmp(&x.cached, &y.cached, 4) == 0);
    REQUIRE(x.has_cached == y.has_cached);
  }
  REQUIRE(same_bits(a.params, b.params));
  REQUIRE(same_bits(a.adam_m, b.adam_m));
  REQUIRE(same_bits(a.adam_v, b.adam_v));
}

void put_le(Bytes& f, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) f.at(at + i) = static_cast<uint8_t>(v >> (8 * i));
}
void put_u32(Bytes& f, size_t at, uint32_t v) { put_le(f, at, v, 4); }
void put_f32(Bytes& f, size_t at, float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  put_u32(f, at, u);
}

// After crafting a field, so the decoder gets past the checksum to the check under test.
void fix_checksum(Bytes& f) { put_le(f, f.size() - 8, checkpoint_checksum(f.data(), f.size() - 8), 8); }

// Offset of the nth length-prefixed string `s` (of its length field).
size_t find_str(const Bytes& f, const std::string& s, int nth = 0) {
  Bytes pat(4 + s.size());
  put_u32(pat, 0, static_cast<uint32_t>(s.size()));
  std::memcpy(pat.data() + 4, s.data(), s.size());
  auto it = f.begin();
  for (int i = 0; i <= nth; ++i) {
    if (i) ++it;
    it = std::search(it, f.end(), pat.begin(), pat.end());
    REQUIRE(it != f.end());
  }
  return static_cast<size_t>(it - f.begin());
}

// Offset of a tensor's first float in the nth section (0 params, 1 adam_m, 2 adam_v).
size_t tensor_data(const Bytes& f, const std::string& name, int section) {
  return find_str(f, name, section) + 4 + name.size() + 8;
}

// Decodes a file that must be rejected; checks the message shape and that
// the output was left alone; returns the message.
std::string rejected(const Bytes& f) {
  CheckpointData out;
  out.step = 4242;
  out.params = {1.5f};
  out.options = {{"kept", "yes"}};
  std::string error;
  REQUIRE_FALSE(checkpoint_decode(f.data(), f.size(), &out, &error));
  CHECK(error.rfind("checkpoint: ", 0) == 0);
  CHECK(error.find('\n') == std::string::npos);
  CHECK(out.step == 4242);
  CHECK(out.params == std::vector<float>{1.5f});
  CHECK(out.options.size() == 1);
  return error;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Model config fields sit right after the 20-byte header: vocab, ctx, d_model, n_heads, n_layers, d_mlp;
// then step, adam_steps, the data rng (state, inc, ...).
constexpr size_t kVocabAt = 20, kDModelAt = 28, kHeadsAt = 32, kLayersAt = 36, kMlpAt = 40, kStepAt = 44,
                 kAdamStepsAt = 52, kDataIncAt = 64;

}  // namespace

TEST_CASE("checkpoint round trip is bit-exact and resumes training identically", "[checkpoint]") {
  const ModelConfig cfg = small_model();
  const AdamWConfig optim;
  Transformer t(cfg, 2);
  init_params(t.params(), t.layout(), cfg, HeadInit::CloneQKV, 5);
  AdamW opt(t.layout());
  train_step(t, opt, optim);
  const CheckpointData d = snapshot(t, opt);
  REQUIRE(global_norm(d.adam_m.data(), d.adam_m.size()) > 0);
  REQUIRE(global_norm(d.adam_v.data(), d.adam_v.size()) > 0);

  const Bytes f = checkpoint_encode(d);
  REQUIRE(!f.empty());
  REQUIRE(checkpoint_encode(d) == f);  // deterministic
  CheckpointData back;
  std::string error;
  REQUIRE(checkpoint_decode(f.data(), f.size(), &back, &error));
  CHECK(error.empty());
  require_same(d, back);

  // The restored state takes the same next step, bit for bit.
  Transformer t2(back.model, 2);
  AdamW opt2(t2.layout());
  std::copy(back.params.begin(), back.params.end(), t2.params());
  std::copy(back.adam_m.begin(), back.adam_m.end(), opt2.m());
  std::copy(back.adam_v.begin(), back.adam_v.end(), opt2.v());
  opt2.set_steps_taken(back.adam_steps);
  train_step(t, opt, optim);
  train_step(t2, opt2, optim);
  REQUIRE(same_bits(copy(t.params(), t.num_params()), copy(t2.params(), t2.num_params())));
}

TEST_CASE("checkpoint: every truncated prefix is rejected", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  REQUIRE(!f.empty());
  for (size_t n = 0; n < f.size(); ++n) {
    INFO("prefix length " << n);
    const std::string error = rejected(Bytes(f.begin(), f.begin() + n));
    REQUIRE(contains(error, "truncated at byte " + std::to_string(n)));
  }
  // The message names where the data stops.
  const size_t mid_w_o = tensor_data(f, "blocks.0.attn.w_o", 1) + 10;
  CHECK(contains(rejected(Bytes(f.begin(), f.begin() + mid_w_o)),
                 "truncated at byte " + std::to_string(mid_w_o) + " of " + std::to_string(f.size()) +
                     " (adam_m tensor 'blocks.0.attn.w_o')"));
}

TEST_CASE("checkpoint: every single-bit flip is rejected", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  for (size_t i = 0; i < f.size(); ++i) {
    INFO("byte " << i);
    Bytes g = f;
    g[i] ^= static_cast<uint8_t>(1u << (i % 8));
    const std::string error = rejected(g);
    if (i < 8)
      CHECK(contains(error, "magic"));
    else if (i < 12)
      CHECK(contains(error, "version"));
    else if (i < 20)  // declared file size
      CHECK((contains(error, "truncated") || contains(error, "unexpected bytes") ||
             contains(error, "exceeds limit")));
    else
      CHECK(contains(error, "checksum mismatch"));
  }
}

TEST_CASE("checkpoint: wrong magic, newer version, trailing bytes", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  Bytes g = f;
  std::memcpy(g.data(), "GIF89a", 6);
  CHECK(contains(rejected(g), "not a headlab checkpoint (bad magic)"));
  CHECK(contains(rejected(Bytes{'P', 'K'}), "bad magic"));

  g = f;
  put_u32(g, 8, 7);
  fix_checksum(g);
  CHECK(contains(rejected(g), "version 7 is newer than this build understands (2)"));
  put_u32(g, 8, 0);
  fix_checksum(g);
  CHECK(contains(rejected(g), "version 0"));

  g = f;
  g.push_back(0);
  CHECK(contains(rejected(g), "1 unexpected bytes after the declared end"));
}

TEST_CASE("checkpoint: huge declared sizes are rejected before anything is allocated", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  Bytes g = f;
  put_le(g, 12, std::numeric_limits<uint64_t>::max(), 8);
  CHECK(contains(rejected(g), "declared size 18446744073709551615 exceeds limit"));

  const size_t text_len = find_str(f, trained_data().options[1].second);
  g = f;
  put_u32(g, text_len, 0xFFFFFFFFu);
  fix_checksum(g);
  CHECK(contains(rejected(g), "declared size 4294967295 of option 'text' value exceeds limit"));
  put_u32(g, text_len, 1000000);  // under the limit, but more than the file holds
  fix_checksum(g);
  CHECK(contains(rejected(g), "option 'text' value runs past the end of the data"));

  g = f;
  put_u32(g, find_str(f, "task") - 4, 0xFFFFFFFFu);  // the options count precedes the first key
  fix_checksum(g);
  CHECK(contains(rejected(g), "declared count 4294967295 of options exceeds limit"));

  g = f;
  put_u32(g, find_str(f, "params") + 10, 0xFFFFFFFFu);  // tensor count after the section tag
  fix_checksum(g);
  CHECK(contains(rejected(g), "params has 4294967295 tensors, the model has"));

  g = f;
  put_u32(g, find_str(f, "wte"), 0xFFFFFFFFu);
  fix_checksum(g);
  CHECK(contains(rejected(g), "declared size 4294967295 of params tensor 'wte' exceeds limit"));

  g = f;
  put_u32(g, kVocabAt, 0x7FFFFFFF);
  fix_checksum(g);
  CHECK(contains(rejected(g), "model vocab 2147483647 is outside 1..65536"));

  // Every dimension at its limit: far more parameters than allowed.
  g = f;
  put_u32(g, kVocabAt, 65536);
  put_u32(g, kDModelAt, 4096);
  put_u32(g, kLayersAt, 64);
  put_u32(g, kMlpAt, 16384);
  fix_checksum(g);
  CHECK(contains(rejected(g), "parameters, over the limit of 268435456"));

  // Allowed but large (3 × 67M floats): rejected by shape before the buffers are allocated.
  g = f;
  put_u32(g, kVocabAt, 65536);
  put_u32(g, kDModelAt, 1024);
  fix_checksum(g);
  CHECK(contains(rejected(g), "params tensor 'wte' has shape [7, 8], the model expects [65536, 1024]"));
}

TEST_CASE("checkpoint: mismatched tensor names and shapes are reported by name", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  Bytes g = f;
  g[find_str(f, "wte") + 6] = 'f';
  fix_checksum(g);
  CHECK(contains(rejected(g), "params tensor 'wtf' found where the model has 'wte'"));

  g = f;
  put_u32(g, find_str(f, "blocks.0.attn.w_o", 1) + 4 + 17, 9);
  fix_checksum(g);
  CHECK(
      contains(rejected(g), "adam_m tensor 'blocks.0.attn.w_o' has shape [9, 8], the model expects [8, 8]"));

  // A file for another model size: the config says d_mlp 16, the tensors were saved for 12.
  g = f;
  put_u32(g, kMlpAt, 16);
  fix_checksum(g);
  CHECK(contains(rejected(g),
                 "params tensor 'blocks.0.mlp.w_fc' has shape [8, 12], the model expects [8, 16]"));
}

TEST_CASE("checkpoint: values a usable model cannot hold are rejected", "[checkpoint]") {
  const Bytes f = checkpoint_encode(trained_data());
  Bytes g = f;
  put_f32(g, tensor_data(f, "wte", 0) + 4 * 3, std::numeric_limits<float>::quiet_NaN());
  fix_checksum(g);
  CHECK(contains(rejected(g), "params tensor 'wte' element 3 is NaN"));

  g = f;
  put_f32(g, tensor_data(f, "head.b", 1), -std::numeric_limits<float>::infinity());
  fix_checksum(g);
  CHECK(contains(rejected(g), "adam_m tensor 'head.b' element 0 is infinite"));

  g = f;
  put_f32(g, tensor_data(f, "lnf.w", 2), -1.0f);
  fix_checksum(g);
  CHECK(contains(rejected(g), "adam_v tensor 'lnf.w' element 0 is negative"));

  g = f;
  put_u32(g, kHeadsAt, 3);
  fix_checksum(g);
  CHECK(contains(rejected(g), "model n_heads 3 does not divide d_model 8"));

  // The data rng's increment must be odd.
  g = f;
  put_u32(g, kDataIncAt, 2);
  fix_checksum(g);
  CHECK(contains(rejected(g), "data rng state is not a valid PCG32 state"));

  // Step counters stay where the trainer's ints can count on (AdamW's would overflow at INT_MAX).
  g = f;
  put_u32(g, kAdamStepsAt, 0x7FFFFFFF);
  fix_checksum(g);
  CHECK(contains(rejected(g), "adam_steps 2147483647 is outside 0..1000000000"));
  g = f;
  put_le(g, kStepAt, uint64_t(-5), 8);
  fix_checksum(g);
  CHECK(contains(rejected(g), "step -5 is outside 0..1000000000"));
}

TEST_CASE("checkpoint: the encoder refuses what the decoder would reject", "[checkpoint]") {
  const CheckpointData good = trained_data();
  const auto refused = [](const CheckpointData& d) {
    std::string error;
    CHECK(checkpoint_encode(d, &error).empty());
    return error;
  };
  CheckpointData d = good;
  d.params[0] = std::numeric_limits<float>::quiet_NaN();
  CHECK(contains(refused(d), "params tensor 'wte' element 0 is NaN"));
  d = good;
  d.adam_v.pop_back();
  CHECK(contains(refused(d), "adam_v holds"));
  d = good;
  d.options.push_back({"note", "again"});
  CHECK(contains(refused(d), "duplicate option 'note'"));
  d = good;
  d.options.push_back({"", "no key"});
  CHECK(contains(refused(d), "option key '' is empty or too long"));
  d = good;
  d.adam_steps = 2147483647;
  CHECK(contains(refused(d), "adam_steps 2147483647 is outside"));
}
