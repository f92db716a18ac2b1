// Versioned binary checkpoints: everything needed to resume a run exactly
// (configs, seed, step, RNG states, weights and both Adam moments) plus free
// key/value strings for the lab layer.
//
// The format is explicit little-endian, field by field (never a memcpy of a
// struct), so a file is portable between the desktop (x86-64) and the web
// (wasm32). Each tensor is stored with its ParamLayout name and shape, so a
// file made for another model is rejected by name. A FNV-1a 64 checksum over
// all preceding bytes ends the file.
//
//   "HEADLAB\0"  u32 version  u64 file_size
//   model: 6×i32   optim: 6×f32   init: str   task: str name, i32 ctx, i32 symbols, str text
//   u64 seed  i64 step  i32 adam_steps  2× rng: u64 state, u64 inc, f32 cached, u32 has_cached
//   u32 n_extra, n_extra× (str key, str value)
//   3× section ("params", "adam_m", "adam_v"): str tag, u32 n_tensors,
//        n_tensors× (str name, u32 rows, u32 cols, rows*cols × f32)
//   u64 fnv1a64(all bytes above)
//   (str = u32 byte length + bytes)
//
// The decoder validates every field and size before it allocates, never reads
// out of bounds and allocates at most about the input's size, so it is safe on
// hostile input (and is meant to be fuzzed).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/rng.h"
#include "core/task.h"

namespace headlab {

constexpr uint32_t kCheckpointVersion = 1;

struct CheckpointData {
  ModelConfig model;
  AdamWConfig optim;
  HeadInit init = HeadInit::Random;
  TaskSpec task;
  uint64_t seed = 0;
  int64_t step = 0;
  int32_t adam_steps = 0;
  Rng::State data_rng = Rng().save(), eval_rng = Rng().save();
  // Flat buffers in ParamLayout(model) layout, size ParamLayout(model).size().
  // The padding between tensors is not stored: it reads back as zeros.
  std::vector<float> params, adam_m, adam_v;
  // Options the lab layer wants to keep (e.g. snapshot cadence); keys unique and non-empty.
  std::vector<std::pair<std::string, std::string>> extra;
};

// Returns the encoded checkpoint, or an empty vector and *error (if given)
// if `d` is invalid (the same checks the decoder makes) or memory runs out.
std::vector<uint8_t> checkpoint_encode(const CheckpointData& d, std::string* error = nullptr);

// On failure returns false, sets *error (if given) to one line starting with
// "checkpoint: ", and leaves *out untouched.
bool checkpoint_decode(const uint8_t* data, size_t size, CheckpointData* out, std::string* error);

// The largest encoded checkpoint the decoder accepts, so a file reader can
// refuse a bigger file before reading it. (Files: lab/run_files.h.)
uint64_t checkpoint_max_bytes();

// The checksum stored in the last 8 bytes. Public so tests and fuzz targets
// can fix it up after editing a file and reach the checks behind it.
uint64_t checkpoint_checksum(const uint8_t* data, size_t size);

}  // namespace headlab
