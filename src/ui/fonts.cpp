#include "ui/fonts.h"

#include "imgui_impl_opengl3.h"
#include "ui/assets.h"

namespace headlab::ui {
namespace {

Fonts g_fonts;
float g_scale = 0.0f;
bool g_compact = false;

// Latin-1, Greek, punctuation, arrows, maths, shapes and a few symbols: what
// labels, task vocabularies and explanations use, without a 6000-glyph atlas.
const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2010, 0x205E, 0x2190, 0x21FF,
                           0x2200, 0x22FF, 0x2300, 0x23FF,
                           0x2400, 0x243F,  // control pictures: the text task's visible space U+2423
                           0x2500, 0x25FF, 0x2600, 0x26FF, 0};

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
