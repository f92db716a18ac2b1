// The probe as text: every token of the input all heads see, in order,
// wrapped to the panel's width; stretches that repeat an earlier stretch are
// shaded, their start marked. Maps cannot label every token once cells get
// small, so this strip is where the probe is read; hovering or tapping a
// token outlines its row and column in every map (linked brushing).
//
// The selected head's attention is drawn on the text too (as BertViz and
// Transformer Explainer do): from one token, the one hovered or tapped, else
// where the head's role looks from (addsub's "=", say), each token is
// underlined as heavily as the head attends to it, the keys of its role are
// marked, and a line under the strip names where it looks.
#include <algorithm>
#include <cstdio>

#include "ui/fonts.h"
#include "ui/panels.h"
#include "ui/theme.h"

namespace headlab::ui {

float probe_strip(const LabView& v, UiState& s, const std::vector<Repeat>& repeats) {
  const int T = static_cast<int>(v.probe.size());
  if (T == 0) return 0;
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  const float pad = 3, h = fs + 4, gap = 1, avail = std::max(ImGui::GetContentRegionAvail().x, 40.0f);
  std::vector<ImVec2> at(T), size(T);
  float x = 0, y = 0;
  for (int i = 0; i < T; ++i) {
    const float w = std::max(small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x + 2 * pad, fs);
    if (x > 0 && x + w > avail) x = 0, y += h + 2;
    at[i] = ImVec2(x, y), size[i] = ImVec2(w, h);
    x += w + gap;
  }
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##probe", ImVec2(avail, y + h + 4));  // (4: room for the attention bars)
  s.remember_item("probe");
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 m = ImGui::GetIO().MousePos;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  auto tint = [](ImU32 c, float a) {
    ImVec4 f = ImGui::ColorConvertU32ToFloat4(c);
    f.w = a;
    return ImGui::ColorConvertFloat4ToU32(f);
  };
  // The selected head, from its query token: weights and its role's keys.
  const Playback& pb = s.twin_selected ? s.twin_playback : s.playback;
  const Snapshot* snap = pb.nearest();
  const bool focus = snap && s.layer < snap->L && s.head < snap->H && snap->T == T;
  float score = 0;
  const int role = focus ? top_role(*snap, s.layer, s.head, &score) : -1;
  int query = s.brush;
  if (query < 0 && role >= 0 && role < static_cast<int>(v.roles.size()))  // the last row the role looks from
    for (int i = T - 1; i >= 0 && query < 0; --i)
      for (int j = 0; j <= i; ++j)
        if (v.roles[role].keys[static_cast<size_t>(i) * T + j]) {
          query = i;
          break;
        }
  if (query < 0) query = T - 1;
  for (int i = 0; i < T; ++i) {
    const ImVec2 a(o.x + at[i].x, o.y + at[i].y), b(a.x + size[i].x, a.y + size[i].y);
    if (focus && i <= query) {  // under each token, a bar as thick as the head's attention on it
      const float w = pb.attention(s.layer, s.head, query, i);
      if (w >= 0.02f) dl->AddRectFilled(ImVec2(a.x, b.y), ImVec2(b.x, b.y + 1 + 3 * std::min(w * 2, 1.0f)), tint(head_color(s.head), 0.25f + 0.75f * w));
      if (role >= 0 && v.roles[role].keys[static_cast<size_t>(query) * T + i]) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), head_color(s.head), 2);
    }
    if (focus && i == query) dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), th.text, 2, 0, 1.5f);
    char name[24];
    std::snprintf(name, sizeof name, "token:%d", i);
    s.item_rects[name] = ImVec4(a.x, a.y, size[i].x, size[i].y);
    const Repeat* in_copy = nullptr;
    bool in_source = false;
    for (const Repeat& r : repeats) {
      if (i >= r.start && i < r.start + r.length) in_copy = &r;
      in_source |= i >= r.source && i < r.source + r.length;
    }
    const bool brushed = i == s.brush;
    ImU32 bg = brushed ? th.text : in_copy ? tint(th.accent2, 0.38f) : in_source ? tint(th.accent2, 0.16f) : th.plot_bg;
    dl->AddRectFilled(a, b, bg, 2);
    if (in_copy && i == in_copy->start) dl->AddRectFilled(ImVec2(a.x - 1, a.y - 1), ImVec2(a.x + 2, b.y + 1), th.accent2);
    const std::string t = token_label(v, i);
    const float tw = small->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
    const ImU32 ink = brushed ? ImGui::ColorConvertFloat4ToU32(th.clear) : th.text;
    dl->AddText(small, fs, ImVec2(a.x + (size[i].x - tw) * 0.5f, a.y + 2), ink, t.c_str());
    if (!hovered || m.x < a.x || m.x >= b.x + gap || m.y < a.y || m.y >= b.y + 2) continue;
    s.hover_token = i;
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) s.pinned_token = s.pinned_token == i ? -1 : i;
    if (in_copy)
      ImGui::SetTooltip("token %d '%s': its row and column are outlined in every map.\n"
                        "Tokens %d-%d repeat tokens %d-%d (shaded lighter).",
                        i, t.c_str(), in_copy->start, in_copy->start + in_copy->length - 1, in_copy->source,
                        in_copy->source + in_copy->length - 1);
    else
      ImGui::SetTooltip("token %d '%s': its row and column are outlined in every map.\nClick or tap to keep it outlined.",
                        i, t.c_str());
  }
  if (focus) {  // where the head looks, in words: its strongest three keys
    std::vector<int> keys;
    for (int j = 0; j <= query; ++j) keys.push_back(j);
    std::sort(keys.begin(), keys.end(), [&](int a, int b) { return pb.attention(s.layer, s.head, query, a) > pb.attention(s.layer, s.head, query, b); });
    char line[160];
    int n = std::snprintf(line, sizeof line, "L%dH%d%s%s%s at '%s' (%d) looks at", s.layer, s.head, role >= 0 ? " (" : "",
                          role >= 0 ? role_short(v, role) : "", role >= 0 ? ")" : "", token_label(v, query).c_str(), query);
    for (size_t k = 0; k < std::min<size_t>(3, keys.size()) && n < static_cast<int>(sizeof line) - 24; ++k) {
      const float w = pb.attention(s.layer, s.head, query, keys[k]);
      if (k > 0 && w < 0.05f) break;
      n += std::snprintf(line + n, sizeof line - n, "%s '%s' %.2f", k ? "," : "", token_label(v, keys[k]).c_str(), w);
    }
    ImGui::PushFont(small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(head_color(s.head)), "%s", line);
    ImGui::PopFont();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The selected head (click a map to select another) from the token hovered or tapped in the "
                        "strip%s: the bar under each token is how much it takes from it%s.",
                        role >= 0 ? ", else from where its role looks" : "", role >= 0 ? "; outlined: the tokens its role should take" : "");
    s.remember_item("probe-focus");
  }
  return y + h;
}

}  // namespace headlab::ui
