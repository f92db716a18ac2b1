// Attention heatmaps of every head, drawn into one atlas (one texel per cell).
// Each texel blends the same cell of two recorded snapshots (t in [0,1]) so the
// maps move smoothly between recordings, then maps the weight through a
// perceptual colour map. Cells above the diagonal are masked by causality.
uniform sampler2D u_from;   // R32F atlas: row = layer*T + query, column = head*T + key
uniform sampler2D u_to;
uniform sampler2D u_lut;    // 256x1 colour map
uniform float u_t;
uniform float u_gamma;      // < 1 lifts small weights so faint patterns stay visible
uniform int u_T;
uniform vec4 u_masked;      // colour of the causally masked cells
out vec4 frag;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int query = p.y % u_T;
  int key = p.x % u_T;
  if (key > query) {
    frag = u_masked;
    return;
  }
  float w = mix(texelFetch(u_from, p, 0).r, texelFetch(u_to, p, 0).r, u_t);
  float x = pow(clamp(w, 0.0, 1.0), u_gamma);
  frag = vec4(texture(u_lut, vec2(x * (255.0 / 256.0) + 0.5 / 256.0, 0.5)).rgb, 1.0);
}
