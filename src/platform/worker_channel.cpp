#include "platform/worker_channel.h"

#include <emscripten.h>

#include <cstring>

#include "lab/direct_channel.h"

namespace headlab {

namespace {

// Module.headlabTrainers (web/headlab.js): start() makes a worker and returns
// its id (-1 with why in failure(-1) where workers cannot start), post(id,
// bytes) sends to it, inbox(id) holds the views that arrived, took(id) tells
// the worker they were applied, failure(id) says why it stopped (null while
// it works), pair(a, b) joins two for the lockstep, close(id) ends one.
EM_JS(int, trainers_start, (), { return Module.headlabTrainers ? Module.headlabTrainers.start() : -1; });
EM_JS(void, trainers_post, (int id, const uint8_t* data, int size), {
  Module.headlabTrainers.post(id, HEAPU8.slice(data, data + size));
});
// Bytes trainers_take() writes: each message as a 4-byte length and its bytes.
EM_JS(int, trainers_inbox_size, (int id), {
  return Module.headlabTrainers.inbox(id).reduce(function(n, m) { return n + 4 + m.length; }, 0);
});
EM_JS(void, trainers_take, (int id, uint8_t* out), {
  var view = new DataView(HEAPU8.buffer);
  Module.headlabTrainers.inbox(id).splice(0).forEach(function(m) {
    view.setUint32(out, m.length, true);
    HEAPU8.set(m, out + 4);
    out += 4 + m.length;
  });
  Module.headlabTrainers.took(id);
});
EM_JS(int, trainers_failure, (int id, char* out, int capacity), {
  var f = Module.headlabTrainers ? Module.headlabTrainers.failure(id) : "no worker was started for this widget";
  if (!f) return 0;
  stringToUTF8(String(f), out, capacity);
  return 1;
});
EM_JS(void, trainers_pair, (int a, int b), { Module.headlabTrainers.pair(a, b); });
EM_JS(void, trainers_close, (int id), { if (Module.headlabTrainers) Module.headlabTrainers.close(id); });

}  // namespace

WorkerChannel::~WorkerChannel() { trainers_close(id_); }

void WorkerChannel::post(const std::vector<uint8_t>& command) {
  trainers_post(id_, command.data(), static_cast<int>(command.size()));
}

void WorkerChannel::receive(std::vector<std::vector<uint8_t>>* messages) {
  const int size = trainers_inbox_size(id_);
  if (size == 0) return;
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  trainers_take(id_, bytes.data());
  for (size_t at = 0; at + 4 <= bytes.size();) {
    uint32_t n = 0;
    std::memcpy(&n, bytes.data() + at, 4);
    at += 4;
    n = static_cast<uint32_t>(std::min<size_t>(n, bytes.size() - at));
    messages->emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
}

std::string WorkerChannel::failure() {
  char why[256];
  return trainers_failure(id_, why, sizeof why) ? std::string("the worker stopped: ") + why : std::string();
}

void WorkerChannel::pair_with(TrainerChannel* twin) {
  trainers_pair(id_, twin ? static_cast<WorkerChannel*>(twin)->id_ : -1);
}

std::unique_ptr<TrainerChannel> make_page_channel(const std::string& why) {
  return std::make_unique<DirectChannel>("page (" + why + ")");
}

std::unique_ptr<TrainerChannel> make_web_channel() {
  const int id = trainers_start();
  if (id >= 0) return std::make_unique<WorkerChannel>(id);
  char why[256];
  return make_page_channel(trainers_failure(-1, why, sizeof why) ? why : "no worker");
}

}  // namespace headlab
