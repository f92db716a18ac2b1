// The run file: a run's configuration, vocabulary, probe, loss/accuracy
// history and every recorded snapshot, as JSON. Written by the CLI (--out)
// and the desktop app's export; schema:
//   {"config":{...},"vocab":[...],"probe":[ids],"history":[{"step","loss","acc"}],
//    "snapshots":[{"step","loss","attn":[L][H][T][T],"grad_norm":[L][H],
//                  "entropy":[L][H],"roles":{"<role>":[L][H]},"js":[L][H][H],"grad_cos":[L][H][H]}]}
#pragma once
#include <ostream>

#include "lab/runner.h"

namespace headlab {

void write_run_json(std::ostream& out, const LabView& view);

}  // namespace headlab
