// Opening recorded runs natively (lab/run_json_read.h): time and peak memory
// for run files of 1 MiB, 27 MiB (a million loss-curve points) and 100 MiB
// (52,096 small snapshots), as issue 20 measured them. Each file is opened in
// a process of its own so its peak memory is its own.
//   bench_replay make DIR            writes DIR/replay-{1,27,100}mib.json
//   bench_replay open FILE [format=json]   opens one and prints time and peak RSS
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "lab/run_files.h"
#include "lab/run_json.h"
#include "lab/run_task.h"

using namespace headlab;

namespace {

// A run of `snapshots` snapshots and `points` history points of the given
// size, with uniform causal maps; no training (files of any length in seconds).
LabView synthetic(const char* task, const char* probe_text, int layers, int heads, int snapshots, int points) {
  Options o;
  for (const auto& [k, v] : {std::pair<const char*, std::string>{"task", task}, {"probe", probe_text},
                             {"layers", std::to_string(layers)}, {"heads", std::to_string(heads)}}) {
    const std::string e = set_option(o, k, v, kScopeRunAndLive);
    if (!e.empty()) std::fprintf(stderr, "bench_replay: %s\n", e.c_str());
  }
  std::string error;
  const auto t = make_task(task_spec(o.run), &error);
  Probe probe = make_probe(*t, o.run);
  LabView v;
  v.options = o.run;
  v.vocab = t->vocab();
  v.probe = probe.tokens;
  v.roles = probe.roles;
  const int T = static_cast<int>(v.probe.size()), R = static_cast<int>(v.roles.size());
  for (int i = 0; i < points; ++i) v.history.push_back({i, 1.0f, 0.0f});
  for (int i = 0; i < snapshots; ++i) {
    auto s = std::make_shared<Snapshot>();
    shape_snapshot(s.get(), layers, heads, T, R);
    s->step = i * 10;
    for (int lh = 0; lh < layers * heads; ++lh)
      for (int q = 0; q < T; ++q)
        for (int k = 0; k <= q; ++k) s->attn[(static_cast<size_t>(lh) * T + q) * T + k] = 1.0f / (q + 1);
    v.snapshots.push_back(std::move(s));
  }
  v.step = snapshots > 0 ? v.snapshots.back()->step : 0;
  return v;
}

int make(const std::string& dir) {
  struct File {
    const char* name;
    LabView view;
  };
  const File files[] = {{"replay-1mib.json", synthetic("induction", "", 2, 4, 25, 600)},
                        {"replay-27mib.json", synthetic("induction", "", 1, 2, 2, 1000000)},
                        {"replay-100mib.json", synthetic("induction", "a b c d e f g h i a b c d e f g h", 1, 1, 52096, 100)}};
  for (const File& f : files) {
    const std::string path = dir + "/" + f.name;
    const std::string e = run_json_save_file(path, f.view);
    if (!e.empty()) {
      std::fprintf(stderr, "bench_replay: %s\n", e.c_str());
      return 1;
    }
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
}

int open_file(const std::string& path, bool json) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const double mib = static_cast<double>(in.tellg()) / (1 << 20);
  const auto t0 = std::chrono::steady_clock::now();
  LabView v;
  const std::string e = run_json_load_file(path, &v);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double peak_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  if (!e.empty()) {
    std::fprintf(stderr, "bench_replay: %s\n", e.c_str());
    return 1;
  }
  if (json)
    std::printf("{\"runner\":\"replay-native\",\"shape\":\"%.0fmib\",\"file_mib\":%.1f,\"seconds\":%.3f,\"peak_rss_mib\":%.1f,"
                "\"snapshots_kept\":%zu,\"history_kept\":%zu}\n",
                mib, mib, seconds, peak_mib, v.snapshots.size(), v.history.size());
  else
    std::printf("%-28s %7.1f MiB  %7.3f s  peak RSS %6.1f MiB  kept %zu snapshots, %zu history points\n",
                path.c_str(), mib, seconds, peak_mib, v.snapshots.size(), v.history.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "make" && argc == 3) return make(argv[2]);
  if (mode == "open" && argc >= 3) return open_file(argv[2], argc > 3 && std::string(argv[3]) == "format=json");
  std::fprintf(stderr, "usage: bench_replay make DIR | bench_replay open FILE [format=json]\n");
  return 2;
}
