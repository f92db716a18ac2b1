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
namespace {
constexpr float kAlikeTolerance = 0.01f;  // weights closer than this draw indistinguishable lines
}

void panel_head_view(const LabView& v, UiState& s) {
  panel_intro("Where one token looks, in every head of a layer.",
              "Left column: the token doing the looking (the query). Right column: the tokens it "
              "can see (keys). Each head draws its own coloured lines; a line's strength is the "
              "attention weight. Hover a token on the left, or in the probe above the grid, to follow it. "
              "Heads that draw the same lines (with head init clone-all they stay identical) are drawn "
              "slightly apart and named above the figure.");
  const Snapshot* snap = s.playback.nearest();
  if (!snap) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int L = snap->L, H = snap->H, T = snap->T;
  s.layer = std::clamp(s.layer, 0, L - 1);
  int token = s.brush >= 0 && s.brush < T ? s.brush : s.token < 0 || s.token >= T ? T - 1 : s.token;

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

  // Heads that draw the same lines would hide each other: each head's lines
  // end a little apart, and the heads that look alike are named.
  std::vector<std::vector<float>> rows(H);
  for (int h = 0; h < H; ++h)
    if (!(s.hidden_heads >> h & 1u))
      for (int j = 0; j <= token; ++j) rows[h].push_back(s.playback.attention(s.layer, h, token, j));
  const auto alike = look_alike_heads(rows, kAlikeTolerance);
  if (!alike.empty()) {
    std::string text;
    bool exact = true;  // identical heads (clone-all) draw the very same lines: say so, not "nearly"
    for (const auto& g : alike) {
      text += text.empty() ? "Heads " : "; heads ";
      for (size_t k = 0; k < g.size(); ++k) {
        text += (k ? (k + 1 == g.size() ? " and " : ", ") : "") + std::to_string(g[k]);
        exact = exact && rows[g[k]] == rows[g[0]];
      }
    }
    text += exact ? " draw exactly the same lines here: drawn side by side, not on top of each other."
                  : " draw nearly the same lines here (within 0.01): drawn side by side, not on top of each other.";
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
  }

  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float row = std::clamp((avail.y - 4) / T, 3.0f, fs + 6);
  // Every token labelled, in smaller text if need be, or only the one followed:
  // every k-th label would read as a sequence that is not in the probe.
  const float label = std::min(fs, row - 1) >= 7.0f ? std::min(fs, row - 1) : 0.0f;
  float lw = 0;
  for (int i = 0; i < T; ++i) lw = std::max(lw, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  if (!label) lw += small->CalcTextSizeA(fs, FLT_MAX, 0, " (000)").x;
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
  if (hovered && m.x < x0 + span * 0.5f) {
    token = s.token = std::clamp(static_cast<int>((m.y - o.y) / row), 0, T - 1);
    s.hover_token = token;
  }

  // Lines first, labels on top. Each head's lines end at its own offset
  // around the key's row, so heads that coincide are seen side by side.
  const float spread = std::min(row * 0.8f, 2.0f * (H - 1)), shown_heads = static_cast<float>(std::max(H - 1, 1));
  for (int h = 0; h < H; ++h) {
    if (s.hidden_heads >> h & 1u) continue;
    const float dy = H > 1 ? (h / shown_heads - 0.5f) * spread : 0.0f;
    for (int j = 0; j <= token; ++j) {
      float w = s.playback.attention(s.layer, h, token, j);
      if (w < 0.02f) continue;
      dl->AddLine(ImVec2(x0, ry(token) + dy), ImVec2(x1, ry(j) + dy), head_color(h, std::min(1.0f, 0.15f + w)), 1.0f + 3.0f * w);
    }
  }
  float last_key_y = -FLT_MAX;
  for (int i = 0; i < T; ++i) {
    const bool sel = i == token;
    // Without room for every label: the query and the keys a shown head
    // attends to strongly, each with its position, so they never read as a run of text.
    bool strong = false;
    for (int h = 0; h < H && !label && i <= token; ++h)
      strong |= !(s.hidden_heads >> h & 1u) && s.playback.attention(s.layer, h, token, i) >= 0.15f;
    const float f = label ? label : fs;
    std::string t = token_label(v, i);
    if (!label) t += " (" + std::to_string(i) + ")";
    const float w = small->CalcTextSizeA(f, FLT_MAX, 0, t.c_str()).x;
    if (sel || label) {
      if (sel) dl->AddRectFilled(ImVec2(x0 - w - 8, ry(i) - f * 0.5f - 1), ImVec2(x0 - 2, ry(i) + f * 0.5f + 1), th.plot_bg, 3);
      dl->AddText(small, f, ImVec2(x0 - 5 - w, ry(i) - f * 0.5f), sel ? th.accent : th.text, t.c_str());
    }
    if (strong && ry(i) - last_key_y < f) strong = false;  // overlapping the previous label: its line still shows
    if (strong) last_key_y = ry(i);
    if (label || strong) dl->AddText(small, f, ImVec2(x1 + 5, ry(i) - f * 0.5f), i <= token ? th.text : th.text_dim, t.c_str());
  }
}

}  // namespace headlab::ui
