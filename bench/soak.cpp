// Soak benchmark (not a unit test): trains one session for a long time with
// recording at its densest (a snapshot every step) and prints the resident
// memory once a minute. The snapshot store thins itself and the history is
// bounded, so the RSS column must go flat after the first minutes.
//   bench_soak [minutes=30] [task=induction]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "lab/session.h"

using namespace headlab;

namespace {

// Resident set size in MiB (Linux); 0 where /proc is not available.
double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  double minutes = 30;
  RunOptions r;
  r.live.snapshot_every = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "minutes=", 8) == 0) minutes = std::atof(argv[i] + 8);
    if (std::strncmp(argv[i], "task=", 5) == 0) r.task = argv[i] + 5;
  }
  std::string error;
  auto s = Session::create(r, &error);
  if (!s) {
    std::fprintf(stderr, "bench_soak: %s\n", error.c_str());
    return 2;
  }
  std::printf("| minute | steps | loss | snapshots kept | history points | RSS MiB |\n|---|---|---|---|---|---|\n");
  const auto t0 = std::chrono::steady_clock::now();
  for (int minute = 0;; ++minute) {
    std::printf("| %d | %d | %.4f | %zu | %zu | %.1f |\n", minute, s->step_count(), s->last_loss(),
                s->snapshots().size(), s->history().size(), rss_mib());
    std::fflush(stdout);
    if (minute >= minutes) break;
    const auto until = t0 + std::chrono::duration<double>(60.0 * (minute + 1));
    while (std::chrono::steady_clock::now() < until) {
      if (!s->step()) {
        std::printf("fault: %s\n", s->fault_message().c_str());
        s->restore_last_good();
      }
    }
  }
  return 0;
}
