// Session: determinism, the head-symmetry experiments, faults, checkpoints
// and bounded recording.
#include <algorithm>
#include <catch.hpp>
#include <cmath>
#include <functional>
#include <cstring>
#include <sstream>

#include "core/checkpoint.h"
#include "lab/run_json.h"
#include "lab/lab_helpers.h"
#include "lab/session.h"
#include "lab/snapshot.h"
#include "presets.h"

namespace headlab::assets {
extern const unsigned char checkpoint_v1_copy[];  // tests/fuzz/corpus/checkpoint/copy-tiny.ckpt
extern const size_t checkpoint_v1_copy_size;
}  // namespace headlab::assets

using namespace headlab;

namespace {

RunOptions small(const char* task = "induction") { return presets::run_small(task); }


void train(Session& s, int steps) {
  for (int i = 0; i < steps; ++i) REQUIRE(s.step());
}

std::vector<float> params(const Session& s) {
  return std::vector<float>(s.model().params(), s.model().params() + s.model().num_params());
}

// Largest difference between head h's and head 0's Q/K/V columns and W_o rows in layer l.
float head_difference(const Session& s, int l, int h) {
  const ModelConfig& c = s.model().config();
  const int C = c.d_model, dh = c.d_head();
  const float* P = s.model().params();
  const CMat w = s.model().layout().layers[l].w_qkv.view(P);
  const CMat o = s.model().layout().layers[l].w_o.view(P);
  float d = (o.middleRows(h * dh, dh) - o.middleRows(0, dh)).cwiseAbs().maxCoeff();
  for (int p = 0; p < 3; ++p)
    d = std::max(d, (w.middleCols(p * C + h * dh, dh) - w.middleCols(p * C, dh)).cwiseAbs().maxCoeff());
  return d;
}

}  // namespace

TEST_CASE("same options and seed give the same run, bit for bit", "[session][determinism]") {
  auto a = test::make_session(small()), b = test::make_session(small());
  train(*a, 30);
  train(*b, 30);
  CHECK(params(*a) == params(*b));
  CHECK(a->last_loss() == b->last_loss());
  RunOptions other = small();
  other.seed = 2;
  auto c = test::make_session(other);
  train(*c, 30);
  CHECK(params(*a) != params(*c));
}

TEST_CASE("clone-all heads stay bit-for-bit identical; their maps too", "[session][symmetry]") {
  RunOptions r = small();
  r.init = HeadInit::CloneAll;
  auto s = test::make_session(r);
  train(*s, 200);
  CHECK(s->last_loss() < s->history().items().front().loss);  // it does learn
  for (int l = 0; l < r.layers; ++l)
    for (int h = 1; h < r.heads; ++h) CHECK(head_difference(*s, l, h) == 0.0f);
  for (const auto& snap : s->snapshots().items()) {
    const size_t n = static_cast<size_t>(snap->T) * snap->T;
    for (int l = 0; l < snap->L; ++l)
      for (int h = 1; h < snap->H; ++h) {
        CHECK(std::memcmp(snap->map(l, h), snap->map(l, 0), n * sizeof(float)) == 0);
        CHECK(snap->head(snap->grad_norm, l, h) == snap->head(snap->grad_norm, l, 0));
      }
    for (int l = 0; l < snap->L; ++l) CHECK(snap->diversity[l] == 0.0f);
  }
}

TEST_CASE("clone-qkv heads start identical, get different gradients, and diverge", "[session][symmetry]") {
  RunOptions r = small();
  r.init = HeadInit::CloneQKV;
  auto s = test::make_session(r);
  const auto& first = *s->snapshots().items().front();
  // Step 0: same maps in every head ...
  for (int h = 1; h < r.heads; ++h)
    CHECK(std::memcmp(first.map(0, h), first.map(0, 0), sizeof(float) * first.T * first.T) == 0);
  CHECK(first.diversity[0] == 0.0f);
  // ... but the gradient reaching each head through its own W_o rows differs.
  CHECK(first.pair(first.grad_cos, 0, 0, 1) < 0.999f);
  CHECK(first.head(first.grad_norm, 0, 0) != first.head(first.grad_norm, 0, 1));
  train(*s, 300);
  const auto& last = *s->snapshots().items().back();
  for (int l = 0; l < r.layers; ++l) CHECK(last.diversity[l] > 1e-3f);
}

