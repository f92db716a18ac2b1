#include "lab/experiments.h"

#include <algorithm>

#include "lab/measured.h"

namespace headlab {
namespace {

using namespace measured;

std::string num(int v) {
  std::string s = std::to_string(v);
  if (v >= 1000) s.insert(s.size() - 3, ",");
  return s;
}
std::string of(Rate r) { return num(r.k) + " of " + num(r.n); }

// What the shown seed's run did after its subtracter was switched off (at step 1,000 in the sweep).
std::string takeover_here() {
  if (kAddsubTakeoverSteps < 0) return "; not in this seed";
  return "; in this seed after ~" + num(kAddsubTakeoverSteps) + " steps";
}

}  // namespace

const std::vector<Experiment>& experiments() {
  // Each experiment's seed is a typical one of scripts/experiments.py's sweep
  // (its step counts nearest the medians), and every number said here comes
  // from that sweep (src/lab/measured.h, README.md "What headlab shows").
  static const std::vector<Experiment> list = {
      {"symmetry", "Symmetry",
       "Blue: heads start random. By step ~" + num(kAddsubSubtracter) +
           " one of them fetches the number to subtract, and accuracy passes 90% by ~" + num(kAddsub90) +
           " (random heads learned it in " + of(kRandomLearns) +
           " seeds). Orange: the same run with identical heads, step for step. Identical gradients keep them "
           "identical (diversity exactly 0), and in one layer they learned it in " +
           of(kCloneAllLearns) + " seeds.",
       {{"task", "addsub"}, {"layers", "1"}, {"seed", num(kAddsubSeed)}, {"compare", "init:clone-all"}}},
      {"division", "Division of labour",
       "a - b + c needs two kinds of lookup at \"=\". By step ~" + num(kAddsubSubtracter) +
           " one head takes the number to subtract (badge sub), the others the numbers to add. Switch the "
           "subtracter off: accuracy falls to ~" + num(kAddsubOffPercent) + "%. Another head took over within " + num(kTakeoverWindow) + " steps in " +
           of(kTakeover) + " seeds (median " + num(kTakeoverMedian) + ")" + takeover_here() + ".",
       {{"task", "addsub"}, {"layers", "1"}, {"seed", num(kAddsubSeed)}, {"compare", ""}}},
      {"composition", "Composition",
       "Four identical heads per layer stay identical, yet two layers learn a - b + c (" + of(kCompositionLearns) +
           " seeds): by step ~" + num(kComposed) +
           " layer 0 fetches b at \"+\" (badge b@+) and layer 1 reads \"+\" at \"=\" (badge read+). The work is "
           "divided across positions and layers, not between heads.",
       {{"task", "addsub"}, {"layers", "2"}, {"init", "clone-all"}, {"seed", num(kCompositionSeed)}, {"compare", ""}}},
      {"redundancy", "Redundancy",
       "Continuing a repeated sequence needs one lookup in layer 1. By step ~" + num(kInduction90) +
           " the layer-1 heads become induction heads (badge induct; all four in " + of(kInductionAllFour) +
           " seeds): switch any one off and accuracy barely moves (Michel et al. 2019).",
       {{"task", "induction"}, {"layers", "2"}, {"seed", num(kInductionSeed)}, {"compare", ""}}},
      {"coreference", "Coreference",
       "\"... because it was too tired\" -> animal; \"too wide\" -> street. By step ~" + num(kCorefResolvedStep) +
           " a head at \"tired\" looks back at the animal, and one at \"wide\" at the street (" + of(kCorefResolved) +
           " seeds; separate heads in " + of(kCreatureAndPlaceResolvers) +
           "). Type your own sentence in the grid to try another clue.",
       {{"task", "coref"}, {"layers", "1"}, {"seed", num(kCorefSeed)}, {"compare", ""}}},
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
    // A typed probe changes what is drawn, not what is trained (the coreference line asks for one).
    std::vector<std::string> changed = changed_options(o.run, run, kScopeRun);
    changed.erase(std::remove(changed.begin(), changed.end(), "probe"), changed.end());
    if (o.view.compare == compare && changed.empty()) return &e;
  }
  return nullptr;
}

const Experiment* find_experiment(const std::string& key) {
  for (const Experiment& e : experiments())
    if (e.key == key) return &e;
  return nullptr;
}

}  // namespace headlab
