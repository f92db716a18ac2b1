#include "platform/file_writer.h"

#include <cstdio>
#include <fstream>
#include <utility>

namespace headlab {

std::string write_file_atomically(const std::string& path, const std::function<bool(std::ostream&)>& write) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write " + tmp;
    const bool ok = write(out);
    out.close();
    if (!ok || !out) {
      std::remove(tmp.c_str());
      return "failed writing " + tmp;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return "cannot replace " + path;
  }
  return "";
}

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
