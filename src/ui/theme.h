// The look: a dark and a light ImGui style, plus the few semantic colours our
// own drawings (plots, heatmap masks, head lines) need, so panels never
// hard-code a colour that only works on one background.
#pragma once
#include <string>

#include "imgui.h"

namespace headlab::ui {

struct Theme {
  bool dark = true;
  ImU32 text = 0, text_dim = 0;
  ImU32 accent = 0;      // selection outlines, the live marker; the run as set in compare mode
  ImU32 accent2 = 0;     // compare mode's twin run
  ImU32 plot_bg = 0, plot_grid = 0;
  ImU32 good = 0, bad = 0;
  ImVec4 masked;         // causally masked heatmap cells
  ImVec4 clear;          // framebuffer clear colour behind the panels
};

// Applies "dark", "light" or "auto" (the system's preference, see
// set_system_prefers_dark; anything else means dark) to ImGui's style.
void apply_theme(const std::string& name);
// What theme=auto follows: the platform says whether the system (on the web,
// the host page's prefers-color-scheme) prefers dark. Dark until told.
void set_system_prefers_dark(bool dark);
const Theme& theme();

// One distinct colour per head (cycles after 10), used by every panel so a
// head keeps its colour across the head view, curves and badges.
ImU32 head_color(int head, float alpha = 1.0f);

}  // namespace headlab::ui
