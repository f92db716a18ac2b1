// The web engine: ImGui over WebGL2 on the module's canvas. Each run trains
// in a Web Worker of its own (platform/worker_channel.h: the same engine,
// platform/web_trainer.cpp), or, where no worker can start, inside the
// animation frames, time-sliced (lab/direct_channel.h); the RunHost
// (lab/run_host.h) hides which.
//
// web/headlab.js instantiates one module per widget and drives it through the
// small C API at the bottom (floooh's webapi pattern): every function is safe
// to call before headlab_start() (options are staged, commands do nothing),
// none lets a C++ exception out (it is reported through the 'error' event,
// see guarded()), and the engine calls back into JS through one hook,
// Module.onHeadlabEvents.
//
// The JS glue that makes GLFW behave in a host page is in web_page.cpp, the
// state JSON in web_state.cpp.
//
// [SECTION] events, context restore
// [SECTION] frame
// [SECTION] C API
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/console.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "lab/run_checks.h"
#include "lab/run_host.h"
#include "lab/run_json.h"
#include "platform/web_page.h"
#include "platform/web_state.h"
#include "platform/worker_channel.h"
#include "ui/app.h"
#include "ui/gl.h"
#include "ui/panels.h"
#include "ui/theme.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRun | kScopeLive | kScopeView;
constexpr const char* kGlslVersion = "#version 300 es";
// Drawing pacing while training, see pace_drawing().
constexpr double kSlowDrawMs = 40.0;       // a drawing this slow (30 Hz screens stay under it) is spaced out
constexpr double kSlowDrawGap = 2.0;       // training time after a slow drawing, in drawing costs
constexpr double kMaxDrawGapMs = 500.0;    // the picture still moves twice a second
constexpr double kMaxTrainSliceMs = 50.0;  // input is handled at least this often

// Bits of Module.onHeadlabEvents(bits): what changed since the last call.
// kEventError comes with a message: an engine call failed (e.g. out of memory) and changed nothing.
// kEventPlaying: training started or paused (Space or the Train button inside
// the engine): the page's live region says so even when both happen between
// two of its checks.
enum Event { kEventReady = 1, kEventStep = 2, kEventSnapshot = 4, kEventFault = 8, kEventError = 16,
             kEventPlaying = 32 };

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

WebApp* g_app = nullptr;   // one per module instance: each widget gets its own instance
Options g_options;         // options staged by headlab_set_option, applied by start/reset/apply
std::string g_text;        // backing store for strings returned to JS
std::vector<uint8_t> g_bytes;  // backing store for a checkpoint handed to JS
int64_t g_bytes_step = -1;     // the step that checkpoint was taken at (-1: none)
double g_awake_until = 0;  // emscripten_get_now() time (ms) until which every frame is drawn
char g_error[512];         // the last failure caught by guarded(): a fixed buffer, as memory may have run out
std::string g_open_url;    // where the run file being opened came from (the replay option once it shows)

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
  web::notify_js(kEventError, g_error);
  return fallback;
}

// Input, commands and resizes keep drawing for a while (hover tooltips, easing);
// otherwise a paused, still app draws nothing, so a page with several widgets
// does not keep its CPU and GPU busy.
void wake() { g_awake_until = emscripten_get_now() + 1000.0; }
void on_cursor(GLFWwindow*, double, double) { wake(); }
void on_button(GLFWwindow*, int, int, int) { wake(); }
void on_scroll(GLFWwindow*, double, double) { wake(); }
void on_key(GLFWwindow*, int key, int, int action, int mods) {
  wake();
  if (g_app && action != GLFW_RELEASE) g_app->keys.push_back({key, mods, action == GLFW_REPEAT});
}
void on_char(GLFWwindow*, unsigned) { wake(); }
bool g_pointer_outside = false;  // the pointer left the canvas: nothing is hovered (no tooltip stays behind)
void on_enter(GLFWwindow*, int entered) {
  g_pointer_outside = !entered;
  wake();
}

