#include "ui/app.h"

#include <algorithm>
#include <cmath>
#include <chrono>

#include "ui/fonts.h"
#include "ui/panel_table.h"
#include "ui/panels.h"
#include "ui/theme.h"

namespace headlab::ui {
namespace {

constexpr float kMaxFrameSeconds = 0.1f;  // a stalled tab must not make animations jump ahead
// The experiment chooser from this height (CSS pixels), its line (what to
// watch for: the answer) from this one.
constexpr float kStripMinHeight = 400.0f, kStripTextMinHeight = 440.0f;

}  // namespace

bool App::init(const ViewOptions& view, std::string* error) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed, nothing to save (and no filesystem on the web)
  io.ConfigWindowsMoveFromTitleBarOnly = true;
  // The arrows move a focus highlight over every control, Space or Enter activates it.
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  set_view(view);
  return s_.heatmaps.init(error) && s_.twin_heatmaps.init(error);
}

void App::shutdown() {
  s_.heatmaps.shutdown();
  s_.twin_heatmaps.shutdown();
}

bool App::restore_gl(std::string* error) {
  shutdown();
  return s_.heatmaps.init(error) && s_.twin_heatmaps.init(error);
}

void App::set_view(const ViewOptions& view) {
  s_.view = view;
  // More than the speed option allows would starve drawing.
  s_.view.budget_ms = std::clamp(s_.view.budget_ms, 0.0f, static_cast<float>(find_option("speed")->hi));
  apply_theme(view.theme);
}

void App::prepare(float framebuffer_scale) { update_fonts(framebuffer_scale, s_.view.compact); }

ImVec4 App::clear_color() const { return theme().clear; }

bool App::item_rect(const std::string& name, ImVec4* rect) const {
  auto it = s_.item_rects.find(name);
  if (it == s_.item_rects.end()) return false;
  *rect = it->second;
  return true;
}

void App::show_notice(const std::string& text) {
  s_.notice = text;
  s_.notice_until = ImGui::GetTime() + 4.0;
}

void App::toggle_play(RunHost& runner) { ui::toggle_play(runner, runner.view(), s_); }

std::string App::key(RunHost& runner, char key, bool modifier, bool repeat) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || modifier) return "";
  if (key == 's') runner.step(1);
  if (repeat) return "";
  if (key == ' ' && !io.NavVisible) toggle_play(runner);
  if (key == 'r') {
    const std::string error = runner.reset(runner.view().options);
    if (!error.empty()) return "reset: " + error;
  }
  return "";
}

void App::replay(float seconds) {
  if (std::isfinite(seconds)) s_.replay_seconds = std::clamp(seconds, 2.0f, 60.0f);
  s_.playback.replay(s_.replay_seconds);
}

void App::on_new_run(const LabView& v) {
  generation_ = v.generation;
  if (v.recorded.empty()) s_.view.replay.clear();  // a recording turned live: links no longer open it
  s_.pending = v.options;
  s_.playback.reset();
  s_.token = -1;
  s_.brush = s_.hover_token = s_.pinned_token = -1;
  s_.hidden_heads = 0;
  s_.layer = std::min(s_.layer, std::max(v.options.layers - 1, 0));
  s_.head = std::min(s_.head, std::max(v.options.heads - 1, 0));
}

