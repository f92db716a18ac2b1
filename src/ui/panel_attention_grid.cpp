// Attention grid: every head of every layer on the same probe input, as
// heatmaps (rows = the token that looks, columns = the tokens it looks at).
// The pictures are GPU textures blended between recorded snapshots (see
// heatmap_renderer.h); this file only lays them out, labels them and handles
// hover and selection.
#include <algorithm>
#include <cstdio>

#include "ui/fonts.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

std::string token_label(const LabView& v, int i) {
  if (i < 0 || i >= static_cast<int>(v.probe.size())) return "?";
  int id = v.probe[i];
  if (id < 0 || id >= static_cast<int>(v.vocab.size())) return "?";
  const std::string& t = v.vocab[id];
  return t == " " ? "\xc2\xb7" : t;
}

namespace {

struct MapGeometry {
  ImVec2 a;      // top-left of the map
  float cell;    // size of one cell
  int every;     // label every k-th token
};

// Query labels left of a map (right-aligned at a.x - 4) and key labels under it.
void axis_labels(const LabView& v, const MapGeometry& g, int T, bool queries, bool keys) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = theme().text_dim;
  for (int i = 0; i < T; i += g.every) {
    std::string t = token_label(v, i);
    float w = small->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
    if (queries) dl->AddText(small, fs, ImVec2(g.a.x - 4 - w, g.a.y + (i + 0.5f) * g.cell - fs * 0.5f), ink, t.c_str());
    if (keys && w <= g.cell * g.every)  // no room: the hover tooltip names it
      dl->AddText(small, fs, ImVec2(g.a.x + (i + 0.5f) * g.cell - w * 0.5f, g.a.y + T * g.cell + 2), ink, t.c_str());
  }
}

// One head's map from the heatmap atlas, outlined, with hover readout and click-to-select.
void head_map(const LabView& v, UiState& s, const MapGeometry& g, int l, int h, int T) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  const float size = g.cell * T;
  ImVec2 b(g.a.x + size, g.a.y + size);
  ImVec2 uv0, uv1;
  s.heatmaps.tile_uv(l, h, &uv0, &uv1);
  dl->AddImage(s.heatmaps.texture(), g.a, b, uv0, uv1);
  bool selected = l == s.layer && h == s.head;
  dl->AddRect(ImVec2(g.a.x - 1, g.a.y - 1), ImVec2(b.x + 1, b.y + 1), selected ? th.accent : th.plot_grid, 0, 0,
              selected ? 2.0f : 1.0f);
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (!ImGui::IsWindowHovered() || m.x < g.a.x || m.x >= b.x || m.y < g.a.y || m.y >= b.y) return;
  int i = std::min(T - 1, static_cast<int>((m.y - g.a.y) / g.cell));
  int j = std::min(T - 1, static_cast<int>((m.x - g.a.x) / g.cell));
  dl->AddRect(ImVec2(g.a.x, g.a.y + i * g.cell), ImVec2(b.x, g.a.y + (i + 1) * g.cell), th.accent);
  if (j <= i)
    ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) looks at '%s' (pos %d)\nweight %.3f", l, h,
                      token_label(v, i).c_str(), i, token_label(v, j).c_str(), j, s.playback.attention(l, h, i, j));
  else
    ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) cannot see pos %d (causal mask)", l, h,
                      token_label(v, i).c_str(), i, j);
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.layer = l, s.head = h, s.token = i;
}

}  // namespace

void panel_attention_grid(const LabView& v, UiState& s) {
  panel_intro("Every head on the same input. Rows look at columns.",
              "Each square is one attention head: row i shows how token i (the query) spreads its "
              "attention over the earlier tokens (columns, the keys); bright = more attention. All "
              "heads see exactly the same input, yet they learn different patterns. Above the "
              "diagonal is grey: a token may not look at the future. Common patterns: a diagonal just "
              "below the main one = previous-token head; a stripe offset by the repeat length = "
              "induction head. Click a square to select that head (shown enlarged below when there "
              "is room); hover for exact weights.");
  const Snapshot* snap = s.playback.nearest();
  if (!snap || !s.heatmaps.has_data()) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int L = snap->L, H = snap->H, T = snap->T;
  s.layer = std::clamp(s.layer, 0, L - 1);
  s.head = std::clamp(s.head, 0, H - 1);
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImDrawList* dl = ImGui::GetWindowDrawList();

  float lw = 0;
  for (int i = 0; i < T; ++i) lw = std::max(lw, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  lw += 8;
  const float gap = 10, title_h = fs + 4, key_h = fs + 6;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  float tile = std::min((avail.x - lw - gap * (H - 1) - 4) / H, (avail.y - L * (title_h + gap) - key_h) / L);
  tile = std::max(tile, std::max(40.0f, static_cast<float>(T)));
  const float grid_h = L * (title_h + tile + gap) + key_h;
  // Room left below the grid for the selected head, enlarged with every label?
  const float focus = std::min(avail.x - lw - 4, avail.y - grid_h - title_h - key_h - gap);
  const bool show_focus = focus >= std::max(tile * 1.4f, 120.0f);

  ImGui::BeginChild("grid", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(lw + H * tile + (H - 1) * gap, grid_h));
  s.remember_item("grid");
  const float cell = tile / T;
  const int every = std::max(1, static_cast<int>(std::ceil((fs + 1) / cell)));
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h) {
      MapGeometry g{ImVec2(origin.x + lw + h * (tile + gap), origin.y + l * (title_h + tile + gap) + title_h), cell, every};
      char title[32];
      std::snprintf(title, sizeof title, "L%d H%d", l, h);
      dl->AddText(small, fs, ImVec2(g.a.x, g.a.y - title_h + 1), head_color(h), title);
      float score = 0;
      int role = top_role(*snap, l, h, &score);
      if (role >= 0) {
        const char* r = role_short(v, role);
        float rw = small->CalcTextSizeA(fs, FLT_MAX, 0, r).x;
        dl->AddText(small, fs, ImVec2(g.a.x + tile - rw, g.a.y - title_h + 1), theme().text, r);
      }
      head_map(v, s, g, l, h, T);
      axis_labels(v, g, T, h == 0, l == L - 1);
    }

  if (show_focus) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float fcell = std::floor(focus / T * 4) / 4;  // quarter pixels keep cells even-looking
    const float left = std::max(lw, (avail.x - fcell * T) * 0.5f);  // centred under the grid
    MapGeometry g{ImVec2(p.x + left, p.y + title_h), fcell, std::max(1, static_cast<int>(std::ceil((fs + 1) / fcell)))};
    ImGui::Dummy(ImVec2(left + fcell * T, title_h + fcell * T + key_h));
    char title[96];
    std::snprintf(title, sizeof title, "selected: layer %d, head %d", s.layer, s.head);
    dl->AddText(small, fs, ImVec2(g.a.x, g.a.y - title_h + 1), head_color(s.head), title);
    head_map(v, s, g, s.layer, s.head, T);
    axis_labels(v, g, T, true, true);
  }
  ImGui::EndChild();
}

}  // namespace headlab::ui
