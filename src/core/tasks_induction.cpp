// induction: a run of random letters, repeated until the row is full
// (Olsson et al. 2022). In a repeat the next letter is predictable only by
// finding the current letter's earlier occurrence and copying the letter
// that followed it: in-context copying that needs two layers (Olsson et al.
// found a previous-token head feeding an induction head); one layer stalls.
//
//   position  0      1 .. m     m+1 .. 2m     2m+1 .. T-1
//   token     <bos>  x1 .. xm   x1  .. xm     x1   ..       (cut off at T)
//   scored                      ^ positions m+1 .. T-2 (every next letter inside a repeat)
//
// T = 2n+1 with n = (ctx-1)/2. The run length m varies per example in
// [ceil(n/2), n]: with a fixed m, one layer solves the task by position
// alone (attend m-1 tokens back) and learns nothing in-context. The letters of
// a run are distinct whenever the alphabet allows, so every earlier
// occurrence of a letter is followed by the same letter. The step into the
// first repeat is not scored: nothing before it says where the run ends.
// The probe is the classic picture, n letters then the same n letters.
#include <algorithm>
#include <numeric>

#include "core/task_factories.h"

namespace headlab {

namespace {

constexpr int kBos = 0;

class InductionTask : public Task {
 public:
  InductionTask(int ctx, int symbols) : n_((ctx - 1) / 2), symbols_(symbols) {
    seq_len_ = 2 * n_ + 1;
    vocab_.push_back("<bos>");
    for (int i = 0; i < symbols; ++i) vocab_.push_back(letter_label(i));
  }

  std::string name() const override { return "induction"; }
  std::string description() const override {
    return "A run of random letters, repeated. To predict the repeats, the model must find where "
           "the current letter appeared before and copy the letter that followed it.";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int min_run = (n_ + 1) / 2;
    for (int b = 0; b < B; ++b) {
      const int m = min_run + static_cast<int>(rng.below(n_ - min_run + 1));
      write(rng, m, tokens + b * seq_len_, targets + b * seq_len_);
    }
  }

  void probe(int* tokens, int* targets) const override {
    Rng rng(probe_seed_);
    write(rng, n_, tokens, targets);
  }

 private:
  void write(Rng& rng, int m, int* tok, int* tgt) const {
    const int T = seq_len_;
    tok[0] = kBos;
    if (m <= symbols_) {
      int pool[kMaxLetters];  // partial Fisher-Yates on the stack: sample() must not allocate
      std::iota(pool, pool + symbols_, 1);
      for (int i = 0; i < m; ++i) {
        std::swap(pool[i], pool[i + rng.below(symbols_ - i)]);
        tok[1 + i] = pool[i];
      }
    } else {
      for (int i = 0; i < m; ++i) tok[1 + i] = 1 + static_cast<int>(rng.below(symbols_));
    }
    for (int i = m + 1; i < T; ++i) tok[i] = tok[i - m];
    std::fill(tgt, tgt + T, -1);
    for (int i = m + 1; i < T - 1; ++i) tgt[i] = tok[i + 1];
  }

  int n_, symbols_;
};

}  // namespace

std::unique_ptr<Task> make_induction_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<InductionTask>(spec.ctx, spec.symbols);
}

}  // namespace headlab
