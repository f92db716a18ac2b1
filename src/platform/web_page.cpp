#include "platform/web_page.h"

#include <emscripten.h>

#include "imgui.h"
#include "imgui_internal.h"  // HoveredWindow and scroll limits

// Emscripten 3.1.6's GLFW is written for a full-page app; in an article it
// misbehaves in three ways, fixed here right after the window exists:
//  - it listens for keys on `window`, so every widget sees (and for Backspace
//    and Tab, swallows) keys typed anywhere on the host page: the canvas gets
//    them instead, i.e. only while it has focus, and Tab is left to the
//    browser so keyboard users can move on;
//  - its wheel listener always calls preventDefault, trapping the reader's
//    scrolling: ours forwards the wheel only when ImGui would scroll a panel;
//  - Browser.init() adds pointer-lock listeners to `document` that nothing
//    removes, which would keep a destroyed widget's memory alive. We never
//    lock the pointer, so it is marked as done before the window is created;
//    the one thing GLFW needs from it, canvas.exitPointerLock (called when
//    ImGui sets the cursor), becomes a no-op rather than releasing a lock the
//    host page may hold.
EM_JS(void, js_skip_browser_init, (), {
  Browser.initted = true;
  Module['canvas'].exitPointerLock = function() {};
});

// Space and the arrows would also scroll the host page: the focused widget
// keeps them (Space trains or pauses, the arrows move ImGui's keyboard focus).
// Keeping Space also cancels its keypress, so its character is passed on
// here (a text field, e.g. the probe editor, needs it).
// A touch that lifts is remembered, so the engine can stop hovering where it was.
EM_JS(void, js_embed_input, (), {
  var canvas = Module['canvas'];
  var keydown = function(e) {
    if (e.keyCode === 9) return;
    if (e.keyCode === 32 || (e.keyCode >= 37 && e.keyCode <= 40)) e.preventDefault();
    GLFW.onKeydown(e);
    if (e.keyCode === 32) GLFW.onKeyPress({charCode: 32, ctrlKey: e.ctrlKey, metaKey: e.metaKey});
  };
  var wheel = function(e) { if (Module['_headlab_wheel_wanted'](e.deltaY)) GLFW.onMouseWheel(e); };
  var pointer = function(e) { Module['headlabTouchLifted'] = e.type === 'pointerup' && e.pointerType === 'touch'; };
  Module['headlabInput'] = [['keydown', keydown], ['keypress', GLFW.onKeyPress], ['keyup', GLFW.onKeyup],
                            ['blur', GLFW.onBlur], ['wheel', wheel], ['pointerdown', pointer],
                            ['pointermove', pointer], ['pointerup', pointer]];
  [['keydown', GLFW.onKeydown], ['keypress', GLFW.onKeyPress], ['keyup', GLFW.onKeyup], ['blur', GLFW.onBlur]]
    .forEach(function(l) { window.removeEventListener(l[0], l[1], true); });
  canvas.removeEventListener('wheel', GLFW.onMouseWheel, true);
  canvas.removeEventListener('mousewheel', GLFW.onMouseWheel, true);
  Module['headlabInput'].forEach(function(l) { canvas.addEventListener(l[0], l[1], true); });
});

EM_JS(void, js_remove_input, (), {
  var canvas = Module['canvas'];
  (Module['headlabInput'] || []).forEach(function(l) { canvas.removeEventListener(l[0], l[1], true); });
  Module['headlabInput'] = null;
});

EM_JS(void, js_page_action, (const char* action), {
  if (Module['onHeadlabAction']) Module['onHeadlabAction'](UTF8ToString(action));
});

EM_JS(int, js_touch_lifted, (), { return Module['headlabTouchLifted'] ? 1 : 0; });

EM_JS(int, js_context_lost, (), { return GLctx.isContextLost() ? 1 : 0; });

