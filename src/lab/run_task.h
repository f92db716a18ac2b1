// The task and the probe a run's options give: shared by a Session, which
// trains on them, and the run-file reader, which checks a recorded run
// against them.
#pragma once
#include <vector>

#include "core/task.h"
#include "lab/options.h"

namespace headlab {

TaskSpec task_spec(const RunOptions& o);

// The input every snapshot measures, its scored positions and the roles scored on it.
struct Probe {
  std::vector<int> tokens, targets;
  std::vector<RolePattern> roles;  // the task's own lookups first, then the generic ones (lab/metrics.h)
};

// The task's own probe, or the typed one (o.probe, which validate() has checked).
Probe make_probe(const Task& task, const RunOptions& o);
// The roles scored on any T tokens: the task's own lookups, then the generic ones (Probe::roles' order).
std::vector<RolePattern> roles_of(const Task& task, const int* tokens, int T);

}  // namespace headlab
