// JSON values as text, shared by the run file (run_json.h) and the web page's state.
#pragma once
#include <string>

namespace headlab {

// A quoted, escaped JSON string.
std::string json_string(const std::string& s);
// x with `digits` significant digits; null for NaN and infinities, which JSON lacks.
std::string json_number(double x, int digits = 6);

}  // namespace headlab
