// Reading a run file back (lab/run_json_read.h): what the page replays and
// headlab-train --replay summarises must be exactly what was written, and
// anything else must be refused with a message saying what is wrong.
#include <catch.hpp>
#include <cmath>
#include <cstring>
#include <sstream>

#include "lab/lab_helpers.h"
#include "host_contract.h"
#include "lab/direct_channel.h"
#include "lab/run_json.h"
#include "lab/run_json_read.h"
#include "presets.h"

using namespace headlab;

namespace headlab::assets {
extern const unsigned char golden_format0_addsub[], golden_format0_induction[], golden_format0_text[];
extern const size_t golden_format0_addsub_size, golden_format0_induction_size, golden_format0_text_size;
}  // namespace headlab::assets

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
  CHECK(refusal(file.substr(0, file.size() / 2)).find("the text ends before the document does") != std::string::npos);
  CHECK(refusal("[1, 2]") == "not a run file: expected a JSON object");
  CHECK(refusal("7") == "not a run file: expected a JSON object");
  CHECK(refusal("{}") == "'config' is missing");
  CHECK(refusal(edited(file, "\"task\":\"addsub\"", "\"task\":\"nope\"")).rfind("config: task: expected one of", 0) == 0);
  CHECK(refusal(edited(file, "\"heads\":4", "\"heads\":3")) ==
        "config: d-model: must be divisible by heads (3), got 32");
  CHECK(refusal(edited(file, "\"vocab\":[\"-9\"", "\"vocab\":[\"-8\"")) ==
        "vocab: not the vocabulary this config gives (was the file edited?)");
  CHECK(refusal(edited(file, "\"probe\":[", "\"probe\":[1,")) ==
        "probe: not the probe this config gives (was the file edited?)");
  CHECK(refusal(edited(file, "\"attn\":[[[[", "\"attn\":[[[[0.5,")) ==
        "snapshots[0].attn: expected an array of 14, got more");
  CHECK(refusal(edited(file, "\"attn\":[[[[1,", "\"attn\":[[[[")) ==
        "snapshots[0].attn: expected an array of 14, got 13");
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[7")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[null")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[[1]")) ==
        "snapshots[0].attn: expected a number, got an array");
  CHECK(refusal(edited(file, "{\"step\":1,", "{\"step\":0,")) == "history[1]: steps must increase");
  CHECK(refusal(edited(file, "\"attn\":", "\"atn\":")) == "snapshots[0]: 'attn' is missing");
  CHECK(refusal("{\"unknown\":" + std::string(100, '[') + std::string(100, ']') + "}").find("nested deeper than 16") !=
        std::string::npos);
  // A number beyond a float's range is an infinity, not undefined behaviour.
  CHECK(refusal(edited(file, "\"attn\":[[[[1", "\"attn\":[[[[1e300")) ==
        "snapshots[0].attn: weights must be numbers from 0 to 1");
  LabView far;
  REQUIRE(read_run_json(edited(file, "\"history\":[{\"step\":0,\"loss\":", "\"history\":[{\"step\":0,\"loss\":-1e300,\"was\":"),
                        &far).empty());
  CHECK(far.history[0].loss == -INFINITY);
  // Names from the file are quoted on one line, whatever they hold.
  CHECK(refusal("{\"config\":{\"a\\nb\":1}}").find('\n') == std::string::npos);
}

TEST_CASE("a run file's keys appear once, its format is one this headlab reads", "[json][replay]") {
  const std::string file = recorded_run();
  CHECK(file.rfind("{\"format\":1,", 0) == 0);
  CHECK(refusal(edited(file, "\"seed\":1,", "\"seed\":1,\"seed\":2,")) == "config: 'seed' appears twice");
  CHECK(refusal(edited(file, "\"seed\":1,", "\"seed\":1,\"seed\":1,")) == "config: 'seed' appears twice");
  CHECK(refusal(edited(file, "\"d-model\":32,", "\"d-model\":32,\"d_model\":32,")) == "config: 'd_model' appears twice");
  CHECK(refusal(edited(file, "{\"step\":0,\"loss\"", "{\"step\":0,\"step\":0,\"loss\"")) == "history[0].step appears twice");
  CHECK(refusal(edited(file, "\"probe_loss\":", "\"loss\":1,\"probe_loss\":")) == "snapshots[0].loss appears twice");
  CHECK(refusal(edited(file, "\"history\":[", "\"probe\":[],\"history\":[")) == "'probe' appears twice");
  CHECK(refusal(edited(file, "{\"format\":1,", "{\"format\":2,")) ==
        "this run file has format 2, from a newer headlab; this one reads formats up to 1: open it with the headlab that "
        "wrote it, or a newer one");
  CHECK(refusal(edited(file, "{\"format\":1,", "{\"format\":1.5,")) == "format: expected a whole number");
}

