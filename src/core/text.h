// Text helpers shared by every layer's messages and by the option vocabulary:
// user values quoted on one line, and numbers as text that reads
// back to the same float (share links and checkpoints must reproduce a run).
#pragma once
#include <cstddef>
#include <string>

namespace headlab {

// A user's value for a one-line message: in quotes, cut after `max` bytes at
// a UTF-8 character boundary, control bytes as \xNN.
std::string quote(const std::string& v, size_t max = 40);

// x in "%g" style with 7 significant digits ("0.001", "20", "1e-05"), or 8 or 9
// where 7 would not read back as x: share links and checkpoints are exact.
std::string float_text(float x);

}  // namespace headlab
