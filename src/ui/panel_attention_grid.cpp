// Attention grid: every head of every layer on the same probe input, as
// heatmaps (rows = the token that looks, columns = the tokens it looks at).
// The pictures are GPU textures blended between recorded snapshots (see
// heatmap_renderer.h); this file only lays them out, labels them and handles
// hover and selection.
#include <algorithm>
#include <cstdio>

#include "lab/run_host.h"

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

constexpr float kMinLabelPx = 7.0f;  // smaller text is not read, only guessed at

struct MapGeometry {
  ImVec2 a;          // top-left of the map
  float cell;        // size of one cell
  float query_font;  // font size of the row labels on the left, 0 = none
  float key_font;    // font size of the column labels below, 0 = none
};

// Every token is labelled, at the largest size up to the small font that fits
// a cell, or none is: labelling every k-th token would invent a sequence that
// is not in the probe. The probe strip and hovering name them then.
void fit_labels(const LabView& v, int T, MapGeometry* g) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  const float size = std::min(fs, g->cell - 1);
  g->query_font = size >= kMinLabelPx ? size : 0;
  float widest = 0;  // token 0 may overhang to the left, where nothing is drawn
  for (int i = 1; i < T; ++i) widest = std::max(widest, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  const float key = widest > 0 ? std::min(size, fs * (g->cell - 1) / widest) : size;
  g->key_font = key >= kMinLabelPx ? key : 0;
}

// Query labels left of a map (right-aligned at a.x - 4) and key labels under
// it; where they do not fit, only the brushed token's, on a backing.
void axis_labels(const LabView& v, const MapGeometry& g, int T, bool queries, bool keys, int brush) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  for (int i = 0; i < T; ++i) {
    const bool brushed = i == brush;
    if (!brushed && !g.query_font && !g.key_font) break;
    const std::string t = token_label(v, i);
    const ImU32 ink = brushed ? th.text : th.text_dim;
    if (queries && (g.query_font || brushed)) {
      const float f = g.query_font ? g.query_font : fs;
      const float w = small->CalcTextSizeA(f, FLT_MAX, 0, t.c_str()).x;
      const ImVec2 p(g.a.x - 4 - w, g.a.y + (i + 0.5f) * g.cell - f * 0.5f);
      if (brushed && !g.query_font) dl->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + w + 2, p.y + f + 1), th.plot_bg, 2);
      dl->AddText(small, f, p, ink, t.c_str());
    }
    if (keys && (g.key_font || brushed)) {
      const float f = g.key_font ? g.key_font : fs;
      const float w = small->CalcTextSizeA(f, FLT_MAX, 0, t.c_str()).x;
      const ImVec2 p(g.a.x + (i + 0.5f) * g.cell - w * 0.5f, g.a.y + T * g.cell + 2);
      if (brushed && !g.key_font) dl->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + w + 2, p.y + f + 1), th.plot_bg, 2);
      dl->AddText(small, f, p, ink, t.c_str());
    }
  }
}

// Where each repeated stretch starts: a notch on the map's right edge at its
// row and under its column, in the colour the probe strip shades repeats.
void repeat_marks(const MapGeometry& g, int T, const std::vector<Repeat>& repeats) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float r = std::clamp(g.cell * 0.6f, 3.0f, 5.0f), right = g.a.x + g.cell * T, bottom = g.a.y + g.cell * T;
  for (const Repeat& rep : repeats) {
    const float y = g.a.y + (rep.start + 0.5f) * g.cell, x = g.a.x + (rep.start + 0.5f) * g.cell;
    dl->AddTriangleFilled(ImVec2(right + 1, y), ImVec2(right + 1 + r, y - r), ImVec2(right + 1 + r, y + r), theme().accent2);
    dl->AddTriangleFilled(ImVec2(x, bottom + 1), ImVec2(x - r, bottom + 1 + r), ImVec2(x + r, bottom + 1 + r), theme().accent2);
  }
}

// One run's grid: its view, the moment shown and its maps. In compare mode
// the twin is the second pane (lab/run_host.h).
struct Pane {
  const LabView& v;
  const Playback& playback;
  const HeatmapRenderer& heatmaps;
  bool twin;
  bool pair;  // compare mode: a switch applies to both runs
};