// After a restore the context is the same JS object, but every GL object made
// before the loss is dead. Emscripten still maps our ids to them: forget them,
// so the glDelete* calls of re-initialisation skip them instead of handing
// dead objects to the new context (which warns), and re-enable extensions.
EM_JS(void, js_forget_gl_objects, (), {
  [GL.buffers, GL.programs, GL.framebuffers, GL.renderbuffers, GL.textures, GL.shaders, GL.vaos, GL.queries,
   GL.samplers, GL.transformFeedbacks, GL.syncs].forEach(function(table) {
    if (table) table.fill(null);
  });
  GL.currentContext.initExtensionsDone = false;
  GL.initExtensions(GL.currentContext);
});

EM_JS(void, js_notify, (int events, const char* error), {
  if (Module['onHeadlabEvents']) Module['onHeadlabEvents'](events, error ? UTF8ToString(error) : "");
});

// A context the browser evicted (too many on the page) never comes back: the
// page swaps in a fresh canvas (Module.headlabNewCanvas, from headlab.js), on
// which the next glfwCreateWindow makes a new context. The old context's
// handle is dropped from Emscripten's table. Returns 1 if there is a new canvas.
EM_JS(int, js_replace_canvas, (), {
  if (!Module['headlabNewCanvas']) return 0;
  var canvas = Module['headlabNewCanvas']();
  if (!canvas) return 0;
  if (GL.currentContext) GL.deleteContext(GL.currentContext.handle);
  Module['canvas'] = canvas;
  return 1;
});

// Emscripten 3.1.6's GLFW has no HiDPI support: we read the canvas's CSS box
// and devicePixelRatio, size the backbuffer ourselves and tell ImGui the scale.
// Not through glfwSetWindowSize: it requests fullscreen whenever the size
// asked for equals the screen's (a widget filling an iframe, or a 640x400 box
// at devicePixelRatio 2 on a 1280x800 screen). Nothing else reads GLFW's idea
// of the size: ImGui's display size and scale are set from ours each frame,
// and mouse positions come from the canvas itself. Returns 1 if it changed.
EM_JS(int, js_set_backbuffer_size, (int w, int h), {
  var canvas = Module['canvas'];
  if (canvas.width === w && canvas.height === h) return 0;
  canvas.width = w;
  canvas.height = h;
  return 1;
});

EM_JS(void, js_canvas_css_size, (double* w, double* h, double* dpr), {
  var r = Module['canvas'].getBoundingClientRect();
  HEAPF64[w >> 3] = r.width;
  HEAPF64[h >> 3] = r.height;
  HEAPF64[dpr >> 3] = window.devicePixelRatio || 1;
});

namespace headlab::web {

void skip_browser_init() { js_skip_browser_init(); }
void embed_input() { js_embed_input(); }
void remove_input() { js_remove_input(); }
bool context_lost() { return js_context_lost() != 0; }
void forget_gl_objects() { js_forget_gl_objects(); }
void canvas_css_size(double* w, double* h, double* dpr) { js_canvas_css_size(w, h, dpr); }
bool set_backbuffer_size(int w, int h) { return js_set_backbuffer_size(w, h) != 0; }
void notify_js(int events, const char* error) { js_notify(events, error); }
bool replace_canvas() { return js_replace_canvas() != 0; }
void page_action(const char* action) { js_page_action(action); }
bool touch_lifted() { return js_touch_lifted() != 0; }

// Mirrors ImGui 1.86's choice of window (the hovered one, or the nearest
// scrollable parent of a child window) and lets the page scroll on when the
// panel is already at that end, as nested scroll areas in a browser do.
bool wheel_scrolls_panel(double delta_y) {
  const ImGuiContext& g = *GImGui;
  ImGuiWindow* w = g.HoveredWindow;
  if (!w || delta_y == 0) return false;
  if (g.HoveredIdUsingMouseWheel) return true;
  while ((w->Flags & ImGuiWindowFlags_ChildWindow) &&
         (w->ScrollMax.y == 0.0f || (w->Flags & ImGuiWindowFlags_NoScrollWithMouse)))
    w = w->ParentWindow;
  if ((w->Flags & ImGuiWindowFlags_NoScrollWithMouse) || w->ScrollMax.y <= 0.0f) return false;
  return delta_y > 0 ? w->Scroll.y < w->ScrollMax.y : w->Scroll.y > 0.0f;
}

}  // namespace headlab::web
