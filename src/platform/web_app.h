// The web engine's app: ImGui over WebGL2 on the module's canvas, its frame
// loop, drawing pacing, events and WebGL context restore (web_app.cpp). The C
// API web/headlab.js calls (web_api.cpp) is a thin layer over it. One module
// instance per widget, so the instance's state is global here.
#pragma once
#include <GLFW/glfw3.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "lab/options.h"
#include "lab/page_constants.h"
#include "lab/run_host.h"
#include "platform/web_page.h"
#include "ui/app.h"

namespace headlab::web {

constexpr unsigned kScopes = kScopeRun | kScopeLive | kScopeView;

struct WebApp {
  GLFWwindow* window = nullptr;
  std::unique_ptr<RunHost> runner;  // the run and, in compare mode, its twin
  ui::App app;
  int drawn_step = -1;     // the run as last drawn: a change (step(n), reset) is worth a frame
  uint64_t drawn_generation = 0;
  double drew_at = 0;      // emscripten_get_now() when the previous frame started rendering; 0: it did not draw
  double next_draw = 0;    // time before which a training frame only trains
  bool gl_lost = false;    // drawing waits for the browser to restore the WebGL context
  bool suspended = false;  // off screen or in a hidden tab: no frames at all, no training
  bool play_on_return = false;  // it was playing when it was suspended
  long frames = 0;         // frames drawn (state().frames: tests wait for one after an input)
  // Reader features (issue 12): keys typed into the canvas since the last
  // frame, a picture asked for by the page (frames to wait until the canvas
  // shows no menu), and whether the mouse was down in the last frame (taps).
  struct Key {
    int key, mods;
    bool repeat;
  };
  std::vector<Key> keys;
  int capture_in = 0;
  bool mouse_was_down = false;
  // What JS was last told about (see notify()).
  bool told_ready = false;
  int told_step = -1;
  uint64_t told_generation = 0;
  int told_snapshot_step = -1;
  Fault told_fault = Fault::None;
  bool told_playing = false;
};

extern WebApp* g_app;          // null until start(), and after destroy()
extern Options g_options;      // options staged by headlab_set_option, applied by start/reset/apply
extern std::string g_text;     // backing store for strings returned to JS
extern char g_error[512];      // the last failure caught by guarded(): a fixed buffer, as memory may have run out
extern std::string g_open_url; // where the run file being opened came from (the replay option once it shows)

// Runs one entry point from JS (a C API function or the frame) so that no C++
// exception reaches JS, where it would surface as a bare number: the failure
// (usually std::bad_alloc: the heap cannot grow) becomes one message for the
// page's 'error' listeners, and the call returns `fallback`. Allocation fails
// before anything changes in every path here, so the widget carries on.
template <typename F, typename R>
R guarded(const char* what, R fallback, F&& f) {
  const char* why = "unknown exception";
  try {
    return f();
  } catch (const std::bad_alloc&) {
    why = "out of memory";
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
  }
  std::snprintf(g_error, sizeof g_error, "%s: %s", what, why);
  notify_js(page::kEventError, g_error);
  return fallback;
}

// Input, commands and resizes keep drawing for a while (hover tooltips, easing).
void wake();
// Tells JS what changed since it was last told (Module.onHeadlabEvents).
void notify();

// Creates the window, GL context, ImGui and the run, and starts the frame
// loop; "" or why not (e.g. no WebGL2).
const char* start();
// Frees everything the instance holds outside its own memory.
void destroy();
// A new canvas and WebGL context after the browser evicted the old one; true if it draws again.
bool recreate_gl();
// Compare mode follows the view's compare option (a twin that cannot be made: one warning).
void apply_compare(WebApp& a);
// The staged run options, less a training text inherited from the current
// run when the task has changed since (only task=text takes a text).
RunOptions staged_run();

}  // namespace headlab::web
