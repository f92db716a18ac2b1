// libFuzzer target: run files come from anyone (a tutorial's URL, a file a
// reader opens). Any input must give "" or a one-line message; a file that
// reads must write back to a file that reads to the same view.
#include <cstdint>
#include <sstream>
#include <string>

#include "lab/run_json.h"
#include "lab/run_json_read.h"

using namespace headlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LabView v;
  const std::string error = read_run_json(std::string(reinterpret_cast<const char*>(data), size), &v);
  if (error.find('\n') != std::string::npos) __builtin_trap();
  if (!error.empty()) return 0;
  std::ostringstream once;
  write_run_json(once, v);
  LabView again;
  if (!read_run_json(once.str(), &again).empty()) __builtin_trap();
  std::ostringstream twice;
  write_run_json(twice, again);
  if (twice.str() != once.str()) __builtin_trap();
  return 0;
}
