#include "lab/run_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <new>
#include <sstream>
#include <utility>
#include <vector>

#include "lab/atomic_file.h"
#include "lab/run_json.h"
#include "lab/run_checks.h"
#include "lab/run_json_read.h"

namespace headlab {
namespace {

bool load_failed(std::string* error, const std::string& msg) {
  *error = "checkpoint: " + msg;
  return false;
}

bool read_all(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Opens a regular file of at most max_bytes for reading: *fd, its size, or what is wrong.
std::string open_regular_file(const std::string& path, uint64_t max_bytes, int* fd, uint64_t* size) {
  const std::string name = quote_path(path);
  // Checked before opening: opening a FIFO would wait for a writer.
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "cannot open " + name + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return name + " is not a regular file";
  *fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (*fd < 0) return "cannot open " + name + ": " + std::strerror(errno);
  std::string problem;
  if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "cannot read " + name + ": " + std::strerror(errno);
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    problem = name + " is " + std::to_string(st.st_size) + " bytes, over the limit of " + std::to_string(max_bytes);
  }
  if (!problem.empty()) close(*fd);
  *size = static_cast<uint64_t>(st.st_size);
  return problem;
}

// The whole of a regular file of at most max_bytes into *out; "" or what went wrong.
template <typename Bytes>
std::string read_regular_file(const std::string& path, uint64_t max_bytes, Bytes* out) {
  int fd = -1;
  uint64_t size = 0;
  std::string problem = open_regular_file(path, max_bytes, &fd, &size);
  if (!problem.empty()) return problem;
  out->resize(static_cast<size_t>(size));
  errno = 0;
  if (!read_all(fd, reinterpret_cast<uint8_t*>(out->data()), out->size()))
    problem = "cannot read " + quote_path(path) + ": " + (errno ? std::strerror(errno) : "file is shorter than it was");
  close(fd);
  return problem;
}

}  // namespace

std::string read_file_pieces(const std::string& path, uint64_t max_bytes,
                             const std::function<std::string(const char* data, size_t size)>& piece) {
  int fd = -1;
  uint64_t size = 0;
  std::string problem = open_regular_file(path, max_bytes, &fd, &size);
  if (!problem.empty()) return problem;
  std::vector<char> buffer(size_t{1} << 20);
  for (;;) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = "cannot read " + quote_path(path) + ": " + std::strerror(errno);
      break;
    }
    problem = piece(buffer.data(), static_cast<size_t>(n));
    if (!problem.empty() || n == 0) break;
  }
  close(fd);
  return problem;
}

namespace {

// A run file read in pieces (memory: one piece and the result, whatever the file's size).
std::string read_run_file(const std::string& path, LabView* view) {
  RunFileReader reader;
  std::string refused;  // what the reader found wrong (the file's own problems name the file already)
  const std::string problem = read_file_pieces(path, kMaxRunJsonBytes, [&](const char* data, size_t size) {
    refused = size ? reader.feed(data, size) : reader.finish(view);
    return refused;
  });
  return problem.empty() || problem != refused ? problem : quote_path(path) + ": " + problem;
}

bool load(const std::string& path, CheckpointData* out, std::string* error) {
  std::vector<uint8_t> bytes;
  const std::string problem = read_regular_file(path, checkpoint_max_bytes(), &bytes);
  if (!problem.empty()) return load_failed(error, problem);
  CheckpointData d;
  if (!checkpoint_decode(bytes.data(), bytes.size(), &d, error)) {
    error->insert(std::strlen("checkpoint: "), quote_path(path) + ": ");
    return false;
  }
  *out = std::move(d);
  return true;
}

}  // namespace

bool checkpoint_load_file(const std::string& path, CheckpointData* out, std::string* error) {
  try {
    return load(path, out, error);
  } catch (const std::bad_alloc&) {
    return load_failed(error, "out of memory reading " + quote_path(path));
  }
}

