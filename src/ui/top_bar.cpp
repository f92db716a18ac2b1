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

namespace {

float right_buttons_width(const UiState& s) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float right = ImGui::CalcTextSize("Glossary").x + style.FramePadding.x * 2 + style.ItemSpacing.x;
  if (!s.share_actions.empty()) right += ImGui::CalcTextSize("Share").x + style.FramePadding.x * 2 + style.ItemSpacing.x;
  if (s.view.theme_button) right += ImGui::GetFrameHeight() + style.ItemSpacing.x;
  return right;
}

// Glossary, Share and the theme switch.
void right_buttons(const LabView& v, UiState& s) {
  const Theme& th = theme();
  glossary_button(v);
  if (!s.share_actions.empty()) {
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

// The point of the loss curve at or before `step` (the moment the timeline shows).
const HistoryPoint* point_at(const LabView& v, float step) {
  const HistoryPoint* at = nullptr;
  for (const HistoryPoint& p : v.history)
    if (p.step <= step) at = &p;
  return at;
}

// The status words, most important first: step, loss, accuracy, the twin's accuracy.
int status_items(RunHost& runner, const LabView& v, const UiState& s, char (*buf)[64]) {
  int n = 0;
  const bool live = s.playback.live();
  const HistoryPoint* at = live ? nullptr : point_at(v, s.playback.step());
  const float loss = at ? at->loss : v.loss, accuracy = at ? at->accuracy : v.accuracy;
  if (!v.recorded.empty()) std::snprintf(buf[n++], 64, "recorded: %.40s", v.recorded.c_str());
  if (live) std::snprintf(buf[n++], 64, "step %d", v.step);
  else std::snprintf(buf[n++], 64, "showing step %.0f of %d", s.playback.step(), v.step);
  if (accuracy >= 0) std::snprintf(buf[n++], 64, "acc %.0f%%", accuracy * 100);
  if (const LabView* twin = runner.twin_view()) {
    const HistoryPoint* tp = live ? nullptr : point_at(*twin, s.playback.step());
    const float twin_acc = tp ? tp->accuracy : twin->accuracy;
    if (twin_acc >= 0) std::snprintf(buf[n++], 64, "twin acc %.0f%%", twin_acc * 100);
  }
  std::snprintf(buf[n++], 64, "loss %.3f", loss);  // last: the first to go where the bar is short of room
  return n;
}

}  // namespace

bool status_needs_row(RunHost& runner, const LabView& v, const UiState& s, float width) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool recorded = !v.recorded.empty();
  float need = ImGui::CalcTextSize(recorded ? "\xe2\x96\xb6 Replay" : "\xe2\x80\x96 Pause").x + style.FramePadding.x * 2;
  static const char* const kLive[] = {"Step", "Reset"};
  static const char* const kRecorded[] = {"Train it yourself", ""};
  for (const char* b : recorded ? kRecorded : kLive)
    if (*b) need += ImGui::CalcTextSize(b).x + style.FramePadding.x * 2 + style.ItemSpacing.x;
  char buf[8][64];
  const int n = status_items(runner, v, s, buf);
  for (int i = 0; i < n; ++i) need += ImGui::CalcTextSize(buf[i]).x + style.ItemSpacing.x * 2;
  return need + right_buttons_width(s) > width;
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
  const float right = right_buttons_width(s);

  // Status items, most important first; those that do not fit are left out.
  // While the timeline shows an earlier moment, the numbers are the ones of
  // that moment (the loss and accuracy recorded then), not the live run's.
  char buf[8][64];
  const int plain = status_items(runner, v, s, buf);
  int n = plain;
  if (s.show_stats) {
    if (v.playing) {
      std::snprintf(buf[n++], 64, "%s steps/s", human_number(v.steps_per_sec).c_str());
      std::snprintf(buf[n++], 64, "%s tok/s", human_number(v.tokens_per_sec).c_str());
    }
    std::snprintf(buf[n++], 64, "frame %.1f ms (%.0f fps)", s.stats.frame_ms, 1000.0f / std::max(s.stats.frame_ms, 1.0f));
    if (runner.trains_in_frame()) std::snprintf(buf[n++], 64, "train %.1f ms/frame", s.stats.train_ms);
  }
  // A narrow bar (a phone) gives the status a row of its own under the buttons.
  const bool own_row = status_needs_row(runner, v, s, ImGui::GetWindowContentRegionMax().x);
  if (own_row) {
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right + gap);
    right_buttons(v, s);
  }
  const float stats_w = ImGui::CalcTextSize(s.show_stats ? "hide stats" : "stats").x + style.FramePadding.x * 2;
  const float reserve = own_row ? 0.0f : right;
  bool stats_room = true;
  for (int i = 0; i < n; ++i) {
    float need = ImGui::CalcTextSize(buf[i]).x + gap * 2;
    if (!(own_row && i == 0)) ImGui::SameLine(0, gap * 2);
    if (ImGui::GetContentRegionAvail().x < need + reserve + stats_w + gap) {
      stats_room = ImGui::GetContentRegionAvail().x >= reserve + stats_w + gap;
      break;
    }
    ImGui::AlignTextToFramePadding();
    if (i < plain) ImGui::TextUnformatted(buf[i]);
    else ImGui::TextDisabled("%s", buf[i]);
    if (i == 0) s.remember_item("status");
    // Named for tests and tools: what the reader can read in the bar ("status:step", "status:twin-acc", ...).
    static const char* const kNames[][2] = {{"step ", "status:step"}, {"showing step", "status:step"}, {"loss ", "status:loss"},
                                           {"acc ", "status:acc"}, {"twin acc", "status:twin-acc"}, {"recorded:", "status:recorded"}};
    for (const auto& [prefix, name] : kNames)
      if (i < plain && std::strncmp(buf[i], prefix, std::strlen(prefix)) == 0) s.remember_item(name);
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
    if (ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(s.notice.c_str()).x + reserve) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.good), "%s", s.notice.c_str());
    }
  }
  if (own_row) return;

  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right + gap);
  right_buttons(v, s);
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

