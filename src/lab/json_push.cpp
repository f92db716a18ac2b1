#include "lab/json_push.h"

#include <cstdio>
#include <cstdlib>

namespace headlab {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool in_number(char c) { return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One character of the input for a message: printable ASCII in quotes, else its byte value.
std::string shown(char c) {
  char buf[16];
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f && c != '\'') std::snprintf(buf, sizeof buf, "'%c'", c);
  else std::snprintf(buf, sizeof buf, "byte 0x%02x", u);
  return buf;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool valid_number(const std::string& t) {
  size_t i = 0;
  const size_t n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i == n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (is_digit(t[i])) {
    while (i < n && is_digit(t[i])) ++i;
  } else {
    return false;
  }
  if (i < n && t[i] == '.') {
    const size_t start = ++i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    const size_t start = i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

// Clinger's fast path: digits that fit in 2^53 times a power of ten up to
// 10^22 are both exact doubles, so one multiplication or division rounds
// correctly, as strtod would. Run files are almost all such numbers, and
// strtod (musl's, under WebAssembly, above all) is many times slower. False
// when the number needs strtod.
bool fast_number(const std::string& t, double* out) {
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  const bool negative = t[0] == '-';
  if (negative) ++i;
  uint64_t mantissa = 0;
  int digits = 0, exponent = 0;
  for (; i < t.size() && is_digit(t[i]); ++i) {
    if (mantissa || t[i] != '0') ++digits;
    mantissa = mantissa * 10 + static_cast<uint64_t>(t[i] - '0');
    if (digits > 15) return false;
  }
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && is_digit(t[i]); ++i) {
      if (mantissa || t[i] != '0') ++digits;
      mantissa = mantissa * 10 + static_cast<uint64_t>(t[i] - '0');
      --exponent;
      if (digits > 15) return false;
    }
  }
  if (i < t.size()) {  // e or E
    ++i;
    const bool minus = t[i] == '-';
    if (t[i] == '-' || t[i] == '+') ++i;
    int e = 0;
    for (; i < t.size(); ++i) {
      e = e * 10 + (t[i] - '0');
      if (e > 1000) return false;
    }
    exponent += minus ? -e : e;
  }
  if (exponent < -22 || exponent > 22) return false;
  double v = static_cast<double>(mantissa);
  v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
  *out = negative ? -v : v;
  return true;
}
}  // namespace

JsonPushParser::JsonPushParser(JsonEvents* events) : events_(events) { stack_.reserve(kMaxJsonDepth); }

void JsonPushParser::fail(const std::string& what) const {
  throw JsonRefusal("not valid JSON at line " + std::to_string(line_) + ", column " +
                    std::to_string(offset_ - line_start_ + 1) + ": " + what);
}

void JsonPushParser::feed(const char* data, size_t size) {
  for (size_t i = 0; i < size; ++i, ++offset_) {
    const char c = data[i];
    switch (lex_) {
      case Lex::Between:
        between(c);
        break;
      case Lex::String:
        string_char(c);
        break;
      case Lex::Escape: {
        if (high_surrogate_ && c != 'u') fail("a lone UTF-16 surrogate");
        const char* from = "\"\\/bfnrt";
        const char* to = "\"\\/\b\f\n\r\t";
        lex_ = Lex::String;
        if (c == 'u') {
          lex_ = Lex::Unicode;
          unicode_ = 0;
          unicode_digits_ = 0;
          break;
        }
        size_t k = 0;
        while (from[k] && from[k] != c) ++k;
        if (!from[k]) fail("an unknown escape \\" + shown(c));
        if (text_.size() >= kMaxJsonString) fail("a string longer than " + std::to_string(kMaxJsonString) + " bytes");
        text_ += to[k];
        break;
      }
      case Lex::Unicode: {
        const int h = hex_value(c);
        if (h < 0) fail("expected a hex digit in \\u, found " + shown(c));
        unicode_ = unicode_ * 16 + static_cast<uint32_t>(h);
        if (++unicode_digits_ == 4) unicode_done();
        break;
      }
      case Lex::Number:
        if (in_number(c)) {
          if (text_.size() >= kMaxJsonNumber) fail("a number longer than " + std::to_string(kMaxJsonNumber) + " characters");
          text_ += c;
        } else {
          number_done();
          between(c);
        }
        break;
      case Lex::Literal:
        literal_char(c);
        break;
    }
  }
}

void JsonPushParser::finish() {
  if (lex_ == Lex::Number) number_done();
  if (lex_ != Lex::Between || expect_ != Expect::Done) fail("the text ends before the document does");
}

void JsonPushParser::between(char c) {
  if (is_space(c)) {
    if (c == '\n') {
      ++line_;
      line_start_ = offset_ + 1;
    }
    return;
  }
  switch (expect_) {
    case Expect::Done:
      fail("text after the end of the document: " + shown(c));
    case Expect::Colon:
      if (c != ':') fail("expected ':' after a key, found " + shown(c));
      expect_ = Expect::Value;
      return;
    case Expect::CommaOrEnd: {
      const char open = stack_.back();
      if (c == ',') {
        expect_ = open == '{' ? Expect::Key : Expect::Value;
        return;
      }
      if ((open == '{' && c == '}') || (open == '[' && c == ']')) {
        stack_.pop_back();
        if (open == '{') events_->end_object();
        else events_->end_array();
        value_done();
        return;
      }
      fail(std::string("expected ',' or '") + (open == '{' ? '}' : ']') + "', found " + shown(c));
    }
    case Expect::KeyOrEnd:
      if (c == '}') {
        stack_.pop_back();
        events_->end_object();
        value_done();
        return;
      }
      [[fallthrough]];
    case Expect::Key:
      if (c != '"') fail("expected a key in double quotes, found " + shown(c));
      string_is_key_ = true;
      text_.clear();
      lex_ = Lex::String;
      return;
    case Expect::ValueOrEnd:
      if (c == ']') {
        stack_.pop_back();
        events_->end_array();
        value_done();
        return;
      }
      [[fallthrough]];
    case Expect::Value:
      begin_value(c);
      return;
  }
}

void JsonPushParser::begin_value(char c) {
  if (c == '{' || c == '[') {
    if (stack_.size() >= static_cast<size_t>(kMaxJsonDepth)) fail("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    stack_.push_back(c);
    if (c == '{') {
      expect_ = Expect::KeyOrEnd;
      events_->begin_object();
    } else {
      expect_ = Expect::ValueOrEnd;
      events_->begin_array();
    }
  } else if (c == '"') {
    string_is_key_ = false;
    text_.clear();
    lex_ = Lex::String;
  } else if (c == '-' || is_digit(c)) {
    text_.assign(1, c);
    lex_ = Lex::Number;
  } else if (c == 't' || c == 'f' || c == 'n') {
    literal_ = c == 't' ? "true" : c == 'f' ? "false" : "null";
    literal_at_ = 1;
    lex_ = Lex::Literal;
  } else {
    fail("expected a value, found " + shown(c));
  }
}

void JsonPushParser::value_done() { expect_ = stack_.empty() ? Expect::Done : Expect::CommaOrEnd; }

void JsonPushParser::string_char(char c) {
  if (c == '"') {
    if (high_surrogate_) fail("a lone UTF-16 surrogate");
    lex_ = Lex::Between;
    if (string_is_key_) {
      expect_ = Expect::Colon;
      events_->key(text_);
    } else {
      events_->string(text_);
      value_done();
    }
    return;
  }
  if (c == '\\') {
    lex_ = Lex::Escape;
    return;
  }
  if (high_surrogate_) fail("a lone UTF-16 surrogate");
  if (static_cast<unsigned char>(c) < 0x20) fail("a control character (" + shown(c) + ") in a string: it must be escaped");
  if (text_.size() >= kMaxJsonString) fail("a string longer than " + std::to_string(kMaxJsonString) + " bytes");
  text_ += c;
}

void JsonPushParser::unicode_done() {
  lex_ = Lex::String;
  const uint32_t u = unicode_;
  if (u >= 0xD800 && u <= 0xDBFF) {
    if (high_surrogate_) fail("a lone UTF-16 surrogate");
    high_surrogate_ = u;
    return;
  }
  if (u >= 0xDC00 && u <= 0xDFFF) {
    if (!high_surrogate_) fail("a lone UTF-16 surrogate");
    append_utf8(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (u - 0xDC00));
    high_surrogate_ = 0;
    return;
  }
  if (high_surrogate_) fail("a lone UTF-16 surrogate");
  append_utf8(u);
}

void JsonPushParser::append_utf8(uint32_t code) {
  if (text_.size() + 4 > kMaxJsonString) fail("a string longer than " + std::to_string(kMaxJsonString) + " bytes");
  if (code < 0x80) {
    text_ += static_cast<char>(code);
  } else if (code < 0x800) {
    text_ += static_cast<char>(0xC0 | (code >> 6));
    text_ += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    text_ += static_cast<char>(0xE0 | (code >> 12));
    text_ += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    text_ += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    text_ += static_cast<char>(0xF0 | (code >> 18));
    text_ += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    text_ += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    text_ += static_cast<char>(0x80 | (code & 0x3F));
  }
}

void JsonPushParser::number_done() {
  lex_ = Lex::Between;
  if (!valid_number(text_)) fail("a malformed number");
  JsonNumber n;
  n.text = text_;
  if (!fast_number(text_, &n.value)) n.value = std::strtod(text_.c_str(), nullptr);  // the "C" locale: headlab never sets another
  n.is_whole = text_.find_first_not_of("0123456789") == std::string::npos;
  if (n.is_whole) {
    n.whole_fits = true;
    for (char c : text_) {
      const uint64_t d = static_cast<uint64_t>(c - '0');
      if (n.whole > (UINT64_MAX - d) / 10) {
        n.whole_fits = false;
        break;
      }
      n.whole = n.whole * 10 + d;
    }
  }
  events_->number(n);
  value_done();
}

void JsonPushParser::literal_char(char c) {
  if (c != literal_[literal_at_]) fail(std::string("expected ") + literal_ + ", found " + shown(c));
  if (literal_[++literal_at_] != '\0') return;
  lex_ = Lex::Between;
  events_->literal(literal_[0] == 't' ? JsonLiteral::True : literal_[0] == 'f' ? JsonLiteral::False : JsonLiteral::Null);
  value_done();
}

}  // namespace headlab
