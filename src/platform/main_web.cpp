// The web engine: ImGui over WebGL2 on the module's canvas, training
// time-sliced inside each animation frame (no threads, so it embeds anywhere).
//
// web/headlab.js instantiates one module per widget and drives it through the
// small C API at the bottom (floooh's webapi pattern): every function is safe
// to call before headlab_start() (options are staged, commands do nothing),
// and the engine calls back into JS through one hook, Module.onHeadlabEvents.
//
// [SECTION] host etiquette: input, context loss, visibility
// [SECTION] frame
// [SECTION] state as JSON
// [SECTION] C API
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/console.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"  // HoveredWindow and scroll limits: does the wheel scroll a panel?
#include "lab/runner.h"
#include "ui/app.h"
#include "ui/gl.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRun | kScopeView;
constexpr const char* kGlslVersion = "#version 300 es";

// Bits of Module.onHeadlabEvents(bits): what changed since the last call.
enum Event { kEventReady = 1, kEventStep = 2, kEventSnapshot = 4, kEventFault = 8 };

struct WebApp {
  GLFWwindow* window = nullptr;
  std::unique_ptr<Runner> runner;
  ui::App app;
  int drawn_step = -1;     // the run as last drawn: a change (step(n), reset) is worth a frame
  uint64_t drawn_generation = 0;
  bool gl_lost = false;    // drawing waits for the browser to restore the WebGL context
  bool suspended = false;  // off screen or in a hidden tab: no frames at all
  // What JS was last told about (see notify()).
  bool told_ready = false;
  int told_step = -1;
  uint64_t told_generation = 0;
  const Snapshot* told_snapshot = nullptr;
  Fault told_fault = Fault::None;
};

WebApp* g_app = nullptr;   // one per module instance: each widget gets its own instance
Options g_options;         // options staged by headlab_set_option, applied by start/reset/apply
std::string g_text;        // backing store for strings returned to JS
double g_awake_until = 0;  // emscripten_get_now() time (ms) until which every frame is drawn

// Input, commands and resizes keep drawing for a while (hover tooltips, easing);
// otherwise a paused, still app draws nothing, so a page with several widgets
// does not keep its CPU and GPU busy.
void wake() { g_awake_until = emscripten_get_now() + 1000.0; }
void on_cursor(GLFWwindow*, double, double) { wake(); }
void on_button(GLFWwindow*, int, int, int) { wake(); }
void on_scroll(GLFWwindow*, double, double) { wake(); }
void on_key(GLFWwindow*, int, int, int, int) { wake(); }
void on_char(GLFWwindow*, unsigned) { wake(); }
void on_enter(GLFWwindow*, int) { wake(); }

// =============================================================================
// [SECTION] host etiquette: input, context loss, visibility
// =============================================================================

// Emscripten 3.1.6's GLFW is written for a full-page app; in an article it
// misbehaves in three ways, fixed here right after the window exists:
//  - it listens for keys on `window`, so every widget sees (and for Backspace
//    and Tab, swallows) keys typed anywhere on the host page: the canvas gets
//    them instead, i.e. only while it has focus, and Tab is left to the
//    browser so keyboard users can move on;
//  - its wheel listener always calls preventDefault, trapping the reader's
//    scrolling: ours forwards the wheel only when ImGui would scroll a panel;
//  - Browser.init() adds pointer-lock listeners to `document` that nothing
//    removes, which would keep a destroyed widget's memory alive. We never
//    lock the pointer, so it is marked as done before the window is created;
//    the one thing GLFW needs from it, canvas.exitPointerLock (called when
//    ImGui sets the cursor), becomes a no-op rather than releasing a lock the
//    host page may hold.
EM_JS(void, js_skip_browser_init, (), {
  Browser.initted = true;
  Module['canvas'].exitPointerLock = function() {};
});

