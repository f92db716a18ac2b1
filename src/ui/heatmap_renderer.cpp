#include "ui/heatmap_renderer.h"

#include "ui/assets.h"
#include "ui/shader.h"

namespace headlab::ui {
namespace {

GLuint make_texture(GLint filter) {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

}  // namespace

bool HeatmapRenderer::init(std::string* error) {
  program_ = shader_program("heatmap", assets::text(assets::shader_fullscreen_vert),
                            assets::text(assets::shader_heatmap_frag), error);
  if (!program_) return false;
  glUseProgram(program_);
  glUniform1i(glGetUniformLocation(program_, "u_from"), 0);
  glUniform1i(glGetUniformLocation(program_, "u_to"), 1);
  glUniform1i(glGetUniformLocation(program_, "u_lut"), 2);
  u_t_ = glGetUniformLocation(program_, "u_t");
  u_gamma_ = glGetUniformLocation(program_, "u_gamma");
  u_T_ = glGetUniformLocation(program_, "u_T");
  u_masked_ = glGetUniformLocation(program_, "u_masked");
  glUseProgram(0);
  glGenVertexArrays(1, &vao_);  // core profiles draw nothing without a bound VAO, even an empty one
  glGenFramebuffers(1, &fbo_);
  from_tex_ = make_texture(GL_NEAREST);  // R32F is not filterable in WebGL2; the shader uses texelFetch
  to_tex_ = make_texture(GL_NEAREST);
  out_tex_ = make_texture(GL_NEAREST);
  lut_tex_ = make_texture(GL_LINEAR);
  return true;
}

void HeatmapRenderer::shutdown() {
  GLuint texs[] = {from_tex_, to_tex_, out_tex_, lut_tex_};
  glDeleteTextures(4, texs);
  glDeleteFramebuffers(1, &fbo_);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
  *this = HeatmapRenderer();
}

void HeatmapRenderer::resize(int L, int H, int T) {
  L_ = L, H_ = H, T_ = T;
  for (GLuint tex : {from_tex_, to_tex_}) {
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, H * T, L * T, 0, GL_RED, GL_FLOAT, nullptr);
  }
  glBindTexture(GL_TEXTURE_2D, out_tex_);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, H * T, L * T, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, out_tex_, 0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

// Rearranges [L][H][T][T] into the atlas: head (l, h) is the tile at row l, column h.
void HeatmapRenderer::upload(GLuint tex, const Snapshot& s) {
  const int W = H_ * T_;
  staging_.resize(static_cast<size_t>(W) * L_ * T_);
  for (int l = 0; l < L_; ++l)
    for (int h = 0; h < H_; ++h) {
      const float* m = s.map(l, h);
      for (int i = 0; i < T_; ++i)
        for (int j = 0; j < T_; ++j) staging_[static_cast<size_t>(l * T_ + i) * W + h * T_ + j] = m[i * T_ + j];
    }
  glBindTexture(GL_TEXTURE_2D, tex);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, W, L_ * T_, GL_RED, GL_FLOAT, staging_.data());
}

void HeatmapRenderer::set_snapshots(std::shared_ptr<const Snapshot> from, std::shared_ptr<const Snapshot> to) {
  if (!program_ || !to) return;
  if (!from || from->L != to->L || from->H != to->H || from->T != to->T) from = to;
  if (from == from_ && to == to_) return;
  if (to->L != L_ || to->H != H_ || to->T != T_) {
    resize(to->L, to->H, to->T);
    from_.reset();
    to_.reset();
  }
  // Scrubbing forward often makes the old `to` the new `from`: swap instead of re-uploading.
  if (from == to_ && from != to) {
    std::swap(from_tex_, to_tex_);
    std::swap(from_, to_);
  }
  if (from != from_) upload(from_tex_, *from);
  if (to != to_) upload(to_tex_, *to);
  from_ = std::move(from), to_ = std::move(to);
  dirty_ = true;
}

void HeatmapRenderer::render(float t, float gamma, Colormap map, ImVec4 masked) {
  if (!has_data()) return;
  if (!lut_loaded_ || map != last_map_) {
    uint8_t lut[256 * 4];
    colormap_lut(map, lut);
    glBindTexture(GL_TEXTURE_2D, lut_tex_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, lut);
    lut_loaded_ = true, last_map_ = map, dirty_ = true;
  }
  bool same_mask = masked.x == last_masked_.x && masked.y == last_masked_.y && masked.z == last_masked_.z;
  if (!dirty_ && t == last_t_ && gamma == last_gamma_ && same_mask) return;
  dirty_ = false, last_t_ = t, last_gamma_ = gamma, last_masked_ = masked;

  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, H_ * T_, L_ * T_);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glUseProgram(program_);
  glUniform1f(u_t_, t);
  glUniform1f(u_gamma_, gamma);
  glUniform1i(u_T_, T_);
  glUniform4f(u_masked_, masked.x, masked.y, masked.z, 1.0f);
  GLuint texs[] = {from_tex_, to_tex_, lut_tex_};
  for (int i = 0; i < 3; ++i) {
    glActiveTexture(GL_TEXTURE0 + i);
    glBindTexture(GL_TEXTURE_2D, texs[i]);
  }
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

// A fiftieth of a texel inside the tile's edges: a map placed at a fraction
// of a pixel (devicePixelRatio 2) would otherwise sample the neighbouring
// tile along its last row or column, a thin line from another head.
void HeatmapRenderer::tile_uv(int l, int h, ImVec2* uv0, ImVec2* uv1) const {
  const float ex = 0.02f / (H_ * T_), ey = 0.02f / (L_ * T_);
  *uv0 = ImVec2(static_cast<float>(h) / H_ + ex, static_cast<float>(l) / L_ + ey);
  *uv1 = ImVec2(static_cast<float>(h + 1) / H_ - ex, static_cast<float>(l + 1) / L_ - ey);
}

}  // namespace headlab::ui
