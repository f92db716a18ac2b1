// headlab, the desktop app: the web page's App in a native window (GLFW 3.3,
// OpenGL 3.3 core, Dear ImGui). Each run's trainer has a thread of its own
// (thread_channel.h), so drawing keeps its pace however long a step takes,
// and compare mode's two runs train in lockstep on two cores.
//   headlab task=induction heads=4 seed=3        (or --task induction ...)
//   headlab --load run.ckpt --save run.ckpt      (continue a run, save it on exit)
//   headlab --frames 300 --screenshot out.png autoplay=1   (tests, docs)
// Options are the CLI's and the web URL's (lab/options.h).
//
// Index:
//   [SECTION] Startup: options and the first run
//   [SECTION] Window, GL context, ImGui frames (HiDPI)
//   [SECTION] Frame pacing and the summary line
//   [SECTION] main: the loop, pictures, shutdown
// GL comes from ui/gl.h (core entry points declared), not from GLFW's default include.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/parallel.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "lab/options.h"
#include "lab/run_files.h"
#include "platform/desktop_actions.h"
#include "platform/file_writer.h"
#include "platform/png_file.h"
#include "platform/stop_signals.h"
#include "lab/run_checks.h"
#include "lab/run_host.h"
#include "lab/run_json_read.h"
#include "platform/thread_channel.h"
#include "ui/app.h"
#include "ui/panels.h"
#include "ui/gl.h"

using namespace headlab;

namespace {

constexpr unsigned kScopes = kScopeRunAndLive | kScopeView | kScopeDesktop;
constexpr int kExitFailed = 1;  // no window, or a file asked for could not be written
constexpr int kExitUsage = 2;   // bad options or checkpoint
constexpr int kWindowWidth = 1280, kWindowHeight = 800;  // in UI units; scaled on HiDPI screens
constexpr double kIdleWaitSeconds = 0.5;  // a still, paused window redraws this rarely...
constexpr int kSettleFrames = 3;          // ...after drawing this many frames since the last change

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "headlab: %s\n", message.c_str());
  return kExitUsage;
}

// [SECTION] Startup: options and the first run ---------------------------------------

// The first run is built on the training thread (a big model takes seconds)
// while the window already shows; options, the checkpoint file and the
// output paths are checked here first, so mistakes are reported before a
// window opens, not when it closes and the run would be lost.
// --load continues a checkpoint; options given with it apply on top, as in
// headlab-train, so only those that keep the model's shape may change.
struct FirstRun {
  RunOptions options;
  std::vector<uint8_t> checkpoint;  // --load's, or empty
};

std::string first_run(int argc, char** argv, const Options& opt, FirstRun* first) {
  std::string error = check_output_files(opt.program);
  if (!error.empty()) return error;
  if (opt.program.load.empty()) {
    first->options = opt.run;
    return validate(opt);
  }
  CheckpointData d;
  if (!checkpoint_load_file(opt.program.load, &d, &error)) return error;
  error = resumed_options(d, Overrides{argc, argv, kScopes}, &first->options);
  if (!error.empty()) return error;
  first->checkpoint = checkpoint_encode(d, &error);
  return error;
}

