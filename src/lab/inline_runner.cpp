// The Runner for single-threaded hosts (the web page, tests): training runs
// inside frame(), time-sliced so the page keeps drawing.
#include "lab/rate_meter.h"
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
      rate_.add(session_->step_count());
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
  void adopt(std::unique_ptr<Session> s) {
    session_ = std::move(s);
    playing_ = false;
    rate_.clear();
    start_view(*session_, &view_);
    refresh();
  }

  void refresh() {
    update_view(*session_, &view_);
    view_.playing = playing_;
    view_.steps_per_sec = rate_.per_second();  // wall clock: includes the time spent drawing
    view_.tokens_per_sec = view_.steps_per_sec * session_->tokens_per_step();
  }

  std::unique_ptr<Session> session_;
  bool playing_ = false;
  RateMeter rate_;
  LabView view_;
};

}  // namespace

std::unique_ptr<Runner> make_inline_runner(const RunOptions& options, std::string* error) {
  auto s = Session::create(options, error);
  if (!s) return nullptr;
  return std::make_unique<InlineRunner>(std::move(s));
}

}  // namespace headlab