// One head's map from the heatmap atlas, outlined, with hover readout and click-to-select.
void head_map(const Pane& pane, UiState& s, const MapGeometry& g, int l, int h, int T) {
  const LabView& v = pane.v;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = theme();
  const float size = g.cell * T;
  ImVec2 b(g.a.x + size, g.a.y + size);
  ImVec2 uv0, uv1;
  pane.heatmaps.tile_uv(l, h, &uv0, &uv1);
  dl->AddImage(pane.heatmaps.texture(), g.a, b, uv0, uv1);
  const bool selected = l == s.layer && h == s.head && pane.twin == s.twin_selected;
  dl->AddRect(ImVec2(g.a.x - 1, g.a.y - 1), ImVec2(b.x + 1, b.y + 1), selected ? th.accent : th.plot_grid, 0, 0,
              selected ? 2.0f : 1.0f);
  if (s.brush >= 0 && s.brush < T) {
    // The brushed token: its row (what it looks at) and its column (who looks at it).
    const float k0 = s.brush * g.cell, k1 = k0 + g.cell, w = g.cell >= 4 ? 1.5f : 1.0f;
    dl->AddRect(ImVec2(g.a.x, g.a.y + k0), ImVec2(g.a.x + k1, g.a.y + k1), th.text, 0, 0, w);
    dl->AddRect(ImVec2(g.a.x + k0, g.a.y + k0), ImVec2(g.a.x + k1, b.y), th.text, 0, 0, w);
  }
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (!ImGui::IsWindowHovered() || m.x < g.a.x || m.x >= b.x || m.y < g.a.y || m.y >= b.y) return;
  int i = std::min(T - 1, static_cast<int>((m.y - g.a.y) / g.cell));
  int j = std::min(T - 1, static_cast<int>((m.x - g.a.x) / g.cell));
  s.hover_token = i;
  if (j <= i)
    ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) looks at '%s' (pos %d)\nweight %.3f", l, h,
                      token_label(v, i).c_str(), i, token_label(v, j).c_str(), j, pane.playback.attention(l, h, i, j));
  else
    ImGui::SetTooltip("layer %d, head %d\n'%s' (pos %d) cannot see pos %d (causal mask)", l, h,
                      token_label(v, i).c_str(), i, j);
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.layer = l, s.head = h, s.token = i, s.twin_selected = pane.twin;
}

// The head's switch: a small button on its title row turns it off (its
// output zeroed, no gradient) or back on, from the next step.
bool head_switch(const Pane& pane, int l, int h, ImVec2 at, float size, ImU32 color) {
  const auto& off = pane.v.options.live.off;
  const bool is_off = std::find(off.begin(), off.end(), HeadId{l, h}) != off.end();
  // Hit-tested by hand, not an ImGui button: buttons move the layout cursor,
  // and the grid must end exactly where its maps end (a taller window would
  // scroll, and keep the mouse wheel from the host page).
  const bool hot = ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(at, ImVec2(at.x + size, at.y + size));
  const bool clicked = hot && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(at.x + size * 0.5f, at.y + size * 0.5f);
  const float r = size * 0.36f;
  const ImU32 ink = is_off ? theme().bad : (hot ? theme().text : color);
  // A power symbol: an open ring with a bar through its gap.
  dl->PathArcTo(c, r, -1.5708f + 0.7f, -1.5708f + 6.2832f - 0.7f, 16);
  dl->PathStroke(ink, 0, 1.5f);
  dl->AddLine(ImVec2(c.x, c.y - r - 1), ImVec2(c.x, c.y), ink, 1.5f);
  if (hot) {
    const char* both = pane.pair ? "\nIn compare mode it switches in both runs: they stay alike but for the compared option." : "";
    ImGui::SetTooltip(is_off ? "Head L%dH%d is off: its output is zeroed and it does not learn.\nClick to switch it back on.%s"
                             : "Switch head L%dH%d off: its output is zeroed and it stops learning,\nso you can watch the other heads take over.%s",
                      l, h, both);
  }
  return clicked;
}

// The grid's spacing: between maps, above each (its title) and below (the key).
constexpr float kGap = 10;
float small_font_size() { return fonts().small->FontSize * ImGui::GetIO().FontGlobalScale; }
float title_height() { return small_font_size() + 4; }
float key_height() { return small_font_size() + 6; }
// Smaller maps show nothing.
float min_tile(int T) { return std::max(24.0f, 0.75f * static_cast<float>(T)); }
float min_grid_height(int L, int T) { return L * (title_height() + min_tile(T) + kGap) + key_height(); }

