// Perceptual colour maps (matplotlib's viridis and magma, as 9 key colours
// interpolated linearly): even steps in value look like even steps in colour,
// and both read in grey scale. Used by the heatmap shader (as a LUT texture)
// and by the small matrices drawn on the CPU.
#pragma once
#include <cstdint>

namespace headlab::ui {

enum class Colormap { Viridis, Magma };
constexpr const char* kColormapNames[] = {"viridis", "magma"};

// 256 RGBA8 entries for x = 0..1.
void colormap_lut(Colormap map, uint8_t rgba[256 * 4]);
// x in [0,1] (clamped), as ImGui's packed ABGR colour.
uint32_t colormap_color(Colormap map, float x);

}  // namespace headlab::ui
