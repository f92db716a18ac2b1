// Where the panels go: a tiled dashboard recomputed from the canvas size
// every frame, so it follows the page on resize. Wide canvases get three
// columns; narrow ones two, with the lower right panels as tabs (and, when
// short too, Controls and the loss plot as tabs on the left); the narrowest
// one column: the attention grid above, the rest as tabs.
#pragma once
#include <string>
#include <vector>

#include "imgui.h"

namespace headlab::ui {

struct PanelSlot {
  ImVec2 pos, size;
  std::vector<std::string> panels;  // panel_names() keys; more than one = tabs
};

// `visible` lists the panels to place (a subset of panel_names()).
std::vector<PanelSlot> dashboard_layout(ImVec2 pos, ImVec2 size, const std::vector<std::string>& visible);

}  // namespace headlab::ui
