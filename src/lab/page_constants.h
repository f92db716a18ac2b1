// The numbers the engine and the page's JavaScript (web/headlab.js) must
// agree on. The web build writes every `constexpr long long kName = N;` line
// below to headlab-constants.js as `export const NAME = N;`
// (cmake/PageConstants.cmake), so the two cannot drift apart: keep each one a
// plain integer on one line.
#pragma once

namespace headlab::page {

// Bits of Module.onHeadlabEvents(bits): what changed since the last call
// (src/platform/web_app.cpp). Error comes with a message: an engine call
// failed (e.g. out of memory) and changed nothing. Playing: training started
// or paused, also by a key or button inside the engine.
constexpr long long kEventReady = 1;
constexpr long long kEventStep = 2;
constexpr long long kEventSnapshot = 4;
constexpr long long kEventFault = 8;
constexpr long long kEventError = 16;
constexpr long long kEventPlaying = 32;

// headlab_option_scope()'s bit for an option that needs a new run (lab/options.h kScopeRun).
constexpr long long kScopeRun = 1;

// The longest option value: task=text's training text, 4 MiB of UTF-8.
constexpr long long kMaxOptionValueBytes = 4194304;
// The largest run file the engine reads (lab/run_json_read.h).
constexpr long long kMaxRunFileBytes = 536870912;

}  // namespace headlab::page
