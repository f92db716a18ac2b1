// The run file: a run's configuration, vocabulary, probe, loss/accuracy
// history and every recorded snapshot, as JSON. Written by the CLI (--out),
// the desktop app's export and the web page's "Save the run as JSON"; read
// back by run_json_read.h. Schema (format 1):
//   {"format":1, "config":{option: value}, "vocab":[...], "probe":[ids],
//    "history":[{"step","loss","acc"}],
//    "snapshots":[{"step", <kSnapshotScalars>, <kSnapshotArrays> (roles as {"<role>":[L][H]})}]}
// Files written before "format" existed read as format 1.
#pragma once
#include <ostream>

#include "lab/lab_view.h"

namespace headlab {

// Raised only for a change an older reader would misread: fields may be
// added (older readers skip them) without raising it.
constexpr int kRunFileFormat = 1;

void write_run_json(std::ostream& out, const LabView& view);

}  // namespace headlab
