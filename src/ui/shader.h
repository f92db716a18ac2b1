// Builds GL programs from the bodies in shaders/ (embedded at build time).
// Bodies carry no #version: like ImGui's OpenGL3 backend we prepend
// "#version 300 es" on the web and "#version 330 core" on the desktop.
#pragma once
#include <string>

#include "ui/gl.h"

namespace headlab::ui {

// Returns 0 and sets *error (with the compiler's log) if compiling or linking fails.
GLuint shader_program(const char* name, const char* vert_body, const char* frag_body, std::string* error);

}  // namespace headlab::ui