TEST_CASE("clone-all-eps starts nearly identical and breaks symmetry", "[session][symmetry]") {
  RunOptions r = small();
  r.init = HeadInit::CloneAllEps;
  auto s = test::make_session(r);
  const float start = head_difference(*s, 0, 1);
  CHECK(start > 0.0f);
  CHECK(start < 0.01f);
  train(*s, 300);
  CHECK(head_difference(*s, 0, 1) > start);
}

TEST_CASE("a huge learning rate stops training with a message, and the last good state comes back", "[session][fault]") {
  RunOptions r = small();
  r.live.lr = 1e6f;
  r.live.clip = 0.0f;
  auto s = test::make_session(r);
  int steps = 0;
  while (s->step() && steps < 100) ++steps;
  REQUIRE(s->fault() != Fault::None);
  CHECK(s->fault_message().find("step") != std::string::npos);
  CHECK_FALSE(s->step());  // stays stopped until cleared
  s->restore_last_good();
  CHECK(s->fault() == Fault::None);
  CHECK(s->step_count() == s->last_good_step());
  const float* p = s->model().params();
  for (size_t i = 0; i < s->model().num_params(); ++i) REQUIRE(std::isfinite(p[i]));
  for (const auto& h : s->history().items()) CHECK(h.step <= s->step_count());
}

TEST_CASE("checkpoint round trip resumes the exact same run", "[session][checkpoint]") {
  auto a = test::make_session(small());
  train(*a, 20);
  std::string error;
  auto b = Session::load(a->save(), &error);
  INFO(error);
  REQUIRE(b);
  CHECK(b->step_count() == 20);
  train(*a, 15);
  train(*b, 15);
  CHECK(params(*a) == params(*b));
  CHECK(a->last_loss() == b->last_loss());
}


TEST_CASE("recording stays bounded and still starts at step 0", "[session][memory]") {
  RunOptions r = small("copy");
  r.live.snapshot_every = 1;
  r.layers = 1;
  r.batch = 2;
  auto s = test::make_session(r);
  train(*s, 1500);
  const auto& snaps = s->snapshots().items();
  CHECK(snaps.size() <= 512);
  CHECK(snaps.front()->step == 0);
  CHECK(snaps.back()->step >= 1400);
  for (size_t i = 1; i < snaps.size(); ++i) CHECK(snaps[i]->step > snaps[i - 1]->step);
  CHECK(s->history().items().front().step == 0);
}

TEST_CASE("large snapshots are kept within the memory budget", "[session][memory]") {
  // 4 layers x 16 heads on a 256-token probe: 16.8 MB a snapshot. The store
  // used to keep at least 32 of them (537 MB) whatever their size.
  CHECK(snapshot_bytes(4, 16, 256) > kSnapshotBudgetBytes / 4);
  CHECK(snapshot_capacity(4, 16, 256) == kMinSnapshots);
  // Small ones: as many as fit, up to kMaxSnapshots; never over the budget
  // unless kMinSnapshots alone are.
  CHECK(snapshot_capacity(2, 4, 32) == kMaxSnapshots);
  for (int L : {1, 2, 4, 8})
    for (int H : {1, 4, 16})
      for (int T : {8, 32, 64, 128, 256}) {
        const double kept = snapshot_capacity(L, H, T) * snapshot_bytes(L, H, T);
        CHECK(kept <= std::max(kSnapshotBudgetBytes, kMinSnapshots * snapshot_bytes(L, H, T)));
        CHECK(snapshot_capacity(L, H, T) >= kMinSnapshots);
      }
  // The store at the smallest capacity stays within it as a run goes on.
  ThinningSeries<int> store(kMinSnapshots, 1);
  for (int step = 0; step < 1000; ++step)
    if (store.wants(step)) store.push(step);
  CHECK(store.size() <= kMinSnapshots);
  CHECK(store.items().front() == 0);
}

TEST_CASE("thinning series keeps every other point and doubles its stride", "[session][memory]") {
  ThinningSeries<int> s(4, 1);
  for (int step = 0; step < 20; ++step)
    if (s.wants(step)) s.push(step);
  // capacity 4: the points stay evenly spaced from 0 and cover the run
  CHECK(s.items().front() == 0);
  CHECK(s.size() <= 4);
  for (size_t i = 1; i < s.size(); ++i) CHECK(s.items()[i] - s.items()[i - 1] == s.stride());
}

