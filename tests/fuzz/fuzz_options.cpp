// libFuzzer target: the option parser sees URLs, command lines and embed
// options from anyone. Any input must give "" or a one-line message, and a
// configuration that validates must build a Session that can take a step.
#include <cstdint>
#include <string>
#include <vector>

#include "lab/options.h"
#include "lab/run_checks.h"
#include "lab/session.h"

using namespace headlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Arguments are the input split at NUL bytes, like argv.
  std::vector<std::string> args = {"headlab"};
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(cur);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  Options o;
  const std::string error =
      parse_args(static_cast<int>(argv.size()), argv.data(), kScopeRunAndLive | kScopeView | kScopeCli, o);
  if (error.find('\n') != std::string::npos) __builtin_trap();
  if (!error.empty()) return 0;
  const std::string invalid = validate(o);
  if (invalid.find('\n') != std::string::npos) __builtin_trap();
  if (!invalid.empty()) return 0;
  // Keep each execution well under the 10 s per-input limit on a loaded
  // machine: building a run measures it (an evaluation and a snapshot with
  // its ablation), and with ASan and coverage the default model alone takes
  // about 9 s, so only small runs are built and stepped.
  const RunOptions& r = o.run;
  if (static_cast<double>(r.batch) * r.ctx * r.d_model * r.layers > 2e4 || r.d_mlp > 256 || r.layers * r.heads > 8)
    return 0;
  std::string e;
  auto s = Session::create(r, &e);
  if (!s) __builtin_trap();  // validate() said yes, so create() must succeed
  s->step();
  return 0;
}
