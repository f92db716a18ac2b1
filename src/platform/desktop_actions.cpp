#include "platform/desktop_actions.h"

#define GLFW_INCLUDE_NONE  // only the key codes are needed here
#include <GLFW/glfw3.h>

#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "imgui_stdlib.h"  // after imgui.h, which it needs
#include "lab/run_files.h"
#include "platform/png_file.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab {
namespace {

constexpr double kResultSeconds = 6.0;  // how long a result line stays on screen

struct Shortcut {
  const char* keys;
  const char* what;
};
const Shortcut kShortcuts[] = {
    {"Space", "train / pause"},
    {"S", "one step (hold to repeat)"},
    {"R", "start this run again from step 0"},
    {"F1", "this window"},
    {"Ctrl+S", "save checkpoint"},
    {"Ctrl+O", "load checkpoint"},
    {"Ctrl+E", "export the run as JSON"},
    {"Ctrl+P", "PNG of the attention grid"},
    {"F12", "PNG of the whole window"},
    {"Ctrl+Q", "quit (a save asked for is still written)"},
};

// A labelled path field with its action button on the same row.
bool path_row(const char* label, std::string* path, const char* button, const char* tooltip) {
  ImGui::PushID(label);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16.0f);
  ImGui::InputText("##path", path);
  ImGui::SameLine();
  const bool pressed = ImGui::Button(button, ImVec2(ImGui::GetFontSize() * 6.5f, 0));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tooltip);
  ImGui::PopID();
  return pressed;
}

}  // namespace

DesktopActions::DesktopActions(RunHost& runner, ui::App& app, FileWriter& writer, DesktopPaths paths)
    : runner_(runner), app_(app), writer_(writer), paths_(std::move(paths)) {}

// [SECTION] Actions ----------------------------------------------------------------

void DesktopActions::report(const Notice& n) {
  std::fprintf(n.ok ? stdout : stderr, "headlab: %s\n", n.text.c_str());
  std::fflush(stdout);
  results_.push_back({n, ImGui::GetTime()});
  while (results_.size() > 4) results_.pop_front();
}

void DesktopActions::save_checkpoint() {
  // Written by the training thread between two steps; the result comes back as a notice.
  runner_.save_file(paths_.checkpoint);
}

void DesktopActions::load_checkpoint() {
  // Checked here; building the run from it (seconds for a big model) is the
  // training thread's, and the window switches to it when it is ready.
  const std::string path = paths_.checkpoint;
  CheckpointData d;
  std::string error;
  if (!checkpoint_load_file(path, &d, &error)) return report({error, false});
  const std::vector<uint8_t> bytes = checkpoint_encode(d, &error);
  if (bytes.empty() || !(error = runner_.load_checkpoint(bytes, 0)).empty()) return report({error, false});
  report({"loaded " + path + " (step " + std::to_string(d.step) + ")", true});
}

void DesktopActions::export_run() {
  // The copy shares the snapshots (immutable), so it is cheap; the JSON is
  // megabytes of numbers, so it is written off the UI thread.
  auto view = std::make_shared<LabView>(runner_.view());
  const std::string path = paths_.run_json;
  writer_.post([view, path] {
    const std::string error = run_json_save_file(path, *view);
    if (!error.empty()) return Notice{"could not export the run: " + error, false};
    return Notice{"exported the run to " + path + " (step " + std::to_string(view->step) + ", " +
                      std::to_string(view->snapshots.size()) + " snapshots)",
                  true};
  });
}

// [SECTION] Per frame --------------------------------------------------------------

void DesktopActions::frame(const std::vector<KeyPress>& keys) {
  for (const Notice& n : runner_.take_notices()) report(n);
  for (const Notice& n : writer_.take_notices()) report(n);
  // A picture asked for in an earlier frame is taken from this one, drawn
  // without our own windows, so the F1 window never covers the grid.
  capturing_ = want_grid_png_ || want_window_png_;
  // Not while typing a file name (or the text task's text).
  if (!ImGui::GetIO().WantTextInput)
    for (const KeyPress& k : keys) shortcut(k);
  if (capturing_) return;
  if (show_window_) draw_window();
  if (runner_.starting()) draw_starting();
  draw_results();
}

// Building a big model takes seconds; say so instead of looking stuck.
void DesktopActions::draw_starting() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x * 0.5f, vp->Size.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::Begin("##starting", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
  static const char* const kSpinner[] = {"|", "/", "-", "\\"};
  ImGui::Text("%s  Starting the new run (building the model and its first snapshot) ...",
              kSpinner[static_cast<int>(ImGui::GetTime() * 8) % 4]);
  ImGui::End();
}

