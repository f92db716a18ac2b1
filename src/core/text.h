// Text helpers shared by every layer's messages and by the option vocabulary:
// user values quoted on one line, and numbers as the shortest text that reads
// back to the same float (share links and checkpoints must reproduce a run).
#pragma once
#include <cstddef>
#include <string>

namespace headlab {

// A user's value for a one-line message: in quotes, cut after `max` bytes at
// a UTF-8 character boundary, control bytes as \xNN.
std::string quote(const std::string& v, size_t max = 40);

// The shortest decimal ("%g" style, e.g. "0.001", "1e-05") that strtof reads back as x.
std::string float_text(float x);

}  // namespace headlab
