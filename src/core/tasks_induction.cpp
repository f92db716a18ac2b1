// induction: random letters, then stretches copied from them (Olsson et al.
// 2022). Inside a copied stretch the next letter is predictable only by
// finding the current letter's earlier occurrence and copying the letter that
// followed it: the job of a previous-token head feeding an induction head.
//
//   position  0      1 .. k          k+1 ..
//   token     <bos>  x1 .. xk        x_s .. x_{s+L-1}   x_s' .. x_{s'+L'-1}   ...
//                    distinct        a stretch copied   another stretch (random start s', length L')
//   scored                           ^ every position inside a stretch but its last
//
// The prefix length k and every stretch's start and length are random, so no
// fixed offset or position predicts the next letter: only content matching
// does. The first letter of each stretch is unpredictable and not scored.
// The probe is the classic picture: n distinct letters, then all n again
// (k = n, one stretch from the start), which the training data includes.
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
    return "Random letters, then stretches copied from them. To continue a stretch, the model must "
           "find where the current letter appeared before and copy the letter that followed it.";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int k_max = std::min(n_, symbols_), k_min = std::max(2, (k_max + 1) / 2);
    for (int b = 0; b < B; ++b) {
      const int k = k_min + static_cast<int>(rng.below(k_max - k_min + 1));
      write(rng, k, /*single_stretch=*/false, tokens + b * seq_len_, targets + b * seq_len_);
    }
  }

  void probe(int* tokens, int* targets) const override {
    Rng rng(probe_seed_);
    write(rng, std::min(n_, symbols_), /*single_stretch=*/true, tokens, targets);
  }

 private:
  void write(Rng& rng, int k, bool single_stretch, int* tok, int* tgt) const {
    const int T = seq_len_;
    tok[0] = kBos;
    int pool[kMaxLetters];  // partial Fisher-Yates on the stack: sample() must not allocate
    std::iota(pool, pool + symbols_, 1);
    for (int i = 0; i < k; ++i) {
      std::swap(pool[i], pool[i + rng.below(symbols_ - i)]);
      tok[1 + i] = pool[i];
    }
    std::fill(tgt, tgt + T, -1);
    for (int pos = k + 1; pos < T;) {
      // A stretch starts at prefix position s and stays inside the prefix,
      // where every letter is distinct and so has one known successor.
      const int s = single_stretch ? 1 : 1 + static_cast<int>(rng.below(k - 1));
      const int room = std::min(k - s + 1, T - pos);
      const int len = single_stretch ? room : std::min(room, 2 + static_cast<int>(rng.below(k - 1)));
      for (int i = 0; i < len; ++i) tok[pos + i] = tok[s + i];
      for (int i = 0; i + 1 < len; ++i) tgt[pos + i] = tok[pos + i + 1];
      pos += len;
    }
  }

  int n_, symbols_;
};

}  // namespace

std::unique_ptr<Task> make_induction_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<InductionTask>(spec.ctx, spec.symbols);
}

}  // namespace headlab
