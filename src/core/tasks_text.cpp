// text: character-level language modelling on the user's own UTF-8 text.
// Tokens are the distinct code points in code-point order; every position
// of a random window of T+1 characters is scored; the probe is the text's
// first T characters. Invalid UTF-8 is rejected with the byte offset rather
// than replaced by U+FFFD: a silently substituted symbol would be learned as
// if it were part of the text, and the fix (re-save the file as UTF-8) is
// the user's to make. Building is O(n log V) so megabyte texts load at once.
#include <algorithm>
#include <cstdio>

#include "core/task_factories.h"

namespace headlab {

namespace {

// Larger vocabularies make the output layer and the heatmap labels unwieldy;
// alphabetic scripts stay well below it (Chinese or Japanese text does not).
constexpr int kMaxSymbols = 256;

// Decodes strict UTF-8 (no overlongs, surrogates or values past U+10FFFF).
// Returns -1 on success, else the byte offset of the first invalid sequence.
long decode_utf8(const std::string& s, std::vector<int>* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  out->reserve(n);
  for (size_t i = 0; i < n;) {
    const unsigned c = p[i];
    int len = 0;
    unsigned cp = 0, min = 0;
    if (c < 0x80) len = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return static_cast<long>(i);
    if (i + len > n) return static_cast<long>(i);
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return static_cast<long>(i);
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return static_cast<long>(i);
    out->push_back(static_cast<int>(cp));
    i += len;
  }
  return -1;
}

// Code points that draw nothing on their own: spaces other than ' ',
// zero-width and direction marks, variation selectors, BOM.
bool invisible(int cp) {
  static const int ranges[][2] = {{0x00A0, 0x00A0}, {0x00AD, 0x00AD}, {0x2000, 0x200F},
                                  {0x2028, 0x202F}, {0x205F, 0x206F}, {0x3000, 0x3000},
                                  {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xE0000, 0xE007F}};
  for (const auto& r : ranges)
    if (cp >= r[0] && cp <= r[1]) return true;
  return false;
}

void append_utf8(std::string* s, int cp) {
  const auto u = static_cast<unsigned>(cp);
  if (u < 0x80) {
    s->push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    s->push_back(static_cast<char>(0xC0 | (u >> 6)));
    s->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else if (u < 0x10000) {
    s->push_back(static_cast<char>(0xE0 | (u >> 12)));
    s->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else {
    s->push_back(static_cast<char>(0xF0 | (u >> 18)));
    s->push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  }
}

// A heatmap axis label: the character itself when it is visible, else an escape.
std::string char_label(int cp) {
  switch (cp) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case ' ': return "\xE2\x90\xA3";  // U+2423 OPEN BOX, the usual visible space
  }
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || invisible(cp)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, cp < 0x100 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(cp));
    return buf;
  }
  std::string s;
  append_utf8(&s, cp);
  return s;
}

class TextTask : public Task {
 public:
  TextTask(int T, std::vector<int> ids, const std::vector<int>& alphabet) : ids_(std::move(ids)), alphabet_(alphabet) {
    seq_len_ = T;
    for (int cp : alphabet) vocab_.push_back(char_label(cp));
  }

  // Every character is a token, spaces and line breaks included.
  std::string read_probe(const std::string& text, std::vector<int>* ids) const override {
    std::vector<int> cps;
    const long bad = decode_utf8(text, &cps);
    if (bad >= 0) return "invalid UTF-8 at byte " + std::to_string(bad);
    ids->clear();
    for (int cp : cps) {
      const auto at = std::lower_bound(alphabet_.begin(), alphabet_.end(), cp);
      if (at == alphabet_.end() || *at != cp)
        return "'" + char_label(cp) + "' does not occur in the training text, so the model has no token for it";
      ids->push_back(static_cast<int>(at - alphabet_.begin()));
    }
    return probe_length(ids->size());
  }

  std::string name() const override { return "text"; }
  std::string description() const override {
    return "Character-level language modelling on your own text: predict every next character "
           "from the ones before it.";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int T = seq_len_;
    const auto starts = static_cast<uint32_t>(ids_.size() - T);  // windows of T+1 characters
    for (int b = 0; b < B; ++b) window(rng.below(starts), tokens + b * T, targets + b * T);
  }

  void probe(int* tokens, int* targets) const override { window(0, tokens, targets); }

 private:
  void window(size_t start, int* tok, int* tgt) const {
    const int* w = ids_.data() + start;
    std::copy(w, w + seq_len_, tok);
    std::copy(w + 1, w + 1 + seq_len_, tgt);
  }

  std::vector<int> ids_;  // the text as token ids
  std::vector<int> alphabet_;  // code points in id order (ascending)
};

}  // namespace

std::unique_ptr<Task> make_text_task(const TaskSpec& spec, std::string* error) {
  const int T = spec.ctx;
  const std::string need = "at least " + std::to_string(T + 1) + " characters (ctx " +
                           std::to_string(T) + " + 1)";
  if (spec.text.empty()) {
    *error = "text: no training text given; task text needs " + need;
    return nullptr;
  }
  std::vector<int> cps;
  const long bad = decode_utf8(spec.text, &cps);
  if (bad >= 0) {
    *error = "text: invalid UTF-8 at byte " + std::to_string(bad) + "; save the text as UTF-8";
    return nullptr;
  }
  if (cps.size() < static_cast<size_t>(T) + 1) {
    *error = "text: " + std::to_string(cps.size()) + " characters is too short; need " + need;
    return nullptr;
  }
  // Distinct code points: a table for ASCII, a small sorted list for the rest.
  bool ascii[128] = {};
  std::vector<int> other;
  for (int cp : cps) {
    if (cp < 128) {
      ascii[cp] = true;
      continue;
    }
    auto it = std::lower_bound(other.begin(), other.end(), cp);
    if (it != other.end() && *it == cp) continue;
    other.insert(it, cp);
    if (other.size() > kMaxSymbols) break;
  }
  std::vector<int> alphabet, ascii_id(128, -1);
  for (int c = 0; c < 128; ++c)
    if (ascii[c]) ascii_id[c] = static_cast<int>(alphabet.size()), alphabet.push_back(c);
  alphabet.insert(alphabet.end(), other.begin(), other.end());
  if (alphabet.size() > kMaxSymbols) {
    *error = "text: more than " + std::to_string(kMaxSymbols) +
             " distinct characters; use a text with a smaller alphabet";
    return nullptr;
  }
  for (int& cp : cps)
    cp = cp < 128 ? ascii_id[cp]
                  : static_cast<int>(std::lower_bound(alphabet.begin(), alphabet.end(), cp) -
                                     alphabet.begin());
  return std::make_unique<TextTask>(T, std::move(cps), alphabet);
}

}  // namespace headlab