TEST_CASE("update_hyperparameters changes lr but refuses shape changes", "[session]") {
  auto s = test::make_session(small());
  RunOptions r = s->options();
  r.live.lr = 0.01f;
  CHECK(s->update_hyperparameters(r) == "");
  CHECK(s->options().live.lr == 0.01f);
  r.heads = 2;
  CHECK(s->update_hyperparameters(r).find("new run") != std::string::npos);
  CHECK(s->options().heads == 4);
}

TEST_CASE("the run JSON has the documented shape", "[session][json]") {
  RunOptions r = small();
  r.layers = 1;
  r.heads = 2;
  auto s = test::make_session(r);
  train(*s, 10);
  LabView v;
  start_view(*s, &v);
  std::ostringstream out;
  write_run_json(out, v);
  const std::string j = out.str();
  for (const char* key : {"\"config\":{", "\"task\":\"induction\"", "\"heads\":2", "\"vocab\":[", "\"probe\":[",
                          "\"history\":[{\"step\":0,", "\"snapshots\":[{\"step\":0,", "\"attn\":[[[[",
                          "\"grad_norm\":[[", "\"roles\":{\"previous-token\":[["})
    CHECK(j.find(key) != std::string::npos);
  CHECK(j.find("nan") == std::string::npos);
}

TEST_CASE("a run is the same however its steps are sliced into frames", "[session][determinism]") {
  RunOptions r = small();
  r.batch = 32;  // with these sizes, several chunks per step
  r.ctx = 32;
  r.d_model = 64;
  r.d_mlp = 256;
  auto a = test::make_session(r), b = test::make_session(r);
  REQUIRE(a->chunk_sequences() < r.batch);
  train(*a, 6);
  while (b->step_count() < 6) b->advance(0.0);  // one chunk per call
  CHECK(params(*a) == params(*b));
  CHECK(a->last_loss() == b->last_loss());
}

TEST_CASE("a checkpoint taken in the middle of a step resumes before that step", "[session][checkpoint]") {
  RunOptions r = small();
  r.batch = 32;
  r.ctx = 32;
  r.d_model = 64;
  r.d_mlp = 256;
  auto a = test::make_session(r);
  train(*a, 3);
  REQUIRE_FALSE(a->step_chunk());  // a step is now half done
  std::string error;
  auto b = Session::load(a->save(), &error);
  REQUIRE(b);
  CHECK(b->step_count() == 3);
  train(*a, 2);  // finishes the pending step, then one more
  train(*b, 2);
  CHECK(params(*a) == params(*b));
}

TEST_CASE("Session::create refuses every out-of-range option with the parser's message", "[session][options]") {
  // Just outside each numeric run option's range, written into the struct as
  // code (or an old checkpoint) could; the text is what the parser would get.
  struct Case {
    const char* key;
    std::function<void(RunOptions&)> set;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"layers", [](RunOptions& r) { r.layers = 9; }, "9"},
      {"heads", [](RunOptions& r) { r.heads = 0; }, "0"},
      {"d-model", [](RunOptions& r) { r.d_model = 513; }, "513"},
      {"d-mlp", [](RunOptions& r) { r.d_mlp = 3; }, "3"},
      {"ctx", [](RunOptions& r) { r.ctx = 257; }, "257"},
      {"batch", [](RunOptions& r) { r.batch = 0; }, "0"},
      {"symbols", [](RunOptions& r) { r.symbols = 257; }, "257"},
      {"lr", [](RunOptions& r) { r.live.lr = -1e-3f; }, "-0.001"},
      {"weight-decay", [](RunOptions& r) { r.live.weight_decay = 10.5f; }, "10.5"},
      {"clip", [](RunOptions& r) { r.live.clip = 2e6f; }, "2000000"},
      {"seed", [](RunOptions& r) { r.seed = 9007199254740992ull; }, "9007199254740992"},
      {"snapshot-every", [](RunOptions& r) { r.live.snapshot_every = 100001; }, "100001"},
      {"eval-every", [](RunOptions& r) { r.live.eval_every = -5; }, "-5"},
      {"nudge", [](RunOptions& r) { r.nudge = 0.5f; }, "0.5"},
  };
  for (const OptionInfo& row : option_table()) {
    const bool numeric = row.kind == OptionKind::Int || row.kind == OptionKind::Float;
    if (!(row.scope & kScopeRunAndLive) || !numeric) continue;
    INFO(row.key << ": a numeric run option without a case here");
    CHECK(std::any_of(cases.begin(), cases.end(), [&](const Case& c) { return c.key == std::string(row.key); }));
  }
  for (const Case& c : cases) {
    RunOptions r = small();
    c.set(r);
    Options scratch;
    const std::string parser_says = set_option(scratch, c.key, c.text, kScopeRunAndLive);
    INFO(c.key);
    REQUIRE(!parser_says.empty());
    std::string error;
    CHECK_FALSE(Session::create(r, &error));
    CHECK(error == parser_says);
  }
  RunOptions r = small("copy");
  r.text = "only for task=text";
  std::string error;
  CHECK_FALSE(Session::create(r, &error));
  CHECK(error.find("text: only task=text") == 0);
}

