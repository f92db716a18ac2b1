#include "platform/file_writer.h"

#include <utility>

namespace headlab {

FileWriter::FileWriter() : thread_(&FileWriter::run, this) {}

FileWriter::~FileWriter() { finish(); }

void FileWriter::post(Job job) {
  std::lock_guard<std::mutex> lock(m_);
  jobs_.push_back(std::move(job));
  wake_.notify_one();
}

std::vector<Notice> FileWriter::take_notices() {
  std::lock_guard<std::mutex> lock(m_);
  return std::exchange(notices_, {});
}

void FileWriter::finish() {
  if (finished_) return;
  {
    std::lock_guard<std::mutex> lock(m_);
    quit_ = true;
    wake_.notify_one();
  }
  thread_.join();
  finished_ = true;
}

void FileWriter::run() {
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    wake_.wait(lock, [&] { return quit_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // quit_, and nothing left to write
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    Notice notice = job();
    lock.lock();
    if (!notice.text.empty()) notices_.push_back(std::move(notice));
  }
}

}  // namespace headlab
