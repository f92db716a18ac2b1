#include "ui/shader.h"

namespace headlab::ui {
namespace {

#ifdef __EMSCRIPTEN__
constexpr const char* kPrelude =
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler2D;\n";
#else
constexpr const char* kPrelude = "#version 330 core\n";
#endif

GLuint compile(GLenum kind, const char* body, std::string* log) {
  GLuint s = glCreateShader(kind);
  const char* parts[2] = {kPrelude, body};
  glShaderSource(s, 2, parts, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (ok) return s;
  char buf[1024] = {};
  glGetShaderInfoLog(s, sizeof buf, nullptr, buf);
  *log = buf;
  glDeleteShader(s);
  return 0;
}

}  // namespace

GLuint shader_program(const char* name, const char* vert_body, const char* frag_body, std::string* error) {
  std::string log;
  GLuint vs = compile(GL_VERTEX_SHADER, vert_body, &log);
  GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, frag_body, &log) : 0;
  if (!vs || !fs) {
    if (vs) glDeleteShader(vs);
    *error = std::string(name) + ": shader compile failed: " + log;
    return 0;
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, vs);
  glAttachShader(p, fs);
  glLinkProgram(p);
  glDeleteShader(vs);  // the program keeps them alive while attached
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (ok) return p;
  char buf[1024] = {};
  glGetProgramInfoLog(p, sizeof buf, nullptr, buf);
  *error = std::string(name) + ": shader link failed: " + buf;
  glDeleteProgram(p);
  return 0;
}

}  // namespace headlab::ui