TEST_CASE("a checkpoint's options are checked like typed ones", "[session][checkpoint]") {
  auto s = test::make_session(small());
  train(*s, 3);
  const CheckpointData good = s->checkpoint();
  struct Case {
    const char* key;
    std::string value;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"layers", "64", "checkpoint: layers: expected an integer in 1..8, got '64'"},
      {"heads", "64", "checkpoint: heads: expected an integer in 1..16, got '64'"},
      {"ctx", "4096", "checkpoint: ctx: expected an integer in 2..256, got '4096'"},
      {"lr", "0", "checkpoint: lr: expected a number in (0, 1e6], got '0'"},
      {"weight-decay", "1e30", "checkpoint: weight-decay: expected a number in 0..10, got '1e30'"},
      {"text", std::string(16 << 20, 'a'), "checkpoint: text: expected at most 4194304 bytes, got 16777216"},
      {"init", "zeros", "checkpoint: init: expected one of random|clone-qkv|clone-all|clone-all-eps, got 'zeros'"},
      {"frames", "3", "checkpoint: unknown option 'frames' (see --help)"},
  };
  for (const Case& c : cases) {
    CheckpointData d = good;
    bool replaced = false;
    for (auto& kv : d.options)
      if (kv.first == c.key) kv.second = c.value, replaced = true;
    if (!replaced) d.options.emplace_back(c.key, c.value);
    std::string error;
    INFO(c.key);
    CHECK_FALSE(Session::from_checkpoint(d, &error));
    CHECK(error == c.error);
    // The same through the bytes of a file.
    const std::vector<uint8_t> bytes = checkpoint_encode(d);
    REQUIRE(!bytes.empty());
    CHECK_FALSE(Session::load(bytes, &error));
    CHECK(error == c.error);
  }
  CheckpointData d = good;
  d.options.emplace_back("d_model", "32");  // the same option in its other spelling
  std::string error;
  CHECK_FALSE(Session::from_checkpoint(d, &error));
  CHECK(error == "checkpoint: option 'd_model' is given twice");
  d = good;
  d.adam_steps = 2147483647;  // would overflow AdamW's step counter on the next step
  CHECK_FALSE(Session::from_checkpoint(d, &error));
  CHECK(error.find("adam_steps 2147483647 is outside") != std::string::npos);
  d = good;
  d.options.erase(d.options.begin() + 1);  // no "layers": the default (2), as in a file from before the option
  REQUIRE(Session::from_checkpoint(d, &error));
}

TEST_CASE("a version 1 checkpoint still loads, and saves as the current version", "[session][checkpoint]") {
  const std::vector<uint8_t> v1(assets::checkpoint_v1_copy, assets::checkpoint_v1_copy + assets::checkpoint_v1_copy_size);
  REQUIRE(v1[8] == 1);
  std::string error;
  auto a = Session::load(v1, &error);
  INFO(error);
  REQUIRE(a);
  CHECK(a->options().task == "copy");
  CHECK(a->options().live.lr == 0.003f);
  CHECK(a->options().batch == 2);
  const std::vector<uint8_t> v2 = a->save();
  REQUIRE(v2[8] == kCheckpointVersion);
  auto b = Session::load(v2, &error);
  REQUIRE(b);
  CHECK(describe(b->options()) == describe(a->options()));
  CHECK(b->step_count() == a->step_count());
  train(*a, 5);
  train(*b, 5);
  CHECK(params(*a) == params(*b));
}

TEST_CASE("snapshot-every applies while the run trains", "[session][options]") {
  auto s = test::make_session(small());  // a snapshot every 5 steps
  train(*s, 10);
  RunOptions r = s->options();
  r.live.snapshot_every = 2;
  REQUIRE(s->update_hyperparameters(r) == "");
  train(*s, 4);
  std::vector<int> steps;
  for (const auto& snap : s->snapshots().items()) steps.push_back(snap->step);
  CHECK(steps == std::vector<int>{0, 5, 10, 12, 14});
}
