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

// A recipe's cell: the roles it holds, as one slot of tabs or one slot per panel.
struct RoleCell {
  float weight, fixed;
  std::vector<LayoutRole> roles;
  bool stacked;
};
struct RoleColumn {
  float width;
  std::vector<RoleCell> cells;
};

using R = LayoutRole;

std::vector<RoleColumn> recipe(float W, float Ht, const GridNeed& grid) {
  if (W >= 1000)
    return {{std::clamp(W * 0.23f, 270.0f, 330.0f), {{0.6f, 0, {R::Settings}, false}, {0.4f, 0, {R::Curves}, false}}},
            {0, {{1.0f, 0, {R::Main}, false}, {0, 124, {R::Strip}, false}}},
            {std::clamp(W * 0.31f, 330.0f, 470.0f), {{1.0f, 0, {R::Detail}, true}}}};
  if (W < 560) {  // too narrow for two columns: the grid on top, as tall as its width fills (both grids of a pair: stacked), the rest as tabs
    const bool pair = grid.stacked.y > grid.side_by_side.y;
    const float want = pair ? std::max(W + 80.0f, grid.stacked.y * W / std::max(grid.stacked.x, 1.0f)) : W + 80.0f;
    const float main = std::clamp(want / std::max(Ht, 1.0f), 0.4f, pair ? 0.72f : 0.6f);
    return {{0, {{main, 0, {R::Main}, false}, {1.0f - main, 0, {R::Detail, R::Settings, R::Curves, R::Strip}, false}}}};
  }
  if (Ht < 480)  // a small embed: Controls and the loss plot share the left column as tabs
    return {{std::clamp(W * 0.34f, 220.0f, 300.0f), {{1.0f, 0, {R::Settings, R::Curves}, false}}},
            {0, {{0.56f, 0, {R::Main}, false}, {0.44f, 0, {R::Detail, R::Strip}, false}}}};
  // The loss panel gets room for two readable plots.
  return {{std::clamp(W * 0.34f, 240.0f, 300.0f), {{0.56f, 0, {R::Settings}, false}, {0.44f, 0, {R::Curves}, false}}},
          {0, {{0.56f, 0, {R::Main}, false}, {0.44f, 0, {R::Detail, R::Strip}, false}}}};
}

}  // namespace

GridNeed grid_need(int layers, int heads, bool pair, float tile) {
  // Labels left of the maps, a gap between maps; above each a title row and
  // below the grid the key; above the grid the caption, probe strip and colour bar.
  const float labels = 40, gap = 10, title = 16, key = 20, above = 96, tabs = 30;
  const ImVec2 grid(labels + heads * tile + (heads - 1) * gap, layers * (title + tile + gap) + key);
  GridNeed n;
  if (!pair) {
    n.side_by_side = n.stacked = ImVec2(grid.x, grid.y + above + tabs);
    return n;
  }
  n.side_by_side = ImVec2(2 * grid.x + gap, grid.y + above + tabs + title);
  n.stacked = ImVec2(grid.x, 2 * (grid.y + title) + gap + above + tabs);
  return n;
}

namespace {

bool fits(ImVec2 slot, ImVec2 need) { return slot.x >= need.x && slot.y >= need.y; }
bool fits(ImVec2 slot, const GridNeed& need) { return fits(slot, need.side_by_side) || fits(slot, need.stacked); }

}  // namespace

std::vector<PanelSlot> dashboard_layout(ImVec2 pos, ImVec2 size, const std::vector<LayoutPanel>& visible, const GridNeed& grid_min) {
  const float W = size.x, Ht = size.y;
  // The recipe's roles become the visible panels that have them, in table order.
  std::vector<Column> cols;
  for (const RoleColumn& rc : recipe(W, Ht, grid_min)) {
    Column c{rc.width, {}};
    for (const RoleCell& cell : rc.cells) {
      Cell tabs{cell.weight, cell.fixed, {}};
      for (LayoutRole role : cell.roles)
        for (const LayoutPanel& p : visible) {
          if (p.role != role) continue;
          if (cell.stacked) c.cells.push_back({cell.weight * p.weight, 0, {p.key}});
          else if (p.first_tab) tabs.panels.insert(tabs.panels.begin(), p.key);
          else tabs.panels.push_back(p.key);
        }
      if (!cell.stacked) c.cells.push_back(std::move(tabs));
    }
    cols.push_back(std::move(c));
  }
  // Drop empty cells and columns.
  for (Column& c : cols) {
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
  // Too small a grid: the answer first, in one slot of tabs, the grid's first.
  for (const PanelSlot& slot : out) {
    const bool has_grid = std::find(slot.panels.begin(), slot.panels.end(), "grid") != slot.panels.end();
    if (!has_grid || fits(slot.size, grid_min) || out.size() == 1) continue;
    PanelSlot one{pos, size, {"grid"}};
    for (const LayoutPanel& p : visible)
      if (p.key != "grid") one.panels.push_back(p.key);
    return {one};
  }
  return out;
}

}  // namespace headlab::ui
