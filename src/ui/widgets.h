// Small drawing helpers the panels share: the (?) help marker, a line plot
// with log axis and hover readout, a head-by-head matrix, and a badge.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "imgui.h"
#include "ui/colormap.h"

namespace headlab::ui {

// A dim "(?)" that shows `text` in a wrapped tooltip on hover; a click or a
// tap pins it in a popup, which the next click or tap elsewhere closes.
void help_marker(const char* text);
// The same for any item just drawn (a badge, a label): hover or tap explains it.
void explain_item(const char* text);
// The same for a screen rectangle that is no item (drawn, hit-tested by hand); `id` names its popup.
void explain_rect(const char* id, ImVec2 min, ImVec2 max, const char* text);
// A one-line dim caption followed by a (?) marker: the first lines of every panel.
void panel_intro(const char* caption, const char* help);

struct PlotLine {
  std::string label;
  ImU32 color = 0;
  std::vector<float> x, y;  // x ascending; non-finite y values are gaps
};

struct PlotSpec {
  ImVec2 size{0, 120};   // 0 width = all available
  bool log_y = false;
  float y_min = NAN, y_max = NAN;  // NAN = fit the data
  float x_max = NAN;               // NAN = last x
  float marker_x = NAN;            // vertical line, e.g. the step shown by the timeline
  float ref_y = NAN;               // dashed horizontal reference line...
  const char* ref_label = nullptr; // ...and its label
  const char* y_format = "%.3g";
  const char* title = nullptr;     // drawn above the plot area, which it never overlaps
};

// Draws lines over x in [0, x_max]. On hover shows every line's value at the
// nearest recorded x. Returns the hovered x, or NAN.
float plot(const char* id, const PlotSpec& spec, const std::vector<PlotLine>& lines);

// An n x n matrix of values (head pairs), coloured through `map` over
// [vmin, vmax], heads labelled in their colours. `what` names the value in the tooltip.
void head_matrix(const char* id, const float* values, int n, float vmin, float vmax, Colormap map,
                 float cell, const char* what, const char* format);

// A colour bar stating a mapping: `label`, then vmin, the bar, vmax. A value
// v is drawn in colour ((v - vmin) / (vmax - vmin))^gamma. Total width `width` (0 = available).
void colour_bar(const char* label, Colormap map, float vmin, float vmax, float gamma, float width, const char* format);
// Width colour_bar() needs with a bar of bar_width.
float colour_bar_width(const char* label, float vmin, float vmax, float bar_width, const char* format);

// A small rounded label in the given colour (role badges).
void badge(const char* text, ImU32 color);

// "12.3k" style numbers for compact status text.
std::string human_number(double v);

}  // namespace headlab::ui
