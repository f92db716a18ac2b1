// The checks of whole runs, apart from the option table (options.h), which
// checks each option alone: what only a run's options together can say (the
// model's shape, the task's context, a text for task=text only, the probe in
// the task's tokens, the memory the run needs). A new run is checked with
// validate(); a change of the live options while a run trains only needs
// validate_live(), which builds no task (task=text would decode megabytes).
#pragma once
#include <string>

#include "lab/options.h"

namespace headlab {

// "" when the options describe a run that can be built.
std::string validate(const RunOptions& r);
// The view options too.
std::string validate(const Options& o);
// Live options for a run of `layers` x `heads` heads.
std::string validate_live(const LiveOptions& live, int layers, int heads);

// About the bytes a run needs: parameters, gradients and both Adam moments,
// the activation arena and the snapshot store.
double run_memory_bytes(const RunOptions& r, int vocab, int probe_length);
constexpr double kMaxRunBytes = 1024.0 * (1 << 20);

}  // namespace headlab