void App::frame(RunHost& runner) {
  train(runner);
  const auto ui_start = std::chrono::steady_clock::now();
  const LabView& v = runner.view();
  if (v.generation != generation_) on_new_run(v);

  // Smoothed so the numbers on screen are readable, not flickering.
  ImGuiIO& io = ImGui::GetIO();
  const float dt = std::min(io.DeltaTime, kMaxFrameSeconds);
  if (io.DeltaTime < 0.5f)  // longer gaps are frames the platform skipped while idle, not slowness
    s_.stats.frame_ms += (io.DeltaTime * 1000.0f - s_.stats.frame_ms) * 0.05f;

  s_.playback.update(v.snapshots, dt);
  s_.heatmaps.set_snapshots(s_.playback.from(), s_.playback.to());
  s_.heatmaps.render(s_.playback.t(), s_.gamma, s_.colormap, theme().masked);
  ready_ = s_.heatmaps.has_data();
  follow_twin(runner.twin_view(), dt);

  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  s_.item_rects.clear();  // only what this frame draws
  s_.brush = s_.hover_token >= 0 ? s_.hover_token : s_.pinned_token;
  s_.hover_token = -1;
  if (!s_.notice.empty() && ImGui::GetTime() > s_.notice_until) s_.notice.clear();
  const ImVec2 display = io.DisplaySize;
  // Embeds (compact) leave the experiments to the page around them; short
  // windows keep the chooser but not its line of text (a tooltip then), the
  // shortest neither: the maps need the height more.
  const bool strip = !s_.view.compact && s_.view.topbar && display.y >= kStripMinHeight;
  const bool strip_text = display.y >= kStripTextMinHeight;
  const float bar_w = display.x - ImGui::GetStyle().WindowPadding.x * 2;
  const float status_row = s_.view.topbar && status_needs_row(runner, v, s_, bar_w) ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
  const float bar_h = !s_.view.topbar ? 0.0f
                                      : ImGui::GetFrameHeight() + status_row + ImGui::GetStyle().WindowPadding.y * 2 +
                                            (strip ? ImGui::GetStyle().ItemSpacing.y + experiment_strip_height(runner, v, display.x, strip_text) : 0.0f);
  if (s_.view.topbar) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(display.x, bar_h));
    ImGui::Begin("##top", nullptr, fixed | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    top_bar(runner, v, s_);
    if (strip) experiment_strip(runner, v, s_, strip_text);
    ImGui::End();
  }

  int slot_id = 0;
  // The smallest slot in which the grid is readable (maps of 60 pixels): where the
  // dashboard would give it less, the layout puts the answer first (ui/layout.h).
  const GridNeed readable = grid_need(v.options.layers, v.options.heads, runner.twin_view() != nullptr);
  for (const PanelSlot& slot : dashboard_layout(ImVec2(0, bar_h), ImVec2(display.x, display.y - bar_h), visible_panels(s_.view), readable)) {
    ImGui::SetNextWindowPos(slot.pos);
    ImGui::SetNextWindowSize(slot.size);
    // One panel: its title on the window. Several: a tab bar, one tab per panel.
    const PanelInfo& first = *find_panel(slot.panels[0]);
    std::string title = slot.panels.size() == 1 ? first.title : "Inspect";
    title += "##slot" + std::to_string(slot_id++);
    const ImGuiWindowFlags flags = fixed | first.flags | (slot.panels.size() > 1 ? ImGuiWindowFlags_NoTitleBar : 0);
    ImGui::Begin(title.c_str(), nullptr, flags);
    for (const std::string& p : slot.panels) s_.item_rects["panel:" + p] = ImVec4(slot.pos.x, slot.pos.y, slot.size.x, slot.size.y);
    if (slot.panels.size() == 1) {
      first.draw(runner, v, s_);
    } else if (ImGui::BeginTabBar("tabs")) {
      // Full titles where they all fit, else the short ones (the ID stays the same).
      const ImGuiStyle& st = ImGui::GetStyle();
      float need = 0;
      for (const std::string& key : slot.panels)
        need += ImGui::CalcTextSize(find_panel(key)->title).x + st.FramePadding.x * 2 + st.ItemInnerSpacing.x;
      const bool short_titles = need > ImGui::GetContentRegionAvail().x;
      for (const std::string& key : slot.panels) {
        const PanelInfo& p = *find_panel(key);
        const std::string tab = std::string(short_titles ? p.tab_title : p.title) + "###" + p.key;
        if (ImGui::BeginTabItem(tab.c_str())) {
          p.draw(runner, v, s_);
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
    }
    ImGui::End();
  }
  const float ui_ms = std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - ui_start).count();
  s_.stats.ui_ms += (ui_ms - s_.stats.ui_ms) * 0.05f;
}

// The twin of compare mode shows the step the timeline shows: its newest
// snapshot while the first run is live, else the same step scrubbed.
void App::follow_twin(const LabView* twin, float dt) {
  if (!twin) {
    s_.twin_selected = false;
    return;
  }
  if (twin->generation != twin_generation_) {
    twin_generation_ = twin->generation;
    s_.twin_playback.reset();
  }
  if (!s_.playback.live()) s_.twin_playback.scrub(s_.playback.step());
  else if (!s_.twin_playback.live()) s_.twin_playback.go_live();
  s_.twin_playback.update(twin->snapshots, dt);
  s_.twin_heatmaps.set_snapshots(s_.twin_playback.from(), s_.twin_playback.to());
  s_.twin_heatmaps.render(s_.twin_playback.t(), s_.gamma, s_.colormap, theme().masked);
}

// Spends about budget_ms per frame on training, on average. The runner
// stops between chunks of a step, but one chunk may still cost more than the
// budget (a big model, a slow device): then training runs only on some
// frames, so drawing keeps its pace instead of waiting on every chunk.
void App::train(RunHost& runner) {
  using Clock = std::chrono::steady_clock;
  const float budget = s_.view.budget_ms;
  const bool playing = runner.view().playing;
  credit_ms_ = playing ? std::min(credit_ms_ + budget, budget + call_ms_) : 0.0f;
  float train_ms = 0.0f;
  if (!playing || credit_ms_ >= call_ms_) {
    const auto t0 = Clock::now();
    runner.frame(budget);
    train_ms = std::chrono::duration<float, std::milli>(Clock::now() - t0).count();
    if (playing) {
      call_ms_ = train_ms;
      credit_ms_ -= train_ms;
    }
  }
  s_.stats.train_ms += (train_ms - s_.stats.train_ms) * 0.05f;
}

}  // namespace headlab::ui
