// copy, reverse, sort: <bos> x1..xn <sep> y1..yn, where y is x copied,
// reversed or sorted. The output half is scored from <sep> on, so each
// output token is predicted from the input and the outputs written so far.
//
//   position  0     1 .. n    n+1    n+2 .. 2n+1
//   token     <bos> x1 .. xn  <sep>  y1  .. yn
//   scored                    ^ positions n+1 .. 2n (predicting y1 .. yn)
//
// copy and reverse use letters; sort uses numbers so the order is obvious.
#include <algorithm>

#include "core/task_factories.h"

namespace headlab {

namespace {

enum class Order { Copy, Reverse, Sort };
constexpr int kBos = 0, kSep = 1, kFirstSymbol = 2;

class SequenceTask : public Task {
 public:
  SequenceTask(Order order, int ctx, int symbols) : order_(order), n_((ctx - 2) / 2), symbols_(symbols) {
    seq_len_ = 2 * n_ + 2;
    vocab_ = {"<bos>", "<sep>"};
    for (int i = 0; i < symbols; ++i)
      vocab_.push_back(order == Order::Sort ? std::to_string(i) : letter_label(i));
  }

  std::string name() const override {
    switch (order_) {
      case Order::Copy: return "copy";
      case Order::Reverse: return "reverse";
      case Order::Sort: return "sort";
    }
    return "";
  }

  std::string description() const override {
    switch (order_) {
      case Order::Copy:
        return "Write the input sequence again after the separator. Each output position must "
               "attend to the matching input position.";
      case Order::Reverse:
        return "Write the input sequence backwards after the separator. The first output attends "
               "to the last input, the second to the one before it, and so on.";
      case Order::Sort:
        return "Write the input numbers in ascending order after the separator. Each output must "
               "find the smallest input not yet written.";
    }
    return "";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int T = seq_len_;
    for (int b = 0; b < B; ++b) {
      int* tok = tokens + b * T;
      int* tgt = targets + b * T;
      int* in = tok + 1;
      int* out = tok + n_ + 2;
      tok[0] = kBos;
      for (int i = 0; i < n_; ++i) in[i] = kFirstSymbol + static_cast<int>(rng.below(symbols_));
      tok[n_ + 1] = kSep;
      switch (order_) {
        case Order::Copy: std::copy(in, in + n_, out); break;
        case Order::Reverse: std::reverse_copy(in, in + n_, out); break;
        case Order::Sort:
          std::copy(in, in + n_, out);
          std::sort(out, out + n_);
          break;
      }
      std::fill(tgt, tgt + T, -1);
      for (int i = n_ + 1; i <= 2 * n_; ++i) tgt[i] = tok[i + 1];
    }
  }

 private:
  Order order_;
  int n_, symbols_;
};

}  // namespace

std::unique_ptr<Task> make_copy_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<SequenceTask>(Order::Copy, spec.ctx, spec.symbols);
}
std::unique_ptr<Task> make_reverse_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<SequenceTask>(Order::Reverse, spec.ctx, spec.symbols);
}
std::unique_ptr<Task> make_sort_task(const TaskSpec& spec, std::string*) {
  return std::make_unique<SequenceTask>(Order::Sort, spec.ctx, spec.symbols);
}

}  // namespace headlab