TEST_CASE("fields a newer headlab adds are skipped, fields an older one lacks read as zeros", "[json][replay]") {
  const std::string file = recorded_run();
  LabView plain, extended, older;
  REQUIRE(read_run_json(file, &plain).empty());
  // A newer writer's section, snapshot field, history field and role.
  std::string newer = edited(file, "\"history\":[", "\"heads_of_state\":{\"a\":[1,{\"b\":null}]},\"history\":[");
  newer = edited(newer, "\"probe_loss\":", "\"surprise\":[[1,2],[3]],\"probe_loss\":");
  newer = edited(newer, "{\"step\":0,\"loss\"", "{\"step\":0,\"lr\":0.001,\"loss\"");
  newer = edited(newer, "\"roles\":{", "\"roles\":{\"referent\":[[0.5]],");
  const std::string e = read_run_json(newer, &extended);
  INFO(e);
  REQUIRE(e.empty());
  CHECK(written(extended) == file);
  // A file without grad_norm (as before grad_qkvo was written, for instance).
  const size_t at = file.find("\"grad_norm\":");
  const size_t end = file.find("\"grad_qkvo\":", at);
  REQUIRE(read_run_json(file.substr(0, at) + file.substr(end), &older).empty());
  CHECK(older.snapshots[0]->grad_norm == std::vector<float>(older.snapshots[0]->grad_norm.size(), 0.0f));
  CHECK(older.snapshots[0]->attn == plain.snapshots[0]->attn);
}

TEST_CASE("run files written by earlier versions load and replay", "[json][replay][golden]") {
  // tests/golden: files headlab-train --out wrote before run files had a format (README there).
  const std::pair<const unsigned char*, size_t> files[] = {{assets::golden_format0_addsub, assets::golden_format0_addsub_size},
                                                           {assets::golden_format0_induction, assets::golden_format0_induction_size},
                                                           {assets::golden_format0_text, assets::golden_format0_text_size}};
  for (const auto& [bytes, size] : files) {
    const std::string text(reinterpret_cast<const char*>(bytes), size);
    INFO(text.substr(0, 60));
    LabView v;
    const std::string error = read_run_json(text, &v);
    INFO(error);
    REQUIRE(error.empty());
    CHECK(v.step == 20);
    CHECK(v.history.size() == 21);
    REQUIRE(v.snapshots.size() == 3);
    CHECK(v.snapshots.back()->step == 20);
    v.recorded = "golden.json";
    // What was not in those files is zero; what was is there.
    CHECK(v.snapshots.back()->grad_qkvo == std::vector<float>(v.snapshots.back()->grad_qkvo.size(), 0.0f));
    float sum = 0;
    for (float w : v.snapshots.back()->attn) sum += w;
    CHECK(sum == Approx(v.options.layers * v.options.heads * v.probe.size()).epsilon(1e-3));
    // It replays: a host opens it, and "Train it yourself" trains its settings.
    RunHost host([] { return std::make_unique<DirectChannel>(); }, v.options);
    host.open_begin("golden.json");
    host.open_data(bytes, size);
    host.open_end();
    REQUIRE(contract::until(host, [&] { return host.open_result() != "pending" && host.idle(); }));
    REQUIRE(host.open_result() == "");
    CHECK(host.view().step == 20);
    CHECK(host.view().recorded == "golden.json");
    REQUIRE(host.reset(v.options).empty());
    host.step(2);
    REQUIRE(contract::settled(host));
    CHECK(host.view().step == 2);
  }
}