void DesktopActions::shortcut(const KeyPress& k) {
  if (k.mods & (GLFW_MOD_CONTROL | GLFW_MOD_SUPER)) {  // Ctrl, or Cmd on macOS
    if (k.repeat) return;
    if (k.key == GLFW_KEY_S) save_checkpoint();
    if (k.key == GLFW_KEY_O) load_checkpoint();
    if (k.key == GLFW_KEY_E) export_run();
    if (k.key == GLFW_KEY_P) want_grid_png_ = true;
    if (k.key == GLFW_KEY_Q) quit_requested_ = true;
    return;
  }
  const bool modifier = k.mods & GLFW_MOD_ALT;
  const char shared = k.key == GLFW_KEY_SPACE ? ' ' : k.key == GLFW_KEY_S ? 's' : k.key == GLFW_KEY_R ? 'r' : 0;
  if (shared) {
    const std::string message = app_.key(runner_, shared, modifier, k.repeat);
    if (!message.empty()) report({message, false});
  }
  if (modifier || k.repeat) return;
  if (k.key == GLFW_KEY_F1) show_window_ = !show_window_;
  if (k.key == GLFW_KEY_F12) want_window_png_ = true;
}

void DesktopActions::draw_window() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x * 0.5f, vp->Size.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("Desktop: keys and files (F1)", &show_window_,
                    ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  ImGui::TextDisabled("Keys (when no text field is being edited)");
  ImGui::Separator();
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit)) {
    for (const Shortcut& s : kShortcuts) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.keys);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", s.what);
    }
    ImGui::EndTable();
  }

  ImGui::Spacing();
  ImGui::TextDisabled("Files (relative paths are in the working directory)");
  ImGui::SameLine();
  ui::help_marker(
      "A checkpoint holds the complete training state (settings, weights, optimiser, random streams, "
      "step): loading it continues the run exactly. The recorded history is not in it, so a loaded run's "
      "curves start at its step. The run JSON has the settings, the loss curve and every recorded "
      "snapshot (attention maps, gradient norms, role scores), the same file headlab-train --out writes.");
  ImGui::Separator();
  if (path_row("Checkpoint", &paths_.checkpoint, "Save", "Save the training state (Ctrl+S)")) save_checkpoint();
  ImGui::SameLine();
  if (ImGui::Button("Load")) load_checkpoint();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Replace the run with this checkpoint (Ctrl+O)");
  if (path_row("Run JSON", &paths_.run_json, "Export", "Write the run as JSON (Ctrl+E)")) export_run();
  if (path_row("Grid PNG", &paths_.grid_png, "Save", "Picture of the attention grid (Ctrl+P)")) want_grid_png_ = true;
  if (path_row("Window PNG", &paths_.window_png, "Save", "Picture of the whole window (F12)")) want_window_png_ = true;
  ImGui::Spacing();
  ImGui::TextDisabled("Training runs on its own thread here; the speed slider applies to the web page only.");
  ImGui::End();
}

void DesktopActions::draw_results() {
  const double now = ImGui::GetTime();
  while (!results_.empty() && now - results_.front().time > kResultSeconds) results_.pop_front();
  if (results_.empty()) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float pad = ImGui::GetStyle().WindowPadding.x;
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x - pad, vp->Size.y - pad), ImGuiCond_Always, ImVec2(1.0f, 1.0f));
  ImGui::SetNextWindowBgAlpha(0.9f);
  ImGui::Begin("##results", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
  for (const Result& r : results_) {
    if (r.notice.ok) ImGui::TextUnformatted(r.notice.text.c_str());
    else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ui::theme().bad), "%s", r.notice.text.c_str());
  }
  ImGui::End();
}

void DesktopActions::after_render(const ui::App& app, int fb_width, int fb_height, float scale) {
  if (!capturing_) return;
  capturing_ = false;
  if (want_grid_png_) {
    want_grid_png_ = false;
    ImVec4 r;  // the grid's rectangle in UI units, as drawn this frame
    if (!app.item_rect("grid", &r)) {
      report({"no attention grid on screen to save", false});
    } else {
      RgbImage img = read_framebuffer(static_cast<int>(std::floor(r.x * scale)), static_cast<int>(std::floor(r.y * scale)),
                                      static_cast<int>(std::ceil(r.z * scale)), static_cast<int>(std::ceil(r.w * scale)),
                                      fb_width, fb_height);
      const std::string path = paths_.grid_png;
      writer_.post([img = std::move(img), path] {
        std::string error = write_png(path, img);
        return error.empty() ? Notice{"saved the attention grid to " + path, true} : Notice{error, false};
      });
    }
  }
  if (want_window_png_) {
    want_window_png_ = false;
    RgbImage img = read_framebuffer(0, 0, fb_width, fb_height, fb_width, fb_height);
    const std::string path = paths_.window_png;
    writer_.post([img = std::move(img), path] {
      std::string error = write_png(path, img);
      return error.empty() ? Notice{"saved the window to " + path, true} : Notice{error, false};
    });
  }
}

}  // namespace headlab
