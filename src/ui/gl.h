// The OpenGL API the UI draws with: WebGL2 through Emscripten's GLES3 headers
// on the web, OpenGL 3.3 core on the desktop (Linux's libGL exports every
// core entry point, so no loader is needed for the few calls we make).
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#endif
