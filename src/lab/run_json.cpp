#include "lab/run_json.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "lab/json.h"

namespace headlab {

namespace {

void number(std::ostream& o, double x, int digits = 6) { o << json_number(x, digits); }

// Numbers for numeric options; words and the user's text stay JSON strings
// even when they read as a number (--text 000 would otherwise be invalid
// JSON, and digits of pi would come back as a float).
bool is_numeric_option(const std::string& key) {
  const OptionInfo* row = find_option(key);
  return row && (row->kind == OptionKind::Int || row->kind == OptionKind::Float);
}

void string(std::ostream& o, const std::string& s) { o << json_string(s); }

// Writes v[0 .. dims[0]*dims[1]*...] as nested arrays.
void nested(std::ostream& o, const float* v, const int* dims, int ndims, int digits = 6) {
  o << '[';
  size_t inner = 1;
  for (int d = 1; d < ndims; ++d) inner *= dims[d];
  for (int i = 0; i < dims[0]; ++i) {
    if (i) o << ',';
    if (ndims == 1)
      number(o, v[i], digits);
    else
      nested(o, v + i * inner, dims + 1, ndims - 1, digits);
  }
  o << ']';
}

void snapshot(std::ostream& o, const Snapshot& s, const std::vector<RolePattern>& roles) {
  const int lh[2] = {s.L, s.H}, lhh[3] = {s.L, s.H, s.H}, lhtt[4] = {s.L, s.H, s.T, s.T};
  o << "{\"step\":" << s.step << ",\"loss\":";
  number(o, s.loss);
  o << ",\"probe_loss\":";
  number(o, s.probe_loss);
  o << ",\"attn\":";
  nested(o, s.attn.data(), lhtt, 4, 4);  // 4 digits is finer than any colour map shows
  o << ",\"grad_norm\":";
  nested(o, s.grad_norm.data(), lh, 2);
  o << ",\"grad_cos\":";
  nested(o, s.grad_cos.data(), lhh, 3);
  o << ",\"js\":";
  nested(o, s.js.data(), lhh, 3);
  o << ",\"diversity\":";
  nested(o, s.diversity.data(), lh, 1);
  o << ",\"entropy\":";
  nested(o, s.entropy.data(), lh, 2);
  o << ",\"confidence\":";
  nested(o, s.confidence.data(), lh, 2);
  o << ",\"ablation_base\":{\"loss\":";
  number(o, s.ablation_base_loss);
  o << ",\"accuracy\":";
  number(o, s.ablation_base_accuracy);
  o << "},\"ablation\":";
  nested(o, s.ablation_loss.data(), lh, 2);
  o << ",\"ablation_accuracy\":";
  nested(o, s.ablation_accuracy.data(), lh, 2);
  o << ",\"roles\":{";
  for (int r = 0; r < s.R; ++r) {
    if (r) o << ',';
    string(o, roles[r].name);
    o << ":[";
    for (int l = 0; l < s.L; ++l) {
      o << (l ? ",[" : "[");
      for (int h = 0; h < s.H; ++h) {
        if (h) o << ',';
        number(o, s.role(l, h, r));
      }
      o << ']';
    }
    o << ']';
  }
  o << "}}";
}

}  // namespace

void write_run_json(std::ostream& o, const LabView& v) {
  o << "{\"config\":{";
  bool first = true;
  for (const auto& [key, value] : describe(v.options)) {
    if (!first) o << ',';
    first = false;
    string(o, key);
    o << ':';
    if (is_numeric_option(key))
      o << value;
    else
      string(o, value);
  }
  o << "},\n\"vocab\":[";
  for (size_t i = 0; i < v.vocab.size(); ++i) {
    if (i) o << ',';
    string(o, v.vocab[i]);
  }
  o << "],\n\"probe\":[";
  for (size_t i = 0; i < v.probe.size(); ++i) o << (i ? "," : "") << v.probe[i];
  o << "],\n\"history\":[";
  for (size_t i = 0; i < v.history.size(); ++i) {
    const HistoryPoint& p = v.history[i];
    o << (i ? ",\n" : "") << "{\"step\":" << p.step << ",\"loss\":";
    number(o, p.loss);
    o << ",\"acc\":";
    number(o, p.accuracy);
    o << '}';
  }
  o << "],\n\"snapshots\":[";
  for (size_t i = 0; i < v.snapshots.size(); ++i) {
    if (i) o << ",\n";
    snapshot(o, *v.snapshots[i], v.roles);
  }
  o << "]}\n";
}

}  // namespace headlab
