#include "ui/theme.h"

namespace headlab::ui {
namespace {

Theme g_theme;
bool g_system_dark = true;

ImVec4 rgb(unsigned hex, float a = 1.0f) {
  return ImVec4(((hex >> 16) & 0xff) / 255.0f, ((hex >> 8) & 0xff) / 255.0f, (hex & 0xff) / 255.0f, a);
}

void shape(ImGuiStyle& s) {
  s.WindowPadding = ImVec2(10, 8);
  s.FramePadding = ImVec2(7, 4);
  s.ItemSpacing = ImVec2(8, 6);
  s.ItemInnerSpacing = ImVec2(6, 4);
  s.WindowRounding = 0;  // panels tile the canvas edge to edge
  s.ChildRounding = 4;
  s.FrameRounding = 4;
  s.PopupRounding = 4;
  s.GrabRounding = 4;
  s.TabRounding = 4;
  s.ScrollbarSize = 12;
  s.WindowBorderSize = 1;
  s.FrameBorderSize = 0;
  s.WindowTitleAlign = ImVec2(0.0f, 0.5f);
}

// Colours shared by both themes are written once; `bg`, `panel`, `frame` and
// `text` set the light/dark ground, `accent` the interactive colour.
void paint(ImGuiStyle& s, unsigned bg, unsigned panel, unsigned frame, unsigned text, unsigned dim,
           unsigned accent, unsigned border) {
  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = rgb(text);
  c[ImGuiCol_TextDisabled] = rgb(dim);
  c[ImGuiCol_WindowBg] = rgb(panel);
  c[ImGuiCol_ChildBg] = rgb(panel, 0);
  c[ImGuiCol_PopupBg] = rgb(panel, 0.98f);
  c[ImGuiCol_Border] = rgb(border);
  c[ImGuiCol_FrameBg] = rgb(frame);
  c[ImGuiCol_FrameBgHovered] = rgb(accent, 0.25f);
  c[ImGuiCol_FrameBgActive] = rgb(accent, 0.35f);
  c[ImGuiCol_TitleBg] = rgb(bg);
  c[ImGuiCol_TitleBgActive] = rgb(bg);
  c[ImGuiCol_TitleBgCollapsed] = rgb(bg);
  c[ImGuiCol_MenuBarBg] = rgb(bg);
  c[ImGuiCol_ScrollbarBg] = rgb(panel, 0);
  c[ImGuiCol_CheckMark] = rgb(accent);
  c[ImGuiCol_SliderGrab] = rgb(accent, 0.5f);  // labels sit inside sliders: keep them readable over the grab
  c[ImGuiCol_SliderGrabActive] = rgb(accent, 0.8f);
  c[ImGuiCol_Button] = rgb(accent, 0.18f);
  c[ImGuiCol_ButtonHovered] = rgb(accent, 0.35f);
  c[ImGuiCol_ButtonActive] = rgb(accent, 0.5f);
  c[ImGuiCol_Header] = rgb(accent, 0.2f);
  c[ImGuiCol_HeaderHovered] = rgb(accent, 0.3f);
  c[ImGuiCol_HeaderActive] = rgb(accent, 0.45f);
  c[ImGuiCol_Separator] = rgb(border);
  c[ImGuiCol_Tab] = rgb(frame);
  c[ImGuiCol_TabHovered] = rgb(accent, 0.35f);
  c[ImGuiCol_TabActive] = rgb(accent, 0.28f);
  c[ImGuiCol_TabUnfocused] = rgb(frame);
  c[ImGuiCol_TabUnfocusedActive] = rgb(accent, 0.22f);
  c[ImGuiCol_TableHeaderBg] = rgb(frame);
  c[ImGuiCol_TableBorderLight] = rgb(border);
  c[ImGuiCol_TableBorderStrong] = rgb(border);
  c[ImGuiCol_PlotLines] = rgb(accent);
}

}  // namespace

void apply_theme(const std::string& name) {
  ImGuiStyle& s = ImGui::GetStyle();
  Theme& t = g_theme;
  t.dark = name == "auto" ? g_system_dark : name != "light";
  if (t.dark) {
    ImGui::StyleColorsDark(&s);
    paint(s, 0x111318, 0x181b21, 0x252a33, 0xe4e7ec, 0x8b93a1, 0x4c9dff, 0x2b303a);
    t.plot_bg = IM_COL32(0x12, 0x14, 0x19, 255);
    t.plot_grid = IM_COL32(255, 255, 255, 22);
    t.good = IM_COL32(0x5c, 0xd6, 0x8a, 255);
    t.bad = IM_COL32(0xff, 0x6b, 0x6b, 255);
    t.accent2 = IM_COL32(0xff, 0xa9, 0x4d, 255);
    t.masked = rgb(0x1f2329);
    t.clear = rgb(0x111318);
  } else {
    ImGui::StyleColorsLight(&s);
    paint(s, 0xe9ecf1, 0xf8f9fb, 0xe6e9ee, 0x1c2028, 0x69707d, 0x1f6fde, 0xd3d8df);
    t.plot_bg = IM_COL32(255, 255, 255, 255);
    t.plot_grid = IM_COL32(0, 0, 0, 22);
    t.good = IM_COL32(0x1e, 0x8e, 0x4e, 255);
    t.bad = IM_COL32(0xd0, 0x35, 0x35, 255);
    t.accent2 = IM_COL32(0xc2, 0x5e, 0x00, 255);
    t.masked = rgb(0xe4e7ec);
    t.clear = rgb(0xe9ecf1);
  }
  shape(s);
  t.text = ImGui::GetColorU32(s.Colors[ImGuiCol_Text]);
  t.text_dim = ImGui::GetColorU32(s.Colors[ImGuiCol_TextDisabled]);
  t.accent = ImGui::GetColorU32(s.Colors[ImGuiCol_CheckMark]);
}

void set_system_prefers_dark(bool dark) { g_system_dark = dark; }

const Theme& theme() { return g_theme; }

ImU32 head_color(int head, float alpha) {
  // Tableau 10: distinct hues of similar weight, readable on dark and light grounds.
  static const unsigned kColors[10] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                       0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
  unsigned c = kColors[head % 10];
  if (g_theme.dark && head % 10 == 0) c = 0x6a9fd8;  // Tableau's blue is too dark on a dark ground
  return ImGui::GetColorU32(rgb(c, alpha));
}

}  // namespace headlab::ui
