// modadd: "a + b = c" with c = (a + b) mod p, one token per symbol; token
// ids 0..p-1 are the numbers themselves. Only c is scored, predicted at "=".
// The example length is always 5, whatever the model's ctx.
#include <algorithm>

#include "core/task_factories.h"

namespace headlab {

namespace {

class ModAddTask : public Task {
 public:
  explicit ModAddTask(int p) : p_(p), plus_(p), equals_(p + 1) {
    seq_len_ = 5;
    for (int i = 0; i < p; ++i) vocab_.push_back(std::to_string(i));
    vocab_.push_back("+");
    vocab_.push_back("=");
  }

  std::string name() const override { return "modadd"; }
  std::string description() const override {
    return "Addition on a clock with " + std::to_string(p_) +
           " hours: after \"a + b =\" predict (a + b) mod " + std::to_string(p_) +
           ". The \"=\" position must attend to both numbers and combine them.";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    for (int b = 0; b < B; ++b) {
      int* tok = tokens + b * 5;
      int* tgt = targets + b * 5;
      const int x = static_cast<int>(rng.below(p_)), y = static_cast<int>(rng.below(p_));
      tok[0] = x;
      tok[1] = plus_;
      tok[2] = y;
      tok[3] = equals_;
      tok[4] = (x + y) % p_;
      std::fill(tgt, tgt + 5, -1);
      tgt[3] = tok[4];
    }
  }

 private:
  int p_, plus_, equals_;
};

}  // namespace

std::unique_ptr<Task> make_modadd_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<ModAddTask>(spec.symbols);
}

}  // namespace headlab
