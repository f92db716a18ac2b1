// What the panels share within one App: the moment on screen, the selection,
// view settings, the Controls panel's pending edits and the frame's cost.
// Panels read the run only through a LabView and change it only through a Runner.
#pragma once
#include <cstdint>
#include <map>
#include <string>

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

struct UiState {
  Playback playback;
  HeatmapRenderer heatmaps;
  // Compare mode (lab/pair_runner.h): the twin run's moment on screen (it
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

  Colormap colormap = Colormap::Viridis;
  float gamma = 0.5f;             // heatmap contrast: weight^gamma
  float replay_seconds = 10.0f;

  // Controls panel: edits waiting for Reset, and the last command error.
  RunOptions pending;
  std::string message;
  // The run Reset starts: the text box keeps its draft while another task is
  // chosen, but only task=text takes a text.
  RunOptions wanted_run() const {
    RunOptions r = pending;
    if (r.task != "text") r.text.clear();
    return r;
  }

  // Screen rectangles (x, y, w, h in CSS pixels) of a few controls, for the e2e test.
  std::map<std::string, ImVec4> item_rects;
  void remember_item(const char* name) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    item_rects[name] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
  }
};

}  // namespace headlab::ui
