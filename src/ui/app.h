// The headlab app, shared by the web page and the desktop window. The
// platform owns the window, the GL context, the ImGui context and backends
// and the loop; each frame it calls prepare() before ImGui::NewFrame() and
// frame() between NewFrame() and Render(). The App trains through the
// RunHost (lab/run_host.h) for the frame's budget, draws what its views show
// and handles the keys both platforms share (Space, S, R). It never touches a
// Session or weights.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "lab/run_host.h"
#include "ui/ui_state.h"

namespace headlab::ui {

class App {
 public:
  // Needs a current GL context and initialised ImGui GLFW/OpenGL3 backends.
  bool init(const ViewOptions& view, std::string* error);
  void shutdown();
  // After the browser restored a lost WebGL context: rebuilds the GL objects
  // (the heatmap atlases are re-uploaded from the run's snapshots on the next frame).
  bool restore_gl(std::string* error);

  // Rebuilds fonts if the framebuffer scale (devicePixelRatio) changed.
  void prepare(float framebuffer_scale);
  // Trains for view().budget_ms (clamped) and draws all panels.
  void frame(RunHost& runner);

  // View options can change at run time (e.g. the page's reset(options)).
  void set_view(const ViewOptions& view);
  const ViewOptions& view() const { return s_.view; }
  ImVec4 clear_color() const;
  const FrameStats& stats() const { return s_.stats; }
  // True once the first snapshot is on screen.
  bool ready() const { return ready_; }
  // True while the screen would change without input or training (animations),
  // so a platform may skip drawing frames when nothing moves.
  bool animating() const { return !ready_ || s_.playback.moving() || !s_.notice.empty(); }
  // The web page's Share menu; the id of an entry clicked since the last call ("" if none).
  void set_share_actions(std::vector<ShareAction> actions) { s_.share_actions = std::move(actions); }
  // The platform edits a typed probe in its own dialog (action "edit-probe").
  void set_probe_dialog(bool on) { s_.probe_dialog = on; }
  std::string take_action() { return std::exchange(s_.requested_action, std::string()); }
  // Shows a short line in the top bar for a few seconds (e.g. "Link copied").
  void show_notice(const std::string& text);
  // Space: play/pause a live run, replay/stop a recorded one.
  void toggle_play(RunHost& runner);
  // The keys both platforms share, pressed while the app has the keyboard:
  // ' ' (Space) trains or pauses (not while keyboard navigation highlights a
  // control: Space activates it then), 's' steps (held down, it keeps
  // stepping), 'r' starts this run again from step 0; other keys do
  // nothing. Not while a text field has the keyboard, nor with a modifier
  // (Ctrl, Alt, Cmd). Returns a message for the reader, or "".
  std::string key(RunHost& runner, char key, bool modifier, bool repeat);
  // The timeline's Replay: step 0 to now over `seconds` (2..60), then live again.
  void replay(float seconds);
  bool replaying() const { return s_.playback.replaying(); }
  // Test hook: (x, y, w, h) in CSS pixels of a named control ("play", "replay", "grid")
  // or of a panel drawn in the last frame ("panel:loss").
  bool item_rect(const std::string& name, ImVec4* rect) const;
  // Every named rectangle of the last frame (controls, panels, "tile:L0H1", "token:5", "probe").
  const std::map<std::string, ImVec4>& item_rects() const { return s_.item_rects; }

 private:
  void on_new_run(const LabView& v);
  void follow_twin(const LabView* twin, float dt);
  void train(RunHost& runner);

  UiState s_;
  uint64_t generation_ = ~uint64_t{0}, twin_generation_ = ~uint64_t{0};
  bool ready_ = false;
  float credit_ms_ = 0.0f;    // training time this frame may spend (see train())
  float call_ms_ = 0.0f;  // measured cost of the last training call
};

}  // namespace headlab::ui
