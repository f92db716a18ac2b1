// The Runner for single-threaded hosts (the web page, tests): training runs
// inside frame(), time-sliced so the page keeps drawing.
#include <chrono>
#include <deque>

#include "lab/runner.h"

namespace headlab {

namespace {

class InlineRunner final : public Runner {
 public:
  explicit InlineRunner(std::unique_ptr<Session> s) { adopt(std::move(s)); }

  // The view says so at once, so a page asking for state() right after a command sees it.
  void play() override { view_.playing = playing_ = session_->fault() == Fault::None; }
  void pause() override { view_.playing = playing_ = false; }
  bool trains_in_frame() const override { return true; }

  void step(int n) override {
    playing_ = false;
    for (int i = 0; i < n && session_->step(); ++i) {
    }
    refresh();
  }

  std::string reset(const RunOptions& options) override {
    std::string error;
    auto s = Session::create(options, &error);
    if (!s) return error;
    adopt(std::move(s));
    return "";
  }

  std::string set_hyperparameters(const RunOptions& options) override {
    std::string e = session_->update_hyperparameters(options);
    refresh();
    return e;
  }

  void restore_last_good() override {
    session_->restore_last_good();
    refresh();
  }

  void frame(double budget_ms) override {
    if (playing_) {
      session_->advance(budget_ms);
      rate_.push_back({now_s(), session_->step_count()});
      if (session_->fault() != Fault::None) playing_ = false;
    } else {
      rate_.clear();
    }
    refresh();
  }

  const LabView& view() const override { return view_; }

  std::vector<uint8_t> save_checkpoint() override { return session_->save(); }

  std::string load_checkpoint(const std::vector<uint8_t>& bytes) override {
    std::string error;
    auto s = Session::load(bytes, &error);
    if (!s) return error;
    adopt(std::move(s));
    return "";
  }

 private:
  static double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
  }

  void adopt(std::unique_ptr<Session> s) {
    session_ = std::move(s);
    playing_ = false;
    rate_.clear();
    start_view(*session_, &view_);
    refresh();
  }

  // Wall-clock throughput over the last second, including the time spent drawing.
  double steps_per_second() {
    while (rate_.size() > 2 && rate_.back().t - rate_.front().t > 1.0) rate_.pop_front();
    if (rate_.size() < 2) return 0.0;
    const double dt = rate_.back().t - rate_.front().t;
    return dt > 0.0 ? (rate_.back().step - rate_.front().step) / dt : 0.0;
  }

  void refresh() {
    update_view(*session_, &view_);
    view_.playing = playing_;
    view_.steps_per_sec = steps_per_second();
    view_.tokens_per_sec = view_.steps_per_sec * session_->tokens_per_step();
  }

  struct RatePoint {
    double t;
    int step;
  };
  std::unique_ptr<Session> session_;
  bool playing_ = false;
  std::deque<RatePoint> rate_;
  LabView view_;
};

}  // namespace

std::unique_ptr<Runner> make_inline_runner(const RunOptions& options, std::string* error) {
  auto s = Session::create(options, error);
  if (!s) return nullptr;
  return std::make_unique<InlineRunner>(std::move(s));
}

}  // namespace headlab