EM_JS(void, js_embed_input, (), {
  var canvas = Module['canvas'];
  var keydown = function(e) { if (e.keyCode !== 9) GLFW.onKeydown(e); };
  var wheel = function(e) { if (Module['_headlab_wheel_wanted'](e.deltaY)) GLFW.onMouseWheel(e); };
  Module['headlabInput'] = [['keydown', keydown], ['keypress', GLFW.onKeyPress], ['keyup', GLFW.onKeyup],
                            ['blur', GLFW.onBlur], ['wheel', wheel]];
  [['keydown', GLFW.onKeydown], ['keypress', GLFW.onKeyPress], ['keyup', GLFW.onKeyup], ['blur', GLFW.onBlur]]
    .forEach(function(l) { window.removeEventListener(l[0], l[1], true); });
  canvas.removeEventListener('wheel', GLFW.onMouseWheel, true);
  canvas.removeEventListener('mousewheel', GLFW.onMouseWheel, true);
  Module['headlabInput'].forEach(function(l) { canvas.addEventListener(l[0], l[1], true); });
});

EM_JS(void, js_remove_input, (), {
  var canvas = Module['canvas'];
  (Module['headlabInput'] || []).forEach(function(l) { canvas.removeEventListener(l[0], l[1], true); });
  Module['headlabInput'] = null;
});

EM_JS(int, js_context_lost, (), { return GLctx.isContextLost() ? 1 : 0; });

// After a restore the context is the same JS object, but every GL object made
// before the loss is dead. Emscripten still maps our ids to them: forget them,
// so the glDelete* calls of re-initialisation skip them instead of handing
// dead objects to the new context (which warns), and re-enable extensions.
EM_JS(void, js_forget_gl_objects, (), {
  [GL.buffers, GL.programs, GL.framebuffers, GL.renderbuffers, GL.textures, GL.shaders, GL.vaos, GL.queries,
   GL.samplers, GL.transformFeedbacks, GL.syncs].forEach(function(table) {
    if (table) table.fill(null);
  });
  GL.currentContext.initExtensionsDone = false;
  GL.initExtensions(GL.currentContext);
});

EM_JS(void, js_notify, (int events), {
  if (Module['onHeadlabEvents']) Module['onHeadlabEvents'](events);
});

// Emscripten 3.1.6's GLFW has no HiDPI support: we read the canvas's CSS box
// and devicePixelRatio, size the backbuffer ourselves and tell ImGui the scale.
// Not through glfwSetWindowSize: it requests fullscreen whenever the size
// asked for equals the screen's (a widget filling an iframe, or a 640x400 box
// at devicePixelRatio 2 on a 1280x800 screen). Nothing else reads GLFW's idea
// of the size: ImGui's display size and scale are set from ours each frame,
// and mouse positions come from the canvas itself. Returns 1 if it changed.
EM_JS(int, js_set_backbuffer_size, (int w, int h), {
  var canvas = Module['canvas'];
  if (canvas.width === w && canvas.height === h) return 0;
  canvas.width = w;
  canvas.height = h;
  return 1;
});

EM_JS(void, js_canvas_css_size, (double* w, double* h, double* dpr), {
  var r = Module['canvas'].getBoundingClientRect();
  HEAPF64[w >> 3] = r.width;
  HEAPF64[h >> 3] = r.height;
  HEAPF64[dpr >> 3] = window.devicePixelRatio || 1;
});

// Would ImGui scroll something with this wheel movement (deltaY > 0 is down)?
// Mirrors ImGui 1.86's choice of window (the hovered one, or the nearest
// scrollable parent of a child window) and lets the page scroll on when the
// panel is already at that end, as nested scroll areas in a browser do.
bool wheel_scrolls_panel(double delta_y) {
  const ImGuiContext& g = *GImGui;
  ImGuiWindow* w = g.HoveredWindow;
  if (!w || delta_y == 0) return false;
  if (g.HoveredIdUsingMouseWheel) return true;
  while ((w->Flags & ImGuiWindowFlags_ChildWindow) &&
         (w->ScrollMax.y == 0.0f || (w->Flags & ImGuiWindowFlags_NoScrollWithMouse)))
    w = w->ParentWindow;
  if ((w->Flags & ImGuiWindowFlags_NoScrollWithMouse) || w->ScrollMax.y <= 0.0f) return false;
  return delta_y > 0 ? w->Scroll.y < w->ScrollMax.y : w->Scroll.y > 0.0f;
}

