// The files of a run: checkpoint save/load with clear errors, continuing a
// checkpoint with command-line overrides, the checks made before training,
// and the run JSON (every string a JSON string).
#include <stdlib.h>  // mkdtemp
#include <sys/stat.h>  // mkfifo

#include <catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "lab/run_files.h"
#include "lab/lab_helpers.h"
#include "lab/run_json.h"

using namespace headlab;
using headlab::test::TempDir;
namespace fs = std::filesystem;

namespace {

RunOptions tiny() {
  RunOptions r;
  r.task = "copy";
  r.layers = 1;
  r.heads = 2;
  r.d_model = 16;
  r.d_mlp = 32;
  r.ctx = 12;
  r.batch = 4;
  return r;
}


bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string run_json(const RunOptions& r) {
  auto s = test::make_session(r);
  LabView v;
  start_view(*s, &v);
  std::ostringstream out;
  write_run_json(out, v);
  return out.str();
}

}  // namespace

TEST_CASE("checkpoint files: save, load, clear errors", "[files][checkpoint]") {
  TempDir dir;
  const std::string path = dir / "run.ckpt";
  auto s = test::make_session(tiny());
  REQUIRE(s->step());
  REQUIRE(checkpoint_save_file(path, s->checkpoint()) == "");
  REQUIRE(s->step());
  REQUIRE(checkpoint_save_file(path, s->checkpoint()) == "");  // replaces the file
  CheckpointData back;
  std::string error;
  REQUIRE(checkpoint_load_file(path, &back, &error));
  CHECK(checkpoint_encode(back) == checkpoint_encode(s->checkpoint()));

  const std::string missing = dir / "missing.ckpt";
  CHECK_FALSE(checkpoint_load_file(missing, &back, &error));
  CHECK(error == "checkpoint: cannot open '" + missing + "': No such file or directory");
  CHECK(contains(checkpoint_save_file(dir / "no-such-dir/x.ckpt", s->checkpoint()), "No such file or directory"));
  CHECK_FALSE(checkpoint_load_file(dir.path.string(), &back, &error));
  CHECK(error == "checkpoint: '" + dir.path.string() + "' is not a regular file");

  CheckpointData bad = s->checkpoint();
  bad.params[0] = std::numeric_limits<float>::quiet_NaN();
  CHECK(contains(checkpoint_save_file(path, bad), "checkpoint: params tensor 'wte' element 0 is NaN"));

  // A cut-off file names itself in the message; failed loads leave *out alone.
  const std::vector<uint8_t> f = checkpoint_encode(s->checkpoint());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(f.data()), 100);
  CHECK_FALSE(checkpoint_load_file(path, &back, &error));
  CHECK(contains(error, "checkpoint: '" + path + "': truncated at byte 100 of "));
  CHECK(checkpoint_encode(back) == f);
}

#ifndef __EMSCRIPTEN__
TEST_CASE("loading a FIFO is refused without waiting for a writer", "[files][checkpoint]") {
  TempDir dir;
  const std::string fifo = dir / "fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CheckpointData d;
  std::string error;
  CHECK_FALSE(checkpoint_load_file(fifo, &d, &error));
  CHECK(error == "checkpoint: '" + fifo + "' is not a regular file");
}
#endif

TEST_CASE("a checkpoint continues with the command line's overrides", "[files][checkpoint]") {
  TempDir dir;
  const std::string path = dir / "run.ckpt";
  auto s = test::make_session(tiny());
  REQUIRE(s->step());
  REQUIRE(checkpoint_save_file(path, s->checkpoint()) == "");
  std::string error;

  auto same = load_session_file(path, Overrides{}, &error);
  REQUIRE(same);
  CHECK(same->step_count() == 1);
  CHECK(same->options().live.lr == s->options().live.lr);

  const char* lr[] = {"headlab-train", "--lr", "0.01"};
  auto faster = load_session_file(path, Overrides{3, lr, kScopeRunAndLive}, &error);
  REQUIRE(faster);
  CHECK(faster->options().live.lr == 0.01f);
  CHECK(faster->step_count() == 1);

  const char* heads[] = {"headlab-train", "--heads", "4"};
  CHECK_FALSE(load_session_file(path, Overrides{3, heads, kScopeRunAndLive}, &error));
  CHECK(contains(error, "heads is part of it"));
  const char* unknown[] = {"headlab-train", "--frobnicate", "1"};
  CHECK_FALSE(load_session_file(path, Overrides{3, unknown, kScopeRun}, &error));
  CHECK(contains(error, "unknown option 'frobnicate'"));
}

TEST_CASE("outputs are checked before training: writable, distinct, not the checkpoint being read",
          "[files]") {
  TempDir dir;
  ProgramOptions p;
  p.out = dir / "run.json";
  p.save = dir / "run.ckpt";
  CHECK(check_output_files(p) == "");
  CHECK(fs::is_empty(dir.path));  // probing creates nothing

  p.save = dir / "no-such-dir/run.ckpt";
  CHECK(check_output_files(p) == "--save: cannot write '" + p.save + "': No such file or directory");

  p.save = dir / "./run.json";
  CHECK(check_output_files(p) == "--out and --save name the same file '" + p.save + "'; give each its own");
  p.save = dir / "run.ckpt";
  p.screenshot = dir / "run.ckpt";
  CHECK(contains(check_output_files(p), "--save and --screenshot name the same file"));
  p.screenshot.clear();

  // Continuing a checkpoint in place is what --load x --save x is for; --out must not overwrite it.
  p.load = p.save;
  CHECK(check_output_files(p) == "");
  p.load = p.out;
  CHECK(check_output_files(p) == "--out would overwrite the --load checkpoint '" + p.out + "'");
}

TEST_CASE("the run JSON keeps text that reads as a number a string", "[files][json]") {
  RunOptions r = tiny();
  r.task = "text";
  r.text = std::string(40, '0');
  CHECK(contains(run_json(r), "\"text\":\"" + r.text + "\""));
  r.text = "3.14159265358979323846264338327950288419716939937510";
  CHECK(contains(run_json(r), "\"text\":\"" + r.text + "\""));
  // Numeric options stay numbers.
  CHECK(contains(run_json(r), "\"heads\":2,"));
}

TEST_CASE("run_json_save_file writes the whole run", "[files][json]") {
  TempDir dir;
  auto s = test::make_session(tiny());
  LabView v;
  start_view(*s, &v);
  const std::string path = dir / "run.json";
  REQUIRE(run_json_save_file(path, v) == "");
  std::ostringstream expected;
  write_run_json(expected, v);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream got;
  got << in.rdbuf();
  CHECK(got.str() == expected.str());
  CHECK(contains(run_json_save_file(dir / "missing/run.json", v), "No such file or directory"));
}
