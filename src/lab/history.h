// A bounded series that always spans the whole run: when it is full, every
// other point is dropped and the spacing of new points doubles. Memory stays
// fixed however long a tab trains, and a curve still starts at step 0.
#pragma once
#include <cstddef>
#include <vector>

namespace headlab {

// How many loss-curve points a run keeps (and a run file's reader keeps of its history).
constexpr size_t kHistoryPoints = 4096;

template <class T>
class ThinningSeries {
 public:
  explicit ThinningSeries(size_t capacity = 1024, int stride = 1) : capacity_(capacity), stride_(stride) {
    items_.reserve(capacity);
  }
  // True when a point for `step` should be kept at the current spacing.
  bool wants(int step) const { return step % stride_ == 0; }
  // Appends a point; callers push only steps that wants() accepts, so kept points stay evenly spaced.
  void push(T value) {
    if (items_.size() == capacity_) thin();
    items_.push_back(std::move(value));
  }
  void clear(int stride) {
    items_.clear();
    stride_ = stride;
  }
  // A new spacing for the points pushed from now on.
  void set_stride(int stride) { stride_ = stride; }
  // Removes trailing items matching pred (used when a run rewinds to an earlier step).
  template <class Pred>
  void drop_after(Pred pred) {
    while (!items_.empty() && pred(items_.back())) items_.pop_back();
  }
  const std::vector<T>& items() const { return items_; }
  int stride() const { return stride_; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const T& back() const { return items_.back(); }

 private:
  void thin() {
    size_t w = 0;
    for (size_t r = 0; r < items_.size(); r += 2) items_[w++] = std::move(items_[r]);
    items_.resize(w);
    stride_ *= 2;
  }
  size_t capacity_;
  int stride_;
  std::vector<T> items_;
};

}  // namespace headlab