// --replay: the trainer reads the run file as its pieces arrive (a few at a
// time in flight, so memory stays that of a piece) and shows it.
std::string open_recorded(RunHost& host, const std::string& path) {
  const size_t slash = path.find_last_of('/');
  host.open_begin(slash == std::string::npos ? path : path.substr(slash + 1));
  std::string error = read_file_pieces(path, kMaxRunJsonBytes, [&](const char* data, size_t size) {
    if (size) host.open_data(reinterpret_cast<const uint8_t*>(data), size);
    else host.open_end();
    while (host.unapplied() > 4) {
      host.frame(0.0);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return std::string(host.open_result() == "pending" ? "" : host.open_result());
  });
  while (error.empty() && host.open_result() == "pending") {
    host.frame(0.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return error.empty() ? host.open_result() : error;
}

// [SECTION] Window, GL context, ImGui frames (HiDPI) ---------------------------------

GLFWwindow* open_window() {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);  // macOS needs it; harmless elsewhere
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);      // 1280x800 UI units on a 2x screen = 2560x1600 pixels
  int w = kWindowWidth, h = kWindowHeight;
  // Smaller screens: shrink so the whole window (and its title bar) fits.
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
    int wx = 0, wy = 0, ww = 0, wh = 0;
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

struct FrameSize {
  int fb_width = 0, fb_height = 0;  // pixels
  float scale = 1.0f;               // pixels per UI unit
};

// Starts an ImGui frame in UI units: framebuffer pixels / content scale, like
// CSS pixels on the web, so the layout is the same on every screen and the
// App rasterises its fonts at the scale (crisp on HiDPI).
FrameSize new_frame(GLFWwindow* window, ui::App& app) {
  FrameSize f;
  int win_w = 0, win_h = 0;
  float scale_y = 1.0f;
  glfwGetFramebufferSize(window, &f.fb_width, &f.fb_height);
  glfwGetWindowSize(window, &win_w, &win_h);
  glfwGetWindowContentScale(window, &f.scale, &scale_y);
  f.scale = std::clamp(f.scale, 0.5f, 4.0f);
  app.prepare(f.scale);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(f.fb_width / f.scale, f.fb_height / f.scale);
  io.DisplayFramebufferScale = ImVec2(f.scale, f.scale);
  // The backend gave the mouse in window coordinates (pixels on X11 and
  // Windows, points on macOS); bring it to UI units.
  const float to_ui = win_w > 0 ? static_cast<float>(f.fb_width) / win_w / f.scale : 1.0f;
  if (io.MousePos.x != -FLT_MAX) io.MousePos = ImVec2(io.MousePos.x * to_ui, io.MousePos.y * to_ui);
  ImGui::NewFrame();
  return f;
}

void render(const FrameSize& f, ImVec4 clear) {
  ImGui::Render();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, f.fb_width, f.fb_height);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

// Shown until the first run arrives from the training thread.
void draw_first_run_wait() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x * 0.5f, vp->Size.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::Begin("##first", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted("headlab: building the model and recording its first snapshot ...");
  ImGui::End();
}

// [SECTION] Frame pacing and the summary line ----------------------------------------

class FramePacer {
 public:
  FramePacer() {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    const int hz = mode && mode->refreshRate > 0 ? mode->refreshRate : 60;
    min_interval_ms_ = 0.9 * 1000.0 / hz;
  }
  void frame_start() { start_ = Clock::now(); }
  // After sleeping for events: the next interval starts now, not before the sleep.
  void woke() { previous_ = Clock::now(); }
  // Before the swap: our own work this frame (UI, GL submission, pictures).
  // The first frame builds the font atlas and compiles shaders: not counted.
  void work_done() {
    if (frames_++ > 0) busy_ms_.push_back(static_cast<float>(ms_between(start_, Clock::now())));
  }
  // After the swap. With vsync the swap already paced us; without it (Xvfb,
  // some drivers) do not spin a core the training thread could use.
  void frame_end() {
    const double since = ms_between(previous_, Clock::now());
    if (since < min_interval_ms_)
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(min_interval_ms_ - since));
    const Clock::time_point now = Clock::now();
    if (frames_ > 1) intervals_ms_.push_back(static_cast<float>(ms_between(previous_, now)));
    previous_ = now;
  }
  size_t frames() const { return frames_; }
  // "frame_ms_p50=16.7 ..." : frame to frame, and our own work per frame.
  std::string summary() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "frame_ms_p50=%.1f frame_ms_p95=%.1f frame_ms_max=%.1f ui_ms_p50=%.1f ui_ms_p95=%.1f ui_ms_max=%.1f",
                  percentile(intervals_ms_, 0.5), percentile(intervals_ms_, 0.95), percentile(intervals_ms_, 1.0),
                  percentile(busy_ms_, 0.5), percentile(busy_ms_, 0.95), percentile(busy_ms_, 1.0));
    return buf;
  }

 private:
  static double percentile(std::vector<float> v, double p) {
    if (v.empty()) return 0.0;
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
    return v[i];
  }
  double min_interval_ms_ = 15.0;
  size_t frames_ = 0;  // drawn with the run on screen
  Clock::time_point start_, previous_ = Clock::now();
  std::vector<float> busy_ms_, intervals_ms_;
};

}  // namespace

// [SECTION] main: the loop, pictures, shutdown ---------------------------------------

