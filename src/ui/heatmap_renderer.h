// Draws every head's attention map as GPU textures. The two recorded
// snapshots being shown are uploaded once, when they change (R32F atlases,
// one tile per head); each frame a shader blends them with t in [0,1] and maps
// the weights through a colour-map LUT into an RGBA atlas that ImGui draws
// with ImGui::Image, one tile per head. Pixels are cells: the atlas is sampled
// with GL_NEAREST so enlarged maps stay sharp.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "imgui.h"
#include "lab/snapshot.h"
#include "ui/colormap.h"
#include "ui/gl.h"

namespace headlab::ui {

class HeatmapRenderer {
 public:
  // Needs a current GL context. Returns false and sets *error if the shaders fail.
  bool init(std::string* error);
  void shutdown();

  // Shows the blend of `from` and `to` (same shape; `from` may equal `to`).
  // Uploads only when either changed since the last call; holding the
  // pointers keeps that identity check sound.
  void set_snapshots(std::shared_ptr<const Snapshot> from, std::shared_ptr<const Snapshot> to);
  // Re-renders the colour atlas if anything changed; call before ImGui renders.
  // Leaves the default framebuffer bound.
  void render(float t, float gamma, Colormap map, ImVec4 masked_color);

  bool has_data() const { return out_tex_ != 0 && T_ > 0; }
  ImTextureID texture() const { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(out_tex_)); }
  // UV rectangle of head (l, h) in texture(); query rows run down, key columns run right.
  void tile_uv(int l, int h, ImVec2* uv0, ImVec2* uv1) const;

 private:
  void upload(GLuint tex, const Snapshot& s);
  void resize(int L, int H, int T);

  GLuint program_ = 0, vao_ = 0, fbo_ = 0;
  GLuint from_tex_ = 0, to_tex_ = 0, out_tex_ = 0, lut_tex_ = 0;
  GLint u_t_ = -1, u_gamma_ = -1, u_T_ = -1, u_masked_ = -1;
  int L_ = 0, H_ = 0, T_ = 0;
  std::shared_ptr<const Snapshot> from_, to_;
  std::vector<float> staging_;
  // What the colour atlas currently shows; render() skips the pass when unchanged.
  bool dirty_ = true;
  float last_t_ = -1, last_gamma_ = -1;
  Colormap last_map_ = Colormap::Viridis;
  bool lut_loaded_ = false;
  ImVec4 last_masked_;
};

}  // namespace headlab::ui