// Tells JS what changed since it was last told.
void notify() {
  WebApp& a = *g_app;
  const LabView& v = a.runner->view();
  const Snapshot* latest = v.snapshots.empty() ? nullptr : v.snapshots.back().get();
  int events = 0;
  if (a.app.ready() && !a.told_ready) events |= kEventReady;
  if (v.step != a.told_step || v.generation != a.told_generation) events |= kEventStep;
  if (latest != a.told_snapshot) events |= kEventSnapshot;
  if (v.fault != Fault::None && a.told_fault == Fault::None) events |= kEventFault;
  a.told_ready = a.app.ready();
  a.told_step = v.step;
  a.told_generation = v.generation;
  a.told_snapshot = latest;
  a.told_fault = v.fault;
  if (events) js_notify(events);
}

// Rebuilds every GL object (ImGui's and the heatmaps') in the restored context.
void restore_gl(WebApp& a) {
  js_forget_gl_objects();
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

void draw(WebApp& a) {
  double css_w = 0, css_h = 0, dpr = 1;
  js_canvas_css_size(&css_w, &css_h, &dpr);
  if (css_w < 1 || css_h < 1) {  // hidden (display:none, zero-size embed): keep training, skip drawing
    a.runner->frame(a.app.view().budget_ms);
    return;
  }
  int fb_w = static_cast<int>(std::lround(css_w * dpr)), fb_h = static_cast<int>(std::lround(css_h * dpr));
  if (js_set_backbuffer_size(fb_w, fb_h)) wake();
  glfwPollEvents();
  const LabView& v = a.runner->view();
  const bool busy = v.playing || a.app.animating() || ImGui::GetIO().WantTextInput ||
                    emscripten_get_now() < g_awake_until || v.step != a.drawn_step || v.generation != a.drawn_generation;
  if (!busy) return;
  a.drawn_step = v.step;
  a.drawn_generation = v.generation;

  const float scale_x = static_cast<float>(fb_w / css_w), scale_y = static_cast<float>(fb_h / css_h);
  a.app.prepare(static_cast<float>(dpr));
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The GLFW backend saw backbuffer pixels; ImGui works in CSS pixels.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(scale_x, scale_y);
  if (io.MousePos.x != -FLT_MAX) io.MousePos = ImVec2(io.MousePos.x / scale_x, io.MousePos.y / scale_y);
  ImGui::NewFrame();
  a.app.frame(*a.runner);
  ImGui::Render();

  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, fb_w, fb_h);
  ImVec4 c = a.app.clear_color();
  glClearColor(c.x, c.y, c.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void frame() {
  WebApp& a = *g_app;
  if (js_context_lost()) {  // training goes on; drawing resumes when the browser restores the context
    a.gl_lost = true;
    a.runner->frame(a.app.view().budget_ms);
  } else {
    if (a.gl_lost) restore_gl(a);
    draw(a);
  }
  notify();
}

// A run the lab rejects as a whole (e.g. d_model not divisible by heads) falls back to the defaults.
void check_run_options() {
  std::string err = validate(g_options);
  if (err.empty()) return;
  emscripten_console_warnf("headlab: %s; using the default run settings", err.c_str());
  g_options.run = RunOptions();
}

// =============================================================================
// [SECTION] state as JSON
// =============================================================================

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return json_string(out);
}

// The options in force, as the strings set_option accepts (the training text is left out: it can be megabytes).
std::string options_json(const LabView& v, const ViewOptions& view) {
  std::string out = "{";
  for (const auto& [key, value] : describe(v.options))
    if (key != "text") out += json_string(key) + ":" + json_string(value) + ",";
  out += "\"autoplay\":" + json_string(view.autoplay ? "1" : "0") + ",\"speed\":" + json_string(json_number(view.budget_ms)) +
         ",\"panels\":" + json_list(view.panels) + ",\"hide\":" + json_list(view.hide) +
         ",\"compact\":" + json_string(view.compact ? "1" : "0") + ",\"theme\":" + json_string(view.theme) + "}";
  return out;
}

std::string state_json(const WebApp& a) {
  const LabView& v = a.runner->view();
  const ui::FrameStats& st = a.app.stats();
  auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
  std::string s = "{\"ready\":" + flag(a.app.ready()) + ",\"step\":" + std::to_string(v.step) +
                  ",\"loss\":" + json_number(v.loss) + ",\"accuracy\":" + json_number(v.accuracy >= 0 ? v.accuracy : NAN) +
                  ",\"playing\":" + flag(v.playing) + ",\"suspended\":" + flag(a.suspended) +
                  ",\"contextLost\":" + flag(a.gl_lost) + ",\"fault\":" +
                  (v.fault == Fault::None ? std::string("null") : json_string(v.fault_message)) +
                  ",\"stepsPerSec\":" + json_number(v.steps_per_sec) + ",\"tokensPerSec\":" + json_number(v.tokens_per_sec) +
                  ",\"frameMs\":" + json_number(st.frame_ms) + ",\"trainMs\":" + json_number(st.train_ms) +
                  ",\"uiMs\":" + json_number(st.ui_ms) + ",\"generation\":" + std::to_string(v.generation);
  // The latest recorded snapshot: its step and each layer's head diversity (mean pairwise JS
  // divergence of the heads' maps; exactly 0 while a layer's heads are identical).
  s += ",\"snapshots\":" + std::to_string(v.snapshots.size()) + ",\"snapshot\":";
  if (v.snapshots.empty()) {
    s += "null";
  } else {
    const Snapshot& snap = *v.snapshots.back();
    s += "{\"step\":" + std::to_string(snap.step) + ",\"diversity\":[";
    for (size_t l = 0; l < snap.diversity.size(); ++l) s += (l ? "," : "") + json_number(snap.diversity[l]);
    s += "]}";
  }
  s += ",\"options\":" + options_json(v, a.app.view()) + ",\"ui\":{";
  // Screen rectangles [x, y, w, h] (CSS pixels) of a few controls and of every panel drawn.
  std::vector<std::string> names = {"play", "replay", "grid"};
  for (const std::string& p : panel_names()) names.push_back("panel:" + p);
  bool first = true;
  for (const std::string& name : names) {
    ImVec4 r;
    if (!a.app.item_rect(name, &r)) continue;
    s += std::string(first ? "" : ",") + json_string(name) + ":[" + json_number(r.x) + "," + json_number(r.y) + "," +
         json_number(r.z) + "," + json_number(r.w) + "]";
    first = false;
  }
  return s + "}}";
}

}  // namespace

