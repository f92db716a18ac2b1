// Timeline: every recorded snapshot since step 0. Drag to look back in time
// (all panels follow), or Replay to watch the heads form from random init.
// The lab keeps a bounded store: when it fills, every other old snapshot is
// dropped and recording gets sparser, so memory never grows without limit.
#include <algorithm>
#include <cstdio>

#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

void panel_timeline(const LabView& v, UiState& s) {
  panel_intro("Scrub back in time, or replay how the heads formed.",
              "Every few steps the lab records all heads' attention on the probe input. Drag the "
              "slider to show any recorded moment in every panel (maps in between are blended, so "
              "motion is smooth). Replay animates the whole run from random initialisation. To keep "
              "memory bounded over long runs, older snapshots are thinned: the store keeps evenly "
              "spaced moments from step 0 to now.");
  Playback& pb = s.playback;
  if (v.snapshots.empty()) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int last = v.snapshots.back()->step;
  if (ImGui::Button(pb.replaying() ? "\xe2\x96\xa0 Stop" : "\xe2\x96\xb6 Replay")) {
    if (pb.replaying()) pb.stop_replay();
    else pb.replay(s.replay_seconds);
  }
  s.remember_item("replay");
  ImGui::SameLine();
  ImGui::BeginDisabled(pb.live());
  if (ImGui::Button("\xe2\x97\x8f Live")) pb.go_live();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Follow training as it happens.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 7.5f);
  float step = pb.step();
  char fmt[48];
  std::snprintf(fmt, sizeof fmt, "step %%.0f of %d", last);
  if (ImGui::SliderFloat("##when", &step, 0.0f, static_cast<float>(std::max(last, 1)), fmt)) pb.scrub(step);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::SliderFloat("##speed", &s.replay_seconds, 2.0f, 60.0f, "replay %.0f s", ImGuiSliderFlags_Logarithmic);

  // A strip of ticks, one per kept snapshot, with the shown moment marked.
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() * 0.6f;
  ImGui::InvisibleButton("##ticks", ImVec2(w, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), th.plot_bg, 3);
  const float scale = (w - 2) / std::max(last, 1);
  for (const auto& snap : v.snapshots) {
    float x = p.x + 1 + snap->step * scale;
    dl->AddLine(ImVec2(x, p.y + 3), ImVec2(x, p.y + h - 3), th.text_dim);
  }
  float x = p.x + 1 + pb.step() * scale;
  dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h), th.accent, 2.5f);
  if (ImGui::IsItemActive() || (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)))
    pb.scrub(std::clamp((ImGui::GetIO().MousePos.x - p.x - 1) / scale, 0.0f, static_cast<float>(last)));

  int stride = v.snapshots.size() > 1 ? v.snapshots[1]->step - v.snapshots[0]->step : v.options.live.snapshot_every;
  const int kept = static_cast<int>(v.snapshots.size());
  ImGui::TextDisabled("%d snapshot%s kept, one every %d steps%s", kept, kept == 1 ? "" : "s", stride,
                      pb.live() ? "  -  live" : "");
}

}  // namespace headlab::ui
