// The engine's side of the host page: the JS glue (EM_JS) that makes
// Emscripten 3.1.6's GLFW behave inside an article, sizes the canvas, watches
// the WebGL context and reports events to web/headlab.js; and the one ImGui
// question the page's wheel listener asks. Used by web_app.cpp and web_api.cpp.
#pragma once

namespace headlab::web {

// Before glfwCreateWindow: keeps Emscripten's Browser.init() from adding
// document listeners that would outlive the widget.
void skip_browser_init();
// After glfwCreateWindow: keys only while the canvas has focus, the wheel to
// the page unless ImGui scrolls a panel. remove_input() undoes it.
void embed_input();
void remove_input();

bool context_lost();
// After a context restore: forgets the dead GL objects, re-enables extensions.
void forget_gl_objects();

// The canvas's CSS box and devicePixelRatio; sets its backbuffer size (true if it changed).
void canvas_css_size(double* w, double* h, double* dpr);
bool set_backbuffer_size(int w, int h);

// Calls Module.onHeadlabEvents(events, error) if the page set it (error: a
// message for the page's 'error' listeners, or null).
void notify_js(int events, const char* error = nullptr);

// Between glfwTerminate() and glfwInit(): makes a fresh canvas from the page
// (Module.headlabNewCanvas) the module's canvas, so that the next window gets
// a new WebGL context. False if the page offers none.
bool replace_canvas();

// Calls Module.onHeadlabAction(action) if the page set it: a Share menu entry
// ("copy-link", "png", ...) or "capture" (the canvas holds the picture asked for).
void page_action(const char* action);
// True after a touch lifted off the canvas, until a mouse or pen moves over it.
bool touch_lifted();

// Would ImGui scroll a panel with this wheel movement (deltaY > 0 is down)?
bool wheel_scrolls_panel(double delta_y);

}  // namespace headlab::web
