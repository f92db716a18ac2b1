// The files a run is saved to and continued from, for every native program
// (headlab-train, the desktop app): checkpoints, the run JSON, and the checks
// made before training so that a finished run is never lost to a bad path.
// Every file is written through write_file_atomically (lab/atomic_file.h);
// core/checkpoint.h only turns checkpoints into bytes and back.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/checkpoint.h"
#include "lab/options.h"
#include "lab/lab_view.h"
#include "lab/session.h"

namespace headlab {

// On failure returns false and sets *error to one line starting with
// "checkpoint: "; *out is untouched.
bool checkpoint_load_file(const std::string& path, CheckpointData* out, std::string* error);
// Returns "" or one line (an invalid checkpoint, or why the file could not be written).
std::string checkpoint_save_file(const std::string& path, const CheckpointData& d);
// The run as JSON (lab/run_json.h). Returns "" or one line.
std::string run_json_save_file(const std::string& path, const LabView& view);
// A regular file of at most max_bytes, in pieces of up to 1 MiB, then an
// empty piece at its end; `piece` returns "" or why to stop. "" or one line.
std::string read_file_pieces(const std::string& path, uint64_t max_bytes,
                             const std::function<std::string(const char* data, size_t size)>& piece);
// A run file read back (lab/run_json_read.h), view->recorded set to its file
// name. Returns "" or one line naming the file.
std::string run_json_load_file(const std::string& path, LabView* view);

// The command line given with --load: its options apply on top of the
// checkpoint's, and only those that keep the model's shape may change.
struct Overrides {
  int argc = 0;
  const char* const* argv = nullptr;
  unsigned scopes = 0;
};
// The options a --load run goes on with: the checkpoint's, with the live
// options of the command line on top. "" or why not.
std::string resumed_options(const CheckpointData& d, const Overrides& overrides, RunOptions* out);
std::unique_ptr<Session> resume_session(const CheckpointData& d, const Overrides& overrides, std::string* error);
// checkpoint_load_file + resume_session.
std::unique_ptr<Session> load_session_file(const std::string& path, const Overrides& overrides, std::string* error);

// Before training: every output the program options name (--out, --save,
// --screenshot) can be written, no two name the same file, and none but
// --save names the --load checkpoint (continuing a run in place). Returns ""
// or one line naming the option.
std::string check_output_files(const ProgramOptions& p);

}  // namespace headlab
