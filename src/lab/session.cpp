#include "lab/session.h"

#include <algorithm>
#include <cmath>

#include "core/init.h"
#include "lab/metrics.h"
#include "lab/run_checks.h"
#include "lab/rate_meter.h"
#include "lab/recorder.h"

namespace headlab {

namespace {

constexpr int kEvalBatches = 4;
// Sequences in the ablation batch: each snapshot runs L*H+1 forward passes
// over it, about a quarter of a step's work at the default sizes.
constexpr int kAblationSequences = 16;

// Seed salts: each random stream of a run is independent of the others.
enum : uint64_t { kSaltData = 11, kSaltEval = 12, kSaltAblation = 13 };

ModelConfig model_config(const RunOptions& o, const Task& task) {
  ModelConfig c;
  c.vocab = task.vocab_size();
  c.ctx = o.ctx;
  c.d_model = o.d_model;
  c.n_heads = o.heads;
  c.n_layers = o.layers;
  c.d_mlp = o.d_mlp;
  return c;
}

// A step is computed in chunks of this many sequences (gradients accumulate),
// about kChunkFlops of work each, so a web frame can stop between chunks. It
// depends only on the options, so a run is the same however it is sliced.
constexpr double kChunkFlops = 160e6;
bool g_whole_steps = false;  // Session::set_whole_steps()

int chunk_size(const ModelConfig& c, int T, int batch) {
  const double C = c.d_model, F = c.d_mlp;
  const double per_seq = 3.0 * (c.n_layers * (2.0 * T * C * 3 * C + 4.0 * T * T * C + 2.0 * T * C * C +
                                              4.0 * T * C * F) + 2.0 * T * C * c.vocab);
  return std::clamp(static_cast<int>(kChunkFlops / per_seq), 1, batch);
}

bool all_finite(const float* x, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

}  // namespace

std::unique_ptr<Session> Session::create(const RunOptions& options, std::string* error) {
  *error = validate(options);
  if (!error->empty()) return nullptr;
  const TaskSpec spec = task_spec(options);
  auto task = make_task(spec, error);
  if (!task) return nullptr;
  const ModelConfig cfg = model_config(options, *task);
  std::unique_ptr<Session> s(new Session(options, std::move(task), cfg));
  return s;
}

Session::Session(const RunOptions& options, std::unique_ptr<Task> task, const ModelConfig& cfg)
    : options_(options),
      task_(std::move(task)),
      chunk_seqs_(g_whole_steps ? options.batch : chunk_size(cfg, task_->seq_len(), options.batch)),
      model_(cfg, chunk_seqs_),
      optimiser_(model_.layout()),
      data_rng_(options.seed, kSaltData),
      eval_rng_(options.seed, kSaltEval),
      probe_(make_probe(*task_, options)),
      history_(kHistoryPoints, 1),
      snapshots_(snapshot_capacity(cfg.n_layers, cfg.n_heads, probe_length()), options.live.snapshot_every) {
  const int T = task_->seq_len();
  batch_tokens_.assign(static_cast<size_t>(options.batch) * T, 0);
  batch_targets_.assign(batch_tokens_.size(), -1);
  eval_tokens_.assign(batch_tokens_.size(), 0);
  eval_targets_.assign(batch_tokens_.size(), -1);
  ablation_tokens_.assign(static_cast<size_t>(kAblationSequences) * T, 0);
  ablation_targets_.assign(ablation_tokens_.size(), -1);
  Rng ablation_rng(options.seed, kSaltAblation);
  task_->sample(ablation_rng, kAblationSequences, ablation_tokens_.data(), ablation_targets_.data());
  for (int b = 0; b < kAblationSequences; ++b)
    ablation_roles_.push_back(roles_of(*task_, ablation_tokens_.data() + static_cast<size_t>(b) * T, T));
  init_params(model_.params(), model_.layout(), cfg, options.init, options.seed, options.nudge);
  apply_off();
  last_accuracy_ = evaluate(kEvalBatches);
  last_loss_ = eval_loss_;
  history_.push({0, eval_loss_, last_accuracy_});
  record_snapshot();
}

AdamWConfig Session::adamw_config() const {
  AdamWConfig c;
  c.lr = options_.live.lr;
  c.weight_decay = options_.live.weight_decay;
  c.clip = options_.live.clip;
  return c;
}

double Session::tokens_per_step() const { return static_cast<double>(options_.batch) * task_->seq_len(); }

bool Session::step() {
  while (fault_ == Fault::None) {
    if (step_chunk()) return true;
  }
  return false;
}

bool Session::step_chunk() {
  if (fault_ != Fault::None) return false;
  const int B = options_.batch, T = task_->seq_len();
  if (!pending_.active) {
    pending_ = Pending{};
    pending_.active = true;
    pending_.rng_before = data_rng_.save();
    task_->sample(data_rng_, B, batch_tokens_.data(), batch_targets_.data());
    for (int t : batch_targets_) pending_.scored += t >= 0;
    model_.zero_grad();
  }
  const int first = pending_.next_seq, n = std::min(chunk_seqs_, B - first);
  const size_t at = static_cast<size_t>(first) * T;
  const float loss = model_.forward(batch_tokens_.data() + at, batch_targets_.data() + at, n, T);
  if (!std::isfinite(loss)) {
    fail(Fault::NonFiniteLoss, "loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                                   std::to_string(step_ + 1) + " (is the learning rate, " +
                                   std::to_string(options_.live.lr) + ", too high?)");
    return false;
  }
  // The chunk's mean loss weighted by its share of the batch's scored positions.
  pending_.loss_sum += static_cast<double>(loss) * model_.last_scored();
  model_.backward(std::max(1, pending_.scored));
  pending_.next_seq += n;
  if (pending_.next_seq < B) return false;
  pending_.active = false;
  return finish_step(static_cast<float>(pending_.loss_sum / std::max(1, pending_.scored)));
}

bool Session::finish_step(float loss) {
  if (!all_finite(model_.grads(), model_.num_params())) {
    fail(Fault::NonFiniteGrad, "gradients became NaN/infinite at step " + std::to_string(step_ + 1));
    return false;
  }
  optimiser_.step(model_.params(), model_.grads(), adamw_config());
  ++step_;
  last_loss_ = loss;
  loss_sum_ += loss;
  ++loss_count_;
  if (step_ % options_.live.eval_every == 0) last_accuracy_ = evaluate(kEvalBatches);
  if (history_.wants(step_)) {
    history_.push({step_, static_cast<float>(loss_sum_ / loss_count_), last_accuracy_});
    loss_sum_ = 0.0;
    loss_count_ = 0;
  }
  if (snapshots_.wants(step_)) record_snapshot();
  return true;
}

void Session::fail(Fault f, const std::string& message) {
  fault_ = f;
  fault_message_ = message;
  // The half-done step is dropped; its batch is drawn again when training resumes.
  data_rng_.restore(pending_.rng_before);
  pending_.active = false;
}

void Session::set_whole_steps(bool on) { g_whole_steps = on; }

int Session::advance(double budget_ms, int last_step) {
  const double start = now_ms();
  const int start_step = step_;
  int chunks = 0;
  // Chunks, not whole steps, are the unit of work, so a frame never waits for
  // a whole large batch; a step may span several calls.
  while (fault_ == Fault::None && (pending_.active || step_ < last_step)) {
    step_chunk();
    ++chunks;
    const double elapsed = now_ms() - start;
    if (elapsed + elapsed / chunks > budget_ms) break;
  }
  const double elapsed = now_ms() - start;
  if (chunks > 0) {
    const double ms = elapsed / chunks * std::max(1, (options_.batch + chunk_seqs_ - 1) / chunk_seqs_);
    ms_per_step_ = ms_per_step_ > 0.0 ? 0.9 * ms_per_step_ + 0.1 * ms : ms;
  }
  return step_ - start_step;
}

float Session::evaluate(int batches) {
  const int B = options_.batch, T = task_->seq_len();
  long long correct = 0, scored = 0;
  double loss = 0.0;
  for (int b = 0; b < batches; ++b) {
    task_->sample(eval_rng_, B, eval_tokens_.data(), eval_targets_.data());
    for (int first = 0; first < B; first += chunk_seqs_) {
      const int n = std::min(chunk_seqs_, B - first);
      const int* tok = eval_tokens_.data() + static_cast<size_t>(first) * T;
      const int* tgt = eval_targets_.data() + static_cast<size_t>(first) * T;
      const double mean_loss = model_.forward(tok, tgt, n, T);
      const int chunk_scored = model_.last_scored();
      loss += mean_loss * chunk_scored;
      correct += model_.last_correct();
      scored += chunk_scored;
    }
  }
  eval_loss_ = static_cast<float>(scored > 0 ? loss / scored : 0.0);
  return scored > 0 ? static_cast<float>(static_cast<double>(correct) / scored) : 0.0f;
}

void Session::clear_fault() {
  fault_ = Fault::None;
  fault_message_.clear();
}

std::string Session::update_hyperparameters(const RunOptions& o) {
  if (!changed_options(options_, o, kScopeRun).empty()) return kNeedsNewRun;
  const std::string error = validate_live(o.live, options_.layers, options_.heads);  // builds no task
  if (!error.empty()) return error;
  // The snapshot store keeps how often it has thinned out: the same factor times the new cadence.
  const int thinned = snapshots_.stride() / options_.live.snapshot_every;
  snapshots_.set_stride(o.live.snapshot_every * thinned);
  options_.live = o.live;
  apply_off();
  return "";
}

void Session::apply_off() {
  for (int l = 0; l < options_.layers; ++l)
    for (int h = 0; h < options_.heads; ++h) model_.set_head_enabled(l, h, true);
  for (const HeadId& id : options_.live.off) model_.set_head_enabled(id.layer, id.head, false);
}

std::shared_ptr<Snapshot> Session::measure() {
  auto snap = record_probe(model_, probe_.tokens, probe_.targets, probe_.roles);
  snap->step = step_;
  snap->loss = last_loss_;
  measure_ablation(snap.get());
  return snap;
}

void Session::ablation_eval(float* loss, float* accuracy, Snapshot* roles) {
  const int T = task_->seq_len(), L = model_.config().n_layers, H = model_.config().n_heads;
  double sum = 0.0;
  long long correct = 0, scored = 0;
  // Held-out role scores: each head's score for each role, averaged over the
  // sequences in which the role has something to look at.
  const int R = roles ? roles->R : 0;
  std::vector<double> mass(static_cast<size_t>(L) * H * R, 0.0);
  std::vector<int> seen(R, 0);
  for (int first = 0; first < kAblationSequences; first += chunk_seqs_) {
    const int n = std::min(chunk_seqs_, kAblationSequences - first);
    const size_t at = static_cast<size_t>(first) * T;
    const double mean = model_.forward(ablation_tokens_.data() + at, ablation_targets_.data() + at, n, T);
    sum += mean * model_.last_scored();
    correct += model_.last_correct();
    scored += model_.last_scored();
    for (int b = 0; b < n && roles; ++b) {
      const std::vector<RolePattern>& patterns = ablation_roles_[first + b];
      for (int r = 0; r < R; ++r) {
        if (std::find(patterns[r].keys.begin(), patterns[r].keys.end(), 1) == patterns[r].keys.end()) continue;
        ++seen[r];
        for (int l = 0; l < L; ++l)
          for (int h = 0; h < H; ++h)
            mass[(static_cast<size_t>(l) * H + h) * R + r] +=
                role_score(model_.attention(l) + (static_cast<size_t>(b) * H + h) * T * T, patterns[r], T);
      }
    }
  }
  *loss = static_cast<float>(scored > 0 ? sum / scored : 0.0);
  *accuracy = static_cast<float>(scored > 0 ? static_cast<double>(correct) / scored : 0.0);
  if (!roles) return;
  roles->roles_heldout.assign(mass.size(), 0.0f);
  for (size_t i = 0; i < mass.size(); ++i) {
    const int r = static_cast<int>(i % R);
    roles->roles_heldout[i] = seen[r] > 0 ? static_cast<float>(mass[i] / seen[r]) : 0.0f;
  }
}

void Session::measure_ablation(Snapshot* snap) {
  const int L = snap->L, H = snap->H;
  ablation_eval(&snap->ablation_base_loss, &snap->ablation_base_accuracy, snap);
  snap->ablation_loss.assign(static_cast<size_t>(L) * H, snap->ablation_base_loss);
  snap->ablation_accuracy.assign(static_cast<size_t>(L) * H, snap->ablation_base_accuracy);
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h) {
      if (!model_.head_enabled(l, h)) continue;  // already off: zeroing it again changes nothing
      model_.set_head_enabled(l, h, false);
      ablation_eval(&snap->ablation_loss[l * H + h], &snap->ablation_accuracy[l * H + h]);
      model_.set_head_enabled(l, h, true);
    }
}

void Session::record_snapshot() {
  auto snap = measure();
  if (std::isfinite(snap->probe_loss)) keep_last_good();
  snapshots_.push(std::move(snap));
}

void Session::keep_last_good() {
  const size_t n = model_.num_params();
  last_good_.params.assign(model_.params(), model_.params() + n);
  last_good_.m.assign(optimiser_.m(), optimiser_.m() + n);
  last_good_.v.assign(optimiser_.v(), optimiser_.v() + n);
  last_good_.adam_steps = optimiser_.steps_taken();
  last_good_.step = step_;
  last_good_.data_rng = data_rng_.save();
  last_good_.eval_rng = eval_rng_.save();
  last_good_.accuracy = last_accuracy_;
}

void Session::restore_last_good() {
  pending_.active = false;
  const size_t n = model_.num_params();
  std::copy_n(last_good_.params.begin(), n, model_.params());
  std::copy_n(last_good_.m.begin(), n, optimiser_.m());
  std::copy_n(last_good_.v.begin(), n, optimiser_.v());
  optimiser_.set_steps_taken(last_good_.adam_steps);
  step_ = last_good_.step;
  data_rng_.restore(last_good_.data_rng);
  eval_rng_.restore(last_good_.eval_rng);
  last_accuracy_ = last_good_.accuracy;
  loss_sum_ = 0.0;
  loss_count_ = 0;
  const int s = step_;
  history_.drop_after([s](const HistoryPoint& p) { return p.step > s; });
  snapshots_.drop_after([s](const std::shared_ptr<const Snapshot>& p) { return p->step > s; });
  last_loss_ = snapshots_.empty() ? 0.0f : snapshots_.back()->loss;
  clear_fault();
}

}  // namespace headlab
