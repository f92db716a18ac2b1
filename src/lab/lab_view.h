// What the UI reads of a run: a copy of a Session's state (or of a recorded
// run), refreshed by whoever trains it and handed to the UI by the client
// (lab/trainer_client.h). Snapshots are shared, never copied.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/options.h"
#include "lab/session.h"

namespace headlab {

struct LabView {
  uint64_t generation = 0;  // changes when another run is shown: cached textures and selections are stale
  RunOptions options;
  std::string task_description;
  std::vector<std::string> vocab;
  std::vector<int> probe;
  std::vector<RolePattern> roles;  // what Snapshot::roles scores (Session::roles())
  int step = 0;
  float loss = 0.0f;
  float accuracy = -1.0f;
  double steps_per_sec = 0.0;
  double tokens_per_sec = 0.0;
  double ms_per_step = 0.0;  // training compute per step, without drawing
  bool playing = false;
  Fault fault = Fault::None;
  std::string fault_message;
  int last_good_step = 0;
  std::vector<HistoryPoint> history;
  std::vector<std::shared_ptr<const Snapshot>> snapshots;
  // A recorded run (a run file, lab/run_json_read.h): its name, e.g.
  // "division.json"; empty for a run that trains.
  std::string recorded;
};

// Copies a session's state into *view (not `generation`, `playing` or the
// wall-clock rates, which belong to the trainer). Series are copied only when
// they changed; snapshot copies share their data.
void update_view(const Session& s, LabView* view);
// Sets the fields that change only when a run starts (not `generation`).
void start_view(const Session& s, LabView* view);

// The view cut back to `step`: no history point or snapshot after it (compare
// mode shows both runs at the step both have reached).
void trim_view(int step, LabView* view);

}  // namespace headlab
