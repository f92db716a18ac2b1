// Typing your own probe: the reader writes an input in the task's tokens and
// the run restarts drawn on it. Training does not depend on the probe (same
// seed, same batches: tests/lab/test_typed_probe_run.cpp), so the restarted
// run learns exactly as before while every snapshot measures the typed input.
#include <algorithm>

#include "imgui.h"
#include "imgui_stdlib.h"  // after imgui.h, which it needs
#include "lab/run_checks.h"
#include "ui/panels.h"
#include "ui/theme.h"

namespace headlab::ui {
namespace {

void start_run(RunHost& runner, const LabView& v, UiState& s, const std::string& probe) {
  s.probe_error = restart_on_probe(runner, v, probe);
  if (s.probe_error.empty()) s.editing_probe = false;
}

}  // namespace

std::string probe_as_typed(const LabView& v) {
  if (!v.options.probe.empty()) return v.options.probe;
  if (v.options.task == "text") {  // the text's first characters, as many as the probe has
    size_t end = 0, chars = 0;
    for (; end < v.options.text.size(); ++end)
      if ((static_cast<unsigned char>(v.options.text[end]) & 0xC0) != 0x80 && chars++ == v.probe.size()) break;
    return v.options.text.substr(0, end);
  }
  std::string out;
  for (size_t i = 0; i < v.probe.size(); ++i) {
    const std::string& t = v.vocab[v.probe[i]];
    if (!(t == "<bos>" && i == 0)) out += (out.empty() ? "" : " ") + t;
  }
  return out;
}

std::string restart_on_probe(RunHost& runner, const LabView& v, const std::string& probe) {
  RunOptions r = v.options;
  r.probe = probe;
  std::string error = validate(r);
  if (!error.empty()) return error;
  const bool playing = v.playing;
  error = runner.reset(r);
  if (error.empty() && playing) runner.play();
  return error;
}

float probe_editor_width(const LabView& v) {
  const ImGuiStyle& st = ImGui::GetStyle();
  if (v.options.probe.empty()) return ImGui::CalcTextSize("Type your own input").x + st.FramePadding.x * 2;
  return ImGui::CalcTextSize("Edit input").x + ImGui::CalcTextSize("Task's input").x + st.FramePadding.x * 4 +
         st.ItemSpacing.x;
}

void probe_editor(RunHost& runner, const LabView& v, UiState& s) {
  const bool typed = !v.options.probe.empty();
  if (!s.editing_probe) {
    if (ImGui::SmallButton(typed ? "Edit input" : "Type your own input")) {
      if (s.probe_dialog) {
        s.requested_action = "edit-probe";
      } else {
        s.editing_probe = true;
        s.focus_probe = true;
        s.probe_draft = probe_as_typed(v);
        s.probe_error.clear();
      }
    }
    s.remember_item("probe-edit");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Draw every head on an input you write, in this task's tokens.\n"
                        "The run restarts from step 0 and learns exactly as before (same seed, same data):\n"
                        "only what is measured changes.");
    if (typed) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Task's input")) start_run(runner, v, s, "");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go back to the task's own probe (restarts the run).");
    }
    return;
  }
  const ImGuiStyle& st = ImGui::GetStyle();
  const float buttons = ImGui::CalcTextSize("Draw").x + ImGui::CalcTextSize("Cancel").x + st.FramePadding.x * 4 +
                        st.ItemSpacing.x * 2;
  ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - buttons, 60.0f));
  if (s.focus_probe) ImGui::SetKeyboardFocusHere(), s.focus_probe = false;
  const std::string hint = v.options.task == "text" ? "any text made of the training text's characters"
                                                    : "tokens separated by spaces, e.g. " + probe_as_typed(v).substr(0, 24);
  const bool enter = ImGui::InputTextWithHint("##probe-text", hint.c_str(), &s.probe_draft,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  s.remember_item("probe-text");
  ImGui::SameLine();
  if (ImGui::Button("Draw") || enter) start_run(runner, v, s, s.probe_draft);
  s.remember_item("probe-draw");
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) s.editing_probe = false, s.probe_error.clear();
  const bool refused = !s.probe_error.empty();
  ImGui::PushStyleColor(ImGuiCol_Text, refused ? ImGui::ColorConvertU32ToFloat4(theme().bad)
                                               : ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::TextWrapped("%s", refused ? s.probe_error.c_str()
                                   : "Restarts the run on this input: it learns exactly as before, only what is "
                                     "drawn changes.");
  ImGui::PopStyleColor();
  if (refused) s.remember_item("probe-error");
}

}  // namespace headlab::ui
