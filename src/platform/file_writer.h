// Writes files off the UI thread. Encoding a run's JSON (megabytes of
// attention maps) or a window-sized PNG takes longer than a frame, so the
// desktop app hands such jobs to one background thread, in order. Jobs write
// through write_file_atomically (lab/atomic_file.h). finish() (and the
// destructor) waits for every job: a requested export is never lost when the
// window closes.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/notice.h"

namespace headlab {

class FileWriter {
 public:
  // A job returns one line for the user: what it wrote, or what went wrong.
  using Job = std::function<Notice()>;

  FileWriter();
  ~FileWriter();  // finish()
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  void post(Job job);
  // Lines from finished jobs, oldest first.
  std::vector<Notice> take_notices();
  // Runs every posted job, then stops the thread. Idempotent.
  void finish();

 private:
  void run();

  std::mutex m_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  std::vector<Notice> notices_;
  bool quit_ = false;
  bool finished_ = false;  // owner's thread only
  std::thread thread_;     // last: starts once the members above exist
};

}  // namespace headlab
