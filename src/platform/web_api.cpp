// The C API web/headlab.js drives each engine instance through (floooh's
// webapi pattern), over the app of web_app.h: every function is safe to call
// before headlab_start() (options are staged, commands do nothing), none lets
// a C++ exception out (it is reported through the 'error' event, see
// guarded()), and the engine calls back into JS through one hook,
// Module.onHeadlabEvents (bits: lab/page_constants.h).
#include <emscripten.h>
#include <emscripten/console.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "lab/run_json.h"
#include "platform/web_app.h"
#include "platform/web_state.h"
#include "ui/panels.h"
#include "ui/theme.h"

using namespace headlab;
using namespace headlab::web;

namespace {
std::vector<uint8_t> g_bytes;  // backing store for a checkpoint handed to JS
int64_t g_bytes_step = -1;     // the step that checkpoint was taken at (-1: none)
}  // namespace

extern "C" {

// Which group an option belongs to: kScopeRun (1: what is learned, needs a new run),
// kScopeView (2: how it looks, changes at once), kScopeLive (16: a run's setting
// that applies from the next step), 0 = not a web option.
EMSCRIPTEN_KEEPALIVE unsigned headlab_option_scope(const char* key) {
  return guarded("option", 0u, [&] {
    const OptionInfo* o = find_option(key);
    return o ? o->scope & kScopes : 0u;
  });
}

// 1 if the option is a flag (its attribute alone turns it on), else 0.
EMSCRIPTEN_KEEPALIVE int headlab_option_is_flag(const char* key) {
  return guarded("option", 0, [&] {
    const OptionInfo* o = find_option(key);
    return static_cast<int>(o && o->kind == OptionKind::Flag);
  });
}

// Stages one option (same keys and values as the CLI and the URL).
// An unknown key or bad value logs one console warning and changes nothing. Returns 1 if staged.
EMSCRIPTEN_KEEPALIVE int headlab_set_option(const char* key, const char* value) {
  return guarded("option", 0, [&] {
    if (!headlab_option_scope(key)) {  // the validator's message would point to the CLI's --help
      emscripten_console_warnf("headlab: unknown option %s (ignored; the options are listed in README.md, section 'Embed headlab')",
                               quote(key).c_str());
      return 0;
    }
    std::string err = set_option(g_options, key, value, kScopes);
    if (err.empty()) return 1;
    emscripten_console_warnf("headlab: %s (ignored)", err.c_str());
    return 0;
  });
}

// Starts staging from the running app's options, so reset({lr: ...}) changes only what it names.
// (A text run's text stays staged only while the task stays text: see staged_run().)
EMSCRIPTEN_KEEPALIVE int headlab_stage_current_options() {
  return guarded("options", 0, [] {
    if (!g_app) return 1;
    Options staged;
    staged.run = g_app->runner->view().options;
    staged.view = g_app->app.view();
    g_options = std::move(staged);
    return 1;
  });
}

// Creates the window, GL context, ImGui and the run, and starts the frame loop.
// Returns "" or an error for the page to show (e.g. no WebGL2).
EMSCRIPTEN_KEEPALIVE const char* headlab_start() {
  return guarded("start", static_cast<const char*>(g_error), [] { return start(); });
}

// Frees everything the instance holds outside its own memory: the frame loop,
// GL objects, GLFW's listeners and ours. The page then drops the module.
EMSCRIPTEN_KEEPALIVE void headlab_destroy() {
  guarded("destroy", 0, [] {
    destroy();
    return 0;
  });
}

// Starts a new run with the staged options (playing if the old one was); if the
// lab rejects them, logs one warning and keeps the current run. Returns 1 on success.
EMSCRIPTEN_KEEPALIVE int headlab_reset() {
  return guarded("reset", 0, [] {
    if (!g_app) return 0;
    wake();
    g_app->app.set_view(g_options.view);
    const bool was_playing = g_app->runner->view().playing;
    std::string err = g_app->runner->reset(staged_run());
    if (!err.empty()) emscripten_console_warnf("headlab: reset: %s", err.c_str());
    apply_compare(*g_app);
    if (was_playing) g_app->runner->play();
    notify();
    return static_cast<int>(err.empty());
  });
}

// Applies the staged options to the current run: view options at once, the
// live ones (kScopeLive) from the next step. Options that change the model or
// its data need a new run: they give one warning naming them and are left as they are.
EMSCRIPTEN_KEEPALIVE int headlab_apply() {
  return guarded("set", 0, [] {
    if (!g_app) return 0;
    wake();
    g_app->app.set_view(g_options.view);
    const RunOptions staged = staged_run();
    const RunOptions& now = g_app->runner->view().options;
    std::string err;
    if (changed_options(now, staged, kScopeLive).size()) err = g_app->runner->set_live(staged.live);
    if (!err.empty()) emscripten_console_warnf("headlab: set: %s (ignored)", err.c_str());
    std::string need_reset;
    for (const std::string& key : changed_options(now, staged, kScopeRun))
      need_reset += (need_reset.empty() ? "" : ", ") + key;
    if (!need_reset.empty())
      emscripten_console_warnf("headlab: set: %s change the model or its data; use reset() to start a run with them (ignored)",
                               need_reset.c_str());
    apply_compare(*g_app);
    return static_cast<int>(err.empty() && need_reset.empty());
  });
}

// Off screen, play() and pause() say what happens on return.
EMSCRIPTEN_KEEPALIVE void headlab_play() {
  wake();
  if (!g_app) g_options.view.autoplay = true;
  else if (g_app->suspended) g_app->play_on_return = true;
  else g_app->runner->play();
}
EMSCRIPTEN_KEEPALIVE void headlab_pause() {
  wake();
  if (!g_app) return void(g_options.view.autoplay = false);
  g_app->play_on_return = false;
  g_app->runner->pause();
}

// The page's step(n): pauses and asks for n more steps, which the trainer
// runs (in a worker, or in this page's headlab_pump() calls). Returns n.
EMSCRIPTEN_KEEPALIVE int headlab_step(int n) {
  return guarded("step", 0, [&] {
    wake();
    if (!g_app || n <= 0) return 0;
    g_app->runner->step(n);
    notify();
    return n;
  });
}

// Takes the views that arrived and, where the page's frames train, trains for
// about budget_ms (0: only looks). Returns 1 once every command sent has been
// carried out and every step asked for run. headlab.js calls it while it
// waits for a command (step(n), openRun()), also off screen, when no frames run.
EMSCRIPTEN_KEEPALIVE int headlab_pump(double budget_ms) {
  return guarded("step", 1, [&] {
    if (!g_app) return 1;
    g_app->runner->frame(budget_ms);
    notify();
    return static_cast<int>(g_app->runner->idle());
  });
}

// Off screen or in a hidden tab the frame loop stops altogether (no training,
// no drawing); the run and the play/pause choice are kept for when it returns.
// A worker trains on its own: it is paused too, and plays again on return if it was playing.
EMSCRIPTEN_KEEPALIVE void headlab_set_visible(int visible) {
  guarded("visibility", 0, [&] {
    if (!g_app || g_app->suspended == !visible) return 0;
    WebApp& a = *g_app;
    a.suspended = !visible;
    if (visible) {
      if (std::exchange(a.play_on_return, false)) a.runner->play();
      wake();
      emscripten_resume_main_loop();
    } else {
      a.play_on_return = a.runner->view().playing;
      if (a.play_on_return) a.runner->pause();
      emscripten_pause_main_loop();
    }
    return 0;
  });
}

// Gives the widget a new canvas and WebGL context (Module.headlabNewCanvas
// makes the canvas) when its context was lost and the browser did not bring
// it back: after an eviction (too many contexts on the page) it never does.
// The run goes on as it was. Returns 1 if the widget draws again.
EMSCRIPTEN_KEEPALIVE int headlab_recreate_gl() {
  return guarded("redraw", 0, [] { return static_cast<int>(recreate_gl()); });
}

// For the canvas's wheel listener: 1 if ImGui would scroll a panel, else the page should scroll.
EMSCRIPTEN_KEEPALIVE int headlab_wheel_wanted(double delta_y) {
  return g_app && !g_app->gl_lost && web::wheel_scrolls_panel(delta_y);
}

// 1 when a worker trains, 0 when the page's frames do (headlab_pump() then trains).
EMSCRIPTEN_KEEPALIVE int headlab_trains_in_worker() { return g_app && !g_app->runner->trains_in_frame(); }

// The app's state as JSON: {ready, step, loss, accuracy, playing, suspended, contextLost,
// fault, stepsPerSec, tokensPerSec, frameMs, trainMs, uiMs, generation, snapshots, frames,
// recorded (a recorded run's name, else null), typing (a text field has the keyboard),
// probeText (the probe as a reader would type it),
// snapshot: {step, diversity[layer]}, options: {key: value}, ui: {name: [x, y, w, h]}}.
// Out of memory it is {"ready":false} (the page hears why through 'error').
EMSCRIPTEN_KEEPALIVE const char* headlab_state() {
  return guarded("state", "{\"ready\":false}", [] {
    if (!g_app) {
      g_text = "{\"ready\":false}";
    } else {
      g_app->runner->frame(0.0);  // the views that arrived (a paused or off-screen widget draws no frames)
      g_text = web::state_json(*g_app->runner, g_app->app, g_app->suspended, g_app->play_on_return, g_app->gl_lost,
                               g_app->frames);
    }
    return g_text.c_str();
  });
}

// [SECTION] C API: share and keep (web/headlab.js: links, pictures, files, the kept run)

// Asks for a picture: a couple of frames later (once no menu is open), right
// after drawing, the engine calls Module.onHeadlabAction('capture') and the page copies the canvas.
EMSCRIPTEN_KEEPALIVE void headlab_capture() {
  if (!g_app) return;
  g_app->capture_in = 3;
  wake();
}

// Starts the timeline's replay (web/headlab.js records it as a video).
EMSCRIPTEN_KEEPALIVE void headlab_replay(double seconds) {
  if (!g_app) return;
  g_app->app.replay(static_cast<float>(seconds));
  wake();
}

// A short line in the top bar, e.g. "Link copied".
EMSCRIPTEN_KEEPALIVE void headlab_notice(const char* text) {
  guarded("notice", 0, [&] {
    if (g_app) g_app->app.show_notice(text);
    wake();
    return 0;
  });
}

// The host page's prefers-color-scheme, which theme=auto follows.
EMSCRIPTEN_KEEPALIVE void headlab_set_system_dark(int dark) {
  ui::set_system_prefers_dark(dark != 0);
  if (g_app) g_app->app.set_view(g_app->app.view());
  wake();
}

// The run as the JSON headlab-train --out writes (lab/run_json.h).
EMSCRIPTEN_KEEPALIVE const char* headlab_run_json() {
  return guarded("export", "", [] {
    std::ostringstream out;
    if (g_app) write_run_json(out, g_app->runner->view());
    g_text = out.str();
    return g_text.c_str();
  });
}

// A checkpoint of the run (twin = 1: of compare mode's twin; none outside it)
// in a buffer the page reads at headlab_bytes(); returns its size, 0 if none.
// Its step is headlab_bytes_step(): with a worker the checkpoint is the one
// it sent last, which may be a few steps behind the run on screen.
EMSCRIPTEN_KEEPALIVE int headlab_checkpoint(int twin) {
  return guarded("keep", 0, [&] {
    if (!g_app) return 0;
    g_app->runner->frame(0.0);  // the views that arrived (a paused, still widget draws no frames)
    g_bytes = g_app->runner->checkpoint(twin);
    g_bytes_step = g_bytes.empty() ? -1 : g_app->runner->checkpoint_step(twin);
    return static_cast<int>(g_bytes.size());
  });
}
EMSCRIPTEN_KEEPALIVE const uint8_t* headlab_bytes() { return g_bytes.data(); }
EMSCRIPTEN_KEEPALIVE double headlab_bytes_step() { return static_cast<double>(g_bytes_step); }

// Continues a kept run from its checkpoint (twin = 1: compare mode's twin,
// after the first). Returns "" or why not, for the page to show.
EMSCRIPTEN_KEEPALIVE const char* headlab_load_checkpoint(const uint8_t* data, int size, int twin) {
  return guarded("resume", static_cast<const char*>(g_error), [&]() -> const char* {
    if (!g_app) return "not started";
    const std::vector<uint8_t> bytes(data, data + size);
    g_text = g_app->runner->load_checkpoint(bytes, twin);
    wake();
    notify();
    return g_text.c_str();
  });
}

// Restarts the run drawn on a typed probe ("" = the task's own), as the
// grid's "Type your own input" does; the page's dialog calls it. Returns ""
// or why not (the run stays as it was).
EMSCRIPTEN_KEEPALIVE const char* headlab_set_probe(const char* text) {
  return guarded("probe", static_cast<const char*>(g_error), [&]() -> const char* {
    if (!g_app) return "not started";
    wake();
    g_text = ui::restart_on_probe(*g_app->runner, g_app->runner->view(), text);
    notify();
    return g_text.c_str();
  });
}

// Opening a recorded run (a run file, lab/run_json_read.h) in place of the
// current one, without training, until the reader trains it or starts
// another run. headlab.js reads the file (a download, a dropped file) and
// hands it over in pieces; the trainer reads them as they come (in the
// worker: the page's thread only copies them), keeping at most the snapshot
// store's budget however large the file. `name` is what the top bar shows;
// `url` where it came from ("" for a local file), kept as the replay option
// so a shared link opens it again.
EMSCRIPTEN_KEEPALIVE void headlab_open_begin(const char* name, const char* url) {
  guarded("open", 0, [&] {
    if (!g_app) return 0;
    g_open_url = url;
    g_app->runner->open_begin(name);
    return 0;
  });
}
// The next piece of the file. Returns the commands the trainer has not
// carried out yet: headlab.js waits while there are many, so memory stays that of a few pieces.
EMSCRIPTEN_KEEPALIVE int headlab_open_data(const uint8_t* data, int size) {
  return guarded("open", 0, [&] {
    if (!g_app) return 0;
    g_app->runner->open_data(data, static_cast<size_t>(std::max(size, 0)));
    g_app->runner->frame(0.0);
    return static_cast<int>(g_app->runner->unapplied());
  });
}
// The commands the trainer has not carried out yet (after taking the views that arrived).
EMSCRIPTEN_KEEPALIVE int headlab_open_backlog() {
  return guarded("open", 0, [] {
    if (!g_app) return 0;
    g_app->runner->frame(0.0);
    return static_cast<int>(g_app->runner->unapplied());
  });
}
EMSCRIPTEN_KEEPALIVE void headlab_open_end() {
  guarded("open", 0, [&] {
    if (g_app) g_app->runner->open_end();
    return 0;
  });
}
// "pending" until the trainer has read the whole file, then "" (the recording
// is shown) or why not (the run shown stays).
EMSCRIPTEN_KEEPALIVE const char* headlab_open_result() {
  return guarded("open", static_cast<const char*>(g_error), []() -> const char* {
    if (!g_app) return "not started";
    g_app->runner->frame(0.0);
    notify();
    g_text = g_app->runner->open_result();
    if (g_text.empty() && !g_app->runner->view().recorded.empty()) {
      ViewOptions view = g_app->app.view();
      view.compare.clear();
      view.replay = g_open_url;
      g_app->app.set_view(view);
      wake();
    }
    return g_text.c_str();
  });
}

}  // extern "C"
