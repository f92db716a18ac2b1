// Where the panels go: a tiled dashboard recomputed from the canvas size
// every frame, so it follows the page on resize. Wide canvases get three
// columns; narrow ones two, with the lower right panels as tabs (and, when
// short too, Controls and the loss plot as tabs on the left); the narrowest
// (phones) one column: the attention grid above, sized to the width its maps
// can use, the rest as tabs below. Among tabs, the answer (Why) comes first.
// Wherever that would leave the attention grid too small to read (maps under
// about 60 pixels, their badges and loss-rise numbers left out), the answer
// comes first instead: one slot, the grid's tab first and shown, every other
// panel a tap away.
//
// The layouts place layout roles, not panels: every role has a place in
// every layout, so a panel (ui/panel_table.h) is placed at every size by its role.
#pragma once
#include <string>
#include <vector>

#include "imgui.h"

namespace headlab::ui {

enum class LayoutRole {
  Settings,  // what to train (Controls)
  Curves,    // how training goes (loss)
  Main,      // the large picture (the attention grid)
  Strip,     // a short full-width band under it (timeline)
  Detail,    // inspectors of one head or layer; stacked when there is room, else tabs
};

// A panel to place: its key, role and share of its cell when stacked with
// others of its role; `first_tab`: the panel that answers the page's question
// comes first (and so is the one shown) where panels share a cell as tabs.
struct LayoutPanel {
  std::string key;
  LayoutRole role;
  float weight;
  bool first_tab = false;
};

struct PanelSlot {
  ImVec2 pos, size;
  std::vector<std::string> panels;  // keys; more than one = tabs
};

// The slot the attention grid of L layers x H heads needs for maps of
// `tile` pixels with their titles, badges and the probe above them; in
// compare mode two grids, side by side or stacked: a slot that fits either will do.
struct GridNeed {
  ImVec2 side_by_side, stacked;
};
GridNeed grid_need(int layers, int heads, bool pair, float tile = 60.0f);

// Places `visible` (in panel-table order) in the rectangle at pos, with the
// attention grid readable (`grid`; a default GridNeed: any slot will do).
std::vector<PanelSlot> dashboard_layout(ImVec2 pos, ImVec2 size, const std::vector<LayoutPanel>& visible,
                                        const GridNeed& grid = GridNeed());

}  // namespace headlab::ui