TEST_CASE("a file read in pieces of any size reads as the whole", "[json][replay]") {
  const std::string file = recorded_run();
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}}) {
    RunFileReader reader;
    for (size_t at = 0; at < file.size(); at += piece) REQUIRE(reader.feed(file.data() + at, std::min(piece, file.size() - at)).empty());
    LabView v;
    REQUIRE(reader.finish(&v).empty());
    CHECK(written(v) == file);
  }
}

TEST_CASE("a long run is thinned as it is read: the store's budget, the last snapshot kept", "[json][replay]") {
  // 1,001 snapshots and 2,500 history points, built as text (a session would take minutes).
  const std::string file = recorded_run();
  const size_t a = file.find("\"snapshots\":[") + 13, b = file.find(",\n", a);
  std::string snap = file.substr(a, b - a);  // snapshots[0], step 0
  const std::string head = file.substr(0, file.find("\"history\":["));
  std::string text = head + "\"history\":[";
  for (int i = 0; i < 9000; ++i) text += (i ? ",{\"step\":" : "{\"step\":") + std::to_string(i) + ",\"loss\":1,\"acc\":0.5}";
  text += "],\n\"snapshots\":[";
  const std::string step0 = "{\"step\":0,";
  for (int i = 0; i <= 1000; ++i) {
    std::string s = snap;
    s.replace(0, step0.size(), "{\"step\":" + std::to_string(i * 10) + ",");
    text += (i ? ",\n" : "") + s;
  }
  text += "]}\n";
  LabView v;
  const std::string error = read_run_json(text, &v);
  INFO(error);
  REQUIRE(error.empty());
  const size_t cap = snapshot_capacity(v.options.layers, v.options.heads, static_cast<int>(v.probe.size()));
  REQUIRE(cap < 1001);
  CHECK(v.snapshots.size() <= cap);
  CHECK(v.snapshots.size() >= cap / 2);
  CHECK(v.snapshots.front()->step == 0);
  CHECK(v.snapshots.back()->step == 10000);  // the end of the run is never thinned away
  CHECK(v.history.size() <= kHistoryPoints);
  CHECK(v.history.front().step == 0);
  CHECK(v.history.back().step == 8999);
  for (size_t i = 1; i + 1 < v.snapshots.size(); ++i)  // evenly spaced before the last
    CHECK(v.snapshots[i]->step - v.snapshots[i - 1]->step == v.snapshots[1]->step - v.snapshots[0]->step);
}

TEST_CASE("messages quote at most a little of the file, whatever its tokens", "[json][replay]") {
  const std::string open_string = "{\"config\":{\"text\":\"" + std::string(8 << 20, 'x');
  const std::string long_number = "{\"format\":" + std::string(200000, '7') + "}";
  const std::string long_key = "{\"" + std::string(5 << 20, 'k') + "\":1}";
  for (const std::string* t : {&open_string, &long_number, &long_key}) {
    const std::string e = refusal(*t);
    INFO(e.substr(0, 200));
    CHECK(!e.empty());
    CHECK(e.size() < 200);
  }
  CHECK(refusal(long_number).find("a number longer than 64 characters") != std::string::npos);
  CHECK(refusal(open_string).find("a string longer than") != std::string::npos);
}

TEST_CASE("numbers read as strtod reads them, on the fast path and off it", "[json]") {
  // A handler that keeps the last number.
  struct Last final : JsonEvents {
    double value = 0;
    void begin_object() override {}
    void key(std::string_view) override {}
    void end_object() override {}
    void begin_array() override {}
    void end_array() override {}
    void string(std::string_view) override {}
    void number(const JsonNumber& n) override { value = n.value; }
    void literal(JsonLiteral) override {}
  };
  for (const char* text : {"0", "-0", "1", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456789",
                           "1e22", "1e23", "4.9406564584124654e-324", "1.7976931348623157e308", "2.5e-7", "-3.14159",
                           "0.000123456", "9007199254740993", "1E-22", "7.0e+2", "0.1000000000000000055511151231257827"}) {
    Last last;
    JsonPushParser parser(&last);
    parser.feed(text, std::strlen(text));
    parser.finish();
    INFO(text);
    CHECK(last.value == std::strtod(text, nullptr));
    CHECK(std::signbit(last.value) == std::signbit(std::strtod(text, nullptr)));
  }
}
