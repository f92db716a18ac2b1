#include "ui/layout.h"

#include <algorithm>
#include <cmath>

namespace headlab::ui {
namespace {

struct Cell {
  float weight;  // share of the column's free height...
  float fixed;   // ...or a fixed height in pixels (weight 0)
  std::vector<std::string> panels;
};
struct Column {
  float width;  // pixels; 0 = takes what the others leave
  std::vector<Cell> cells;
};

}  // namespace

std::vector<PanelSlot> dashboard_layout(ImVec2 pos, ImVec2 size, const std::vector<std::string>& visible) {
  const float W = size.x, Ht = size.y;
  std::vector<Column> cols;
  if (W >= 1000) {
    cols = {{std::clamp(W * 0.23f, 270.0f, 330.0f), {{0.6f, 0, {"controls"}}, {0.4f, 0, {"loss"}}}},
            {0, {{1.0f, 0, {"grid"}}, {0, 124, {"timeline"}}}},
            {std::clamp(W * 0.31f, 330.0f, 470.0f), {{0.48f, 0, {"head"}}, {0.52f, 0, {"why"}}}}};
  } else if (W < 560) {  // too narrow for two columns: the grid on top, every other panel a tab below
    cols = {{0, {{0.55f, 0, {"grid"}}, {0.45f, 0, {"controls", "loss", "timeline", "head", "why"}}}}};
  } else if (Ht < 480) {  // a small embed: Controls and the loss plot share the left column as tabs
    cols = {{std::clamp(W * 0.34f, 220.0f, 300.0f), {{1.0f, 0, {"controls", "loss"}}}},
            {0, {{0.56f, 0, {"grid"}}, {0.44f, 0, {"timeline", "head", "why"}}}}};
  } else {
    cols = {{std::clamp(W * 0.34f, 240.0f, 300.0f), {{0.66f, 0, {"controls"}}, {0.34f, 0, {"loss"}}}},
            {0, {{0.56f, 0, {"grid"}}, {0.44f, 0, {"timeline", "head", "why"}}}}};
  }
  // Drop hidden panels, then empty cells and columns.
  auto shown = [&](const std::string& p) { return std::find(visible.begin(), visible.end(), p) != visible.end(); };
  for (Column& c : cols) {
    for (Cell& cell : c.cells)
      cell.panels.erase(std::remove_if(cell.panels.begin(), cell.panels.end(), [&](auto& p) { return !shown(p); }),
                        cell.panels.end());
    c.cells.erase(std::remove_if(c.cells.begin(), c.cells.end(), [](auto& cell) { return cell.panels.empty(); }),
                  c.cells.end());
    // A lone fixed-height cell fills its column.
    if (c.cells.size() == 1) c.cells[0].weight = 1, c.cells[0].fixed = 0;
  }
  cols.erase(std::remove_if(cols.begin(), cols.end(), [](auto& c) { return c.cells.empty(); }), cols.end());
  if (cols.empty()) return {};

  // Widths: fixed columns keep theirs and a flexible one takes the rest;
  // without a flexible column, all scale to fill.
  float fixed_w = 0;
  bool has_flex = false;
  for (const Column& c : cols) fixed_w += c.width, has_flex |= c.width == 0;
  std::vector<PanelSlot> out;
  float x = pos.x;
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    const Column& c = cols[ci];
    float w = c.width == 0 ? W - fixed_w : has_flex ? c.width : c.width * W / fixed_w;
    if (ci + 1 == cols.size()) w = pos.x + W - x;  // absorb rounding
    float free_h = Ht, weights = 0;
    for (const Cell& cell : c.cells) free_h -= cell.fixed, weights += cell.weight;
    float y = pos.y;
    for (size_t k = 0; k < c.cells.size(); ++k) {
      const Cell& cell = c.cells[k];
      float h = cell.weight > 0 ? free_h * cell.weight / weights : cell.fixed;
      if (k + 1 == c.cells.size()) h = pos.y + Ht - y;
      out.push_back({ImVec2(std::floor(x), std::floor(y)), ImVec2(std::floor(w), std::floor(h)), cell.panels});
      y += h;
    }
    x += w;
  }
  return out;
}

}  // namespace headlab::ui
