#include "platform/web_state.h"

#include <cmath>
#include <vector>

#include "imgui.h"
#include "lab/json.h"
#include "ui/panels.h"

namespace headlab::web {
namespace {

// A training text longer than this stays out of links (a URL of megabytes is no link).
constexpr size_t kMaxLinkText = 4000;

// The options in force, as the strings set_option accepts (the training text is left out: it can be megabytes).
std::string options_json(const LabView& v, const ViewOptions& view) {
  std::string out;
  for (const auto& [key, value] : describe(v.options))
    if (key != "text") out += (out.empty() ? "" : ",") + json_string(key) + ":" + json_string(value);
  for (const auto& [key, value] : describe(view)) out += "," + json_string(key) + ":" + json_string(value);
  return "{" + out + "}";
}

// The latest recorded snapshot: its step, each layer's head diversity (mean
// pairwise JS divergence of the heads' maps; exactly 0 while a layer's heads
// are identical) and each head's role badge as the grid draws it ("" for none).
std::string snapshot_json(const LabView& v) {
  if (v.snapshots.empty()) return "null";
  const Snapshot& snap = *v.snapshots.back();
  std::string s = "{\"step\":" + std::to_string(snap.step) + ",\"diversity\":[";
  for (size_t l = 0; l < snap.diversity.size(); ++l) s += (l ? "," : "") + json_number(snap.diversity[l]);
  s += "],\"badges\":[";
  const auto badges = ui::role_badges(v);
  for (size_t l = 0; l < badges.size(); ++l) {
    s += l ? ",[" : "[";
    for (size_t h = 0; h < badges[l].size(); ++h) s += (h ? "," : "") + json_string(badges[l][h]);
    s += "]";
  }
  return s + "]}";
}

}  // namespace

std::string state_json(const RunHost& runner, const ui::App& app, bool suspended, bool play_on_return, bool context_lost,
                       long frames) {
  const LabView& v = runner.view();
  const ui::FrameStats& st = app.stats();
  auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
  std::string s = "{\"ready\":" + flag(app.ready()) + ",\"step\":" + std::to_string(v.step) +
                  ",\"loss\":" + json_number(v.loss) + ",\"accuracy\":" + json_number(v.accuracy >= 0 ? v.accuracy : NAN) +
                  ",\"playing\":" + flag(v.playing || play_on_return) + ",\"replaying\":" + flag(app.replaying()) +
                  ",\"suspended\":" + flag(suspended) +
                  ",\"contextLost\":" + flag(context_lost) + ",\"fault\":" +
                  (v.fault == Fault::None ? std::string("null") : json_string(v.fault_message)) +
                  ",\"stepsPerSec\":" + json_number(v.steps_per_sec) + ",\"tokensPerSec\":" + json_number(v.tokens_per_sec) +
                  ",\"frameMs\":" + json_number(st.frame_ms) + ",\"trainMs\":" + json_number(st.train_ms) +
                  ",\"uiMs\":" + json_number(st.ui_ms) + ",\"generation\":" + std::to_string(v.generation) +
                  ",\"frames\":" + std::to_string(frames) + ",\"trainer\":" + json_string(runner.where()) +
                  ",\"recorded\":" + (v.recorded.empty() ? std::string("null") : json_string(v.recorded)) +
                  ",\"typing\":" + flag(ImGui::GetIO().WantTextInput) +
                  ",\"probeText\":" + json_string(ui::probe_as_typed(v));
  s += ",\"snapshots\":" + std::to_string(v.snapshots.size()) + ",\"snapshot\":" + snapshot_json(v);
  // Compare mode's twin run: the option that tells it apart and how far it got.
  if (const LabView* twin = runner.twin_view()) {
    s += ",\"compare\":{\"options\":" + options_json(*twin, app.view()) + ",\"step\":" + std::to_string(twin->step) +
         ",\"loss\":" + json_number(twin->loss) +
         ",\"accuracy\":" + json_number(twin->accuracy >= 0 ? twin->accuracy : NAN) + ",\"snapshot\":" + snapshot_json(*twin) + "}";
  } else {
    s += ",\"compare\":null";
  }
  s += ",\"options\":" + options_json(v, app.view()) + ",\"share\":{";
  bool first = true;
  for (const auto& [key, value] : changed_from_defaults(v.options, app.view())) {
    if (key == "text" && value.size() > kMaxLinkText) continue;
    s += std::string(first ? "" : ",") + json_string(key) + ":" + json_string(value);
    first = false;
  }
  // Screen rectangles [x, y, w, h] (CSS pixels) of the named controls, panels,
  // maps ("tile:L0H1") and probe tokens ("token:5") drawn in the last frame.
  s += "},\"ui\":{";
  first = true;
  for (const auto& [name, r] : app.item_rects()) {
    s += std::string(first ? "" : ",") + json_string(name) + ":[" + json_number(r.x) + "," + json_number(r.y) + "," +
         json_number(r.z) + "," + json_number(r.w) + "]";
    first = false;
  }
  return s + "}}";
}

}  // namespace headlab::web