// Our input callbacks and the page glue, before ImGui's (which chain to them;
// 1.86 installs no cursor-position callback).
void install_input(GLFWwindow* w) {
  web::skip_browser_init();
  glfwSetCursorPosCallback(w, on_cursor);
  glfwSetMouseButtonCallback(w, on_button);
  glfwSetScrollCallback(w, on_scroll);
  glfwSetKeyCallback(w, on_key);
  glfwSetCharCallback(w, on_char);
  glfwSetCursorEnterCallback(w, on_enter);
  web::embed_input();
}

// =============================================================================
// [SECTION] events, context restore
// =============================================================================

// Tells JS what changed since it was last told; the trainers' refusals and
// results (a worker that died, a setting refused) reach 'error' listeners and the top bar.
void notify() {
  WebApp& a = *g_app;
  for (const Notice& n : a.runner->take_notices()) {
    a.app.show_notice(n.text);
    if (!n.ok) {
      std::snprintf(g_error, sizeof g_error, "%s", n.text.c_str());
      emscripten_console_warnf("headlab: %s", g_error);
      web::notify_js(kEventError, g_error);
    }
  }
  const LabView& v = a.runner->view();
  const int latest = v.snapshots.empty() ? -1 : v.snapshots.back()->step;
  int events = 0;
  if (a.app.ready() && !a.told_ready) events |= kEventReady;
  if (v.step != a.told_step || v.generation != a.told_generation) events |= kEventStep;
  if (latest != a.told_snapshot_step || v.generation != a.told_generation) events |= kEventSnapshot;
  if (v.fault != Fault::None && a.told_fault == Fault::None) events |= kEventFault;
  if (v.playing != a.told_playing) events |= kEventPlaying;
  a.told_playing = v.playing;
  a.told_ready = a.app.ready();
  a.told_step = v.step;
  a.told_generation = v.generation;
  a.told_snapshot_step = latest;
  a.told_fault = v.fault;
  if (events) web::notify_js(events);
}

// Replaces the canvas and its WebGL context with new ones (after the browser
// evicted the context, which it never restores) and rebuilds every GL object.
// The run is untouched. Returns false if the page gave no canvas or the new
// context could not be made.
bool recreate_gl(WebApp& a) {
  web::remove_input();
  if (a.window) {  // (none after a failed attempt)
    ImGui_ImplGlfw_Shutdown();
    glfwDestroyWindow(a.window);
    a.window = nullptr;
  }
  glfwTerminate();  // removes GLFW's listeners from the old canvas
  const bool replaced = web::replace_canvas();
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  a.window = glfwCreateWindow(640, 480, "headlab", nullptr, nullptr);
  if (!a.window) return false;
  glfwMakeContextCurrent(a.window);
  install_input(a.window);
  ImGui_ImplGlfw_InitForOpenGL(a.window, true);
  a.gl_lost = true;  // restore_gl() rebuilds ImGui's and the heatmaps' GL objects in the new context
  a.drawn_step = -1;
  return replaced;
}

// Rebuilds every GL object (ImGui's and the heatmaps') in the restored context.
void restore_gl(WebApp& a) {
  web::forget_gl_objects();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplOpenGL3_Init(kGlslVersion);
  std::string error;
  if (!a.app.restore_gl(&error)) emscripten_console_errorf("headlab: after the WebGL context came back: %s", error.c_str());
  a.gl_lost = false;
  wake();
}

// =============================================================================
// [SECTION] frame
// =============================================================================

// Where drawing is slow (software WebGL such as SwiftShader: ~200 ms per frame at
// 1280x800 on 2 cores, spent in the GPU process, which also delays the next
// animation frame), drawing every frame would leave training a sliver of the
// time. A drawing costs from its start until the next frame may start; after a
// slow one, the frames for twice that cost only train. With a GPU, drawing costs
// a few ms and every frame is drawn.
void pace_drawing(WebApp& a, double now) {
  if (a.drew_at == 0) return;
  const double cost = now - a.drew_at;
  a.next_draw = cost > kSlowDrawMs ? now + std::min(kSlowDrawGap * cost, kMaxDrawGapMs) : 0.0;
  a.drew_at = 0;
}

