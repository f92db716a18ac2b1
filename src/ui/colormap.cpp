#include "ui/colormap.h"

#include <algorithm>

namespace headlab::ui {
namespace {

constexpr int kStops = 9;
constexpr uint32_t kViridis[kStops] = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                       0x28ae80, 0x5ec962, 0xaadc32, 0xfde725};
constexpr uint32_t kMagma[kStops] = {0x000004, 0x1c1044, 0x4f127b, 0x812581, 0xb5367a,
                                     0xe55064, 0xfb8761, 0xfec287, 0xfcfdbf};

void sample(Colormap map, float x, uint8_t out[3]) {
  const uint32_t* stops = map == Colormap::Magma ? kMagma : kViridis;
  float f = std::clamp(x, 0.0f, 1.0f) * (kStops - 1);
  int i = std::min(static_cast<int>(f), kStops - 2);
  float t = f - i;
  for (int c = 0; c < 3; ++c) {
    int shift = 16 - 8 * c;
    float a = (stops[i] >> shift) & 0xff, b = (stops[i + 1] >> shift) & 0xff;
    out[c] = static_cast<uint8_t>(a + (b - a) * t + 0.5f);
  }
}

}  // namespace

void colormap_lut(Colormap map, uint8_t rgba[256 * 4]) {
  for (int i = 0; i < 256; ++i) {
    sample(map, i / 255.0f, rgba + 4 * i);
    rgba[4 * i + 3] = 255;
  }
}

uint32_t colormap_color(Colormap map, float x) {
  uint8_t c[3];
  sample(map, x, c);
  return 0xff000000u | (uint32_t(c[2]) << 16) | (uint32_t(c[1]) << 8) | c[0];
}

}  // namespace headlab::ui
