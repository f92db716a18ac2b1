// Reading a run file back (lab/run_json_read.h): what the page replays and
// headlab-train --replay summarises must be exactly what was written, and
// anything else must be refused with a message saying what is wrong.
#include <catch.hpp>
#include <cmath>
#include <sstream>

#include "lab/lab_helpers.h"
#include "lab/recorded_runner.h"
#include "lab/run_json.h"
#include "lab/run_json_read.h"
#include "presets.h"

using namespace headlab;

namespace {

std::string written(const LabView& v) {
  std::ostringstream out;
  write_run_json(out, v);
  return out.str();
}

// A short addsub run on a typed probe: task roles, a typed probe, every section.
std::string recorded_run() {
  RunOptions r = presets::run_small("addsub");
  r.probe = "9 - 4 + 2 = 7 3 - 3 + 1 = 1";
  r.live.off = {{0, 1}};
  auto s = test::make_session(r);
  for (int i = 0; i < 12; ++i) REQUIRE(s->step());
  LabView v;
  start_view(*s, &v);
  return written(v);
}

std::string refusal(const std::string& text) {
  LabView v;
  return read_run_json(text, &v);
}

// The file with the first occurrence of `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a run file read back is the run that was written, to the byte", "[json][replay]") {
  const std::string file = recorded_run();
  LabView v;
  const std::string error = read_run_json(file, &v);
  INFO(error);
  REQUIRE(error.empty());
  CHECK(v.options.task == "addsub");
  CHECK(v.options.probe == "9 - 4 + 2 = 7 3 - 3 + 1 = 1");
  REQUIRE(v.options.live.off.size() == 1);
  CHECK(v.step == 12);
  CHECK(v.probe.size() == 14);
  CHECK(v.roles.at(0).name == "add");
  REQUIRE(v.snapshots.size() >= 3);
  CHECK(v.snapshots.front()->step == 0);
  CHECK(v.snapshots.back()->T == 14);
  CHECK(v.history.back().step == 12);
  CHECK(written(v) == file);  // every number, shape and name survives the trip
}

TEST_CASE("a run file that is not one is refused with what is wrong", "[json][replay]") {
  const std::string file = recorded_run();
  CHECK(refusal(file.substr(0, file.size() / 2)).rfind("not valid JSON: parse error at line", 0) == 0);
  CHECK(refusal("[1, 2]") == "not a run file: expected a JSON object");
  CHECK(refusal("{}") == "'config' is missing");
  CHECK(refusal(edited(file, "\"task\":\"addsub\"", "\"task\":\"nope\"")).rfind("config: task: expected one of", 0) == 0);
  CHECK(refusal(edited(file, "\"heads\":4", "\"heads\":3")) ==
        "config: d-model: must be divisible by heads (3), got 32");
  CHECK(refusal(edited(file, "\"vocab\":[\"-9\"", "\"vocab\":[\"-8\"")) ==
        "vocab: not the vocabulary this config gives (was the file edited?)");
  CHECK(refusal(edited(file, "\"probe\":[", "\"probe\":[1,")) ==
        "probe: not the probe this config gives (was the file edited?)");
  CHECK(refusal(edited(file, "\"attn\":[[[[", "\"attn\":[[[[0.5,")) ==
        "snapshots[0].attn: expected an array of 14, got 15");
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[7")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[null")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  CHECK(refusal(edited(file, "{\"step\":1,", "{\"step\":0,")) == "history[1]: steps must increase");
  CHECK(refusal(edited(file, "\"ablation_base\":{\"loss\"", "\"ablation_base\":{\"lost\"")) ==
        "snapshots[0].ablation_base: 'loss' is missing");
  CHECK(refusal(edited(file, "\"roles\":{\"add\"", "\"roles\":{\"plus\"")) ==
        "snapshots[0].roles: 'add' is missing");
  CHECK(refusal("{\"config\":" + std::string(100, '[') + std::string(100, ']') + "}") ==
        "nested deeper than a run file ever is");
  CHECK(refusal(edited(file, "\"history\":[", "\"extra\":1,\"history\":[")) == "unknown section 'extra'");
  // A number beyond a float's range is an infinity, not undefined behaviour.
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[1e300")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  LabView far;
  REQUIRE(read_run_json(edited(file, "\"history\":[{\"step\":0,\"loss\":", "\"history\":[{\"step\":0,\"loss\":-1e300,\"was\":"),
                        &far).empty());
  CHECK(far.history[0].loss == -INFINITY);
  // Names from the file are quoted on one line, whatever they hold.
  CHECK(refusal("{\"a\\nb\":1}") == "'config' must come before 'a\\x0ab'");
}

TEST_CASE("a recorded run shows its recording until a new run is asked for", "[json][replay]") {
  LabView v;
  REQUIRE(read_run_json(recorded_run(), &v).empty());
  v.recorded = "run.json";
  int made = 0;
  RecordedRunner runner(
      [&](const RunOptions& o, std::string* e) {
        ++made;
        return make_inline_runner(o, e);
      },
      v);
  const uint64_t generation = runner.view().generation;
  runner.play();
  runner.step(5);
  runner.frame(5);
  CHECK(made == 0);  // nothing trains
  CHECK(runner.view().step == 12);
  CHECK(runner.view().recorded == "run.json");
  CHECK(runner.save_checkpoint().empty());
  CHECK(runner.set_hyperparameters(v.options).find("recorded run") != std::string::npos);

  CHECK(runner.reset(v.options).empty());  // "Train it yourself"
  CHECK(made == 1);
  CHECK(runner.view().recorded.empty());
  CHECK(runner.view().step == 0);
  CHECK(runner.view().generation != generation);  // the UI sees a new run
  runner.step(3);
  CHECK(runner.view().step == 3);
}
