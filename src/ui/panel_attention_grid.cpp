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

void panel_attention_grid(const LabView& v, UiState& s) {
  panel_intro("Every head on the same input. Rows look at columns.",
              "Each square is one attention head: row i shows how token i (the query) spreads its "
              "attention over the earlier tokens (columns, the keys); bright = more attention. All "
              "heads see exactly the same input, yet they learn different patterns. Above the "
              "diagonal is grey: a token may not look at the future. Common patterns: a diagonal just "
              "below the main one = previous-token head; a stripe offset by the repeat length = "
              "induction head. Click a square to select that head; hover for exact weights.");
  const Snapshot* snap = s.playback.nearest();
  if (!snap || !s.heatmaps.has_data()) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int L = snap->L, H = snap->H, T = snap->T;
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  const Theme& th = theme();

  // Geometry: query labels left of each row of tiles, key labels under the last row.
  float lw = 0;
  for (int i = 0; i < T; ++i) lw = std::max(lw, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  lw += 6;
  const float gap = 8, title_h = fs + 4, key_h = fs + 6;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float tile = std::min((avail.x - lw - gap * (H - 1) - 4) / H, (avail.y - L * (title_h + gap) - key_h) / L);
  tile = std::max(std::floor(tile / T) * T, std::max(40.0f, static_cast<float>(T)));  // whole pixels per cell when possible
  const float cell = tile / T;

  ImGui::BeginChild("grid", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(lw + H * tile + (H - 1) * gap, L * (title_h + tile + gap) + key_h));
  s.remember_item("grid");
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool window_hovered = ImGui::IsWindowHovered();
  // Label every k-th token so labels never overlap.
  const int every = std::max(1, static_cast<int>(std::ceil((fs + 1) / cell)));

  for (int l = 0; l < L; ++l) {
    float y0 = origin.y + l * (title_h + tile + gap) + title_h;
    for (int i = 0; i < T; i += every) {
      std::string t = token_label(v, i);
      float w = small->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
      dl->AddText(small, fs, ImVec2(origin.x + lw - 4 - w, y0 + (i + 0.5f) * cell - fs * 0.5f), th.text_dim, t.c_str());
    }
    for (int h = 0; h < H; ++h) {
      ImVec2 a(origin.x + lw + h * (tile + gap), y0), b(a.x + tile, a.y + tile);
      char title[32];
      std::snprintf(title, sizeof title, "L%d H%d", l, h);
      dl->AddText(small, fs, ImVec2(a.x, a.y - title_h + 1), head_color(h), title);
      float score = 0;
      int role = top_role(*snap, l, h, &score);
      if (role >= 0) {
        const char* r = role_short(role);
        float rw = small->CalcTextSizeA(fs, FLT_MAX, 0, r).x;
        dl->AddText(small, fs, ImVec2(b.x - rw, a.y - title_h + 1), th.text, r);
      }
      ImVec2 uv0, uv1;
      s.heatmaps.tile_uv(l, h, &uv0, &uv1);
      dl->AddImage(s.heatmaps.texture(), a, b, uv0, uv1);
      bool selected = l == s.layer && h == s.head;
      dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), selected ? th.accent : th.plot_grid, 0, 0,
                  selected ? 2.0f : 1.0f);

      if (window_hovered && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
        int i = std::min(T - 1, static_cast<int>((mouse.y - a.y) / cell));
        int j = std::min(T - 1, static_cast<int>((mouse.x - a.x) / cell));
        dl->AddRect(ImVec2(a.x, a.y + i * cell), ImVec2(b.x, a.y + (i + 1) * cell), th.accent);
        if (j <= i) {
          ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) looks at '%s' (pos %d)\nweight %.3f", l, h,
                            token_label(v, i).c_str(), i, token_label(v, j).c_str(), j,
                            s.playback.attention(l, h, i, j));
        } else {
          ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) cannot see pos %d (causal mask)", l, h,
                            token_label(v, i).c_str(), i, j);
        }
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.layer = l, s.head = h, s.token = i;
      }
    }
  }
  // Key labels under the last row of tiles, for each head column.
  float ky = origin.y + L * (title_h + tile + gap) - gap + 2;
  for (int h = 0; h < H; ++h)
    for (int j = 0; j < T; j += every) {
      std::string t = token_label(v, j);
      float w = small->CalcTextSizeA(fs, FLT_MAX, 0, t.c_str()).x;
      if (w > cell * every) continue;  // no room: the hover tooltip names it
      dl->AddText(small, fs, ImVec2(origin.x + lw + h * (tile + gap) + (j + 0.5f) * cell - w * 0.5f, ky), th.text_dim,
                  t.c_str());
    }
  ImGui::EndChild();
}

}  // namespace headlab::ui
