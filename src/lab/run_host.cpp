#include "lab/run_host.h"

#include <algorithm>
#include <utility>

#include "core/checkpoint.h"
#include "lab/rate_meter.h"
#include "lab/run_checks.h"

namespace headlab {

namespace {

// How often fresh checkpoints are asked for while training: the newest is
// what a reload resumes (web/keep.js) and what a dead worker's run goes on from.
constexpr double kCheckpointEveryMs = 4000.0;

}  // namespace

std::string compared_options(const RunOptions& base, const std::string& spec, RunOptions* out) {
  std::string key, value;
  std::string error = parse_compare(spec, &key, &value);
  if (!error.empty()) return error;
  Options o;
  o.run = base;
  error = set_option(o, key, value, kScopeRunAndLive);
  if (error.empty()) error = validate(o);
  if (!error.empty()) return "compare: " + error;
  *out = o.run;
  return "";
}

std::string compare_label(const RunOptions& r, const std::string& spec) {
  std::string key, value;
  if (!parse_compare(spec, &key, &value).empty()) return "";
  for (const auto& [k, v] : describe(r))
    if (k == key) return k + "=" + (v.empty() ? "(none)" : v);
  return "";
}

RunHost::RunHost(ChannelFactory make, const RunOptions& first, const std::vector<uint8_t>* checkpoint)
    : make_(std::move(make)), main_(std::make_unique<TrainerClient>(make_(), first, run_, checkpoint)) {}

void RunHost::play() {
  main_->play();
  if (twin_) twin_->play();
}

void RunHost::pause() {
  main_->pause();
  if (twin_) twin_->pause();
}

void RunHost::step(int n) {
  main_->step(n);
  if (twin_) twin_->step(n);
}

std::string RunHost::reset(const RunOptions& options) {
  RunOptions twin;
  if (twin_) {
    const std::string error = compared_options(options, spec_, &twin);
    if (!error.empty()) return error;
  }
  const bool playing = main_->view().playing;
  std::string error = main_->reset(options, run_ + 1);
  if (!error.empty()) return error;
  ++run_;
  if (twin_) twin_->reset(twin, run_);
  if (playing) play();
  return "";
}

std::string RunHost::set_live(const LiveOptions& live) {
  RunOptions twin;
  if (twin_) {
    RunOptions base = main_->view().options;
    base.live = live;
    const std::string error = compared_options(base, spec_, &twin);
    if (!error.empty()) return error;
  }
  const std::string error = main_->set_live(live);
  if (!error.empty()) return error;
  if (twin_) twin_->set_live(twin.live);
  if (trimmed_) {  // the views shown at the common step say so at once too, as the clients' own do
    main_trim_.options.live = live;
    twin_trim_.options.live = twin.live;
  }
  return "";
}

std::string RunHost::switch_head(HeadId head) {
  LiveOptions live = main_->view().options.live;
  auto it = std::find(live.off.begin(), live.off.end(), head);
  if (it != live.off.end()) live.off.erase(it);
  else live.off.insert(std::upper_bound(live.off.begin(), live.off.end(), head), head);
  return set_live(live);
}

void RunHost::restore_last_good() {
  main_->restore_last_good();
  if (twin_) twin_->restore_last_good();
}

void RunHost::pair() {
  // (A second worker that could not start leaves the pair on two kinds of
  // channel: both move to the fallback's, which then pair.)
  if (twin_ && std::string(main_->channel().kind()) != twin_->channel().kind() && fallback_)
    return fall_back("the second run's trainer could not start where the first's did");
  main_->channel().pair_with(twin_ ? &twin_->channel() : nullptr);
}

std::string RunHost::set_compare(const std::string& spec) {
  if (spec == spec_) return "";
  if (spec.empty()) {
    main_->channel().pair_with(nullptr);  // before the twin's channel goes
    twin_.reset();
    spec_.clear();
    trimmed_ = false;
    return "";
  }
  if (!main_->view().recorded.empty()) return "compare: a recorded run has no twin (Train it yourself first)";
  const RunOptions options = main_->view().options;
  RunOptions twin;
  std::string error = compared_options(options, spec, &twin);
  if (!error.empty()) return error;
  // Both start over, as one pair run: the twin at step 0, so the first run too.
  const bool playing = main_->view().playing;
  error = main_->reset(options, run_ + 1);
  if (!error.empty()) return error;
  ++run_;
  twin_ = std::make_unique<TrainerClient>(make_(), twin, run_);
  spec_ = spec;
  pair();
  if (playing) play();
  return "";
}

void RunHost::open_begin(const std::string& name) {
  set_compare("");
  main_->open_begin(name);
}

void RunHost::open_data(const uint8_t* data, size_t size) { main_->open_data(data, size); }

void RunHost::open_end() { main_->open_end(++run_); }

const std::vector<uint8_t>& RunHost::checkpoint(int which) {
  // Both runs' at once, so a kept pair's two checkpoints are of the same moment.
  main_->request_checkpoint();
  if (twin_) twin_->request_checkpoint();
  static const std::vector<uint8_t> none;
  if (which && !twin_) return none;
  return (which ? *twin_ : *main_).checkpoint();
}

int RunHost::checkpoint_step(int which) const {
  if (which && !twin_) return -1;
  return (which ? *twin_ : *main_).checkpoint_step();
}

std::string RunHost::load_checkpoint(const std::vector<uint8_t>& bytes, int which) {
  if (which) {
    if (!twin_) return "compare: no twin run to load into";
    CheckpointData d;
    std::string error;
    if (!checkpoint_decode(bytes.data(), bytes.size(), &d, &error)) return error;
    RunOptions want;
    error = compared_options(main_->view().options, spec_, &want);
    if (!error.empty()) return error;
    Options kept;
    for (const auto& [k, v] : d.options) set_option(kept, k, v, kScopeRunAndLive);
    // A twin of other settings would no longer be this pair's: it starts over.
    if (!changed_options(kept.run, want, kScopeRunAndLive).empty()) {
      twin_->reset(want, run_);
      return "compare: the kept twin run has other settings; it starts over";
    }
    return twin_->load_checkpoint(bytes, run_);
  }
  const bool playing = main_->view().playing;
  std::string error = main_->load_checkpoint(bytes, run_ + 1);
  if (!error.empty()) return error;
  ++run_;
  if (twin_) {
    // Until its own checkpoint comes (load_checkpoint(..., 1)), the twin starts over with the loaded settings.
    CheckpointData d;
    checkpoint_decode(bytes.data(), bytes.size(), &d, nullptr);
    Options kept;
    for (const auto& [k, v] : d.options) set_option(kept, k, v, kScopeRunAndLive);
    RunOptions twin;
    error = compared_options(kept.run, spec_, &twin);
    if (error.empty()) twin_->reset(twin, run_);
    else set_compare("");
  }
  if (playing) play();
  return error;
}

void RunHost::frame(double budget_ms) {
  for (TrainerClient* c : {main_.get(), twin_.get()}) {
    if (!c) continue;
    const std::string why = c->channel().failure();
    if (!why.empty() && fallback_) return fall_back(why);
  }
  main_->frame(budget_ms);
  if (twin_) twin_->frame(0.0);  // (a pair in this loop trains both in the first's pump)
  if ((main_->view().playing || (twin_ && twin_->view().playing)) && now_ms() - checkpoint_asked_ > kCheckpointEveryMs) {
    checkpoint_asked_ = now_ms();
    main_->request_checkpoint();
    if (twin_) twin_->request_checkpoint();
  }
  show_common_step();
}

// Compare mode draws both runs at the step both have reached (they differ by
// at most one step in lockstep; by more only while a new run is on its way).
void RunHost::show_common_step() {
  trimmed_ = false;
  if (!twin_ || starting()) return;
  const LabView &a = main_->view(), &b = twin_->view();
  if (a.step == b.step) return;
  const int step = std::min(a.step, b.step);
  main_trim_ = a;
  twin_trim_ = b;
  trim_view(step, &main_trim_);
  trim_view(step, &twin_trim_);
  trimmed_ = true;
}

void RunHost::fall_back(const std::string& why) {
  std::string where;
  for (TrainerClient* c : {main_.get(), twin_.get()}) {
    if (!c) continue;
    const bool had_checkpoint = !c->checkpoint().empty();
    const int from = c->move_to(fallback_(why));
    where = c->channel().where();
    if (c == main_.get())
      notices_.push_back({"training stopped (" + why + "): " +
                              (had_checkpoint ? "it goes on in " + where + " from step " + std::to_string(from) +
                                                    ", the last checkpoint it sent"
                                              : "it starts over in " + where + " (no checkpoint had arrived yet)"),
                          false});
  }
  pair();
}

void RunHost::finish() {
  main_->channel().finish();
  if (twin_) twin_->channel().finish();
  main_->frame(0.0);
  if (twin_) twin_->frame(0.0);
}

std::vector<Notice> RunHost::take_notices() {
  std::vector<Notice> out = std::move(notices_);
  notices_.clear();
  for (TrainerClient* c : {main_.get(), twin_.get()})
    if (c)
      for (Notice& n : c->take_notices()) out.push_back(std::move(n));
  return out;
}

}  // namespace headlab
