// headlab, the desktop app: the web page's App in a native window (GLFW 3.3,
// OpenGL 3.3 core, Dear ImGui). Training runs on a worker thread
// (threaded_runner.h) so drawing keeps its pace however long a step takes.
//   headlab task=induction heads=4 seed=3        (or --task induction ...)
//   headlab --load run.ckpt --save run.ckpt      (continue a run, save it on exit)
//   headlab --frames 300 --screenshot out.png autoplay=1   (tests, docs)
// Options are the CLI's and the web URL's (lab/options.h).
//
// Index:
//   [SECTION] Startup: options and the first run
//   [SECTION] Window, GL context, ImGui
//   [SECTION] Frame loop (HiDPI, frame pacing, pictures)
//   [SECTION] Shutdown: queued saves, summary line
// GL comes from ui/gl.h (core entry points declared), not from GLFW's default include.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "lab/options.h"
#include "platform/desktop_actions.h"
#include "platform/file_writer.h"
#include "platform/png_file.h"
#include "platform/threaded_runner.h"
#include "ui/app.h"
#include "ui/gl.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRun | kScopeView | kScopeDesktop;
constexpr int kExitFailed = 1;  // no window, or a file asked for could not be written
constexpr int kExitUsage = 2;   // bad options or checkpoint
constexpr int kWindowWidth = 1280, kWindowHeight = 800;  // in UI units; scaled on HiDPI screens

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "headlab: %s\n", message.c_str());
  return kExitUsage;
}

// [SECTION] Startup: options and the first run ---------------------------------------

// --load continues a checkpoint; options given with it apply on top, as in
// headlab-train, so only those that keep the model's shape may change.
std::unique_ptr<Session> first_session(int argc, char** argv, const Options& opt, std::string* error) {
  if (opt.program.load.empty()) {
    *error = validate(opt);
    return error->empty() ? Session::create(opt.run, error) : nullptr;
  }
  auto s = load_session_file(opt.program.load, error);
  if (!s) return nullptr;
  Options o;
  o.run = s->options();
  *error = parse_args(argc, argv, kScopes, o);
  if (error->empty()) *error = s->update_hyperparameters(o.run);
  return error->empty() ? std::move(s) : nullptr;
}

float percentile(std::vector<float> v, double p) {
  if (v.empty()) return 0.0f;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// [SECTION] Window, GL context, ImGui ------------------------------------------------

GLFWwindow* open_window() {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);  // macOS needs it; harmless elsewhere
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);      // 1280x800 UI units on a 2x screen = 2560x1600 pixels
  int w = kWindowWidth, h = kWindowHeight;
  // Smaller screens: shrink so the whole window (and its title bar) fits.
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
    int wx, wy, ww, wh;
    float sx = 1, sy = 1;
    glfwGetMonitorWorkarea(monitor, &wx, &wy, &ww, &wh);
    glfwGetMonitorContentScale(monitor, &sx, &sy);
    if (ww > 0 && wh > 0 && sx > 0 && sy > 0) {
      w = std::min(w, static_cast<int>(ww * 0.95f / sx));
      h = std::min(h, static_cast<int>(wh * 0.92f / sy));
    }
  }
  return glfwCreateWindow(w, h, "headlab \xe2\x80\x94 F1: keys, save, export", nullptr, nullptr);
}