// The chooser's buttons in rows that fit `width` (a phone gets two rows),
// after the word "Experiment" where all fit on one row with it.
struct StripRows {
  bool word = false;
  int rows = 1;
};

float button_width(const Experiment& e) { return ImGui::CalcTextSize(e.title.c_str()).x + ImGui::GetStyle().FramePadding.x * 2; }

StripRows strip_rows(float width) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  float all = 0;
  for (const Experiment& e : experiments()) all += button_width(e) + gap;
  StripRows r;
  r.word = width >= all + ImGui::CalcTextSize("Experiment").x;
  float x = 0;
  for (const Experiment& e : experiments()) {
    const float w = button_width(e);
    if (x > 0 && x + gap + w > width) ++r.rows, x = 0;
    x += (x > 0 ? gap : 0) + w;
  }
  if (r.word) r.rows = 1;
  return r;
}

float experiment_strip_height(RunHost& runner, const LabView& v, float width, bool with_text) {
  const float text_w = width - ImGui::GetStyle().WindowPadding.x * 2;
  return ImGui::GetFrameHeightWithSpacing() * static_cast<float>(strip_rows(text_w).rows) +
         (with_text ? ImGui::CalcTextSize(strip_text(runner, v), nullptr, false, text_w).y : 0.0f);
}

void experiment_strip(RunHost& runner, const LabView& v, UiState& s, bool with_text) {
  const Experiment* now = matching_experiment(v.options, runner.compare_spec());
  const float width = ImGui::GetContentRegionAvail().x, gap = ImGui::GetStyle().ItemSpacing.x;
  const StripRows rows = strip_rows(width);
  ImGui::AlignTextToFramePadding();
  if (rows.word) ImGui::TextDisabled("Experiment");
  bool first = !rows.word;
  float x = rows.word ? ImGui::GetItemRectSize().x : 0.0f;
  for (const Experiment& e : experiments()) {
    const float w = button_width(e);
    if (!first && (rows.word || x + gap + w <= width)) {
      ImGui::SameLine();
      x += gap + w;
    } else {
      x = w;  // a new row
    }
    first = false;
    const bool on = &e == now;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    const bool clicked = ImGui::Button(e.title.c_str());
    s.remember_item(("experiment:" + e.key).c_str());
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
  if (now) s.remember_item("promise");
  if (!now) ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
}

}  // namespace headlab::ui
