#include "lab/lab_view.h"

#include <algorithm>

namespace headlab {

void start_view(const Session& s, LabView* v) {
  v->recorded.clear();
  v->task_description = s.task().description();
  v->vocab = s.task().vocab();
  v->probe = s.probe_tokens();
  v->roles = s.roles();
  v->history.clear();
  v->snapshots.clear();
  update_view(s, v);
}

void update_view(const Session& s, LabView* v) {
  v->options = s.options();
  v->step = s.step_count();
  v->loss = s.last_loss();
  v->accuracy = s.last_accuracy();
  v->ms_per_step = s.ms_per_step();
  v->fault = s.fault();
  v->fault_message = s.fault_message();
  v->last_good_step = s.last_good_step();
  const auto& h = s.history().items();
  if (v->history.size() != h.size() || (!h.empty() && v->history.back().step != h.back().step))
    v->history = h;
  const auto& snaps = s.snapshots().items();
  if (v->snapshots.size() != snaps.size() || (!snaps.empty() && v->snapshots.back() != snaps.back()))
    v->snapshots = snaps;
}

void trim_view(int step, LabView* v) {
  if (v->step <= step) return;
  v->step = step;
  while (!v->history.empty() && v->history.back().step > step) v->history.pop_back();
  while (v->snapshots.size() > 1 && v->snapshots.back()->step > step) v->snapshots.pop_back();
  if (!v->history.empty()) {
    v->loss = v->history.back().loss;
    v->accuracy = v->history.back().accuracy;
  }
}

}  // namespace headlab
