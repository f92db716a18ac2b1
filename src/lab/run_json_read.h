// Reading a run file (run_json.h) back: what the web page and the desktop
// app replay without training, and what headlab-train --replay summarises.
// The config goes through the option parser and validate(); the vocabulary
// and probe must be the ones that config gives; every array must have the
// shape the config says and steps must increase. Anything else is refused
// with one line saying what is wrong. Memory stays about the size of the
// result: each section is converted as soon as it is parsed, then dropped.
#pragma once
#include <cstddef>
#include <string>

#include "lab/runner.h"

namespace headlab {

constexpr size_t kMaxRunJsonBytes = size_t{512} << 20;

// Fills *view (options, task description, vocabulary, probe, roles,
// history, snapshots, step, loss, accuracy) or returns what is wrong.
std::string read_run_json(const std::string& text, LabView* view);

}  // namespace headlab
