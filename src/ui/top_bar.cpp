// The strip above the panels: the main buttons, where the run is (step,
// loss, accuracy; the frame's costs behind "stats"), the glossary, the
// platform's Share menu and the theme.
#include <cstdio>
#include <cstring>

#include "lab/experiments.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

namespace {

// The Share menu: what the platform offers (web: links, pictures, files).
void share_menu(UiState& s) {
  if (s.share_actions.empty()) return;
  if (ImGui::Button("Share")) ImGui::OpenPopup("share");
  s.remember_item("share");
  if (!ImGui::BeginPopup("share")) return;
  for (const ShareAction& a : s.share_actions) {
    if (ImGui::MenuItem(a.label.c_str())) s.requested_action = a.id;
    s.remember_item(("share:" + a.id).c_str());
    if (ImGui::IsItemHovered() && !a.help.empty()) ImGui::SetTooltip("%s", a.help.c_str());
  }
  ImGui::EndPopup();
}

}  // namespace

void toggle_play(RunHost& runner, const LabView& v, UiState& s) {
  if (v.recorded.empty()) v.playing ? runner.pause() : runner.play();
  else if (s.playback.replaying()) s.playback.stop_replay();
  else s.playback.replay(s.replay_seconds);
}

void top_bar(RunHost& runner, const LabView& v, UiState& s) {
  const Theme& th = theme();
  const ImGuiStyle& style = ImGui::GetStyle();
  // A recorded run (lab/run_json_read.h) does not train: Play replays it,
  // and the reader may train its settings live instead.
  const bool recorded = !v.recorded.empty();
  const bool running = recorded ? s.playback.replaying() : v.playing;
  const float bw = ImGui::CalcTextSize(recorded ? "\xe2\x96\xb6 Replay" : "\xe2\x80\x96 Pause").x + style.FramePadding.x * 2;
  ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[ImGuiCol_ButtonActive]);
  if (ImGui::Button(running ? "\xe2\x80\x96 Pause" : recorded ? "\xe2\x96\xb6 Replay" : "\xe2\x96\xb6 Train", ImVec2(bw, 0)))
    toggle_play(runner, v, s);
  ImGui::PopStyleColor();
  s.remember_item("play");
  if (ImGui::IsItemHovered()) {
    if (recorded)
      ImGui::SetTooltip("Play the recording from step 0 (Space). Nothing trains: this run was recorded.");
    else if (runner.trains_in_frame())
      ImGui::SetTooltip("Train continuously, or pause (Space). Each frame spends about %.0f ms training.", s.view.budget_ms);
    else
      ImGui::SetTooltip("Train continuously, or pause (Space). Training runs on its own thread, as fast as it can.");
  }
  ImGui::SameLine();
  if (recorded) {
    if (ImGui::Button("Train it yourself")) s.message = runner.reset(v.options);
    s.remember_item("train-recorded");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Close the recording and train a run with its settings live, from step 0 (press Train next).");
  } else {
    if (ImGui::Button("Step")) runner.step(1);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One optimiser step, then pause (S).");
    ImGui::SameLine();
    if (ImGui::Button("Reset")) s.message = runner.reset(s.wanted_run());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start again from step 0 with the Controls' settings (R).");
  }

  // Right-hand buttons, measured first so the status items know their room.
  const float gap = style.ItemSpacing.x;
  const bool share = !s.share_actions.empty();
  float right = ImGui::CalcTextSize("Glossary").x + style.FramePadding.x * 2 + gap;
  if (share) right += ImGui::CalcTextSize("Share").x + style.FramePadding.x * 2 + gap;
  if (s.view.theme_button) right += ImGui::GetFrameHeight() + gap;

  // Status items, most important first; those that do not fit are left out.
  // While the timeline shows an earlier moment, the step is the one on screen.
  char buf[8][64];
  int n = 0;
  if (recorded) std::snprintf(buf[n++], 64, "recorded: %.40s", v.recorded.c_str());
  if (s.playback.live()) std::snprintf(buf[n++], 64, "step %d", v.step);
  else std::snprintf(buf[n++], 64, "showing step %.0f of %d", s.playback.step(), v.step);
  std::snprintf(buf[n++], 64, "loss %.3f", v.loss);
  if (v.accuracy >= 0) std::snprintf(buf[n++], 64, "acc %.0f%%", v.accuracy * 100);
  if (const LabView* twin = runner.twin_view(); twin && twin->accuracy >= 0)
    std::snprintf(buf[n++], 64, "twin acc %.0f%%", twin->accuracy * 100);
  const int plain = n;
  if (s.show_stats) {
    if (v.playing) {
      std::snprintf(buf[n++], 64, "%s steps/s", human_number(v.steps_per_sec).c_str());
      std::snprintf(buf[n++], 64, "%s tok/s", human_number(v.tokens_per_sec).c_str());
    }
    std::snprintf(buf[n++], 64, "frame %.1f ms (%.0f fps)", s.stats.frame_ms, 1000.0f / std::max(s.stats.frame_ms, 1.0f));
    if (runner.trains_in_frame()) std::snprintf(buf[n++], 64, "train %.1f ms/frame", s.stats.train_ms);
  }
  const float stats_w = ImGui::CalcTextSize(s.show_stats ? "hide stats" : "stats").x + style.FramePadding.x * 2;
  bool stats_room = true;
  for (int i = 0; i < n; ++i) {
    float need = ImGui::CalcTextSize(buf[i]).x + gap * 2;
    ImGui::SameLine(0, gap * 2);
    if (ImGui::GetContentRegionAvail().x < need + right + stats_w + gap) {
      stats_room = ImGui::GetContentRegionAvail().x >= right + stats_w + gap;
      break;
    }
    ImGui::AlignTextToFramePadding();
    if (i < plain) ImGui::TextUnformatted(buf[i]);
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
  if (stats_room) {
    ImGui::SameLine(0, gap * 2);
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_Text, style.Colors[ImGuiCol_TextDisabled]);
    if (ImGui::SmallButton(s.show_stats ? "hide stats" : "stats")) s.show_stats = !s.show_stats;
    ImGui::PopStyleColor(2);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show or hide the speed numbers: steps and tokens per second, frame times.");
  }
  if (!s.notice.empty()) {
    ImGui::SameLine(0, gap * 2);
    if (ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(s.notice.c_str()).x + right) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.good), "%s", s.notice.c_str());
    }
  }

  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right + gap);
  glossary_button(v);
  if (share) {
    ImGui::SameLine();
    share_menu(s);
  }
  if (s.view.theme_button) {
    ImGui::SameLine();
    if (ImGui::Button(th.dark ? "\xe2\x98\x80" : "\xe2\x98\xbe", ImVec2(ImGui::GetFrameHeight(), 0))) {
      s.view.theme = th.dark ? "light" : "dark";
      apply_theme(s.view.theme);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Light / dark theme");
  }
}

