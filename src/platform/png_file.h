// Pictures of the desktop window: read back from the GL framebuffer on the
// UI thread (fast), encoded as PNG anywhere (slow; see file_writer.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace headlab {

// 8-bit RGB, rows top to bottom.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

// Reads a rectangle of the bound read framebuffer. (x, y) is the top-left
// corner in pixels from the top-left of a framebuffer of height fb_height; the
// rectangle is clipped to the framebuffer. Needs a current GL context.
RgbImage read_framebuffer(int x, int y, int width, int height, int fb_width, int fb_height);

// Writes img as PNG with write_file_atomically (lab/atomic_file.h). Returns "" or an error line.
std::string write_png(const std::string& path, const RgbImage& img);

}  // namespace headlab
