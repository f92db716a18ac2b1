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
  p.roles = roles_of(task, p.tokens.data(), static_cast<int>(p.tokens.size()));
  return p;
}

std::vector<RolePattern> roles_of(const Task& task, const int* tokens, int T) {
  std::vector<RolePattern> roles = task.roles_on(tokens, T);
  for (RolePattern& r : generic_roles(tokens, T)) roles.push_back(std::move(r));
  return roles;
}

}  // namespace headlab
