// What the panels share within one App: the moment on screen, the selection,
// view settings, the Controls panel's pending edits and the frame's cost.
// Panels read the run only through a LabView and change it only through the RunHost.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "imgui.h"
#include "lab/options.h"
#include "ui/colormap.h"
#include "ui/heatmap_renderer.h"
#include "ui/playback.h"

namespace headlab::ui {

struct FrameStats {
  float frame_ms = 16.7f;  // smoothed time between frames
  float train_ms = 0.0f;   // smoothed time spent training inside the frame
  float ui_ms = 0.0f;      // smoothed CPU time building the panels (drawing itself is the GPU's)
};

// An entry of the top bar's Share menu, offered by the platform (the web
// page: copy a link, embed code, pictures, files). The App lists them and
// reports a click; the platform carries it out.
struct ShareAction {
  std::string id, label, help;
};

struct UiState {
  Playback playback;
  HeatmapRenderer heatmaps;
  // Compare mode (lab/run_host.h): the twin run's moment on screen (it
  // follows the timeline's step) and its maps.
  Playback twin_playback;
  HeatmapRenderer twin_heatmaps;
  bool twin_selected = false;  // the head view and the Why panel show the twin
  ViewOptions view;
  FrameStats stats;

  // Selection shared by the grid, the head view and "why heads differ".
  int layer = 0, head = 0;
  int token = -1;                 // query token of the head view; -1 = last token
  uint32_t hidden_heads = 0;      // head view: bit h set = head h not drawn
  // Linked brushing: the probe token whose row and column every map
  // highlights. Panels report the token under the pointer in hover_token
  // while they draw; the next frame brushes it (or, with nothing hovered, the
  // token last clicked or tapped in the probe strip: pinned_token).
  int brush = -1, hover_token = -1, pinned_token = -1;

  // The probe editor (ui/probe_editor.cpp): open, its text, its last error.
  // A platform with its own text field (the web page: phones' keyboards,
  // paste, input methods) sets probe_dialog and gets "edit-probe" as an action.
  bool probe_dialog = false;
  bool editing_probe = false, focus_probe = false;
  std::string probe_draft, probe_error;

  Colormap colormap = Colormap::Viridis;
  float gamma = 1.0f;             // heatmap contrast: weight^gamma (1 = linear)
  bool show_stats = false;        // the top bar's developer numbers (fps, ms per frame, tokens/s)
  bool curves_accuracy = false;   // a loss panel too short for two plots shows accuracy instead of loss
  // Attention grid: the height its caption took when last shown, and what the
  // rest needs at the least (probe strip, colour bar, maps at their smallest).
  float grid_caption_h = 0, grid_rest_min_h = 0;
  float replay_seconds = 10.0f;

  // Controls panel: edits waiting for Reset, the last command error, and
  // whether the edits make a valid run (validate(), as last checked).
  RunOptions pending;
  std::string message;
  RunOptions checked_run;
  std::string check;
  bool checked = false;
  // The run Reset starts: the text box keeps its draft while another task is
  // chosen, but only task=text takes a text.
  RunOptions wanted_run() const {
    RunOptions r = pending;
    if (r.task != "text") r.text.clear();
    return r;
  }

  std::vector<ShareAction> share_actions;
  std::string requested_action;  // the Share entry clicked this frame, for the platform
  // A short-lived line in the top bar ("Link copied"), until ImGui time notice_until.
  std::string notice;
  double notice_until = 0;

  // Screen rectangles (x, y, w, h in CSS pixels) of a few controls, for the e2e test.
  std::map<std::string, ImVec4> item_rects;
  void remember_item(const char* name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    item_rects[name] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
  }
};

}  // namespace headlab::ui