namespace {

const char* const kOwnSettings =
    "Your own settings. Pick an experiment above to see one part of the answer: why heads end up different, and "
    "when they do not.";

const char* strip_text(RunHost& runner, const LabView& v) {
  const Experiment* now = matching_experiment(v.options, runner.compare_spec());
  return now ? now->expect.c_str() : kOwnSettings;
}

}  // namespace

float experiment_strip_height(RunHost& runner, const LabView& v, float width, bool with_text) {
  const float text_w = width - ImGui::GetStyle().WindowPadding.x * 2;
  return ImGui::GetFrameHeightWithSpacing() +
         (with_text ? ImGui::CalcTextSize(strip_text(runner, v), nullptr, false, text_w).y : 0.0f);
}

void experiment_strip(RunHost& runner, const LabView& v, UiState& s, bool with_text) {
  const Experiment* now = matching_experiment(v.options, runner.compare_spec());
  // The word "Experiment" only where the three buttons leave room for it (phones do not).
  float buttons = 0;
  for (const Experiment& e : experiments())
    buttons += ImGui::CalcTextSize(e.title.c_str()).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
  const bool word = ImGui::GetContentRegionAvail().x >= buttons + ImGui::CalcTextSize("Experiment").x;
  ImGui::AlignTextToFramePadding();
  if (word) ImGui::TextDisabled("Experiment");
  bool first = !word;
  for (const Experiment& e : experiments()) {
    if (!first) ImGui::SameLine();
    first = false;
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
  if (!with_text) return;
  ImGui::PushTextWrapPos(0.0f);
  if (!now) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextUnformatted(strip_text(runner, v));
  if (!now) ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
}

}  // namespace headlab::ui
