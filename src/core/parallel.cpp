#include "core/parallel.h"

#ifdef __EMSCRIPTEN__

namespace headlab {
int set_threads(int) { return 1; }
int threads() { return 1; }
std::string start_training_threads(int) { return ""; }
void parallel_run(int tasks, void (*fn)(void*, int), void* ctx) {
  for (int t = 0; t < tasks; ++t) fn(ctx, t);
}
}  // namespace headlab

#else

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace headlab {

namespace {

// Helpers sleep between jobs; a job is published under the mutex and its tasks
// are taken with an atomic counter by the helpers and the caller alike.
class Pool {
 public:
  explicit Pool(int helpers) {
    for (int i = 0; i < helpers; ++i) {
      try {
        threads_.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // the system allows no more (EAGAIN): train with those that started
      }
    }
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  int size() const { return static_cast<int>(threads_.size()) + 1; }

  void run(int tasks, void (*fn)(void*, int), void* ctx) {
    // One job at a time: a second training thread (compare mode) runs its tasks itself.
    std::unique_lock<std::mutex> job(job_m_, std::try_to_lock);
    if (!job) {
      for (int t = 0; t < tasks; ++t) fn(ctx, t);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = fn, ctx_ = ctx, tasks_ = tasks;
      next_.store(0);
      busy_ = static_cast<int>(threads_.size());
      ++job_;
    }
    wake_.notify_all();
    take_tasks(fn, ctx, tasks);
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void take_tasks(void (*fn)(void*, int), void* ctx, int tasks) {
    for (int t = next_.fetch_add(1); t < tasks; t = next_.fetch_add(1)) fn(ctx, t);
  }
  void work() {
    uint64_t seen = 0;
    for (;;) {
      void (*fn)(void*, int);
      void* ctx;
      int tasks;
      {
        std::unique_lock<std::mutex> lock(m_);
        wake_.wait(lock, [&] { return quit_ || job_ != seen; });
        if (quit_) return;
        seen = job_;
        fn = fn_, ctx = ctx_, tasks = tasks_;
      }
      take_tasks(fn, ctx, tasks);
      std::lock_guard<std::mutex> lock(m_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex job_m_;
  std::mutex m_;
  std::condition_variable wake_, done_;
  void (*fn_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int tasks_ = 0, busy_ = 0;
  uint64_t job_ = 0;
  bool quit_ = false;
  std::atomic<int> next_{0};
};

std::unique_ptr<Pool> g_pool;

}  // namespace

int set_threads(int n) {
  n = std::max(1, n);
  if (n == threads()) return n;
  g_pool.reset();
  if (n > 1) g_pool = std::make_unique<Pool>(n - 1);
  if (g_pool && g_pool->size() == 1) g_pool.reset();
  return threads();
}

std::string start_training_threads(int asked) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int want = asked > 0 ? std::min(asked, cores) : cores;
  const int got = set_threads(want);
  std::string note;
  if (asked > cores)
    note = "--threads " + std::to_string(asked) + ": this machine has " + std::to_string(cores) + " cores; using " +
           std::to_string(want);
  if (got < want)
    note += (note.empty() ? "" : "; ") + std::string("the system allowed only ") + std::to_string(got) + " of " +
            std::to_string(want) + " threads: training with " + std::to_string(got);
  return note;
}

int threads() { return g_pool ? g_pool->size() : 1; }

void parallel_run(int tasks, void (*fn)(void*, int), void* ctx) {
  if (!g_pool) {
    for (int t = 0; t < tasks; ++t) fn(ctx, t);
    return;
  }
  g_pool->run(tasks, fn, ctx);
}

}  // namespace headlab

#endif
