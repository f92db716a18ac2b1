// One function per panel, each drawing into the current ImGui window (the
// layout decides windows and tabs). Each opens with a caption and a (?)
// marker that explains the panel to a tutorial reader.
#pragma once
#include <string>
#include <vector>

#include "lab/run_host.h"
#include "ui/annotations.h"
#include "ui/ui_state.h"

namespace headlab::ui {

void top_bar(RunHost& runner, const LabView& v, UiState& s);
// Play/pause (the top bar's first button, Space): trains or pauses a live
// run; replays or stops replaying a recorded one.
void toggle_play(RunHost& runner, const LabView& v, UiState& s);
// Below the top bar: the three experiments, one click each, and what to watch
// for in the one running. Its height in a window `width` wide, for the layout: experiment_strip_height().
void experiment_strip(RunHost& runner, const LabView& v, UiState& s, bool with_text);
float experiment_strip_height(RunHost& runner, const LabView& v, float width, bool with_text);
// True when the top bar is too narrow for its buttons and the status (step,
// loss, accuracy of both runs) on one row: the status then gets a row of its own.
bool status_needs_row(RunHost& runner, const LabView& v, const UiState& s, float width);
// The top bar's Glossary button and its popup (ui/glossary.cpp).
void glossary_button(const LabView& v);
void panel_controls(RunHost& runner, const LabView& v, UiState& s);
void panel_loss(RunHost& runner, const LabView& v, UiState& s);
void panel_attention_grid(RunHost& runner, const LabView& v, UiState& s);
void panel_head_view(const LabView& v, UiState& s);
void panel_timeline(const LabView& v, UiState& s);
void panel_why_heads(const LabView& v, UiState& s);

// The probe as text above the maps (ui/probe_strip.cpp); returns its height.
float probe_strip(const LabView& v, UiState& s, const std::vector<Repeat>& repeats);

// Under the probe strip: "Type your own input", and the editor it opens (ui/probe_editor.cpp).
void probe_editor(RunHost& runner, const LabView& v, UiState& s);
// The width of its buttons while closed (to see whether they fit beside the colour bar).
float probe_editor_width(const LabView& v);
// The probe as the reader would type it: tokens separated by spaces (without
// the <bos> the task adds), or for task=text the characters themselves.
std::string probe_as_typed(const LabView& v);
// Restarts the run drawn on `probe` ("" = the task's own), playing if it was;
// training is the same whatever the probe. Returns "" or why not (the run stays).
std::string restart_on_probe(RunHost& runner, const LabView& v, const std::string& probe);

// Token label of the probe at position i ("·" for spaces, so they stay visible).
std::string token_label(const LabView& v, int i);
// The strongest role of head (l, h) if its score passes the badge threshold, else -1.
int top_role(const Snapshot& s, int l, int h, float* score);
// Short role names for badges ("prev", "sub", ...), indexed like Snapshot::roles.
const char* role_short(const LabView& v, int role);
// The latest snapshot's badges as the grid draws them, [layer][head] ("" for none),
// and the same on one line ("b@+,b@+,-,-/read+,..."; "-" for none) for the desktop's summary.
std::vector<std::vector<std::string>> role_badges(const LabView& v);
std::string badge_summary(const LabView& v);
// "prev (previous token): ..." for a tooltip.
std::string role_explanation(const LabView& v, int role);

}  // namespace headlab::ui
