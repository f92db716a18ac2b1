// The strip above the panels: name, the main buttons, and what the frame
// costs (training and drawing), so a reader can see the page keeps up.
#include <cstdio>
#include <cstring>

#include "lab/experiments.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

void top_bar(Runner& runner, const LabView& v, UiState& s) {
  const Theme& th = theme();
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.accent), "headlab");
  ImGui::SameLine();

  const float bw = ImGui::CalcTextSize("\xe2\x80\x96 Pause").x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
  if (ImGui::Button(v.playing ? "\xe2\x80\x96 Pause" : "\xe2\x96\xb6 Train", ImVec2(bw, 0))) v.playing ? runner.pause() : runner.play();
  ImGui::PopStyleColor();
  s.remember_item("play");
  if (ImGui::IsItemHovered()) {
    if (runner.trains_in_frame())
      ImGui::SetTooltip("Train continuously (or pause). Each frame spends about %.0f ms training.", s.view.budget_ms);
    else
      ImGui::SetTooltip("Train continuously (or pause). Training runs on its own thread, as fast as it can.");
  }
  ImGui::SameLine();
  if (ImGui::Button("Step")) runner.step(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One optimiser step, then pause.");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) {
    s.message = runner.reset(s.wanted_run());
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start again from random weights with the Controls' settings.");

  // Status items, most important first; those that do not fit are left out.
  char buf[8][64];
  int n = 0;
  std::snprintf(buf[n++], 64, "step %d", v.step);
  std::snprintf(buf[n++], 64, "loss %.3f", v.loss);
  if (v.accuracy >= 0) std::snprintf(buf[n++], 64, "acc %.0f%%", v.accuracy * 100);
  if (const LabView* twin = runner.compare_view(); twin && twin->accuracy >= 0)
    std::snprintf(buf[n++], 64, "twin acc %.0f%%", twin->accuracy * 100);
  if (v.playing) {
    std::snprintf(buf[n++], 64, "%s steps/s", human_number(v.steps_per_sec).c_str());
    std::snprintf(buf[n++], 64, "%s tok/s", human_number(v.tokens_per_sec).c_str());
  } else {
    std::snprintf(buf[n++], 64, "paused");
  }
  std::snprintf(buf[n++], 64, "frame %.1f ms (%.0f fps)", s.stats.frame_ms, 1000.0f / std::max(s.stats.frame_ms, 1.0f));
  if (runner.trains_in_frame()) std::snprintf(buf[n++], 64, "train %.1f ms/frame", s.stats.train_ms);
  const float theme_w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.x;
  for (int i = 0; i < n; ++i) {
    float need = ImGui::CalcTextSize(buf[i]).x + ImGui::GetStyle().ItemSpacing.x * 2;
    ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
    if (ImGui::GetContentRegionAvail().x < need + theme_w) break;
    if (i < 3 || std::strncmp(buf[i], "twin", 4) == 0) ImGui::TextUnformatted(buf[i]);
    else ImGui::TextDisabled("%s", buf[i]);
    if (std::strncmp(buf[i], "frame", 5) == 0 && ImGui::IsItemHovered()) {
      if (runner.trains_in_frame())
        ImGui::SetTooltip("Time between frames, smoothed. Of it: training %.1f ms, building the panels %.1f ms;\n"
                          "the rest is the browser and GPU drawing them.",
                          s.stats.train_ms, s.stats.ui_ms);
      else
        ImGui::SetTooltip("Time between frames, smoothed. Of it: building the panels %.1f ms; the rest is\n"
                          "drawing them and waiting for the screen. Training runs on its own thread.",
                          s.stats.ui_ms);
    }
  }

  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::GetFrameHeight());
  if (ImGui::Button(th.dark ? "\xe2\x98\x80" : "\xe2\x98\xbe", ImVec2(ImGui::GetFrameHeight(), 0))) {
    s.view.theme = th.dark ? "light" : "dark";
    apply_theme(s.view.theme);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Light / dark theme");
}

float experiment_strip_height() {
  return ImGui::GetFrameHeightWithSpacing() + ImGui::GetTextLineHeight() * 2 + ImGui::GetStyle().ItemSpacing.y;
}

void experiment_strip(Runner& runner, const LabView& v, UiState& s) {
  const Experiment* now = matching_experiment(v.options, runner.compare_spec());
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("Experiment");
  for (const Experiment& e : experiments()) {
    ImGui::SameLine();
    const bool on = &e == now;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    const bool clicked = ImGui::Button(e.title.c_str());
    if (on) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.expect.c_str());
    if (!clicked) continue;
    Options o;
    o.view = s.view;
    s.message = set_option(o, "experiment", e.key, kScopeRun);
    if (s.message.empty()) s.message = runner.reset(o.run);
    if (s.message.empty()) s.message = runner.set_compare(o.view.compare);
    if (s.message.empty()) {
      s.view.compare = o.view.compare;
      runner.play();
    }
  }
  ImGui::PushTextWrapPos(0.0f);
  if (now)
    ImGui::TextUnformatted(now->expect.c_str());
  else
    ImGui::TextDisabled("Your own settings. Pick an experiment above to see one part of the answer: why heads "
                        "end up different, and when they do not.");
  ImGui::PopTextWrapPos();
}

}  // namespace headlab::ui
