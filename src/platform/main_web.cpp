// The web app: ImGui over WebGL2 on the module's canvas, training
// time-sliced inside each animation frame (no threads, so it embeds anywhere).
//
// The page's JS (web/headlab-app.js) talks to one module instance through the
// small C API at the bottom: it sets options (URL parameters use the same
// key=value grammar as the CLI), starts the app, and then reads its state and
// sends play/pause/step/reset. Nothing here is called before headlab_start().
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/console.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "lab/runner.h"
#include "ui/app.h"
#include "ui/gl.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRun | kScopeView;

struct WebApp {
  GLFWwindow* window = nullptr;
  std::unique_ptr<Runner> runner;
  ui::App app;
};

WebApp* g_app = nullptr;   // one per module instance: each canvas gets its own instance
double g_awake_until = 0;  // emscripten_get_now() time (ms) until which every frame is drawn

// Input, commands and resizes keep drawing for a while (hover tooltips, easing);
// otherwise a paused, still app draws nothing, so a page with several embedded
// apps does not keep its CPU and GPU busy.
void wake() { g_awake_until = emscripten_get_now() + 1000.0; }
void on_cursor(GLFWwindow*, double, double) { wake(); }
void on_button(GLFWwindow*, int, int, int) { wake(); }
void on_scroll(GLFWwindow*, double, double) { wake(); }
void on_key(GLFWwindow*, int, int, int, int) { wake(); }
void on_char(GLFWwindow*, unsigned) { wake(); }
void on_enter(GLFWwindow*, int) { wake(); }
Options g_options;         // options staged by headlab_set_option, applied by start/reset
std::string g_text;        // backing store for strings returned to JS

// Emscripten 3.1.6's GLFW has no HiDPI support: we read the canvas's CSS box
// and devicePixelRatio, size the backbuffer ourselves and tell ImGui the scale.
EM_JS(void, canvas_css_size, (double* w, double* h, double* dpr), {
  var r = Module['canvas'].getBoundingClientRect();
  HEAPF64[w >> 3] = r.width;
  HEAPF64[h >> 3] = r.height;
  HEAPF64[dpr >> 3] = window.devicePixelRatio || 1;
});

void frame() {
  WebApp& a = *g_app;
  double css_w = 0, css_h = 0, dpr = 1;
  canvas_css_size(&css_w, &css_h, &dpr);
  if (css_w < 1 || css_h < 1) {  // hidden (display:none, zero-size embed): keep training, skip drawing
    a.runner->frame(a.app.view().budget_ms);
    return;
  }
  int fb_w = static_cast<int>(std::lround(css_w * dpr)), fb_h = static_cast<int>(std::lround(css_h * dpr));
  int cur_w = 0, cur_h = 0;
  glfwGetFramebufferSize(a.window, &cur_w, &cur_h);
  if (cur_w != fb_w || cur_h != fb_h) {
    glfwSetWindowSize(a.window, fb_w, fb_h);
    wake();
  }
  glfwPollEvents();
  const bool busy = a.runner->view().playing || a.app.animating() || ImGui::GetIO().WantTextInput ||
                    emscripten_get_now() < g_awake_until;
  if (!busy) return;

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

// A run the lab rejects as a whole (e.g. d_model not divisible by heads) falls back to the defaults.
void check_run_options() {
  std::string err = validate(g_options);
  if (err.empty()) return;
  emscripten_console_warnf("headlab: %s; using the default run settings", err.c_str());
  g_options.run = RunOptions();
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

extern "C" {

// Sets one staged option (same keys and values as the CLI and the URL).
// An unknown key or bad value logs one console warning and changes nothing. Returns 1 if applied.
EMSCRIPTEN_KEEPALIVE int headlab_set_option(const char* key, const char* value) {
  std::string err = set_option(g_options, key, value, kScopes);
  if (err.empty()) return 1;
  emscripten_console_warnf("headlab: %s (ignored)", err.c_str());
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
  if (!glfwInit()) return "GLFW could not initialise";
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  auto* a = new WebApp;
  a->window = glfwCreateWindow(640, 480, "headlab", nullptr, nullptr);
  if (!a->window) {
    delete a;
    return "WebGL2 is not available in this browser";
  }
  glfwMakeContextCurrent(a->window);
  // Installed before ImGui's, which chains to them (1.86 installs no cursor-position callback).
  glfwSetCursorPosCallback(a->window, on_cursor);
  glfwSetMouseButtonCallback(a->window, on_button);
  glfwSetScrollCallback(a->window, on_scroll);
  glfwSetKeyCallback(a->window, on_key);
  glfwSetCharCallback(a->window, on_char);
  glfwSetCursorEnterCallback(a->window, on_enter);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(a->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  std::string error;
  a->runner = make_inline_runner(g_options.run, &error);
  if (!a->runner || !a->app.init(g_options.view, &error)) {
    g_text = error.empty() ? "could not start" : error;
    return g_text.c_str();
  }
  if (g_options.view.autoplay) a->runner->play();
  g_app = a;
  emscripten_set_main_loop(frame, 0, false);
  return "";
}

// Starts a new run with the staged options; if the lab rejects them, logs one
// warning and keeps the current run. Returns 1 on success.
EMSCRIPTEN_KEEPALIVE int headlab_reset() {
  if (!g_app) return 0;
  wake();
  g_app->app.set_view(g_options.view);
  std::string err = g_app->runner->reset(g_options.run);
  if (err.empty()) return 1;
  emscripten_console_warnf("headlab: reset: %s", err.c_str());
  return 0;
}

EMSCRIPTEN_KEEPALIVE void headlab_play() {
  wake();
  if (g_app) g_app->runner->play();
}
EMSCRIPTEN_KEEPALIVE void headlab_pause() {
  wake();
  if (g_app) g_app->runner->pause();
}
EMSCRIPTEN_KEEPALIVE void headlab_step(int n) {
  wake();
  if (g_app && n > 0) g_app->runner->step(n);
}

// The app's state as JSON: {ready, step, loss, accuracy, playing, stepsPerSec,
// tokensPerSec, frameMs, trainMs, uiMs, generation, ui: {name: [x, y, w, h]}}.
EMSCRIPTEN_KEEPALIVE const char* headlab_state() {
  if (!g_app) return "{\"ready\":false}";
  const LabView& v = g_app->runner->view();
  const ui::FrameStats& st = g_app->app.stats();
  g_text = "{\"ready\":" + std::string(g_app->app.ready() ? "true" : "false") +
           ",\"step\":" + std::to_string(v.step) + ",\"loss\":" + json_number(v.loss) +
           ",\"accuracy\":" + json_number(v.accuracy >= 0 ? v.accuracy : NAN) +
           ",\"playing\":" + (v.playing ? "true" : "false") + ",\"stepsPerSec\":" + json_number(v.steps_per_sec) +
           ",\"tokensPerSec\":" + json_number(v.tokens_per_sec) + ",\"frameMs\":" + json_number(st.frame_ms) +
           ",\"trainMs\":" + json_number(st.train_ms) + ",\"uiMs\":" + json_number(st.ui_ms) + ",\"generation\":" + std::to_string(v.generation) + ",\"ui\":{";
  bool first = true;
  for (const char* name : {"play", "replay", "grid"}) {
    ImVec4 r;
    if (!g_app->app.item_rect(name, &r)) continue;
    g_text += std::string(first ? "" : ",") + "\"" + name + "\":[" + json_number(r.x) + "," + json_number(r.y) + "," +
              json_number(r.z) + "," + json_number(r.w) + "]";
    first = false;
  }
  g_text += "}}";
  return g_text.c_str();
}

}  // extern "C"
