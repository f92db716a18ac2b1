// Where every parameter tensor lives inside one flat float buffer.
// Parameters, gradients and both Adam moments share this layout, so one
// offset table gives typed views into all four buffers, and the optimiser
// is a single loop over contiguous memory.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/tensor.h"

namespace headlab {

// One tensor inside the flat buffer; vectors have rows == 1.
struct Slot {
  size_t offset = 0;
  int rows = 0, cols = 0;
  size_t size() const { return static_cast<size_t>(rows) * cols; }
  Mat view(float* base) const { return Mat(base + offset, rows, cols); }
  CMat view(const float* base) const { return CMat(base + offset, rows, cols); }
  Vec vec(float* base) const { return Vec(base + offset, cols); }
  CVec vec(const float* base) const { return CVec(base + offset, cols); }
};

struct LayerSlots {
  Slot ln1_w, ln1_b;
  Slot w_qkv, b_qkv;  // [C, 3C]: columns [0,C) are Q, [C,2C) K, [2C,3C) V; head h owns d_head columns of each
  Slot w_o, b_o;      // [C, C]: rows h*d_head .. (h+1)*d_head read head h's output
  Slot ln2_w, ln2_b;
  Slot w_fc, b_fc;      // [C, d_mlp]
  Slot w_proj, b_proj;  // [d_mlp, C]
};

// Weights (matrices, embeddings) get weight decay and random init; biases
// start at 0; LayerNorm gains start at 1.
enum class ParamKind { Weight, Bias, Gain };

struct NamedSlot {
  std::string name;  // PyTorch-style name, e.g. "blocks.0.attn.w_qkv"
  Slot slot;
  ParamKind kind;
};

class ParamLayout {
 public:
  explicit ParamLayout(const ModelConfig& cfg);

  Slot wte, wpe;  // [vocab, C], [ctx, C]
  std::vector<LayerSlots> layers;
  Slot lnf_w, lnf_b;
  Slot head_w, head_b;  // [C, vocab], [vocab]

  size_t size() const { return size_; }
  const std::vector<NamedSlot>& tensors() const { return tensors_; }
  const NamedSlot* find(const std::string& name) const;

 private:
  Slot add(const std::string& name, int rows, int cols, ParamKind kind);
  size_t size_ = 0;
  std::vector<NamedSlot> tensors_;
};

}  // namespace headlab
