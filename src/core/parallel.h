// The threads a training step may use (natively; WebAssembly has one). Work
// is split so that every output element is computed by one thread in the
// order one thread would use: a run gives the same floats whatever the thread
// count (tests/core/test_parallel.cpp). The pool belongs to the process, not
// to a model, because results never depend on it.
#pragma once
#include <string>

namespace headlab {

// Threads used from now on, the caller's included (1: no helper threads).
// Not to be called while a parallel_for runs. Where the system refuses a
// thread (a pids limit), fewer run: returns how many do.
int set_threads(int threads);
int threads();
// The programs' --threads: 0 means every core; more than the cores is
// clamped to them (extra threads only contend). Returns "" or a note for
// the user saying how many threads train and why not as many as asked.
std::string start_training_threads(int asked);

// Runs fn(ctx, task) for task in [0, tasks) on the pool and the calling
// thread, and returns when all are done. Allocates nothing.
void parallel_run(int tasks, void (*fn)(void* ctx, int task), void* ctx);

template <class F>
void parallel_for(int tasks, F&& f) {
  if (tasks <= 1 || threads() <= 1) {
    for (int t = 0; t < tasks; ++t) f(t);
    return;
  }
  parallel_run(tasks, [](void* ctx, int task) { (*static_cast<F*>(ctx))(task); }, &f);
}

}  // namespace headlab
