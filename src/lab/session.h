// A Session is one experiment: a task, a model, its optimiser and the
// Recorder (lab/recorder.h) that watches every head. It has no GL, no ImGui and no threads;
// platforms drive it (time-sliced on the web, on a worker thread natively).
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/adamw.h"
#include "core/checkpoint.h"
#include "core/rng.h"
#include "core/task.h"
#include "core/transformer.h"
#include "lab/history.h"
#include "lab/options.h"
#include "lab/run_task.h"
#include "lab/snapshot.h"

namespace headlab {

struct HistoryPoint {
  int step = 0;
  float loss = 0.0f;      // mean training loss of the steps since the previous point
  float accuracy = 0.0f;  // latest held-out accuracy at this step (evaluated every eval_every steps)
};

// Why training stopped on its own.
enum class Fault { None, NonFiniteLoss, NonFiniteGrad };

class Session {
 public:
  // Validates the options, builds task and model, initialises weights and
  // records the step-0 snapshot. Returns nullptr with *error set on bad options.
  static std::unique_ptr<Session> create(const RunOptions& options, std::string* error);
  // Where training has a thread of its own (the web page's worker), a step
  // need not be sliced into chunks a frame can stop between: every session
  // created afterwards in this process runs whole batches (faster, and the
  // floats differ in the last bits from a chunked run). Off by default.
  static void set_whole_steps(bool on);

  // One optimiser step on a fresh batch (and a snapshot/eval when due).
  // Returns false, leaving the weights of the last good step in place, if the
  // loss or gradients became NaN/Inf; fault() then says what happened.
  bool step();
  // One chunk of a step (forward + backward of a few sequences, gradients
  // accumulating); returns true when that chunk completed a step.
  bool step_chunk();
  int chunk_sequences() const { return chunk_seqs_; }
  // Runs steps until budget_ms of wall time is spent (at least one chunk,
  // unless faulted), starting no step past `last_step` (compare mode's
  // lockstep). Returns the number of steps completed.
  int advance(double budget_ms, int last_step = std::numeric_limits<int>::max());

  int step_count() const { return step_; }
  float last_loss() const { return last_loss_; }
  // Latest held-out accuracy (fraction of scored positions), -1 before the first evaluation.
  float last_accuracy() const { return last_accuracy_; }
  // Held-out accuracy on `batches` fresh batches from the evaluation stream
  // (their mean loss is kept as eval_loss()).
  float evaluate(int batches);
  float eval_loss() const { return eval_loss_; }

  Fault fault() const { return fault_; }
  const std::string& fault_message() const { return fault_message_; }
  // Clears the fault so training may continue with (perhaps) a new learning rate.
  void clear_fault();
  // Puts back the weights, optimiser state and step of the last snapshot
  // whose loss was finite (kept automatically), and clears the fault.
  void restore_last_good();
  int last_good_step() const { return last_good_.step; }

  const RunOptions& options() const { return options_; }
  // Applies options.live (the options of scope kScopeLive) from the next step;
  // every other option must equal the run's. Returns "" or an error naming the option.
  std::string update_hyperparameters(const RunOptions& options);

  const Task& task() const { return *task_; }
  const Transformer& model() const { return model_; }
  Transformer& model() { return model_; }
  const std::vector<int>& probe_tokens() const { return probe_.tokens; }
  const std::vector<int>& probe_targets() const { return probe_.targets; }
  int probe_length() const { return static_cast<int>(probe_.tokens.size()); }
  // The roles every snapshot scores, in Snapshot::roles order: the task's own
  // lookups first (e.g. add / subtract), then the generic ones.
  const std::vector<RolePattern>& roles() const { return probe_.roles; }

  const ThinningSeries<HistoryPoint>& history() const { return history_; }
  const ThinningSeries<std::shared_ptr<const Snapshot>>& snapshots() const { return snapshots_; }
  // Measures the current weights on the probe (lab/recorder.h).
  std::shared_ptr<Snapshot> measure();

  // Training time per step (moving average over advance() calls), excluding the caller's own work.
  double ms_per_step() const { return ms_per_step_; }
  double tokens_per_step() const;

  // Checkpoints: the complete state (options, weights, Adam moments, RNG,
  // step). load() validates everything before touching this session.
  std::vector<uint8_t> save() const;
  static std::unique_ptr<Session> load(const std::vector<uint8_t>& bytes, std::string* error);
  CheckpointData checkpoint() const;
  static std::unique_ptr<Session> from_checkpoint(const CheckpointData& d, std::string* error);

 private:
  Session(const RunOptions& options, std::unique_ptr<Task> task, const ModelConfig& cfg);
  bool finish_step(float loss);
  void fail(Fault f, const std::string& message);
  void record_snapshot();
  // Switches the heads of options_.live.off off and every other head on.
  void apply_off();
  // Mean loss and accuracy on the fixed ablation batch with the current heads;
  // with `roles`, also its roles_heldout (each head's role scores there).
  void ablation_eval(float* loss, float* accuracy, Snapshot* roles = nullptr);
  void measure_ablation(Snapshot* snap);
  void keep_last_good();
  AdamWConfig adamw_config() const;

  RunOptions options_;
  std::unique_ptr<Task> task_;
  int chunk_seqs_;
  Transformer model_;
  AdamW optimiser_;
  Rng data_rng_, eval_rng_;
  std::vector<int> batch_tokens_, batch_targets_;
  std::vector<int> eval_tokens_, eval_targets_;
  std::vector<int> ablation_tokens_, ablation_targets_;  // fixed: every snapshot's ablation uses the same data
  std::vector<std::vector<RolePattern>> ablation_roles_;  // the roles of each of its sequences
  // The step being computed chunk by chunk.
  struct Pending {
    bool active = false;
    int next_seq = 0;
    int scored = 0;
    double loss_sum = 0.0;
    Rng::State rng_before{};  // data stream before this step's batch: saved in checkpoints
  } pending_;
  Probe probe_;  // before snapshots_, whose size depends on the probe's length
  int step_ = 0;
  float last_loss_ = 0.0f, last_accuracy_ = -1.0f, eval_loss_ = 0.0f;
  Fault fault_ = Fault::None;
  std::string fault_message_;
  ThinningSeries<HistoryPoint> history_;
  ThinningSeries<std::shared_ptr<const Snapshot>> snapshots_;
  double ms_per_step_ = 0.0;
  double loss_sum_ = 0.0;  // losses since the last history point, so a thinned curve shows means
  int loss_count_ = 0;
  // The state at the last snapshot whose probe loss was finite (restore_last_good()).
  struct GoodState {
    std::vector<float> params, m, v;
    int adam_steps = 0, step = 0;
    Rng::State data_rng{}, eval_rng{};
    float accuracy = -1.0f;
  } last_good_;
};

}  // namespace headlab
