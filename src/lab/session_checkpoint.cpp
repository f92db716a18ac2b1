// Session <-> checkpoint bytes. A checkpoint holds the complete training
// state (options, weights, Adam moments, RNG streams, step); the recorded
// history is not part of it, so a loaded run's curves start at its step.
#include <algorithm>
#include <cstdlib>

#include "core/checkpoint.h"
#include "lab/session.h"

namespace headlab {

namespace {

const char* const kKeyBatch = "batch";
const char* const kKeySnapshotEvery = "snapshot-every";
const char* const kKeyEvalEvery = "eval-every";

}  // namespace

std::vector<uint8_t> Session::save() const { return checkpoint_encode(checkpoint()); }

std::unique_ptr<Session> Session::load(const std::vector<uint8_t>& bytes, std::string* error) {
  CheckpointData d;
  if (!checkpoint_decode(bytes.data(), bytes.size(), &d, error)) return nullptr;
  return from_checkpoint(d, error);
}

CheckpointData Session::checkpoint() const {
  CheckpointData d;
  d.model = model_.config();
  d.optim = adamw_config();
  d.init = options_.init;
  d.task.name = options_.task;
  d.task.ctx = options_.ctx;
  d.task.symbols = options_.symbols;
  d.task.text = options_.text;
  d.seed = options_.seed;
  d.step = step_;
  d.adam_steps = optimiser_.steps_taken();
  // A step in progress is not saved: the checkpoint resumes before its batch.
  d.data_rng = pending_.active ? pending_.rng_before : data_rng_.save();
  d.eval_rng = eval_rng_.save();
  const size_t n = model_.num_params();
  d.params.assign(model_.params(), model_.params() + n);
  d.adam_m.assign(optimiser_.m(), optimiser_.m() + n);
  d.adam_v.assign(optimiser_.v(), optimiser_.v() + n);
  d.extra = {{kKeyBatch, std::to_string(options_.batch)},
             {kKeySnapshotEvery, std::to_string(options_.snapshot_every)},
             {kKeyEvalEvery, std::to_string(options_.eval_every)}};
  return d;
}

std::unique_ptr<Session> Session::from_checkpoint(const CheckpointData& d, std::string* error) {
  Options o;
  RunOptions& r = o.run;
  r.task = d.task.name;
  r.ctx = d.task.ctx;
  r.symbols = d.task.symbols;
  r.text = d.task.text;
  r.layers = d.model.n_layers;
  r.heads = d.model.n_heads;
  r.d_model = d.model.d_model;
  r.d_mlp = d.model.d_mlp;
  r.lr = d.optim.lr;
  r.weight_decay = d.optim.weight_decay;
  r.clip = d.optim.clip;
  r.seed = d.seed;
  r.init = d.init;
  // The extra keys go through the same option parser as user input.
  for (const auto& [key, value] : d.extra) {
    const std::string e = set_option(o, key, value, kScopeRun);
    if (!e.empty()) {
      *error = "checkpoint: " + e;
      return nullptr;
    }
  }
  auto s = create(r, error);
  if (!s) {
    *error = "checkpoint: " + *error;
    return nullptr;
  }
  if (s->model_.config() != d.model) {
    *error = "checkpoint: its model does not match its task (vocabulary " + std::to_string(d.model.vocab) +
             " vs " + std::to_string(s->model_.config().vocab) + ")";
    return nullptr;
  }
  if (d.step < 0 || d.step > 1000000000) {
    *error = "checkpoint: step " + std::to_string(d.step) + " is out of range";
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
  s->snapshots_.clear(r.snapshot_every);
  s->record_snapshot();
  return s;
}

}  // namespace headlab
