// Versioned binary checkpoints: everything needed to resume a run exactly
// (the run's options, step, RNG states, weights and both Adam moments).
//
// The format is explicit little-endian, field by field (never a memcpy of a
// struct), so a file is portable between the desktop (x86-64) and the web
// (wasm32). Each tensor is stored with its ParamLayout name and shape, so a
// file made for another model is rejected by name. A FNV-1a 64 checksum over
// all preceding bytes ends the file.
//
//   "HEADLAB\0"  u32 version  u64 file_size
//   version 2 (written):
//     model: 6×i32   i64 step  i32 adam_steps  2× rng: u64 state, u64 inc, f32 cached, u32 has_cached
//     u32 n_options, n_options× (str key, str value)
//   version 1 (still read; its fixed fields become options):
//     model: 6×i32   optim: 6×f32   init: str   task: str name, i32 ctx, i32 symbols, str text
//     u64 seed  i64 step  i32 adam_steps  2× rng   u32 n_extra, n_extra× (str key, str value)
//   3× section ("params", "adam_m", "adam_v"): str tag, u32 n_tensors,
//        n_tensors× (str name, u32 rows, u32 cols, rows*cols × f32)
//   u64 fnv1a64(all bytes above)
//   (str = u32 byte length + bytes)
//
// The run's options are text in the lab's option vocabulary (lab/options.h),
// which core stores without reading: adding an option never changes the
// format, and the lab checks a loaded run exactly like a typed one.
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

namespace headlab {

constexpr uint32_t kCheckpointVersion = 2;
// Step counters are ints in the trainer; this leaves them room to count on.
constexpr int64_t kMaxCheckpointSteps = 1000000000;

struct CheckpointData {
  ModelConfig model;  // the tensors' shapes; the lab checks that the options build this model
  // The run's options as key/value text ("task" = "induction", "lr" = "0.001", ...);
  // keys unique and non-empty.
  std::vector<std::pair<std::string, std::string>> options;
  int64_t step = 0;        // 0..kMaxCheckpointSteps
  int32_t adam_steps = 0;  // 0..kMaxCheckpointSteps
  Rng::State data_rng = Rng().save(), eval_rng = Rng().save();
  // Flat buffers in ParamLayout(model) layout, size ParamLayout(model).size().
  // The padding between tensors is not stored: it reads back as zeros.
  std::vector<float> params, adam_m, adam_v;
};

// Returns the encoded checkpoint, or an empty vector and *error (if given)
// if `d` is invalid (the same checks the decoder makes) or memory runs out.
std::vector<uint8_t> checkpoint_encode(const CheckpointData& d, std::string* error = nullptr);

// The checks checkpoint_encode() and checkpoint_decode() make, for data built
// in code: false with *error (if given) set to one line starting with "checkpoint: ".
bool checkpoint_valid(const CheckpointData& d, std::string* error);

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
