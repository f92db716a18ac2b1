#include "core/text.h"

#include <cstdio>
#include <cstdlib>

namespace headlab {

std::string quote(const std::string& v, size_t max) {
  // Messages are one line, so control bytes from a URL, argv or a file are shown escaped.
  static const char kHex[] = "0123456789abcdef";
  size_t cut = v.size() > max ? max : v.size();
  while (cut > 0 && cut < v.size() && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  std::string s = "'";
  for (size_t i = 0; i < cut; ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) {
      s += "\\x";
      s += kHex[c >> 4];
      s += kHex[c & 15];
    } else {
      s += static_cast<char>(c);
    }
  }
  return s + (cut < v.size() ? "...'" : "'");
}

std::string float_text(float x) {
  // 7 digits as before (a value typed with up to 7 digits reads the same, and
  // 20 stays "20", not "2e+01"); more only where 7 would not read back.
  char buf[32];
  for (int digits = 7; digits < 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(x));
    if (std::strtof(buf, nullptr) == x) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(x));  // 9 digits always read back
  return buf;
}

}  // namespace headlab
