// Timeline: every recorded snapshot since step 0. Drag to look back in time
// (all panels follow), or Replay to watch the heads form from random init.
// The lab keeps a bounded store: when it fills, every other old snapshot is
// dropped and recording gets sparser, so memory never grows without limit.
#include <algorithm>
#include <cmath>
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
              "spaced moments from step 0 to now. Marks above the ticks: a green triangle where the "
              "training loss had halved, a dot in a head's colour where that head first took a role "
              "(hover them).");
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
  // A recorded run has no training to follow: its "live" is its last step.
  const bool recorded = !v.recorded.empty();
  ImGui::BeginDisabled(pb.live());
  if (ImGui::Button(recorded ? "\xe2\x97\x8f End" : "\xe2\x97\x8f Live")) pb.go_live();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(recorded ? "Show the recording's last step." : "Follow training as it happens.");
  ImGui::SameLine();
  // The replay's length is a menu, not a second slider, so the step slider is the only one.
  char length[32];
  std::snprintf(length, sizeof length, "replay in %.0f s", s.replay_seconds);
  const float menu_w = ImGui::CalcTextSize("replay in 60 s").x + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - menu_w - ImGui::GetStyle().ItemSpacing.x);
  float step = pb.step();
  char fmt[48];
  std::snprintf(fmt, sizeof fmt, "showing step %%.0f of %d", last);
  if (ImGui::SliderFloat("##when", &step, 0.0f, static_cast<float>(std::max(last, 1)), fmt)) pb.scrub(step);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##length", length)) {
    for (float seconds : {5.0f, 10.0f, 20.0f, 40.0f, 60.0f}) {
      char item[32];
      std::snprintf(item, sizeof item, "replay in %.0f s", seconds);
      if (ImGui::Selectable(item, seconds == s.replay_seconds)) s.replay_seconds = seconds;
    }
    ImGui::EndCombo();
  }

  // A strip of ticks, one per kept snapshot, with the shown moment marked,
  // and marks where something happened: the loss halved (green), a head took a role (its colour).
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight() * 0.8f;
  ImGui::InvisibleButton("##ticks", ImVec2(w, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), th.plot_bg, 3);
  const float scale = (w - 2) / std::max(last, 1);
  for (const auto& snap : v.snapshots) {
    float x = p.x + 1 + snap->step * scale;
    dl->AddLine(ImVec2(x, p.y + h * 0.45f), ImVec2(x, p.y + h - 3), th.text_dim);
  }
  const std::vector<TimelineEvent> events = timeline_events(v.history, v.snapshots, v.roles);
  const ImVec2 m = ImGui::GetIO().MousePos;
  std::string near;
  for (const TimelineEvent& e : events) {
    const float x = p.x + 1 + e.step * scale;
    const bool loss = e.kind == TimelineEvent::LossHalved;
    int head = 0;
    if (!loss) std::sscanf(e.text.c_str(), "L%*dH%d", &head);
    const ImU32 c = loss ? th.good : head_color(head);
    if (loss) dl->AddTriangleFilled(ImVec2(x - 4, p.y + 2), ImVec2(x + 4, p.y + 2), ImVec2(x, p.y + 8), c);
    else dl->AddCircleFilled(ImVec2(x, p.y + 5), 3.5f, c);
    if (ImGui::IsItemHovered() && std::fabs(m.x - x) < 5) near += (near.empty() ? "" : "\n") + ("step " + std::to_string(e.step) + ": " + e.text);
  }
  float x = p.x + 1 + pb.step() * scale;
  dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h), th.accent, 2.5f);
  if (!near.empty()) ImGui::SetTooltip("%s", near.c_str());
  if (ImGui::IsItemActive() || (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)))
    pb.scrub(std::clamp((ImGui::GetIO().MousePos.x - p.x - 1) / scale, 0.0f, static_cast<float>(last)));

  int stride = v.snapshots.size() > 1 ? v.snapshots[1]->step - v.snapshots[0]->step : v.options.live.snapshot_every;
  const int kept = static_cast<int>(v.snapshots.size());
  if (recorded)
    ImGui::TextDisabled("Recorded run: %d snapshots over %d steps. Nothing trains; Replay plays it.", kept, v.step);
  else if (pb.live())
    ImGui::TextDisabled("%d snapshot%s kept, one every %d steps  -  live", kept, kept == 1 ? "" : "s", stride);
  else
    ImGui::TextDisabled("Showing step %.0f; training is at step %d.  %d snapshots kept, one every %d steps.", pb.step(), v.step,
                        kept, stride);
}

}  // namespace headlab::ui
