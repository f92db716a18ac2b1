#include "ui/panel_table.h"

#include <algorithm>

#include "ui/panels.h"

namespace headlab::ui {

namespace {

// Panels that show one run show the one selected in the grid: in compare
// mode, a click on the twin's grid selects the twin. The panel then gets the
// twin's view and, for as long as it draws, the twin's playback in
// s.playback (swapped back after), so panels need not know about pairs.
void for_selected_run(RunHost& runner, const LabView& v, UiState& s, void (*panel)(const LabView&, UiState&)) {
  const LabView* twin = runner.twin_view();
  if (!twin || !s.twin_selected) return panel(v, s);
  std::swap(s.playback, s.twin_playback);
  panel(*twin, s);
  std::swap(s.playback, s.twin_playback);
}

}  // namespace

const std::vector<PanelInfo>& panel_table() {
  // The maps of grid and head fit their window: a scrollbar would only steal width.
  constexpr ImGuiWindowFlags kFits = ImGuiWindowFlags_NoScrollbar;
  using R = LayoutRole;
  static const std::vector<PanelInfo> table = {
      {"controls", "Controls", panel_controls, 0, R::Settings, 1.0f, "Controls", false},
      {"loss", "Loss & accuracy", panel_loss, 0, R::Curves, 1.0f, "Loss", false},
      {"grid", "Attention grid", panel_attention_grid, kFits, R::Main, 1.0f, "Grid", false},
      {"head", "Head view", [](RunHost& r, const LabView& v, UiState& s) { for_selected_run(r, v, s, panel_head_view); },
       kFits, R::Detail, 0.48f, "Head", false},
      {"timeline", "Timeline", [](RunHost&, const LabView& v, UiState& s) { panel_timeline(v, s); }, 0, R::Strip, 1.0f,
       "Time", false},
      {"why", "Why heads differ", [](RunHost& r, const LabView& v, UiState& s) { for_selected_run(r, v, s, panel_why_heads); },
       0, R::Detail, 0.52f, "Why", true},
  };
  return table;
}

const PanelInfo* find_panel(const std::string& key) {
  for (const PanelInfo& p : panel_table())
    if (key == p.key) return &p;
  return nullptr;
}

std::vector<LayoutPanel> visible_panels(const ViewOptions& view) {
  auto listed = [](const std::vector<std::string>& list, const char* key) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  std::vector<LayoutPanel> out;
  for (const PanelInfo& p : panel_table())
    if ((view.panels.empty() || listed(view.panels, p.key)) && !listed(view.hide, p.key))
      out.push_back({p.key, p.role, p.weight, p.first_tab});
  return out;
}

}  // namespace headlab::ui
