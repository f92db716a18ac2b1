#include "lab/run_json.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
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

// Every field of kSnapshotArrays and kSnapshotScalars, in table order.
void snapshot(std::ostream& o, const Snapshot& s, const std::vector<RolePattern>& roles) {
  o << "{\"step\":" << s.step;
  for (const SnapshotScalar& f : kSnapshotScalars) {
    if (f.object) continue;
    o << ",\"" << f.key << "\":";
    number(o, s.*f.member);
  }
  for (const SnapshotArray& a : kSnapshotArrays) {
    o << ",\"" << a.key << "\":";
    const std::vector<float>& v = s.*a.member;
    if (a.dims != SnapshotDims::LHR) {
      const SnapshotShape shape = snapshot_shape(a.dims, s.L, s.H, s.T, s.R);
      nested(o, v.data(), shape.dims, shape.n, a.digits);
      continue;
    }
    o << '{';  // per role: {"add": [L][H], ...}
    for (int r = 0; r < s.R; ++r) {
      o << (r ? "," : "");
      string(o, roles[r].name);
      o << ":[";
      for (int l = 0; l < s.L; ++l) {
        o << (l ? ",[" : "[");
        for (int h = 0; h < s.H; ++h) {
          if (h) o << ',';
          number(o, v[(static_cast<size_t>(l) * s.H + h) * s.R + r], a.digits);
        }
        o << ']';
      }
      o << ']';
    }
    o << '}';
  }
  const char* open = nullptr;  // the group being written
  for (const SnapshotScalar& f : kSnapshotScalars) {
    if (!f.object) continue;
    if (!open || std::strcmp(open, f.object) != 0) {
      o << (open ? "}," : ",") << '"' << f.object << "\":{";
      open = f.object;
    } else {
      o << ',';
    }
    o << '"' << f.key << "\":";
    number(o, s.*f.member);
  }
  o << (open ? "}}" : "}");
}

}  // namespace

void write_run_json(std::ostream& o, const LabView& v) {
  o << "{\"format\":" << kRunFileFormat << ",\n\"config\":{";
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
