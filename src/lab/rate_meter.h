// Wall-clock time for budgets and throughput, read the same way everywhere.
#pragma once
#include <chrono>
#include <deque>

namespace headlab {

// Milliseconds on a steady clock (only differences mean anything).
inline double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// Steps per second over about the last second: add() the step count as
// training goes, clear() while paused so a pause does not read as slowness.
class RateMeter {
 public:
  void add(int step) { points_.push_back({now_ms(), step}); }
  void clear() { points_.clear(); }
  double per_second() {
    while (points_.size() > 2 && points_.back().t - points_.front().t > 1000.0) points_.pop_front();
    if (points_.size() < 2) return 0.0;
    const double dt = points_.back().t - points_.front().t;
    return dt > 0.0 ? (points_.back().step - points_.front().step) * 1000.0 / dt : 0.0;
  }

 private:
  struct Point {
    double t;
    int step;
  };
  std::deque<Point> points_;
};

}  // namespace headlab
