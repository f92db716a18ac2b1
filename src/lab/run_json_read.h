// Reading a run file (run_json.h) back: what the web page and the desktop
// app replay without training, and what headlab-train --replay summarises.
//
// The file is read as it arrives, in pieces of any size (json_push.h), and
// each value is checked and stored as soon as it is read: time is linear in
// the file's size and memory is that of the result, which keeps at most the
// snapshot store's budget (snapshot_capacity(), thinned as training thins
// it: every other snapshot dropped when full, the last one always kept) and
// 4096 history points (likewise). A 100 MiB file opens in a few MiB.
//
// The config goes through the option parser and validate(); the vocabulary
// and probe must be the ones that config gives; every array must have the
// shape the config says and steps must increase; no key may appear twice in
// an object. Fields a newer headlab added are skipped; fields an older one
// did not write are read as zeros (kSnapshotArrays' `optional`). A file of a
// newer format is refused with a message naming the format. Anything else is
// refused with one line saying where, quoting at most 40 bytes of the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lab/json_push.h"
#include "lab/run_json.h"
#include "lab/lab_view.h"
#include "lab/page_constants.h"

namespace headlab {

constexpr size_t kMaxRunJsonBytes = page::kMaxRunFileBytes;

class RunFileEvents;

class RunFileReader {
 public:
  RunFileReader();
  ~RunFileReader();
  RunFileReader(const RunFileReader&) = delete;
  RunFileReader& operator=(const RunFileReader&) = delete;

  // Reads the next piece of the file: "" or what is wrong with it (then
  // every later call returns the same).
  std::string feed(const char* data, size_t size);
  // The end of the file: "" and *view filled (options, task description,
  // vocabulary, probe, roles, history, snapshots, step, loss, accuracy), or what is wrong.
  std::string finish(LabView* view);
  uint64_t bytes() const { return parser_.bytes(); }

 private:
  std::unique_ptr<RunFileEvents> events_;
  JsonPushParser parser_;
  std::string error_;
};

// The whole text at once (tests, the fuzzer).
std::string read_run_json(const std::string& text, LabView* view);

}  // namespace headlab
