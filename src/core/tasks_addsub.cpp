// addsub: the division-of-labour task. Sums of three digits with the middle
// one subtracted, several to a sequence:
//
//   position  0  1  2  3  4  5  6    7 ...
//   token     a  -  b  +  c  =  r    a' - b' + c' = r' ...   r = a - b + c
//   scored                   ^ at "=", predicting r
//
// Why it needs heads that differ: a head's output at "=" is one weighted
// average (all weights >= 0) of the values it attends to, passed through one
// value/output map. Gathering a and c together gives their sum; taking b
// alone can give -b; but a single head cannot give a and c one sign and b the
// other. With clone-all every head of the layer is the same head, so the
// layer has only that one average. With random initialisation some heads
// gather the numbers to add and another the number to subtract. (A single
// head could in principle pack each number into its own direction and let
// the MLP untangle them; README.md has the measured runs, where gradient
// descent does not find that.) One layer is enough; the positions are fixed,
// so the lookups are positional, with "-" and "+" as plain signposts.
//
// Token ids: the numbers -(S-1) .. 2(S-1) (inputs use 0 .. S-1), then "-",
// "+", "=". T is the largest multiple of 7 that fits ctx.
#include <algorithm>

#include "core/task_factories.h"

namespace headlab {

namespace {

constexpr int kGroup = 7;

class AddSubTask : public Task {
 public:
  AddSubTask(int ctx, int symbols) : s_(symbols), lo_(-(symbols - 1)) {
    seq_len_ = ctx / kGroup * kGroup;
    for (int n = lo_; n <= 2 * (s_ - 1); ++n) vocab_.push_back(std::to_string(n));
    minus_ = vocab_size();
    vocab_.push_back("-");
    plus_ = vocab_size();
    vocab_.push_back("+");
    equals_ = vocab_size();
    vocab_.push_back("=");
  }

  std::string name() const override { return "addsub"; }
  std::string description() const override {
    return "Sums like 3 - 5 + 2 = 0: at \"=\" the model needs three numbers and must subtract the middle "
           "one. One head returns one weighted average of what it looks at, so it can gather numbers to "
           "add or fetch one to subtract, not both: the heads of the layer must split the work.";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    for (int b = 0; b < B; ++b)
      for (int g = 0; g < seq_len_ / kGroup; ++g) {
        const int x = static_cast<int>(rng.below(s_)), y = static_cast<int>(rng.below(s_)),
                  z = static_cast<int>(rng.below(s_));
        write(x, y, z, tokens + b * seq_len_ + g * kGroup, targets + b * seq_len_ + g * kGroup);
      }
  }

  // Hand-picked sums, so the probe reads well: negative, double-digit and
  // repeated digits all appear (reduced modulo the alphabet when it is smaller).
  void probe(int* tokens, int* targets) const override {
    static const int kSums[][3] = {{3, 5, 2}, {7, 1, 4}, {2, 9, 6}, {8, 8, 5}, {4, 0, 9}, {6, 3, 1}};
    for (int g = 0; g < seq_len_ / kGroup; ++g) {
      const int* abc = kSums[g % 6];
      write(abc[0] % s_, abc[1] % s_, abc[2] % s_, tokens + g * kGroup, targets + g * kGroup);
    }
  }

  // Every "=" that ends a sum a - b + c: its row looks up a and c (add) or b
  // (subtract) in one layer. Two layers can split the job across positions
  // instead: at "+" a first-layer head fetches b (b at +), and at "=" a
  // second-layer head reads what "+" now holds (reads +).
  std::vector<RolePattern> roles_on(const int* tokens, int T) const override {
    RolePattern add{"add", "add", "at \"=\", attention on the two numbers to add (a and c in a - b + c)", {}};
    RolePattern sub{"subtract", "sub", "at \"=\", attention on the number to subtract (b in a - b + c)", {}};
    RolePattern fetch{"b at +", "b@+",
                      "at \"+\", attention on b, the number just before it: a first layer can bring b to \"+\" for "
                      "the next layer to read",
                      {}};
    RolePattern read{"reads +", "read+", "at \"=\", attention on \"+\": a second layer reading what a first one put there", {}};
    for (RolePattern* r : {&add, &sub, &fetch, &read}) r->keys.assign(static_cast<size_t>(T) * T, 0);
    for (int q = 5; q < T; ++q) {
      if (tokens[q] != equals_ || tokens[q - 4] != minus_ || tokens[q - 2] != plus_) continue;
      const size_t row = static_cast<size_t>(q) * T, plus_row = static_cast<size_t>(q - 2) * T;
      add.keys[row + q - 5] = add.keys[row + q - 1] = 1;
      sub.keys[row + q - 3] = 1;
      read.keys[row + q - 2] = 1;
      fetch.keys[plus_row + q - 3] = 1;
    }
    return {add, sub, fetch, read};
  }

  // As in training, the answer after each "=" is scored (every next token if there is none).
  void probe_targets(const int* tokens, int T, int* targets) const override {
    bool any = false;
    for (int i = 0; i < T; ++i) {
      targets[i] = tokens[i] == equals_ && i + 1 < T ? tokens[i + 1] : -1;
      any |= targets[i] >= 0;
    }
    if (!any) Task::probe_targets(tokens, T, targets);
  }

 private:
  int id(int n) const { return n - lo_; }

  void write(int x, int y, int z, int* tok, int* tgt) const {
    const int group[kGroup] = {id(x), minus_, id(y), plus_, id(z), equals_, id(x - y + z)};
    std::copy(group, group + kGroup, tok);
    std::fill(tgt, tgt + kGroup, -1);
    tgt[5] = group[6];
  }

  int s_, lo_, minus_ = 0, plus_ = 0, equals_ = 0;
};

}  // namespace

std::unique_ptr<Task> make_addsub_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<AddSubTask>(spec.ctx, spec.symbols);
}

}  // namespace headlab