// =============================================================================
// [SECTION] C API
// =============================================================================

extern "C" {

// Stages one option (same keys and values as the CLI and the URL).
// An unknown key or bad value logs one console warning and changes nothing. Returns 1 if staged.
EMSCRIPTEN_KEEPALIVE int headlab_set_option(const char* key, const char* value) {
  std::string err = set_option(g_options, key, value, kScopes);
  if (err.empty()) return 1;
  emscripten_console_warnf("headlab: %s (ignored)", err.c_str());
  return 0;
}

// Which group an option belongs to: kScopeRun (1: what is learned, needs a new run),
// kScopeView (2: how it looks, changes at once), 0 = not a web option.
EMSCRIPTEN_KEEPALIVE unsigned headlab_option_scope(const char* key) {
  std::string k = key;
  for (char& c : k)
    if (c == '_') c = '-';
  for (const OptionInfo& o : option_table())
    if (k == o.key) return o.scope & kScopes;
  return 0;
}

// Starts staging from the running app's options, so reset({lr: ...}) changes only what it names.
EMSCRIPTEN_KEEPALIVE void headlab_stage_current_options() {
  if (!g_app) return;
  g_options.run = g_app->runner->view().options;
  g_options.view = g_app->app.view();
}

// Creates the window, GL context, ImGui and the run, and starts the frame loop.
// Returns "" or an error for the page to show (e.g. no WebGL2).
EMSCRIPTEN_KEEPALIVE const char* headlab_start() {
  if (g_app) return "";
  check_run_options();
  js_skip_browser_init();
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
  // Installed before ImGui's, which chains to them (1.86 installs no cursor-position callback).
  glfwSetCursorPosCallback(a->window, on_cursor);
  glfwSetMouseButtonCallback(a->window, on_button);
  glfwSetScrollCallback(a->window, on_scroll);
  glfwSetKeyCallback(a->window, on_key);
  glfwSetCharCallback(a->window, on_char);
  glfwSetCursorEnterCallback(a->window, on_enter);
  js_embed_input();
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(a->window, true);
  ImGui_ImplOpenGL3_Init(kGlslVersion);
  std::string error;
  a->runner = make_inline_runner(g_options.run, &error);
  if (!a->runner || !a->app.init(g_options.view, &error)) {
    g_text = error.empty() ? "could not start" : error;
    return g_text.c_str();
  }
  if (g_options.view.autoplay) a->runner->play();
  g_app = a.release();
  emscripten_set_main_loop(frame, 0, false);
  return "";
}

// Frees everything the instance holds outside its own memory: the frame loop,
// GL objects, GLFW's listeners and ours. The page then drops the module.
EMSCRIPTEN_KEEPALIVE void headlab_destroy() {
  if (!g_app) return;
  emscripten_cancel_main_loop();
  js_remove_input();
  g_app->app.shutdown();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  g_app->runner.reset();
  glfwDestroyWindow(g_app->window);
  glfwTerminate();
  delete g_app;
  g_app = nullptr;
}

// Starts a new run with the staged options (playing if the old one was); if the
// lab rejects them, logs one warning and keeps the current run. Returns 1 on success.
EMSCRIPTEN_KEEPALIVE int headlab_reset() {
  if (!g_app) return 0;
  wake();
  g_app->app.set_view(g_options.view);
  const bool was_playing = g_app->runner->view().playing;
  std::string err = g_app->runner->reset(g_options.run);
  if (!err.empty()) emscripten_console_warnf("headlab: reset: %s", err.c_str());
  if (was_playing) g_app->runner->play();
  notify();
  return err.empty();
}

// Applies the staged options to the current run: view options at once, the
// hyperparameters a run can change midway (Session::update_hyperparameters)
// from the next step. Options that change the model or its data need a new
// run: they give one warning naming them and are left as they are.
EMSCRIPTEN_KEEPALIVE int headlab_apply() {
  if (!g_app) return 0;
  wake();
  g_app->app.set_view(g_options.view);
  const RunOptions& staged = g_options.run;
  RunOptions live = g_app->runner->view().options;
  live.lr = staged.lr;
  live.weight_decay = staged.weight_decay;
  live.clip = staged.clip;
  live.snapshot_every = staged.snapshot_every;
  live.eval_every = staged.eval_every;
  std::string err = g_app->runner->set_hyperparameters(live);
  if (!err.empty()) emscripten_console_warnf("headlab: set: %s (ignored)", err.c_str());
  std::string need_reset;
  const auto have = describe(live), want = describe(staged);
  for (size_t i = 0; i < have.size() && i < want.size(); ++i)
    if (have[i] != want[i]) need_reset += (need_reset.empty() ? "" : ", ") + want[i].first;
  if (!need_reset.empty())
    emscripten_console_warnf("headlab: set: %s change the model or its data; use reset() to start a run with them (ignored)",
                             need_reset.c_str());
  return err.empty() && need_reset.empty();
}

EMSCRIPTEN_KEEPALIVE void headlab_play() {
  wake();
  if (g_app) g_app->runner->play();
  else g_options.view.autoplay = true;
}
EMSCRIPTEN_KEEPALIVE void headlab_pause() {
  wake();
  if (g_app) g_app->runner->pause();
  else g_options.view.autoplay = false;
}
// Runs n steps now (synchronously), then stays paused.
EMSCRIPTEN_KEEPALIVE void headlab_step(int n) {
  wake();
  if (!g_app || n <= 0) return;
  g_app->runner->step(n);
  notify();
}

// Off screen or in a hidden tab the frame loop stops altogether (no training,
// no drawing); the run and the play/pause choice are kept for when it returns.
EMSCRIPTEN_KEEPALIVE void headlab_set_visible(int visible) {
  if (!g_app || g_app->suspended == !visible) return;
  g_app->suspended = !visible;
  if (visible) {
    wake();
    emscripten_resume_main_loop();
  } else {
    emscripten_pause_main_loop();
  }
}

// For the canvas's wheel listener: 1 if ImGui would scroll a panel, else the page should scroll.
EMSCRIPTEN_KEEPALIVE int headlab_wheel_wanted(double delta_y) {
  return g_app && !g_app->gl_lost && wheel_scrolls_panel(delta_y);
}

// The app's state as JSON: {ready, step, loss, accuracy, playing, suspended, contextLost,
// fault, stepsPerSec, tokensPerSec, frameMs, trainMs, uiMs, generation, snapshots,
// snapshot: {step, diversity[layer]}, options: {key: value}, ui: {name: [x, y, w, h]}}.
EMSCRIPTEN_KEEPALIVE const char* headlab_state() {
  g_text = g_app ? state_json(*g_app) : "{\"ready\":false}";
  return g_text.c_str();
}

}  // extern "C"
