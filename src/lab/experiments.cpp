#include "lab/experiments.h"

namespace headlab {

const std::vector<Experiment>& experiments() {
  // Seed 2 splits early: its subtracting head appears near step 150 and
  // accuracy passes 90% at step 450 (build/experiments, scripts/experiments.py);
  // induction's default run is seed 1 (all four layer-1 heads induct by step 420).
  static const std::vector<Experiment> list = {
      {"symmetry", "Symmetry",
       "Blue: heads start random. By step ~200 one of them fetches the number to subtract, and accuracy passes "
       "90% by ~600. Orange: the same run with identical heads. Identical gradients keep them identical "
       "(diversity exactly 0), and accuracy stays near 10%.",
       {{"task", "addsub"}, {"layers", "1"}, {"seed", "2"}, {"compare", "init:clone-all"}}},
      {"division", "Division of labour",
       "a - b + c needs two kinds of lookup at \"=\". By step ~200 one head takes the number to subtract (badge "
       "sub), the others the numbers to add. Switch the subtracter off: accuracy falls to ~10%, then within ~500 "
       "steps another head learns to subtract and it recovers.",
       {{"task", "addsub"}, {"layers", "1"}, {"seed", "2"}, {"compare", ""}}},
      {"redundancy", "Redundancy",
       "Continuing a repeated sequence needs one lookup in layer 1. By step ~400 all four layer-1 heads become "
       "induction heads (badge induct): switch any one off and accuracy barely moves (Michel et al. 2019).",
       {{"task", "induction"}, {"layers", "2"}, {"seed", "1"}, {"compare", ""}}},
  };
  return list;
}

const std::vector<std::string>& experiment_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Experiment& e : experiments()) v.push_back(e.key);
    return v;
  }();
  return names;
}

const Experiment* matching_experiment(const RunOptions& run, const std::string& compare) {
  for (const Experiment& e : experiments()) {
    Options o;
    if (!set_option(o, "experiment", e.key, kScopeRun).empty()) continue;
    if (o.view.compare == compare && changed_options(o.run, run, kScopeRun).empty()) return &e;
  }
  return nullptr;
}

const Experiment* find_experiment(const std::string& key) {
  for (const Experiment& e : experiments())
    if (e.key == key) return &e;
  return nullptr;
}

}  // namespace headlab
