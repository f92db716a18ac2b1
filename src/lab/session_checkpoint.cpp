// Session <-> checkpoint bytes. A checkpoint holds the complete training
// state (options, weights, Adam moments, RNG streams, step); the recorded
// history is not part of it, so a loaded run's curves start at its step.
// The options travel as describe() text and come back through set_option()
// and Session::create(), so a loaded run is checked exactly like a typed one.
#include <algorithm>
#include <set>

#include "core/checkpoint.h"
#include "lab/session.h"

namespace headlab {

std::vector<uint8_t> Session::save() const { return checkpoint_encode(checkpoint()); }

std::unique_ptr<Session> Session::load(const std::vector<uint8_t>& bytes, std::string* error) {
  CheckpointData d;
  if (!checkpoint_decode(bytes.data(), bytes.size(), &d, error)) return nullptr;
  return from_checkpoint(d, error);
}

CheckpointData Session::checkpoint() const {
  CheckpointData d;
  d.model = model_.config();
  d.options = describe(options_);
  d.step = step_;
  d.adam_steps = optimiser_.steps_taken();
  // A step in progress is not saved: the checkpoint resumes before its batch.
  d.data_rng = pending_.active ? pending_.rng_before : data_rng_.save();
  d.eval_rng = eval_rng_.save();
  const size_t n = model_.num_params();
  d.params.assign(model_.params(), model_.params() + n);
  d.adam_m.assign(optimiser_.m(), optimiser_.m() + n);
  d.adam_v.assign(optimiser_.v(), optimiser_.v() + n);
  return d;
}

std::unique_ptr<Session> Session::from_checkpoint(const CheckpointData& d, std::string* error) {
  // checkpoint_decode() has checked these; data built in code has not.
  if (!checkpoint_valid(d, error)) return nullptr;
  // Options the file does not name keep their defaults: a file from before an option existed.
  Options o;
  std::set<std::string> seen;
  for (const auto& [key, value] : d.options) {
    std::string e = set_option(o, key, value, kScopeRunAndLive);
    if (e.empty() && !seen.insert(find_option(key)->key).second) e = "option " + quote(key) + " is given twice";
    if (!e.empty()) {
      *error = "checkpoint: " + e;
      return nullptr;
    }
  }
  auto s = create(o.run, error);
  if (!s) {
    *error = "checkpoint: " + *error;
    return nullptr;
  }
  if (s->model_.config() != d.model) {
    *error = "checkpoint: its tensors do not fit the model its options describe (vocabulary " +
             std::to_string(d.model.vocab) + " vs " + std::to_string(s->model_.config().vocab) + ", ctx " +
             std::to_string(d.model.ctx) + " vs " + std::to_string(s->model_.config().ctx) + ")";
    return nullptr;
  }
  std::copy(d.params.begin(), d.params.end(), s->model_.params());
  std::copy(d.adam_m.begin(), d.adam_m.end(), s->optimiser_.m());
  std::copy(d.adam_v.begin(), d.adam_v.end(), s->optimiser_.v());
  s->optimiser_.set_steps_taken(d.adam_steps);
  s->step_ = static_cast<int>(d.step);
  s->data_rng_.restore(d.data_rng);
  s->eval_rng_.restore(d.eval_rng);
  // Curves of the loaded run start at its step, measured with its weights. The
  // evaluation stream is put back afterwards so the run continues exactly as
  // it would have without the save/load.
  s->last_accuracy_ = s->evaluate(4);
  s->eval_rng_.restore(d.eval_rng);
  s->last_loss_ = s->eval_loss_;
  s->history_.clear(1);
  s->history_.push({s->step_, s->eval_loss_, s->last_accuracy_});
  s->snapshots_.clear(o.run.live.snapshot_every);
  s->record_snapshot();
  return s;
}

}  // namespace headlab
