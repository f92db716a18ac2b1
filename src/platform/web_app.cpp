// The web engine's app (web_app.h): the frame loop, drawing pacing, events,
// WebGL context restore, and starting and freeing the instance. Each run
// trains in a Web Worker of its own (platform/worker_channel.h: the same
// engine, platform/web_trainer.cpp), or, where no worker can start, inside
// the animation frames, time-sliced (lab/direct_channel.h); the RunHost
// (lab/run_host.h) hides which. The JS glue that makes GLFW behave in a host
// page is in web_page.cpp, the state JSON in web_state.cpp, the C API in web_api.cpp.
//
// [SECTION] input
// [SECTION] events, context restore
// [SECTION] frame
// [SECTION] start and destroy
#include "platform/web_app.h"

#include <emscripten.h>
#include <emscripten/console.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "lab/run_checks.h"
#include "lab/run_host.h"
#include "platform/web_page.h"
#include "platform/worker_channel.h"
#include "ui/app.h"
#include "ui/gl.h"
#include "ui/panels.h"
#include "ui/theme.h"

namespace headlab::web {

WebApp* g_app = nullptr;
Options g_options;
std::string g_text;
char g_error[512];
std::string g_open_url;

namespace {
double g_awake_until = 0;  // emscripten_get_now() time (ms) until which every frame is drawn
}  // namespace

// Otherwise a paused, still app draws nothing, so a page with several widgets
// does not keep its CPU and GPU busy.
void wake() { g_awake_until = emscripten_get_now() + 1000.0; }

namespace {

constexpr const char* kGlslVersion = "#version 300 es";
// Drawing pacing while training, see pace_drawing().
constexpr double kSlowDrawMs = 40.0;       // a drawing this slow (30 Hz screens stay under it) is spaced out
constexpr double kSlowDrawGap = 2.0;       // training time after a slow drawing, in drawing costs
constexpr double kMaxDrawGapMs = 500.0;    // the picture still moves twice a second
constexpr double kMaxTrainSliceMs = 50.0;  // input is handled at least this often

bool g_pointer_outside = false;  // the pointer left the canvas: nothing is hovered (no tooltip stays behind)

// =============================================================================
// [SECTION] input
// =============================================================================

void on_cursor(GLFWwindow*, double, double) { wake(); }
void on_button(GLFWwindow*, int, int, int) { wake(); }
void on_scroll(GLFWwindow*, double, double) { wake(); }
void on_key(GLFWwindow*, int key, int, int action, int mods) {
  wake();
  if (g_app && action != GLFW_RELEASE) g_app->keys.push_back({key, mods, action == GLFW_REPEAT});
}
void on_char(GLFWwindow*, unsigned) { wake(); }
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


// Replaces the canvas and its WebGL context with new ones (after the browser
// evicted the context, which it never restores) and rebuilds every GL object.
// The run is untouched. Returns false if the page gave no canvas or the new
// context could not be made.
bool new_context(WebApp& a) {
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

// Tells JS what changed since it was last told; the trainers' refusals and
// results (a worker that died, a setting refused) reach 'error' listeners and the top bar.
void notify() {
  WebApp& a = *g_app;
  for (const Notice& n : a.runner->take_notices()) {
    a.app.show_notice(n.text);
    if (!n.ok) {
      std::snprintf(g_error, sizeof g_error, "%s", n.text.c_str());
      emscripten_console_warnf("headlab: %s", g_error);
      web::notify_js(page::kEventError, g_error);
    }
  }
  const LabView& v = a.runner->view();
  const int latest = v.snapshots.empty() ? -1 : v.snapshots.back()->step;
  int events = 0;
  if (a.app.ready() && !a.told_ready) events |= page::kEventReady;
  if (v.step != a.told_step || v.generation != a.told_generation) events |= page::kEventStep;
  if (latest != a.told_snapshot_step || v.generation != a.told_generation) events |= page::kEventSnapshot;
  if (v.fault != Fault::None && a.told_fault == Fault::None) events |= page::kEventFault;
  if (v.playing != a.told_playing) events |= page::kEventPlaying;
  a.told_playing = v.playing;
  a.told_ready = a.app.ready();
  a.told_step = v.step;
  a.told_generation = v.generation;
  a.told_snapshot_step = latest;
  a.told_fault = v.fault;
  if (events) web::notify_js(events);
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

// =============================================================================
// [SECTION] start and destroy
// =============================================================================

const char* start() {
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
}

void destroy() {
  if (!g_app) return;
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
}

bool recreate_gl() {
  if (!g_app) return false;
  wake();
  return new_context(*g_app) && !web::context_lost();
}

}  // namespace headlab::web
