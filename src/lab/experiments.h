// The three experiments headlab exists to show, as presets of options: the
// `experiment` option and the app's chooser apply them. Each answers one part
// of "all heads get the same input, so why do they learn different things?"
// and says in one line what to watch for and roughly when (the step counts
// are measured: README.md, "What headlab shows").
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "lab/options.h"

namespace headlab {

struct Experiment {
  std::string key;     // the option value, e.g. "symmetry"
  std::string title;   // the chooser's label
  std::string expect;  // one line: what happens and roughly when
  std::vector<std::pair<std::string, std::string>> options;  // applied to default run options, in order
};

const std::vector<Experiment>& experiments();
const std::vector<std::string>& experiment_names();
// nullptr when there is no such experiment.
const Experiment* find_experiment(const std::string& key);
// The experiment whose preset is this run (its run options and compare
// mode; live options such as lr or off may differ), or nullptr.
const Experiment* matching_experiment(const RunOptions& run, const std::string& compare);

}  // namespace headlab
