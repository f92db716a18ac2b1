// A toy task: a vocabulary with printable tokens, a seeded batch generator,
// a fixed probe example for the visualiser, and which positions are scored.
//
// Encoding shared by all tasks: a batch is B rows of T token ids; targets[i]
// is the id that should follow tokens[i], or -1 where the next token is not
// predictable from the context (those positions are excluded from both the
// loss and the accuracy).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"

namespace headlab {

// A lookup a task rewards, as a pattern on its probe: row i's attention on
// the key positions j where keys[i * T + j] != 0. A head's score for the role
// is its attention mass on those keys, averaged over the rows that have any
// (lab/metrics.h); the generic roles (previous-token, induction, ...) are
// patterns of the same form.
struct RolePattern {
  std::string name;        // e.g. "subtract"
  std::string short_name;  // a badge, at most 6 characters, e.g. "sub"
  std::string help;        // one line for a tutorial reader
  std::vector<unsigned char> keys;  // [T][T]
};

// What the user asked for; make_task() checks it and builds the task.
struct TaskSpec {
  std::string name = "induction";  // induction, addsub, coref, copy, reverse, sort, modadd, text
  int ctx = 32;                    // the model's context; the task picks a length T <= ctx
  int symbols = 0;                 // alphabet size for induction/copy/reverse/sort, modulus for modadd; 0 = task default
  std::string text;                // training text for the `text` task (UTF-8)
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  // One or two sentences for a tutorial reader: what the model must learn.
  virtual std::string description() const = 0;
  const std::vector<std::string>& vocab() const { return vocab_; }
  int vocab_size() const { return static_cast<int>(vocab_.size()); }
  // Sequence length T of every example (<= the ctx it was made for).
  int seq_len() const { return seq_len_; }
  // Writes B examples ([B*T] tokens and targets). Must not allocate.
  virtual void sample(Rng& rng, int B, int* tokens, int* targets) const = 0;
  // The fixed example every head view shows ([T] tokens and targets).
  // Default: a sample drawn from a fixed seed, so every run shows the same probe.
  virtual void probe(int* tokens, int* targets) const;
  // A probe the user typed, read as tokens of vocab(): words separated by
  // white space, each one token or a run of tokens read longest first
  // ("abab" is a b a b). Tasks whose sequences start with <bos> get it added
  // when the text does not start with it. Returns "" or what is wrong.
  virtual std::string read_probe(const std::string& text, std::vector<int>* ids) const;
  // Which positions of a typed probe are scored (its probe loss and
  // gradients): by default every next token; -1 = not scored.
  virtual void probe_targets(const int* tokens, int T, int* targets) const;
  // The lookups this task rewards, as patterns on `tokens` (T of them; the
  // task's own probe or a typed one). None by default: the generic roles
  // then describe the heads.
  virtual std::vector<RolePattern> roles_on(const int* /*tokens*/, int /*T*/) const { return {}; }

 protected:
  // read_probe()'s messages: a word that is no run of tokens, a length out of
  // range ("" if fine) counting `added` tokens the reader did not type (<bos>).
  std::string unknown_token(const std::string& word) const;
  std::string probe_length(size_t n, int added = 0) const;

  std::vector<std::string> vocab_;
  int seq_len_ = 0;
  uint64_t probe_seed_ = 12345;  // tasks whose probe is a random sample use this fixed seed
};

// Builds the task or returns nullptr and sets *error to one line naming what is wrong.
std::unique_ptr<Task> make_task(const TaskSpec& spec, std::string* error);

// Task names in menu order.
const std::vector<std::string>& task_names();

}  // namespace headlab
