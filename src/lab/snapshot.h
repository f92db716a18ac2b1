// What the Recorder stores about the model at one step, measured on the
// fixed probe input (the same input for every head). Indexing helpers keep
// the flat layouts readable: attn is [layer][head][T][T], per-head values are
// [layer][head], head-pair values are [layer][head][head].
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace headlab {

struct Snapshot {
  int step = 0;
  float loss = 0.0f;      // training loss of the step that produced these weights
  float probe_loss = 0.0f;
  int L = 0, H = 0, T = 0;
  int R = 0;  // roles scored (Session::roles(): the task's own, then the generic ones)
  std::vector<float> attn;         // [L][H][T][T]
  std::vector<float> grad_norm;    // [L][H] norm of the head's Q,K,V columns and O rows, on the probe
  std::vector<float> grad_qkvo;    // [L][H][4] the same split into Q, K, V, O
  std::vector<float> grad_cos;     // [L][H][H] cosine between heads' gradient vectors
  std::vector<float> js;           // [L][H][H] Jensen-Shannon divergence between heads' maps (nats)
  std::vector<float> diversity;    // [L] mean pairwise JS of the layer
  std::vector<float> entropy;      // [L][H] mean row entropy of the map (nats)
  std::vector<float> confidence;   // [L][H] mean of each row's max weight
  std::vector<float> roles;        // [L][H][R] attention mass on each role's pattern, on the probe
  std::vector<float> roles_heldout;  // [L][H][R] the same averaged over held-out sequences (the ablation batch)
  // Ablation on a fixed held-out batch: the loss and accuracy of the model as
  // it is (heads switched off stay off), and with each head's output zeroed in turn.
  float ablation_base_loss = 0.0f, ablation_base_accuracy = 0.0f;
  std::vector<float> ablation_loss;      // [L][H]
  std::vector<float> ablation_accuracy;  // [L][H]

  const float* map(int l, int h) const { return attn.data() + (static_cast<size_t>(l) * H + h) * T * T; }
  float head(const std::vector<float>& v, int l, int h) const { return v[l * H + h]; }
  float pair(const std::vector<float>& v, int l, int a, int b) const { return v[(l * H + a) * H + b]; }
  float role(int l, int h, int r) const { return roles[(static_cast<size_t>(l) * H + h) * R + r]; }
};

// Every per-head measurement of a Snapshot, once, with its shape, its key in
// run files and how many significant digits they keep. The run file's writer
// and reader (run_json.h, run_json_read.h), the trainer link (trainer_link.h)
// and the memory estimate loop over this table; nothing else lists the fields.
enum class SnapshotDims : uint8_t { L, LH, LH4, LHH, LHTT, LHR };
struct SnapshotArray {
  const char* key;  // in run files
  std::vector<float> Snapshot::*member;
  SnapshotDims dims;
  int digits;     // significant digits in run files
  bool optional;  // a file may lack it (written by an older headlab): read as zeros
};
// [L][H][R] arrays (roles, roles_heldout) are written per role, as {"role name": [L][H], ...}.
inline constexpr SnapshotArray kSnapshotArrays[] = {
    {"attn", &Snapshot::attn, SnapshotDims::LHTT, 4, false},  // 4 digits: finer than any colour map shows
    {"grad_norm", &Snapshot::grad_norm, SnapshotDims::LH, 6, true},
    {"grad_qkvo", &Snapshot::grad_qkvo, SnapshotDims::LH4, 6, true},
    {"grad_cos", &Snapshot::grad_cos, SnapshotDims::LHH, 6, true},
    {"js", &Snapshot::js, SnapshotDims::LHH, 6, true},
    {"diversity", &Snapshot::diversity, SnapshotDims::L, 6, true},
    {"entropy", &Snapshot::entropy, SnapshotDims::LH, 6, true},
    {"confidence", &Snapshot::confidence, SnapshotDims::LH, 6, true},
    {"ablation", &Snapshot::ablation_loss, SnapshotDims::LH, 6, true},
    {"ablation_accuracy", &Snapshot::ablation_accuracy, SnapshotDims::LH, 6, true},
    {"roles", &Snapshot::roles, SnapshotDims::LHR, 6, true},
    {"roles_heldout", &Snapshot::roles_heldout, SnapshotDims::LHR, 6, true},
};
// The float scalars; `object` groups some in run files ({"ablation_base": {"loss": ...}}).
struct SnapshotScalar {
  const char* object;  // nullptr: at the snapshot's top level
  const char* key;
  float Snapshot::*member;
  bool optional;
};
inline constexpr SnapshotScalar kSnapshotScalars[] = {
    {nullptr, "loss", &Snapshot::loss, false},
    {nullptr, "probe_loss", &Snapshot::probe_loss, true},
    {"ablation_base", "loss", &Snapshot::ablation_base_loss, true},
    {"ablation_base", "accuracy", &Snapshot::ablation_base_accuracy, true},
};

// The shape of one array of a snapshot with L layers, H heads, a T-token probe and R roles.
struct SnapshotShape {
  int n = 0;
  int dims[4] = {0, 0, 0, 0};
  size_t size() const {
    size_t s = 1;
    for (int i = 0; i < n; ++i) s *= static_cast<size_t>(dims[i]);
    return s;
  }
};
inline SnapshotShape snapshot_shape(SnapshotDims d, int L, int H, int T, int R) {
  switch (d) {
    case SnapshotDims::L: return {1, {L}};
    case SnapshotDims::LH: return {2, {L, H}};
    case SnapshotDims::LH4: return {3, {L, H, 4}};
    case SnapshotDims::LHH: return {3, {L, H, H}};
    case SnapshotDims::LHTT: return {4, {L, H, T, T}};
    case SnapshotDims::LHR: return {3, {L, H, R}};
  }
  return {};
}
// Sizes every array for L, H, T and R (zeros).
inline void shape_snapshot(Snapshot* s, int L, int H, int T, int R) {
  s->L = L, s->H = H, s->T = T, s->R = R;
  for (const SnapshotArray& a : kSnapshotArrays) (s->*a.member).assign(snapshot_shape(a.dims, L, H, T, R).size(), 0.0f);
}
// True when every array has the size L, H, T and R give.
inline bool snapshot_shaped(const Snapshot& s) {
  if (s.L <= 0 || s.H <= 0 || s.T <= 0 || s.R < 0) return false;
  for (const SnapshotArray& a : kSnapshotArrays)
    if ((s.*a.member).size() != snapshot_shape(a.dims, s.L, s.H, s.T, s.R).size()) return false;
  return true;
}

// A run keeps snapshots from step 0 on (thinned as it grows) within a memory
// budget: as many as fit, but never fewer than kMinSnapshots (a timeline
// needs a start and a few moments since), so validate() counts
// kMinSnapshots of them against its memory limit for the largest models.
constexpr double kSnapshotBudgetBytes = 64.0 * (1 << 20);
constexpr size_t kMinSnapshots = 4, kMaxSnapshots = 512;
// More roles than any task scores (the generic five and a task's own), for estimates made before the task is built.
constexpr int kRolesBound = 10;

// The bytes one snapshot's arrays take (maps dominate), plus its own size.
inline double snapshot_bytes(int L, int H, int T, int R = kRolesBound) {
  double floats = 0;
  for (const SnapshotArray& a : kSnapshotArrays) floats += static_cast<double>(snapshot_shape(a.dims, L, H, T, R).size());
  return floats * sizeof(float) + sizeof(Snapshot);
}

inline size_t snapshot_capacity(int L, int H, int T) {
  const double fit = kSnapshotBudgetBytes / snapshot_bytes(L, H, T);
  return static_cast<size_t>(std::clamp(fit, static_cast<double>(kMinSnapshots), static_cast<double>(kMaxSnapshots)));
}

}  // namespace headlab
