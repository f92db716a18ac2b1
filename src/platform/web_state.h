// The engine's state as the JSON that web/headlab.js returns from state():
// {ready, step, loss, accuracy, playing, suspended, contextLost, fault, trainer,
//  stepsPerSec, tokensPerSec, frameMs, trainMs, uiMs, generation, snapshots, frames,
//  snapshot: {step, diversity[layer]}, options: {key: value}, share: {key: value}
//  (the options that differ from the defaults: a link's query), ui: {name: [x, y, w, h]}}.
#pragma once
#include <string>

#include "lab/run_host.h"
#include "ui/app.h"

namespace headlab::web {

// frames: how many frames the widget has drawn (a test waits for one after an input);
// play_on_return: suspended while playing, so "playing" still (it plays on return).
// "trainer" says where training runs ("worker", or "page (why)").
std::string state_json(const RunHost& runner, const ui::App& app, bool suspended, bool play_on_return, bool context_lost,
                       long frames);

}  // namespace headlab::web