std::string checkpoint_save_file(const std::string& path, const CheckpointData& d) {
  std::string error;
  const std::vector<uint8_t> bytes = checkpoint_encode(d, &error);
  if (bytes.empty()) return error;
  return write_file_atomically(path, bytes.data(), bytes.size());
}

std::string run_json_save_file(const std::string& path, const LabView& view) {
  std::ostringstream json;
  write_run_json(json, view);
  if (!json) return "out of memory writing the run JSON";
  const std::string bytes = json.str();
  return write_file_atomically(path, bytes.data(), bytes.size());
}

std::string run_json_load_file(const std::string& path, LabView* view) {
  try {
    const std::string problem = read_run_file(path, view);
    if (!problem.empty()) return problem;
    const size_t slash = path.find_last_of('/');
    view->recorded = slash == std::string::npos ? path : path.substr(slash + 1);
    return "";
  } catch (const std::bad_alloc&) {
    return "out of memory reading " + quote_path(path);
  }
}

std::string resumed_options(const CheckpointData& d, const Overrides& overrides, RunOptions* out) {
  Options kept;
  for (const auto& [key, value] : d.options) {
    const std::string e = set_option(kept, key, value, kScopeRunAndLive);
    if (!e.empty()) return "checkpoint: " + e;
  }
  Options o = kept;
  std::string error = parse_args(overrides.argc, overrides.argv, overrides.scopes, o);
  if (!error.empty()) return error;
  // Options that define the run (even the probe, which changes only what is
  // measured) stay as the checkpoint has them: name them and what can change.
  if (const auto fixed = changed_options(kept.run, o.run, kScopeRun); !fixed.empty()) {
    std::string names, live;
    for (const std::string& k : fixed) names += (names.empty() ? "" : ", ") + k;
    for (const OptionInfo& row : option_table())
      if (row.scope == kScopeLive) live += (live.empty() ? "" : ", ") + std::string(row.key);
    return "--load continues the checkpoint's run as it was: " + names + (fixed.size() > 1 ? " are" : " is") +
           " part of it (only " + live + " may change); to train with another " + names + ", leave out --load";
  }
  error = validate_live(o.run.live, o.run.layers, o.run.heads);
  if (!error.empty()) return error;
  *out = o.run;
  return "";
}

std::unique_ptr<Session> resume_session(const CheckpointData& d, const Overrides& overrides, std::string* error) {
  RunOptions o;
  *error = resumed_options(d, overrides, &o);
  if (!error->empty()) return nullptr;
  auto s = Session::from_checkpoint(d, error);
  if (!s) return nullptr;
  *error = s->update_hyperparameters(o);
  if (!error->empty()) return nullptr;
  return s;
}

std::unique_ptr<Session> load_session_file(const std::string& path, const Overrides& overrides, std::string* error) {
  CheckpointData d;
  if (!checkpoint_load_file(path, &d, error)) return nullptr;
  return resume_session(d, overrides, error);
}

std::string check_output_files(const ProgramOptions& p) {
  struct Output {
    const char* option;
    const std::string& path;
  };
  std::vector<Output> outputs;
  for (const Output& o : {Output{"--out", p.out}, Output{"--save", p.save}, Output{"--screenshot", p.screenshot}})
    if (!o.path.empty()) outputs.push_back(o);
  for (const Output& o : outputs) {
    const std::string error = probe_output(o.path);
    if (!error.empty()) return std::string(o.option) + ": " + error;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = i + 1; j < outputs.size(); ++j)
      if (same_file(outputs[i].path, outputs[j].path))
        return std::string(outputs[i].option) + " and " + outputs[j].option + " name the same file " +
               quote_path(outputs[j].path) + "; give each its own";
    if (!p.load.empty() && std::string(outputs[i].option) != "--save" && same_file(outputs[i].path, p.load))
      return std::string(outputs[i].option) + " would overwrite the --load checkpoint " + quote_path(p.load);
  }
  return "";
}

}  // namespace headlab
