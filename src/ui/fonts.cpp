#include "ui/fonts.h"

#include "imgui_impl_opengl3.h"
#include "ui/assets.h"

namespace headlab::ui {
namespace {

Fonts g_fonts;
float g_scale = 0.0f;
bool g_compact = false;

// What the UI draws (ASCII labels, the few symbols of its buttons) and what a
// text task's vocabulary is likely to hold (Latin-1, Greek, punctuation, a few
// arrows and maths signs); anything else shows as '?'. cmake/App.cmake reads
// this array and subsets the embedded font to it: the whole DejaVu Sans was
// half of the download.
const ImWchar kRanges[] = {0x0020, 0x00FF,  // Latin-1
                           0x0370, 0x03FF,  // Greek
                           0x2010, 0x205E,  // punctuation, quotes, ellipsis, the pause button's U+2016
                           0x2190, 0x2199,  // arrows
                           0x2211, 0x2212, 0x221A, 0x221A, 0x221E, 0x221E, 0x2248, 0x2248,
                           0x2260, 0x2260, 0x2264, 0x2265,  // sum, minus, root, infinity, approx, not equal, <=, >=
                           0x2423, 0x2423,  // the text task's visible space
                           0x25A0, 0x25FF,  // geometric shapes: the play, stop and live buttons
                           0x2600, 0x2600, 0x263E, 0x263E,  // sun and moon: the theme button
                           0};

ImFont* add(float size_px, float scale) {
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the bytes live in the binary
  cfg.OversampleH = scale >= 2.0f ? 1 : 2;  // enough pixels already at 2x
  cfg.OversampleV = 1;
  void* data = const_cast<unsigned char*>(assets::font_dejavu_sans);
  return ImGui::GetIO().Fonts->AddFontFromMemoryTTF(data, static_cast<int>(assets::font_dejavu_sans_size),
                                                    size_px * scale, &cfg, kRanges);
}

}  // namespace

bool update_fonts(float scale, bool compact) {
  if (scale <= 0.0f) scale = 1.0f;
  if (scale == g_scale && compact == g_compact) return false;
  // The first build is uploaded by the backend's first NewFrame.
  bool upload = g_scale != 0.0f;
  g_scale = scale, g_compact = compact;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  g_fonts.regular = add(compact ? 13.0f : 15.0f, scale);
  g_fonts.small = add(compact ? 11.0f : 12.5f, scale);
  // Glyphs were rasterised at `scale` times their size; drawing them at
  // 1/scale gives their nominal size in the framebuffer's pixels.
  io.FontGlobalScale = 1.0f / scale;
  io.Fonts->Build();
  if (upload) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  return true;
}

const Fonts& fonts() { return g_fonts; }

}  // namespace headlab::ui