// The monitor's frame interval, for pacing when the driver ignores vsync (e.g. Xvfb).
double frame_interval_ms(GLFWwindow* window) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
  const int hz = mode && mode->refreshRate > 0 ? mode->refreshRate : 60;
  return 1000.0 / hz;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string error = parse_args(argc, argv, kScopes, opt);
  if (!error.empty()) return usage_error(error);
  if (opt.program.help) {
    std::printf(
        "headlab: train a tiny transformer and watch every attention head learn.\n\n"
        "usage: headlab [--key value | key=value]...\n"
        "example: headlab task=induction heads=4 seed=3\n"
        "In the window: Space train/pause, S step, R restart, F1 keys and files.\n\n%s",
        help_text(kScopes).c_str());
    return 0;
  }
  std::unique_ptr<Session> session = first_session(argc, argv, opt, &error);
  if (!session) return usage_error(error);

  glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "headlab: GLFW error %d: %s\n", code, text); });
  if (!glfwInit()) {
    std::fprintf(stderr, "headlab: GLFW could not initialise (no display? try xvfb-run)\n");
    return kExitFailed;
  }
  GLFWwindow* window = open_window();
  if (!window) {
    std::fprintf(stderr, "headlab: could not open an OpenGL 3.3 window\n");
    glfwTerminate();
    return kExitFailed;
  }
  glfwSetWindowSizeLimits(window, 480, 320, GLFW_DONT_CARE, GLFW_DONT_CARE);
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int exit_code = 0;
  {
    ThreadedRunner runner(std::move(session));
    FileWriter writer;
    DesktopPaths paths;
    if (!opt.program.save.empty()) paths.checkpoint = opt.program.save;
    else if (!opt.program.load.empty()) paths.checkpoint = opt.program.load;
    DesktopActions actions(runner, writer, paths);
    ui::App app;
    if (!app.init(opt.view, &error)) {
      std::fprintf(stderr, "headlab: %s\n", error.c_str());
      exit_code = kExitFailed;
    } else {
      if (opt.view.autoplay) runner.play();

      // [SECTION] Frame loop (HiDPI, frame pacing, pictures) -------------------------
      const double min_interval_ms = 0.9 * frame_interval_ms(window);
      std::vector<float> intervals_ms, busy_ms;  // frame to frame; our own work per frame
      Clock::time_point previous = Clock::now();
      for (int frame = 0;; ++frame) {
        glfwPollEvents();
        const bool last = glfwWindowShouldClose(window) || (opt.program.frames > 0 && frame + 1 >= opt.program.frames);
        if (!last && glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {  // nothing to draw; the worker keeps training
          glfwWaitEventsTimeout(0.1);
          continue;
        }
        const Clock::time_point start = Clock::now();

        // ImGui works in UI units: framebuffer pixels / content scale, like
        // CSS pixels on the web. The App rasterises its fonts at the scale.
        int fb_w = 0, fb_h = 0, win_w = 0, win_h = 0;
        float scale = 1.0f, scale_y = 1.0f;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        glfwGetWindowSize(window, &win_w, &win_h);
        glfwGetWindowContentScale(window, &scale, &scale_y);
        scale = std::clamp(scale, 0.5f, 4.0f);
        app.prepare(scale);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(fb_w / scale, fb_h / scale);
        io.DisplayFramebufferScale = ImVec2(scale, scale);
        // The backend gave the mouse in window coordinates (pixels on X11 and
        // Windows, points on macOS); bring it to UI units.
        const float to_ui = win_w > 0 ? static_cast<float>(fb_w) / win_w / scale : 1.0f;
        if (io.MousePos.x != -FLT_MAX) io.MousePos = ImVec2(io.MousePos.x * to_ui, io.MousePos.y * to_ui);
        ImGui::NewFrame();
        app.frame(runner);
        actions.frame();
        ImGui::Render();

        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 c = app.clear_color();
        glClearColor(c.x, c.y, c.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        actions.after_render(app, fb_w, fb_h, scale);
        if (last && !opt.program.screenshot.empty()) {
          error = write_png(opt.program.screenshot, read_framebuffer(0, 0, fb_w, fb_h, fb_w, fb_h));
          if (!error.empty()) {
            std::fprintf(stderr, "headlab: --screenshot: %s\n", error.c_str());
            exit_code = kExitFailed;
          }
        }
        busy_ms.push_back(static_cast<float>(ms_between(start, Clock::now())));
        glfwSwapBuffers(window);

        // With vsync the swap already paced us; without it (Xvfb, some
        // drivers) do not spin a core the training thread could use.
        const double since = ms_between(previous, Clock::now());
        if (since < min_interval_ms)
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(min_interval_ms - since));
        const Clock::time_point now = Clock::now();
        if (frame > 0) intervals_ms.push_back(static_cast<float>(ms_between(previous, now)));
        previous = now;
        if (last) break;
      }

      // [SECTION] Shutdown: queued saves, summary line ---------------------------------
      if (!opt.program.save.empty()) runner.save_checkpoint_file(opt.program.save);
      runner.stop();  // runs every queued request first, so no asked-for save is lost
      writer.finish();
      std::vector<Notice> notices = runner.take_notices();
      for (Notice& n : writer.take_notices()) notices.push_back(std::move(n));
      for (const Notice& n : notices) {
        std::fprintf(n.ok ? stdout : stderr, "headlab: %s\n", n.text.c_str());
        if (!n.ok) exit_code = kExitFailed;
      }
      const LabView& v = runner.view();
      std::printf(
          "headlab: frames=%zu step=%d loss=%.4f frame_ms_p50=%.1f frame_ms_p95=%.1f frame_ms_max=%.1f "
          "ui_ms_p50=%.1f ui_ms_p95=%.1f ui_ms_max=%.1f train_ms_per_step=%.1f\n",
          busy_ms.size(), v.step, v.loss, percentile(intervals_ms, 0.5), percentile(intervals_ms, 0.95),
          percentile(intervals_ms, 1.0), percentile(busy_ms, 0.5), percentile(busy_ms, 0.95), percentile(busy_ms, 1.0),
          v.ms_per_step);
    }
    app.shutdown();
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
