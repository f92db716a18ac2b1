// The dashboard layout and the panel table, without a window: every visible
// panel gets exactly one place at every window size, inside the window.
#include <catch.hpp>

#include "lab/options.h"
#include "ui/layout.h"
#include "ui/panel_table.h"

using namespace headlab;
using namespace headlab::ui;

namespace {

// One size per layout: wide (3 columns), medium (2), short (2, tabs on the left), narrow (1).
const ImVec2 kSizes[] = {{1280, 760}, {900, 700}, {900, 400}, {480, 800}};

std::vector<std::string> placed(const std::vector<PanelSlot>& slots) {
  std::vector<std::string> keys;
  for (const PanelSlot& s : slots) keys.insert(keys.end(), s.panels.begin(), s.panels.end());
  return keys;
}

void check_layout(ImVec2 size, const std::vector<LayoutPanel>& visible) {
  const std::vector<PanelSlot> slots = dashboard_layout(ImVec2(0, 30), size, visible);
  std::vector<std::string> want, got = placed(slots);
  for (const LayoutPanel& p : visible) want.push_back(p.key);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  CHECK(got == want);  // each visible panel exactly once
  for (const PanelSlot& s : slots) {
    CHECK(s.size.x > 0);
    CHECK(s.size.y > 0);
    CHECK(s.pos.x >= 0);
    CHECK(s.pos.y >= 30);
    CHECK(s.pos.x + s.size.x <= size.x + 0.5f);
    CHECK(s.pos.y + s.size.y <= 30 + size.y + 0.5f);
  }
}

}  // namespace

TEST_CASE("the panel table and the panels= vocabulary agree", "[ui][layout]") {
  std::vector<std::string> keys;
  for (const PanelInfo& p : panel_table()) {
    keys.push_back(p.key);
    CHECK(p.draw != nullptr);
    CHECK(find_panel(p.key) == &p);
  }
  CHECK(keys == panel_names());
}

TEST_CASE("every visible panel is placed at every window size", "[ui][layout]") {
  const std::vector<LayoutPanel> all = visible_panels(ViewOptions());
  REQUIRE(all.size() == panel_table().size());
  for (ImVec2 size : kSizes) {
    INFO("window " << size.x << "x" << size.y);
    check_layout(size, all);
    // Each panel alone, and all but each one.
    for (size_t i = 0; i < all.size(); ++i) {
      INFO("panel " << all[i].key);
      check_layout(size, {all[i]});
      std::vector<LayoutPanel> rest = all;
      rest.erase(rest.begin() + static_cast<long>(i));
      check_layout(size, rest);
    }
  }
  // A panel the recipes have never heard of is placed by its role.
  for (ImVec2 size : kSizes) {
    std::vector<LayoutPanel> more = all;
    more.push_back({"future", LayoutRole::Detail, 0.5f});
    check_layout(size, more);
  }
}

TEST_CASE("panels= and hide= choose what the layout gets, in table order", "[ui][layout]") {
  ViewOptions v;
  v.panels = {"why", "grid", "loss"};
  v.hide = {"loss"};
  const std::vector<LayoutPanel> shown = visible_panels(v);
  REQUIRE(shown.size() == 2);
  CHECK(shown[0].key == "grid");
  CHECK(shown[1].key == "why");
}

TEST_CASE("the wide layout: three columns, the detail panels stacked", "[ui][layout]") {
  const auto slots = dashboard_layout(ImVec2(0, 0), ImVec2(1280, 800), visible_panels(ViewOptions()));
  REQUIRE(slots.size() == 6);
  CHECK(slots[0].panels == std::vector<std::string>{"controls"});
  CHECK(slots[2].panels == std::vector<std::string>{"grid"});
  CHECK(slots[3].panels == std::vector<std::string>{"timeline"});
  CHECK(slots[3].size.y == 124);
  CHECK(slots[4].panels == std::vector<std::string>{"head"});
  CHECK(slots[5].panels == std::vector<std::string>{"why"});
  CHECK(slots[4].pos.x == slots[5].pos.x);
  // Narrow (a phone): the grid above, everything else as tabs, the answer first.
  const auto narrow = dashboard_layout(ImVec2(0, 0), ImVec2(390, 734), visible_panels(ViewOptions()));
  REQUIRE(narrow.size() == 2);
  CHECK(narrow[1].panels == std::vector<std::string>{"why", "head", "controls", "loss", "timeline"});
  // The grid gets about the height its width fills, and the answer below it at least 40%.
  CHECK(narrow[0].size.y <= 734 * 0.6f + 1);
  CHECK(narrow[1].size.y >= 734 * 0.4f - 1);
  const auto tall = dashboard_layout(ImVec2(0, 0), ImVec2(390, 1400), visible_panels(ViewOptions()));
  CHECK(tall[0].size.y < 1400 * 0.5f);  // not half of a tall screen, most of it empty
}

TEST_CASE("medium and small windows: the answer is the first tab, the loss panel has room for two plots", "[ui][layout]") {
  for (ImVec2 size : {ImVec2(800, 490), ImVec2(800, 400)}) {
    INFO("window " << size.x << "x" << size.y);
    const auto slots = dashboard_layout(ImVec2(0, 0), size, visible_panels(ViewOptions()));
    bool why_first = false;
    for (const PanelSlot& s : slots)
      if (s.panels.size() > 1 && std::find(s.panels.begin(), s.panels.end(), "why") != s.panels.end()) why_first = s.panels[0] == "why";
    CHECK(why_first);
    for (const PanelSlot& s : slots)
      if (s.panels == std::vector<std::string>{"loss"}) CHECK(s.size.y >= 200);
  }
}
