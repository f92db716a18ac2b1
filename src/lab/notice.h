// One line for the user about something that finished in the background
// (a checkpoint written, an export that failed), from a trainer or
// the file writer to the window, the terminal and the exit code.
#pragma once
#include <string>

namespace headlab {

struct Notice {
  std::string text;
  bool ok = true;
};

}  // namespace headlab
