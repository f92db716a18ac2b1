// Head view, in the style of BertViz: for one layer, the probe tokens in two
// columns; lines run from the selected token (left, the query) to the tokens
// it attends to (right, the keys), one colour per head, opacity = weight.
// Hover a left token to select it; click the head chips to show or hide heads.
#include <algorithm>
#include <cstdio>

#include "ui/fonts.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

void panel_head_view(const LabView& v, UiState& s) {
  panel_intro("Where one token looks, in every head of a layer.",
              "Left column: the token doing the looking (the query). Right column: the tokens it "
              "can see (keys). Each head draws its own coloured lines; a line's strength is the "
              "attention weight. Hover a token on the left to follow it. With head init clone-all "
              "every head draws exactly the same lines - they never become different.");
  const Snapshot* snap = s.playback.nearest();
  if (!snap) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int L = snap->L, H = snap->H, T = snap->T;
  s.layer = std::clamp(s.layer, 0, L - 1);
  int token = s.token < 0 || s.token >= T ? T - 1 : s.token;

  // Layer buttons and head chips.
  for (int l = 0; l < L; ++l) {
    char label[16];
    std::snprintf(label, sizeof label, "L%d", l);
    if (l) ImGui::SameLine();
    if (ImGui::RadioButton(label, s.layer == l)) s.layer = l;
  }
  ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 3);
  const float chip = ImGui::GetFrameHeight() * 0.75f;
  for (int h = 0; h < H; ++h) {
    ImGui::SameLine(0, 3);
    bool shown = !(s.hidden_heads >> h & 1u);
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(head_color(h, shown ? 1.0f : 0.18f));
    ImGui::PushID(h);
    if (ImGui::ColorButton("##head", c, ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder, ImVec2(chip, chip)))
      s.hidden_heads ^= 1u << h;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("head %d: click to %s", h, shown ? "hide" : "show");
    ImGui::PopID();
  }

  // With clone-all the heads' lines coincide; say so, or the reader sees one colour and wonders.
  bool identical = H > 1;
  for (int h = 1; h < H && identical; ++h)
    for (int j = 0; j <= token && identical; ++j)
      identical = s.playback.attention(s.layer, h, token, j) == s.playback.attention(s.layer, 0, token, j);
  if (identical) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("All %d heads draw exactly the same lines: they are identical.", H);
    ImGui::PopStyleColor();
  }

  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float row = std::clamp((avail.y - 4) / T, 3.0f, fs + 6);
  const int every = std::max(1, static_cast<int>(std::ceil((fs + 1) / row)));
  float lw = 0;
  for (int i = 0; i < T; ++i) lw = std::max(lw, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  const float col_w = lw + 8, span = std::clamp(avail.x - 2 * col_w, 60.0f, 340.0f);
  ImVec2 o = ImGui::GetCursorScreenPos();
  o.x += std::max(0.0f, (avail.x - span - 2 * col_w) * 0.5f);  // centre the figure
  ImGui::InvisibleButton("##headview", ImVec2(avail.x, row * T + 4));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  const float x0 = o.x + col_w, x1 = x0 + span;  // line ends
  auto ry = [&](int i) { return o.y + (i + 0.5f) * row; };

  ImVec2 m = ImGui::GetIO().MousePos;
  if (hovered && m.x < x0 + span * 0.5f) token = s.token = std::clamp(static_cast<int>((m.y - o.y) / row), 0, T - 1);

  // Lines first, labels on top. Additive-looking overlap: each head draws with its own alpha.
  for (int h = 0; h < H; ++h) {
    if (s.hidden_heads >> h & 1u) continue;
    for (int j = 0; j <= token; ++j) {
      float w = s.playback.attention(s.layer, h, token, j);
      if (w < 0.02f) continue;
      dl->AddLine(ImVec2(x0, ry(token)), ImVec2(x1, ry(j)), head_color(h, std::min(1.0f, 0.15f + w)), 1.0f + 3.0f * w);
    }
  }
  for (int i = 0; i < T; ++i) {
    bool sel = i == token;
    if (!sel && i % every) continue;
    std::string t = token_label(v, i);
    float w = small->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
    ImU32 ink = sel ? th.accent : th.text;
    if (sel) dl->AddRectFilled(ImVec2(x0 - w - 8, ry(i) - fs * 0.5f - 1), ImVec2(x0 - 2, ry(i) + fs * 0.5f + 1), th.plot_bg, 3);
    dl->AddText(small, fs, ImVec2(x0 - 5 - w, ry(i) - fs * 0.5f), ink, t.c_str());
    ImU32 key_ink = i <= token ? th.text : th.text_dim;
    dl->AddText(small, fs, ImVec2(x1 + 5, ry(i) - fs * 0.5f), key_ink, t.c_str());
  }
}

}  // namespace headlab::ui
