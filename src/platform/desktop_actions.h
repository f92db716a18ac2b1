// What the desktop window adds around the shared App: the keys only the
// desktop has (Ctrl+S/O/E/P/Q, F1, F12; Space, S and R are the App's), the F1 window (keys, checkpoint save/load, run export) and a short-lived
// line for each result. Files go to plain paths (the working directory by
// default); no native file dialogs.
#pragma once
#include <deque>
#include <string>
#include <vector>

#include "lab/options.h"
#include "lab/run_host.h"
#include "platform/file_writer.h"
#include "ui/app.h"

namespace headlab {

// A key press as GLFW reported it. Presses are queued by a GLFW key callback
// rather than read from ImGui's key state: ImGui 1.86 only sees whether a key
// is down at the start of a frame, so a quick tap (press and release between
// two frames, easy at low frame rates) would be lost.
struct KeyPress {
  int key = 0;   // GLFW_KEY_*
  int mods = 0;  // GLFW_MOD_*
  bool repeat = false;
};

struct DesktopPaths {
  std::string checkpoint = "headlab.ckpt";
  std::string run_json = "headlab-run.json";
  std::string grid_png = "headlab-grid.png";
  std::string window_png = "headlab-window.png";
};

class DesktopActions {
 public:
  DesktopActions(RunHost& runner, ui::App& app, FileWriter& writer, DesktopPaths paths);

  // Between ImGui::NewFrame() and Render(), after App::frame(): shortcuts
  // (the presses since the last frame), the F1 window and the result lines.
  void frame(const std::vector<KeyPress>& keys);
  // After rendering, before the buffer swap: takes the pictures asked for
  // this frame from the back buffer (fb_* in pixels, scale = pixels per UI unit).
  void after_render(const ui::App& app, int fb_width, int fb_height, float scale);

  // True while something of ours still needs frames: a result line on
  // screen, a picture to take.
  bool busy() const { return !results_.empty() || want_grid_png_ || want_window_png_; }
  // Ctrl+Q was pressed: the platform closes the window (queued saves still finish).
  bool quit_requested() const { return quit_requested_; }

  void save_checkpoint();
  void load_checkpoint();
  void export_run();
  // Prints and shows one result line.
  void report(const Notice& notice);

 private:
  void shortcut(const KeyPress& k);
  void draw_window();
  void draw_results();
  void draw_starting();

  RunHost& runner_;
  ui::App& app_;
  FileWriter& writer_;
  DesktopPaths paths_;
  bool show_window_ = false;
  bool want_grid_png_ = false, want_window_png_ = false;
  bool capturing_ = false;  // this frame is drawn for a picture (see frame())
  bool quit_requested_ = false;
  struct Result {
    Notice notice;
    double time;  // when it arrived (ImGui time)
  };
  std::deque<Result> results_;
};

}  // namespace headlab
