// The UI font (DejaVu Sans, embedded) rasterised at size x framebuffer scale,
// so text is crisp at devicePixelRatio 1 and 2 rather than a scaled-up bitmap.
#pragma once

#include "imgui.h"

namespace headlab::ui {

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* small = nullptr;  // axis ticks, token labels
};

// Rebuilds the atlas when the scale or the size changed (call before ImGui::NewFrame).
// Returns true if it rebuilt, in which case the renderer's font texture was recreated.
bool update_fonts(float framebuffer_scale, bool compact);
const Fonts& fonts();

}  // namespace headlab::ui
