// Every panel of the dashboard, one row each: its key (the `panels=` and
// `hide=` vocabulary), title, draw function, window flags and layout role.
// The App draws and places panels only through this table.
//
// Adding a panel: a draw function (ui/panel_<name>.cpp, declared in
// panels.h), one row here and its key in lab's panel_names().
#pragma once
#include <string>
#include <vector>

#include "imgui.h"
#include "lab/run_host.h"
#include "ui/layout.h"
#include "ui/ui_state.h"

namespace headlab::ui {

struct PanelInfo {
  const char* key;
  const char* title;  // on its window, or its tab
  void (*draw)(RunHost& runner, const LabView& v, UiState& s);
  ImGuiWindowFlags flags;  // added to its window when it is alone in it (or the first of its tabs)
  LayoutRole role;
  float weight;  // share of its cell when stacked with panels of the same role
  const char* tab_title;  // on a tab too narrow for the title
  bool first_tab;         // the answer to the page's question: first among tabs
};

// In panel_names() order.
const std::vector<PanelInfo>& panel_table();
// The row for a key, or nullptr.
const PanelInfo* find_panel(const std::string& key);
// The panels a view shows (panels=, then hide=), in table order, as the layout wants them.
std::vector<LayoutPanel> visible_panels(const ViewOptions& view);

}  // namespace headlab::ui
