// Files compiled into the program by cmake/Embed.cmake (the web has no
// filesystem). Each is NUL-terminated, so shader sources read as C strings.
#pragma once
#include <cstddef>

namespace headlab::assets {

extern const unsigned char font_dejavu_sans[];
extern const size_t font_dejavu_sans_size;
extern const unsigned char shader_fullscreen_vert[];
extern const unsigned char shader_heatmap_frag[];

inline const char* text(const unsigned char* asset) { return reinterpret_cast<const char*>(asset); }

}  // namespace headlab::assets
