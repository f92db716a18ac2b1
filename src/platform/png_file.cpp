#include "platform/png_file.h"

#include <algorithm>
#include <cstring>

#include "lab/atomic_file.h"
#include "ui/gl.h"

// The PNG encoder is stb_image_write (Debian libstb-dev); its implementation
// is compiled here and nowhere else.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO  // we write through write_file_atomically
#include <stb_image_write.h>

namespace headlab {

RgbImage read_framebuffer(int x, int y, int width, int height, int fb_width, int fb_height) {
  const int x0 = std::clamp(x, 0, fb_width), y0 = std::clamp(y, 0, fb_height);
  const int x1 = std::clamp(x + width, 0, fb_width), y1 = std::clamp(y + height, 0, fb_height);
  RgbImage img;
  img.width = x1 - x0;
  img.height = y1 - y0;
  if (img.width <= 0 || img.height <= 0) return RgbImage{};
  std::vector<uint8_t> bottom_up(static_cast<size_t>(img.width) * img.height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  // GL counts rows from the bottom.
  glReadPixels(x0, fb_height - y1, img.width, img.height, GL_RGB, GL_UNSIGNED_BYTE, bottom_up.data());
  img.pixels.resize(bottom_up.size());
  const size_t row = static_cast<size_t>(img.width) * 3;
  for (int r = 0; r < img.height; ++r)
    std::memcpy(img.pixels.data() + r * row, bottom_up.data() + (img.height - 1 - r) * row, row);
  return img;
}

std::string write_png(const std::string& path, const RgbImage& img) {
  if (img.width <= 0 || img.height <= 0) return "nothing to write to " + path;
  std::string png;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  if (!stbi_write_png_to_func(append, &png, img.width, img.height, 3, img.pixels.data(), img.width * 3))
    return "could not encode " + path;
  return write_file_atomically(path, png.data(), png.size());
}

}  // namespace headlab