// The grid of one run in the rectangle below the cursor, `avail` big; with
// `focus`, the selected head enlarged below it when there is room.
void draw_grid(const Pane& pane, RunHost* runner, UiState& s, ImVec2 avail, bool focus_allowed, const char* caption) {
  const LabView& v = pane.v;
  const std::vector<Repeat> repeats = repeated_stretches(v.probe);
  const Snapshot* snap = pane.playback.nearest();
  if (caption) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pane.twin ? theme().accent2 : theme().accent), "%s", caption);
    avail.y -= ImGui::GetTextLineHeightWithSpacing();
  }
  if (!snap || !pane.heatmaps.has_data()) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  const int L = snap->L, H = snap->H, T = snap->T;
  ImFont* small = fonts().small;
  const float fs = small_font_size();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  float lw = 0;
  for (int i = 0; i < T; ++i) lw = std::max(lw, small->CalcTextSizeA(fs, FLT_MAX, 0, token_label(v, i).c_str()).x);
  lw += 8;
  const float gap = kGap, title_h = title_height(), key_h = key_height();
  float tile = std::min((avail.x - lw - gap * (H - 1) - 4) / H, (avail.y - L * (title_h + gap) - key_h) / L);
  tile = std::max(tile, min_tile(T));
  const float grid_h = L * (title_h + tile + gap) + key_h;
  // Room left below the grid for the selected head, enlarged with every label?
  const float focus = std::min(avail.x - lw - 4, avail.y - grid_h - title_h - key_h - gap);
  const bool show_focus = focus_allowed && focus >= std::max(tile * 1.4f, 120.0f);

  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(lw + H * tile + (H - 1) * gap, grid_h));
  if (!pane.twin) s.remember_item("grid");
  const float cell = tile / T;
  std::vector<HeadId> toggled;
  // Small maps: "L0H1" and its switch would run into the next map's title,
  // so the layer is named once at the left of its row and the maps say "H1".
  const bool row_names = small->CalcTextSizeA(fs, FLT_MAX, 0, "L0H0").x + 4 + title_h + 2 > tile + gap;
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h) {
      MapGeometry g{ImVec2(origin.x + lw + h * (tile + gap), origin.y + l * (title_h + tile + gap) + title_h), cell, 0, 0};
      fit_labels(v, T, &g);
      char title[32];
      std::snprintf(title, sizeof title, "L%dH%d", l, h);
      if (!pane.twin) s.item_rects[std::string("tile:") + title] = ImVec4(g.a.x, g.a.y, tile, tile);
      const char* shown = title;
      if (row_names) {
        shown = title + 2;
        if (h == 0) dl->AddText(small, fs, ImVec2(origin.x, g.a.y - title_h + 1), theme().text_dim, title, title + 2);
      }
      dl->AddText(small, fs, ImVec2(g.a.x, g.a.y - title_h + 1), head_color(h), shown);
      float x = g.a.x + small->CalcTextSizeA(fs, FLT_MAX, 0, shown).x + 4;
      if (runner && head_switch(pane, l, h, ImVec2(x, g.a.y - title_h), title_h, theme().text_dim)) toggled.push_back({l, h});
      if (runner) s.item_rects[std::string(pane.twin ? "twin-switch:" : "switch:") + title] = ImVec4(x, g.a.y - title_h, title_h, title_h);
      x += title_h + 2;
      float right = g.a.x + tile;
      float score = 0;
      const int role = top_role(*snap, l, h, &score);
      const char* r = role >= 0 ? role_short(v, role) : "";
      const float rw = small->CalcTextSizeA(fs, FLT_MAX, 0, r).x;
      // The badge beside the title; where the title row has no room (small
      // maps), inside the map's top right corner, above the diagonal, where no weight is drawn.
      ImVec2 badge_at(0, 0);
      bool badge_inside = false;
      if (role >= 0 && right - rw >= x) {
        right -= rw;
        badge_at = ImVec2(right, g.a.y - title_h + 1);
        right -= 6;
      } else if (role >= 0 && tile > rw + fs + 8) {
        badge_at = ImVec2(g.a.x + tile - rw - 2, g.a.y + 1);
        badge_inside = true;
      }
      // What zeroing this head costs: the held-out loss rise, beside the
      // title where it fits; else in the map's top right corner, which is
      // above the diagonal (a token never looks ahead), so it covers no weight.
      // Labelled "if off" where there is room for the words.
      char cost[32] = "";
      ImVec2 cost_at(0, 0);
      float rise = 0;
      if (!snap->ablation_loss.empty()) {
        rise = snap->head(snap->ablation_loss, l, h) - snap->ablation_base_loss;
        if (std::abs(rise) < 0.005f) rise = 0.0f;  // never "-0.00"
        std::snprintf(cost, sizeof cost, "if off %+.2f", rise);
        float cw = small->CalcTextSizeA(fs, FLT_MAX, 0, cost).x;
        if (right - cw < x) {
          std::snprintf(cost, sizeof cost, "%+.2f", rise);
          cw = small->CalcTextSizeA(fs, FLT_MAX, 0, cost).x;
        }
        if (right - cw >= x) cost_at = ImVec2(right - cw, g.a.y - title_h + 1);
        else if (tile > cw + fs + 8) cost_at = ImVec2(g.a.x + tile - cw - 2, g.a.y + 1 + (badge_inside ? fs + 1 : 0));
        else cost[0] = 0;
        if (cost[0]) {
          char id[32];
          std::snprintf(id, sizeof id, "##cost%d_%d_%d", pane.twin, l, h);
          char text[200];
          std::snprintf(text, sizeof text,
                        "If L%dH%d were switched off now, the held-out loss would rise by %+.2f (measured on a fixed "
                        "batch at this snapshot). The Ablation tab of \"Why heads differ\" has every head.",
                        l, h, rise);
          explain_rect(id, cost_at, ImVec2(cost_at.x + cw, cost_at.y + fs), text);
        }
      }
      head_map(pane, s, g, l, h, T);
      if (cost[0]) dl->AddText(small, fs, cost_at, theme().text_dim, cost);
      if (role >= 0 && (badge_at.x != 0 || badge_at.y != 0)) {
        dl->AddText(small, fs, badge_at, theme().text, r);
        s.item_rects[std::string(pane.twin ? "twin-badge:" : "badge:") + title] = ImVec4(badge_at.x, badge_at.y - 1, rw, title_h);
        // Hit-tested by hand, as the switch: the grid must end where its maps end.
        char id[32];
        std::snprintf(id, sizeof id, "##role%d_%d_%d", pane.twin, l, h);
        explain_rect(id, ImVec2(badge_at.x, badge_at.y - 1), ImVec2(badge_at.x + rw, badge_at.y + fs), role_explanation(v, role).c_str());
      }
      repeat_marks(g, T, repeats);
      const auto& off = v.options.live.off;
      if (std::find(off.begin(), off.end(), HeadId{l, h}) != off.end()) {
        ImVec4 veil = theme().clear;
        veil.w = 0.62f;
        dl->AddRectFilled(g.a, ImVec2(g.a.x + tile, g.a.y + tile), ImGui::ColorConvertFloat4ToU32(veil));
        const ImVec2 tw = ImGui::CalcTextSize("off");
        dl->AddText(ImVec2(g.a.x + (tile - tw.x) * 0.5f, g.a.y + (tile - tw.y) * 0.5f), theme().bad, "off");
      }
      axis_labels(v, g, T, h == 0, l == L - 1, s.brush);
    }
  if (runner)
    for (const HeadId& id : toggled) s.message = runner->switch_head(id);

  if (show_focus) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float fcell = std::floor(focus / T * 4) / 4;  // quarter pixels keep cells even-looking
    const float left = std::max(lw, (avail.x - fcell * T) * 0.5f);  // centred under the grid
    MapGeometry g{ImVec2(p.x + left, p.y + title_h), fcell, 0, 0};
    fit_labels(v, T, &g);
    ImGui::Dummy(ImVec2(left + fcell * T, title_h + fcell * T + key_h));
    char title[96];
    std::snprintf(title, sizeof title, "selected: layer %d, head %d", s.layer, s.head);
    dl->AddText(small, fs, ImVec2(g.a.x, g.a.y - title_h + 1), head_color(s.head), title);
    head_map(pane, s, g, s.layer, s.head, T);
    repeat_marks(g, T, repeats);
    axis_labels(v, g, T, true, true, s.brush);
  }
}

}  // namespace

