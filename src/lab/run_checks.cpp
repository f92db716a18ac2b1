#include "lab/run_checks.h"

#include "core/transformer.h"
#include "lab/run_task.h"
#include "lab/snapshot.h"

namespace headlab {

double run_memory_bytes(const RunOptions& r, int vocab, int probe_length) {
  ModelConfig cfg;
  cfg.vocab = vocab;
  cfg.ctx = r.ctx;
  cfg.d_model = r.d_model;
  cfg.n_heads = r.heads;
  cfg.n_layers = r.layers;
  cfg.d_mlp = r.d_mlp;
  // The model as a Session builds it (at most a whole batch at once), Adam's
  // two moments and the last good state (weights and both moments again).
  const double params = static_cast<double>(ParamLayout(cfg).size());
  const double floats = static_cast<double>(Transformer::memory_floats(cfg, r.batch)) + 5.0 * params;
  const double snapshots = static_cast<double>(snapshot_capacity(r.layers, r.heads, probe_length)) *
                           snapshot_bytes(r.layers, r.heads, probe_length);
  return floats * sizeof(float) + snapshots;
}

std::string validate_live(const LiveOptions& live, int layers, int heads) {
  RunOptions r;
  r.live = live;
  const std::string e = check_options(r, kScopeLive);
  if (!e.empty()) return e;
  for (const HeadId& h : live.off)
    if (h.layer >= layers || h.head >= heads)
      return "off: L" + std::to_string(h.layer) + "H" + std::to_string(h.head) + " is not a head of this model (" +
             std::to_string(layers) + " layers x " + std::to_string(heads) + " heads, counted from 0)";
  return "";
}

std::string validate(const RunOptions& r) {
  std::string e = check_options(r, kScopeRunAndLive);
  if (!e.empty()) return e;
  if (r.task != "text" && !r.text.empty())
    return "text: only task=text trains on a text (this run's task is " + r.task + "); leave text and text-file out";
  if (r.d_model % r.heads != 0)
    return "d-model: must be divisible by heads (" + std::to_string(r.heads) + "), got " + std::to_string(r.d_model);
  e = validate_live(r.live, r.layers, r.heads);
  if (!e.empty()) return e;
  const auto task = make_task(task_spec(r), &e);
  if (!task) return e;
  std::vector<int> probe;
  if (!r.probe.empty()) {
    e = task->read_probe(r.probe, &probe);
    if (!e.empty()) return "probe: " + e;
  }
  const int T = r.probe.empty() ? task->seq_len() : static_cast<int>(probe.size());
  // Keeps a browser tab (and a laptop) well clear of running out of memory.
  const double bytes = run_memory_bytes(r, task->vocab_size(), T);
  if (bytes > kMaxRunBytes)
    return "model too large: needs about " + std::to_string(static_cast<int>(bytes / (1 << 20))) + " MB (limit " +
           std::to_string(static_cast<int>(kMaxRunBytes / (1 << 20))) + " MB); reduce batch, ctx, d-model, d-mlp or layers";
  return "";
}

std::string validate(const Options& o) {
  const std::string e = check_options(o.view);
  return e.empty() ? validate(o.run) : e;
}

}  // namespace headlab
