#include "ui/panel_table.h"

#include <algorithm>

#include "ui/panels.h"

namespace headlab::ui {

const std::vector<PanelInfo>& panel_table() {
  // The maps of grid and head fit their window: a scrollbar would only steal width.
  constexpr ImGuiWindowFlags kFits = ImGuiWindowFlags_NoScrollbar;
  using R = LayoutRole;
  static const std::vector<PanelInfo> table = {
      {"controls", "Controls", panel_controls, 0, R::Settings, 1.0f},
      {"loss", "Loss & accuracy", [](Runner&, const LabView& v, UiState& s) { panel_loss(v, s); }, 0, R::Curves, 1.0f},
      {"grid", "Attention grid", [](Runner&, const LabView& v, UiState& s) { panel_attention_grid(v, s); }, kFits,
       R::Main, 1.0f},
      {"head", "Head view", [](Runner&, const LabView& v, UiState& s) { panel_head_view(v, s); }, kFits, R::Detail,
       0.48f},
      {"timeline", "Timeline", [](Runner&, const LabView& v, UiState& s) { panel_timeline(v, s); }, 0, R::Strip, 1.0f},
      {"why", "Why heads differ", [](Runner&, const LabView& v, UiState& s) { panel_why_heads(v, s); }, 0, R::Detail,
       0.52f},
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
      out.push_back({p.key, p.role, p.weight});
  return out;
}

}  // namespace headlab::ui
