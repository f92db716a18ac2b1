// libFuzzer target: the checkpoint decoder and the lab's checkpoint loading
// must reject any input with a message, never crash, hang or over-allocate.
// Each input is tried as is and with its checksum fixed up, so the fuzzer
// reaches the field checks behind the checksum.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/checkpoint.h"
#include "lab/session.h"

using namespace headlab;

namespace {

void try_decode(const uint8_t* data, size_t size) {
  CheckpointData d;
  std::string error;
  if (!checkpoint_decode(data, size, &d, &error)) {
    if (error.rfind("checkpoint: ", 0) != 0) __builtin_trap();  // every rejection explains itself
    return;
  }
  // Whatever decodes must encode back: to the same bytes if it was a current
  // file, to one that decodes to the same data if it was a version 1 file.
  const std::vector<uint8_t> again = checkpoint_encode(d);
  const bool current = size >= 12 && data[8] == kCheckpointVersion;
  if (current && (again.size() != size || std::memcmp(again.data(), data, size) != 0)) __builtin_trap();
  CheckpointData back;
  if (!checkpoint_decode(again.data(), again.size(), &back, &error) || checkpoint_encode(back) != again)
    __builtin_trap();
  // Small models go on into a Session (task checks, option checks, first snapshot).
  if (d.params.size() < (1u << 16)) {
    auto s = Session::from_checkpoint(d, &error);
    if (s) s->step();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try_decode(data, size);
  if (size >= 8) {
    std::vector<uint8_t> fixed(data, data + size);
    const uint64_t sum = checkpoint_checksum(fixed.data(), size - 8);
    for (int i = 0; i < 8; ++i) fixed[size - 8 + i] = static_cast<uint8_t>(sum >> (8 * i));
    try_decode(fixed.data(), size);
  }
  return 0;
}
