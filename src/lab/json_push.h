// A push parser for JSON: the text arrives in pieces of any size (a file read
// in chunks, a download as it arrives) and each token goes to a JsonEvents
// handler as soon as it is complete, so memory stays that of one token
// however large the document. Run files (run_json_read.h) are read with it:
// the JSON libraries Debian packages either need the whole text in memory or
// rescan containers, and a 100 MiB run file must open in seconds, in a few
// MiB, in slices a web page's frame can afford.
//
// Strict RFC 8259 JSON, one value per document. A string may hold at most
// kMaxJsonString bytes and a number kMaxJsonNumber characters; containers nest
// at most kMaxJsonDepth deep. Errors say where (line, column) and what was
// expected, quoting at most one character of the input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace headlab {

constexpr size_t kMaxJsonString = (size_t{4} << 20) + 1024;  // task=text's training text is at most 4 MiB
constexpr size_t kMaxJsonNumber = 64;
constexpr int kMaxJsonDepth = 16;

// A number as written: its value, its text, and whether it is a plain
// non-negative integer (digits only), in which case `whole` holds it if it fits.
struct JsonNumber {
  double value = 0.0;
  std::string_view text;
  bool is_whole = false;
  bool whole_fits = false;  // the digits fit in a uint64_t
  uint64_t whole = 0;
};

enum class JsonLiteral { True, False, Null };

// What a handler sees; a handler refuses a document by throwing JsonRefusal.
class JsonEvents {
 public:
  virtual ~JsonEvents() = default;
  virtual void begin_object() = 0;
  virtual void key(std::string_view k) = 0;
  virtual void end_object() = 0;
  virtual void begin_array() = 0;
  virtual void end_array() = 0;
  virtual void string(std::string_view s) = 0;
  virtual void number(const JsonNumber& n) = 0;
  virtual void literal(JsonLiteral l) = 0;
};

struct JsonRefusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class JsonPushParser {
 public:
  explicit JsonPushParser(JsonEvents* events);
  // Parses the next piece. Throws JsonRefusal for text that is not JSON (the
  // message says where) and lets the handler's refusals through.
  void feed(const char* data, size_t size);
  // The end of the text: throws JsonRefusal if the document is incomplete.
  void finish();
  uint64_t bytes() const { return offset_; }

 private:
  enum class Lex : uint8_t { Between, String, Escape, Unicode, Number, Literal };
  enum class Expect : uint8_t { Value, ValueOrEnd, KeyOrEnd, Key, Colon, CommaOrEnd, Done };

  [[noreturn]] void fail(const std::string& what) const;
  void between(char c);
  void begin_value(char c);
  void value_done();
  void string_char(char c);
  void unicode_done();
  void number_done();
  void literal_char(char c);
  void append_utf8(uint32_t code);

  JsonEvents* events_;
  Lex lex_ = Lex::Between;
  Expect expect_ = Expect::Value;
  std::vector<char> stack_;  // '{' or '[' per open container
  bool string_is_key_ = false;
  std::string text_;         // the string or number being read
  uint32_t unicode_ = 0;     // \uXXXX being read
  int unicode_digits_ = 0;
  uint32_t high_surrogate_ = 0;  // waiting for its low half
  const char* literal_ = nullptr;  // "true", "false" or "null" being matched
  size_t literal_at_ = 0;
  uint64_t offset_ = 0;      // bytes consumed
  uint64_t line_ = 1, line_start_ = 0;
};

}  // namespace headlab