int main(int argc, char** argv) {
  Options opt;
  std::string error = parse_args(argc, argv, kScopes, opt);
  if (!error.empty()) return usage_error(error);
  if (const std::string note = start_training_threads(opt.program.threads); !note.empty())
    std::fprintf(stderr, "headlab: %s\n", note.c_str());
  if (opt.program.help) {
    std::printf(
        "headlab: train a tiny transformer and watch every attention head learn.\n\n"
        "usage: headlab [--key value | key=value]...\n"
        "example: headlab task=induction heads=4 seed=3\n"
        "In the window: Space train/pause, S step, R restart, F1 keys and files.\n"
        "--frames counts frames drawn with the run on screen; on exit a summary line\n"
        "(frames=, step=, frame times) goes to stdout.\n\n%s",
        help_text(kScopes).c_str());
    return 0;
  }
  FirstRun first;
  error = first_run(argc, argv, opt, &first);
  if (!error.empty()) return usage_error(error);
  catch_stop_signals();

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
  // Shortcut presses, queued during glfwPollEvents (see KeyPress). Installed
  // before the ImGui backend, which then forwards every key event to it.
  std::vector<KeyPress> keys;
  glfwSetWindowUserPointer(window, &keys);
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int mods) {
    if (action != GLFW_RELEASE)
      static_cast<std::vector<KeyPress>*>(glfwGetWindowUserPointer(w))->push_back({key, mods, action == GLFW_REPEAT});
  });
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int exit_code = 0;
  {
    // Each new view from a training thread wakes a sleeping loop (thread-safe GLFW call).
    RunHost runner([] { return std::make_unique<ThreadChannel>([] { glfwPostEmptyEvent(); }); }, first.options,
                   first.checkpoint.empty() ? nullptr : &first.checkpoint);
    if (!first.checkpoint.empty()) runner.set_live(first.options.live);  // the command line's, on top of the checkpoint's
    const std::string compare = runner.set_compare(opt.view.compare);
    if (!compare.empty()) std::fprintf(stderr, "headlab: %s\n", compare.c_str());
    if (!opt.view.replay.empty()) {
      error = open_recorded(runner, opt.view.replay);
      if (!error.empty()) std::fprintf(stderr, "headlab: --replay: %s\n", error.c_str()), exit_code = kExitUsage;
    }
    FileWriter writer;
    DesktopPaths paths;
    if (!opt.program.save.empty()) paths.checkpoint = opt.program.save;
    else if (!opt.program.load.empty()) paths.checkpoint = opt.program.load;
    ui::App app;
    DesktopActions actions(runner, app, writer, paths);
    if (!app.init(opt.view, &error)) {
      std::fprintf(stderr, "headlab: %s\n", error.c_str());
      exit_code = kExitFailed;
    }
    if (exit_code == 0 && opt.view.autoplay) runner.play();  // counts for the first run, however long it takes to build
    const auto has_run = [&runner] { return runner.view().generation != 0; };
    FramePacer pacer;
    int active_frames = kSettleFrames;  // frames left to draw before the loop may sleep
    while (exit_code == 0) {
      // Paused and still, the window sleeps until input or a new view arrives
      // (then draws a few frames, which ImGui needs to settle). --frames never sleeps.
      if (opt.program.frames == 0 && has_run() && active_frames <= 0) {
        const Clock::time_point t0 = Clock::now();
        glfwWaitEventsTimeout(kIdleWaitSeconds);
        if (ms_between(t0, Clock::now()) < kIdleWaitSeconds * 900.0) active_frames = kSettleFrames;
        pacer.woke();
      } else {
        glfwPollEvents();
      }
      if (!has_run()) {
        runner.frame(0.0);
        for (const Notice& n : runner.take_notices())  // the first run failed to build: nothing to show
          if (!n.ok) std::fprintf(stderr, "headlab: %s\n", n.text.c_str()), exit_code = kExitUsage;
        if (exit_code) break;
      }
      if (g_stop_signal) glfwSetWindowShouldClose(window, GLFW_TRUE);  // seen within kIdleWaitSeconds
      const bool last = glfwWindowShouldClose(window) ||
                        (opt.program.frames > 0 && has_run() && pacer.frames() + 1 >= static_cast<size_t>(opt.program.frames)) ||
                        (opt.program.until_step > 0 && has_run() && runner.view().step >= opt.program.until_step);
      if (!last && glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {  // nothing to draw; training goes on
        keys.clear();
        glfwWaitEventsTimeout(0.1);
        continue;
      }
      pacer.frame_start();
      const bool shown = has_run();
      const FrameSize f = new_frame(window, app);
      if (shown) {
        app.frame(runner);
        actions.frame(keys);
        if (actions.quit_requested()) glfwSetWindowShouldClose(window, GLFW_TRUE);  // the next frame is the last
      } else {
        runner.frame(0.0);
        draw_first_run_wait();
      }
      keys.clear();
      render(f, app.clear_color());
      if (shown) actions.after_render(app, f.fb_width, f.fb_height, f.scale);
      if (last && !opt.program.screenshot.empty()) {
        error = write_png(opt.program.screenshot, read_framebuffer(0, 0, f.fb_width, f.fb_height, f.fb_width, f.fb_height));
        if (!error.empty()) std::fprintf(stderr, "headlab: --screenshot: %s\n", error.c_str()), exit_code = kExitFailed;
      }
      if (shown) pacer.work_done();
      glfwSwapBuffers(window);
      pacer.frame_end();
      if (last) break;
      const bool moving = !shown || runner.view().playing || runner.starting() || app.animating() || actions.busy() ||
                          ImGui::GetIO().WantTextInput || ImGui::IsAnyMouseDown();
      active_frames = moving ? kSettleFrames : active_frames - 1;
    }

    if (g_stop_signal) std::fprintf(stderr, "headlab: %s; closing as the close button does\n", stop_reason());
    // Queued saves and exports are finished before the process ends.
    if (!opt.program.save.empty() && has_run()) runner.save_file(opt.program.save);
    runner.finish();
    writer.finish();
    std::vector<Notice> notices = runner.take_notices();
    for (Notice& n : writer.take_notices()) notices.push_back(std::move(n));
    for (const Notice& n : notices) {
      std::fprintf(n.ok ? stdout : stderr, "headlab: %s\n", n.text.c_str());
      if (!n.ok && exit_code == 0) exit_code = kExitFailed;
    }
    const LabView& v = runner.view();
    const std::string twin = runner.twin_view() ? " twin_step=" + std::to_string(runner.twin_view()->step) : "";
    std::printf("headlab: frames=%zu step=%d%s loss=%.4f acc=%.3f badges=%s %s train_ms_per_step=%.1f\n", pacer.frames(),
                v.step, twin.c_str(), v.loss, v.accuracy, ui::badge_summary(v).c_str(), pacer.summary().c_str(), v.ms_per_step);
    app.shutdown();
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