// Space, S and R do in the page what they do on the desktop (the canvas only
// gets keys while it has focus). Not while a text field is edited, nor Space
// while keyboard navigation highlights a control (Space activates it then).
void handle_keys(WebApp& a) {
  for (const WebApp::Key& k : std::exchange(a.keys, {})) {
    const char key = k.key == GLFW_KEY_SPACE ? ' ' : k.key == GLFW_KEY_S ? 's' : k.key == GLFW_KEY_R ? 'r' : 0;
    const bool modifier = k.mods & (GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER);
    const std::string message = key ? a.app.key(*a.runner, key, modifier, k.repeat) : "";
    if (!message.empty()) emscripten_console_warnf("headlab: %s", message.c_str());
  }
}

// A finger that lifted leaves no pointer behind: once the tap's release has
// been seen, nothing is hovered, so a tapped tooltip closes.
void forget_lifted_touch(WebApp& a) {
  ImGuiIO& io = ImGui::GetIO();
  const bool down = io.MouseDown[0];
  if (web::touch_lifted() && !down && !a.mouse_was_down) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  a.mouse_was_down = down;
}

void draw(WebApp& a) {
  if (a.runner->view().generation == 0) {  // the worker's first run has not arrived: nothing to draw yet
    a.runner->frame(0);
    return;
  }
  const double now = emscripten_get_now();
  pace_drawing(a, now);
  double css_w = 0, css_h = 0, dpr = 1;
  web::canvas_css_size(&css_w, &css_h, &dpr);
  if (css_w < 1 || css_h < 1) {  // hidden (display:none, zero-size embed): keep training, skip drawing
    a.runner->frame(a.app.view().budget_ms);
    return;
  }
  int fb_w = static_cast<int>(std::lround(css_w * dpr)), fb_h = static_cast<int>(std::lround(css_h * dpr));
  if (web::set_backbuffer_size(fb_w, fb_h)) wake();
  glfwPollEvents();
  const LabView& v = a.runner->view();
  const bool busy = v.playing || a.app.animating() || ImGui::GetIO().WantTextInput ||
                    now < g_awake_until || v.step != a.drawn_step || v.generation != a.drawn_generation;
  if (!busy) return;
  if (v.playing && now < a.next_draw && !ImGui::GetIO().WantTextInput) {  // typing: keys must not wait
    a.runner->frame(std::clamp<double>(a.next_draw - now, a.app.view().budget_ms, kMaxTrainSliceMs));
    return;
  }
  a.drawn_step = v.step;
  a.drawn_generation = v.generation;
  ++a.frames;

  const float scale_x = static_cast<float>(fb_w / css_w), scale_y = static_cast<float>(fb_h / css_h);
  a.app.prepare(static_cast<float>(dpr));
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The GLFW backend saw backbuffer pixels; ImGui works in CSS pixels.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(scale_x, scale_y);
  if (io.MousePos.x != -FLT_MAX) io.MousePos = ImVec2(io.MousePos.x / scale_x, io.MousePos.y / scale_y);
  forget_lifted_touch(a);
  if (g_pointer_outside && !io.MouseDown[0]) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();
  a.app.frame(*a.runner);
  handle_keys(a);
  if (const std::string action = a.app.take_action(); !action.empty()) web::page_action(action.c_str());
  a.drew_at = emscripten_get_now();
  ImGui::Render();

  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, fb_w, fb_h);
  ImVec4 c = a.app.clear_color();
  glClearColor(c.x, c.y, c.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  // The drawing buffer is readable until this task ends: the page copies it now.
  if (a.capture_in > 0 && --a.capture_in == 0) web::page_action("capture");
  else if (a.capture_in > 0) wake();
}

void frame() {
  const bool ok = guarded("frame", false, [] {
    WebApp& a = *g_app;
    if (web::context_lost()) {  // training goes on; drawing resumes when the context is restored or recreated
      a.gl_lost = true;
      a.runner->frame(a.app.view().budget_ms);
    } else {
      if (a.gl_lost) restore_gl(a);
      draw(a);
    }
    notify();
    return true;
  });
  // After a failed frame (out of memory mid-step) training stops rather than failing every frame.
  if (!ok && g_app) g_app->runner->pause();
}

