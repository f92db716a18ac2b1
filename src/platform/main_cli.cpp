// headlab-train: trains a run from the command line, prints progress and a
// summary, and writes the run (--out JSON) and a checkpoint (--save); or
// reads a recorded run back (--replay) and summarises it.
//   headlab-train --task induction --layers 2 --heads 4 --steps 2000 --out run.json
// Options use the same vocabulary as the web URL and the desktop app (lab/options.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "core/parallel.h"
#include "lab/options.h"
#include "lab/run_files.h"
#include "lab/lab_view.h"
#include "lab/run_checks.h"
#include "lab/session.h"
#include "platform/stop_signals.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRunAndLive | kScopeCli;
constexpr int kExitFault = 1;  // training stopped on NaN/Inf
constexpr int kExitUsage = 2;  // bad options or files

int usage_error(const std::string& message) {
  std::fprintf(stderr, "headlab-train: %s\n", message.c_str());
  return kExitUsage;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void print_progress(const Session& s, int target, double elapsed) {
  const double rate = elapsed > 0 ? s.step_count() / elapsed : 0.0;
  std::fprintf(stderr, "\rstep %7d/%d  loss %7.4f  acc %5.1f%%  %8.0f steps/s ", s.step_count(), target,
               s.last_loss(), 100.0 * std::max(0.0f, s.last_accuracy()), rate);
  std::fflush(stderr);
}

// --replay: a recorded run read back with the page's parser, summarised.
int print_recorded(const Options& opt) {
  const ProgramOptions& p = opt.program;
  if (!p.out.empty() || !p.save.empty() || !p.load.empty())
    return usage_error("--replay shows a recorded run without training; leave out --out, --save and --load");
  LabView v;
  const std::string error = run_json_load_file(opt.view.replay, &v);
  if (!error.empty()) return usage_error("--replay: " + error);
  const RunOptions& r = v.options;
  std::printf("%s: task %s, %d layer%s x %d heads, d-model %d, init %s, seed %llu\n", v.recorded.c_str(),
              r.task.c_str(), r.layers, r.layers == 1 ? "" : "s", r.heads, r.d_model, head_init_name(r.init),
              static_cast<unsigned long long>(r.seed));
  std::printf("step %d  loss %.4f  held-out accuracy %.1f%%  %zu history points, %zu snapshots (steps %d..%d)\n",
              v.step, v.loss, 100.0 * std::max(0.0f, v.accuracy), v.history.size(), v.snapshots.size(),
              v.snapshots.front()->step, v.snapshots.back()->step);
  const Snapshot& s = *v.snapshots.back();
  std::printf("strongest role of each head at step %d (attention mass on the role's keys):\n", s.step);
  for (int l = 0; l < s.L; ++l) {
    for (int h = 0; h < s.H; ++h) {
      int best = 0;
      for (int k = 1; k < s.R; ++k)
        if (s.role(l, h, k) > s.role(l, h, best)) best = k;
      std::printf("  L%dH%d %s %.2f", l, h, s.R ? v.roles[best].name.c_str() : "-", s.R ? s.role(l, h, best) : 0.0f);
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string error = parse_args(argc, argv, kScopes, opt);
  if (!error.empty()) return usage_error(error);
  if (const std::string note = start_training_threads(opt.program.threads); !note.empty())
    std::fprintf(stderr, "headlab-train: %s\n", note.c_str());
  if (opt.program.help) {
    std::printf(
        "headlab-train: train a tiny transformer and record how its attention heads learn.\n\n"
        "usage: headlab-train [--key value | key=value]...\n"
        "example: headlab-train --task induction --layers 2 --heads 4 --steps 2000 --out run.json\n\n%s",
        help_text(kScopes).c_str());
    return 0;
  }
  if (opt.program.options_json) {
    std::fputs(options_json().c_str(), stdout);
    return 0;
  }
  if (!opt.view.replay.empty()) return print_recorded(opt);
  // Fail before training, not after, if an output cannot be written.
  error = check_output_files(opt.program);
  if (!error.empty()) return usage_error(error);
  std::unique_ptr<Session> session;
  if (!opt.program.load.empty()) {
    session = load_session_file(opt.program.load, Overrides{argc, argv, kScopes}, &error);
  } else {
    error = validate(opt);
    if (error.empty()) session = Session::create(opt.run, &error);
  }
  if (!session) return usage_error(error);

  catch_stop_signals();
  const bool tty = isatty(fileno(stderr));
  const int start_step = session->step_count();
  const int target = start_step + opt.program.steps;
  const auto t0 = std::chrono::steady_clock::now();
  double last_print = -1.0;
  int exit_code = 0;
  while (session->step_count() < target && !g_stop_signal) {
    if (!session->step()) {
      std::fprintf(stderr, "%sheadlab-train: training stopped: %s; restoring step %d\n", tty ? "\n" : "",
                   session->fault_message().c_str(), session->last_good_step());
      session->restore_last_good();
      exit_code = kExitFault;
      break;
    }
    const double t = seconds_since(t0);
    if (tty && t - last_print > 0.1) {
      print_progress(*session, target, t);
      last_print = t;
    }
  }
  const double elapsed = seconds_since(t0);
  if (tty) print_progress(*session, target, elapsed), std::fprintf(stderr, "\n");
  if (g_stop_signal) std::fprintf(stderr, "headlab-train: %s; writing what was trained\n", stop_reason());

  const int trained = session->step_count() - start_step;
  const float accuracy = session->evaluate(16);
  const double steps_per_s = elapsed > 0 ? trained / elapsed : 0.0;
  std::printf("task %s  steps %d  final loss %.4f  held-out accuracy %.1f%%  %.0f steps/s  %.0f tokens/s  (%.1f s)\n",
              session->options().task.c_str(), session->step_count(), session->last_loss(), 100.0 * accuracy,
              steps_per_s, steps_per_s * session->tokens_per_step(), elapsed);

  // Every output is attempted, so one that fails does not cost the others.
  if (!opt.program.out.empty()) {
    LabView view;
    start_view(*session, &view);
    error = run_json_save_file(opt.program.out, view);
    if (error.empty())
      std::printf("wrote %s (%zu history points, %zu snapshots)\n", opt.program.out.c_str(), view.history.size(),
                  view.snapshots.size());
    else
      exit_code = usage_error("--out: " + error);
  }
  if (!opt.program.save.empty()) {
    error = checkpoint_save_file(opt.program.save, session->checkpoint());
    if (error.empty())
      std::printf("saved checkpoint %s\n", opt.program.save.c_str());
    else
      exit_code = usage_error("--save: " + error);
  }
  return exit_code;
}
