#include "lab/run_task.h"

#include "lab/metrics.h"

namespace headlab {

TaskSpec task_spec(const RunOptions& o) {
  TaskSpec spec;
  spec.name = o.task;
  spec.ctx = o.ctx;
  spec.symbols = o.symbols;
  spec.text = o.text;
  return spec;
}

Probe make_probe(const Task& task, const RunOptions& o) {
  Probe p;
  if (o.probe.empty()) {
    p.tokens.assign(task.seq_len(), 0);
    p.targets.assign(task.seq_len(), -1);
    task.probe(p.tokens.data(), p.targets.data());
  } else {
    task.read_probe(o.probe, &p.tokens);
    p.targets.assign(p.tokens.size(), -1);
    task.probe_targets(p.tokens.data(), static_cast<int>(p.tokens.size()), p.targets.data());
  }
  const int T = static_cast<int>(p.tokens.size());
  p.roles = task.roles_on(p.tokens.data(), T);
  for (RolePattern& r : generic_roles(p.tokens.data(), T)) p.roles.push_back(std::move(r));
  return p;
}

}  // namespace headlab