// Compare mode follows the view's compare option. A twin that cannot be made
// (e.g. heads:5 with d-model 64) gives one warning and compare mode stays as it was.
void apply_compare(WebApp& a) {
  const std::string err = a.runner->set_compare(a.app.view().compare);
  if (err.empty()) return;
  emscripten_console_warnf("headlab: %s (ignored)", err.c_str());
  ViewOptions v = a.app.view();
  v.compare = a.runner->compare_spec();
  a.app.set_view(v);
}

// The staged run options, less a training text inherited from the current
// run when the task has changed since (only task=text takes a text).
RunOptions staged_run() {
  RunOptions r = g_options.run;
  if (g_app && r.task != "text" && r.text == g_app->runner->view().options.text) r.text.clear();
  return r;
}

// The top bar's Share menu on the web; web/headlab.js carries each one out.
std::vector<ui::ShareAction> share_actions() {
  return {{"copy-link", "Copy link", "A link to the full app with these settings: it starts the same run."},
          {"copy-embed", "Copy embed code", "An <iframe> with these settings, for a blog post or course page."},
          {"png", "Save the grid as PNG", "A picture of the attention grid as it is on screen."},
          {"json", "Save the run as JSON",
           "Settings, loss curve and every recorded snapshot: the file headlab-train --out writes."},
          {"webm", "Record the replay (WebM)",
           "The timeline's replay, step 0 to now, as a video of the widget (as long as the replay menu says)."},
          {"open-run", "Open a recorded run...",
           "Replay a run file (from headlab-train --out or \"Save the run as JSON\") without training."}};
}

// A run the lab rejects as a whole (e.g. d_model not divisible by heads) falls back to the defaults.
void check_run_options() {
  std::string err = validate(g_options);
  if (err.empty()) return;
  emscripten_console_warnf("headlab: %s; using the default run settings", err.c_str());
  g_options.run = RunOptions();
}

}  // namespace

// =============================================================================
// [SECTION] C API
// =============================================================================

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
  return guarded("start", static_cast<const char*>(g_error), []() -> const char* {
    if (g_app) return "";
    check_run_options();
    web::skip_browser_init();
    if (!glfwInit()) return "GLFW could not initialise";
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    auto a = std::make_unique<WebApp>();
    a->window = glfwCreateWindow(640, 480, "headlab", nullptr, nullptr);
    if (!a->window) {
      glfwTerminate();
      return "this browser or device does not provide WebGL2 (try a current Firefox, Chrome, Edge or Safari, "
             "or turn on hardware acceleration)";
    }
    glfwMakeContextCurrent(a->window);
    install_input(a->window);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui_ImplGlfw_InitForOpenGL(a->window, true);
    ImGui_ImplOpenGL3_Init(kGlslVersion);
    std::string error;
    a->runner = std::make_unique<RunHost>(make_web_channel, g_options.run);
    a->runner->set_fallback(make_page_channel);  // a worker that dies: its run goes on in the page
    if (!a->app.init(g_options.view, &error)) {
      g_text = error.empty() ? "could not start" : error;
      return g_text.c_str();
    }
    a->app.set_share_actions(share_actions());
    a->app.set_probe_dialog(true);  // web/headlab.js edits a typed probe in an HTML field
    apply_compare(*a);
    if (g_options.view.autoplay) a->runner->play();
    g_app = a.release();
    emscripten_set_main_loop(frame, 0, false);
    return "";
  });
}

// Frees everything the instance holds outside its own memory: the frame loop,
// GL objects, GLFW's listeners and ours. The page then drops the module.
EMSCRIPTEN_KEEPALIVE void headlab_destroy() {
  guarded("destroy", 0, [] {
    if (!g_app) return 0;
    emscripten_cancel_main_loop();
    web::remove_input();
    g_app->app.shutdown();
    ImGui_ImplOpenGL3_Shutdown();
    if (g_app->window) ImGui_ImplGlfw_Shutdown();  // (no window after a failed recreate_gl())
    ImGui::DestroyContext();
    g_app->runner.reset();
    glfwDestroyWindow(g_app->window);
    glfwTerminate();
    delete g_app;
    g_app = nullptr;
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
  return guarded("redraw", 0, [] {
    if (!g_app) return 0;
    wake();
    return static_cast<int>(recreate_gl(*g_app) && !web::context_lost());
  });
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