void panel_attention_grid(RunHost& runner, const LabView& v, UiState& s) {
  // A short panel (a widget a few hundred pixels tall) gives the caption's
  // lines to the maps, and its (?) moves beside the colour bar. Decided on
  // heights measured in earlier frames that do not depend on the decision,
  // so it cannot flicker.
  const float top = ImGui::GetCursorPosY();
  const bool caption = ImGui::GetContentRegionAvail().y - s.grid_caption_h >= s.grid_rest_min_h;
  static const char* const kHelp =
              "Each square is one attention head: row i shows how token i (the query) spreads its "
              "attention over the earlier tokens (columns, the keys); brighter = more attention, as the "
              "colour bar says. All heads see exactly the same input, the probe written out above the "
              "maps. Above the diagonal is grey: a token may not look at the future. Over each map: the "
              "head's name, its switch (turn it off to see what the model loses), \"if off\": how much "
              "the held-out loss would rise without it, and its role when one stands out (tap it for its meaning). Hover or "
              "tap a token of the probe to outline its row and column in every map. Click a square to "
              "select that head; hover for exact weights.";
  if (caption) {
    panel_intro("Every head on the same input: row = the token looking, column = what it looks at.", kHelp);
    s.grid_caption_h = ImGui::GetCursorPosY() - top;
  }
  const float rest_top = ImGui::GetCursorPosY();
  probe_strip(v, s, repeated_stretches(v.probe));
  char label[48];
  if (s.gamma == 1.0f) std::snprintf(label, sizeof label, "attention weight, linear");
  else std::snprintf(label, sizeof label, "attention weight, shown as w^%.2f", s.gamma);
  const float bar = std::min(ImGui::GetContentRegionAvail().x * 0.35f, 160.0f);
  colour_bar(label, s.colormap, 0.0f, 1.0f, s.gamma, colour_bar_width(label, 0, 1, bar, "%g"), "%g");
  if (!caption) {
    ImGui::SameLine();
    help_marker(kHelp);
  }
  // "Type your own input": beside the colour bar where it fits, in the bar's
  // small font so the row keeps its height; else on a line of its own when
  // the panel is tall enough for its caption (phones), and not at all in a
  // short, narrow embed. That line counts in the height the rest needs
  // whether shown or not, so the caption's decision cannot flicker.
  const float edit_gap = ImGui::GetStyle().ItemSpacing.x * 3;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  ImGui::PushFont(fonts().small);
  const bool beside = ImGui::GetItemRectMax().x + edit_gap + probe_editor_width(v) <= right;
  const float own_line = beside ? 0.0f : ImGui::GetTextLineHeightWithSpacing();
  if (beside && !s.editing_probe) ImGui::SameLine(0, edit_gap);
  ImGui::PopFont();
  if (beside && !s.editing_probe) {
    ImGui::PushFont(fonts().small);
    probe_editor(runner, v, s);
    ImGui::PopFont();
  } else if (caption || s.editing_probe) {
    probe_editor(runner, v, s);
  }
  const float editor_h = caption || s.editing_probe ? 0.0f : own_line;  // left out now, counted all the same
  const Snapshot* snap = s.playback.nearest();
  if (snap) {
    s.layer = std::clamp(s.layer, 0, snap->L - 1);
    s.head = std::clamp(s.head, 0, snap->H - 1);
    s.grid_rest_min_h = ImGui::GetCursorPosY() - rest_top + editor_h + min_grid_height(snap->L, snap->T);
  }
  const LabView* twin = runner.twin_view();
  ImGui::BeginChild("grid", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const Pane first{v, s.playback, s.heatmaps, false, twin != nullptr};
  if (!twin) {
    draw_grid(first, &runner, s, avail, true, nullptr);
  } else {
    // Side by side or one above the other, whichever gives the bigger maps
    // (a row of maps also needs its caption, head titles and gaps).
    // Each grid: its caption, then per layer a title row, the maps and a gap, then the key.
    const float L = static_cast<float>(v.options.layers), H = static_cast<float>(v.options.heads);
    const float caption_h = ImGui::GetTextLineHeightWithSpacing(), labels = 40.0f;
    auto tile = [&](float w, float h) {
      return std::min((w - labels - kGap * (H - 1)) / H, (h - caption_h - key_height()) / L - title_height() - kGap);
    };
    const float between = ImGui::GetStyle().ItemSpacing.x * 2;
    const bool side = tile((avail.x - between) * 0.5f, avail.y) > tile(avail.x, (avail.y - between) * 0.5f);
    const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    const ImVec2 half = side ? ImVec2((avail.x - gap) * 0.5f, avail.y) : ImVec2(avail.x, (avail.y - gap) * 0.5f);
    const std::string spec = runner.compare_spec();
    const std::string a = compare_label(v.options, spec) + " - the run as set", b = compare_label(twin->options, spec);
    ImGui::BeginChild("first", half, false, ImGuiWindowFlags_NoScrollbar);
    draw_grid(first, &runner, s, ImGui::GetContentRegionAvail(), false, a.c_str());
    ImGui::EndChild();
    if (side) ImGui::SameLine(0, gap);
    ImGui::BeginChild("twin", half, false, ImGuiWindowFlags_NoScrollbar);
    // A switch on either grid switches the head in both runs (RunHost::switch_head).
    draw_grid(Pane{*twin, s.twin_playback, s.twin_heatmaps, true, true}, &runner, s, ImGui::GetContentRegionAvail(), false,
              b.c_str());
    ImGui::EndChild();
  }
  ImGui::EndChild();
}

}  // namespace headlab::ui
