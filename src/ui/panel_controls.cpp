// Controls: the run's settings, the buttons, training speed and the look.
// Shape-changing settings wait for Reset (they need a new model); learning
// rate, weight decay and clipping apply to the running model at once.
// Widgets only offer valid values, so an invalid run cannot be entered:
// bounds and lists come from the option table, d_model is a multiple of heads.
#include <cstdio>

#include "imgui.h"
#include "imgui_stdlib.h"  // after imgui.h, which it needs
#include "lab/run_checks.h"
#include "lab/measured.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

namespace {
constexpr size_t kEditableText = 64 << 10;  // longer training texts are not edited in the panel
}  // namespace
namespace {

// A dim title with a rule to its right: one row per section, so the panel fits small canvases.
void section(const char* title, float right_margin = 0.0f) {
  ImGui::TextDisabled("%s", title);
  ImVec2 a = ImGui::GetItemRectMax(), b = ImGui::GetItemRectMin();
  float y = (a.y + b.y) * 0.5f;
  float x1 = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - right_margin;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x + 8, y), ImVec2(x1, y), ImGui::GetColorU32(ImGuiCol_Separator));
}

// A slider whose label sits inside it ("layers 2"), so two fit on a row.
bool slider(const char* id, const char* key, int* v, int cap, const char* format, const char* help) {
  const OptionInfo& o = *find_option(key);
  const int lo = static_cast<int>(o.lo);
  const int hi = std::min(static_cast<int>(o.hi), cap);  // keep the sliders in sizes that train at interactive speed
  bool changed = ImGui::SliderInt(id, v, lo, hi, format, ImGuiSliderFlags_AlwaysClamp);
  if (help && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
  return changed;
}

// Width of one of two widgets sharing a row; call before each, SameLine between.
float half_width() { return (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f; }

// Nearest multiple of heads to d_model that is at least 4 wide in total, 2 per head, and in range.
int snap_d_model(int d_model, int heads) {
  const OptionInfo& o = *find_option("d-model");
  int per_head = std::max(2, (d_model + heads / 2) / heads);
  int d = per_head * heads;
  while (d > o.hi) d -= heads;
  return std::max(d, std::max(heads * 2, static_cast<int>(o.lo)));
}

// A combo over an option's choices; true when one was picked.
bool choice_combo(const char* id, const char* key, std::string* value) {
  const std::string preview = std::string(key) + ": " + *value;
  bool picked = false;
  if (ImGui::BeginCombo(id, preview.c_str())) {
    for (const std::string& c : find_option(key)->choices())
      if (ImGui::Selectable(c.c_str(), c == *value)) *value = c, picked = true;
    ImGui::EndCombo();
  }
  return picked;
}

std::string init_help() {
  using measured::Rate;
  auto of = [](Rate r) { return std::to_string(r.k) + " of " + std::to_string(r.n); };
  return "How each head's weights start.\n"
         "random: every head drawn independently (the normal case).\n"
         "clone-qkv: all heads of a layer start with the same query/key/value weights, but the output "
         "projection reads each head differently. They compute the same pattern at step 0, yet receive "
         "different gradients, so they usually split (addsub, one layer: learned in " +
         of(measured::kCloneQkvLearns) + " seeds).\n"
         "clone-all: query/key/value AND output weights identical. Swapping two heads changes nothing, so "
         "their gradients are identical and they stay identical for ever.\n"
         "clone-all-eps: clone-all plus a tiny random nudge; the symmetry breaks, slowly.";
}

}  // namespace

void panel_controls(RunHost& runner, const LabView& v, UiState& s) {
  if (v.fault != Fault::None) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme().bad));
    ImGui::TextWrapped("Training stopped: %s", v.fault_message.c_str());
    ImGui::PopStyleColor();
    char label[64];
    std::snprintf(label, sizeof label, "Restore step %d", v.last_good_step);
    if (ImGui::Button(label)) runner.restore_last_good();
    ImGui::SameLine();
    ImGui::TextDisabled("then lower the learning rate");
  }

  const float marker_w = ImGui::CalcTextSize("(?)").x;
  section("Task and model", marker_w + ImGui::GetStyle().ItemSpacing.x);
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - marker_w);
  help_marker("Choose what the model learns (task) and its size, then press Train. Model settings "
              "apply when you press Reset; the learning rate applies immediately. The speed slider "
              "sets how many milliseconds of each frame go to training.");
  RunOptions& p = s.pending;
  const float help_w = ImGui::CalcTextSize("(?)").x + ImGui::GetStyle().ItemSpacing.x;

  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - help_w);
  if (choice_combo("##task", "task", &p.task)) p.probe.clear();  // a typed probe is in the old task's tokens
  ImGui::SameLine();
  help_marker(v.task_description.empty() ? "The task the model is trained on." : v.task_description.c_str());
  if (p.task == "text") {
    // ImGui lays out a text field's whole text every frame: megabytes would
    // cost ~50 ms a frame (a 4 MiB text: 54.7 ms of UI, 7.9 ms without the
    // field). A long text is shown as what it is; the page or --text-file sets it.
    if (p.text.size() <= kEditableText) {
      ImGui::InputTextMultiline("##text", &p.text, ImVec2(-1, ImGui::GetTextLineHeight() * 4));
    } else {
      ImGui::TextDisabled("Training text: %.1f MiB, too long to edit here (set it with text= or --text-file).",
                          p.text.size() / 1048576.0);
      const std::string start = p.text.substr(0, 60);
      ImGui::TextDisabled("It starts: %s...", start.c_str());
    }
  }
  float half = half_width();
  ImGui::SetNextItemWidth(half);
  slider("##layers", "layers", &p.layers, 4, "layers %d", "Transformer blocks. Induction heads need 2.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  if (slider("##heads", "heads", &p.heads, 16, "heads %d", "Attention heads per layer.")) p.d_model = snap_d_model(p.d_model, p.heads);
  char dm[48];
  std::snprintf(dm, sizeof dm, "d_model %d", p.d_model);
  ImGui::SetNextItemWidth(half);
  if (ImGui::BeginCombo("##d_model", dm)) {
    const OptionInfo& d_model = *find_option("d-model");
    for (int per_head : {2, 4, 8, 16, 32, 64}) {
      int d = per_head * p.heads;
      if (d < d_model.lo || d > d_model.hi) continue;
      std::snprintf(dm, sizeof dm, "%d  (%d per head)", d, per_head);
      if (ImGui::Selectable(dm, d == p.d_model)) p.d_model = d;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Width of the residual stream: %d per head x %d heads. The MLP is 4x wider.", p.d_model / p.heads, p.heads);
  p.d_mlp = 4 * p.d_model;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  slider("##ctx", "ctx", &p.ctx, 128, "context %d", "Longest sequence the model sees; the task picks its length within it.");

  section("Training");
  ImGui::SetNextItemWidth(half);
  slider("##batch", "batch", &p.batch, 128, "batch %d", "Sequences per optimiser step. Smaller = faster steps, noisier.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  // A narrower range than the option's: where this model trains at all.
  float lr = p.live.lr;
  if (ImGui::SliderFloat("##lr", &lr, 1e-4f, 3e-2f, "lr %.1e", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
    p.live.lr = lr;
    LiveOptions now = v.options.live;
    now.lr = lr;
    s.message = runner.set_live(now);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("AdamW learning rate; applies immediately.");
  const float seed_w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.4f;
  ImGui::SetNextItemWidth(seed_w);
  ImGui::DragScalar("##seed", ImGuiDataType_U64, &p.seed, 0.2f, nullptr, nullptr, "seed %llu");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Random seed (drag, or double-click to type). Same seed and settings, same run.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - help_w);
  std::string init = head_init_name(p.init);
  if (choice_combo("##init", "init", &init)) parse_head_init(init, &p.init);
  ImGui::SameLine();
  static const std::string help = init_help();
  help_marker(help.c_str());
  if (p.init == HeadInit::CloneAllEps) {
    const OptionInfo& nudge = *find_option("nudge");
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - help_w);
    ImGui::SliderFloat("##nudge", &p.nudge, static_cast<float>(nudge.lo), static_cast<float>(nudge.hi), "nudge %.0e",
                       ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
    ImGui::SameLine();
    help_marker("Standard deviation of the noise added to each copied weight (the weights themselves have "
                "0.02). The smaller the nudge, the longer the heads take to split: the difference grows "
                "exponentially (Why heads differ, Similarity, log scale). Applies on Reset.");
  }
  // Compare mode: the same run beside this one with identical heads.
  bool compare = runner.compare_spec() == "init:clone-all";
  if (ImGui::Checkbox("compare with identical heads", &compare)) {
    s.message = runner.set_compare(compare ? "init:clone-all" : "");
    if (s.message.empty()) s.view.compare = runner.compare_spec();
  }
  ImGui::SameLine();
  help_marker("Trains a twin of this run whose heads start identical (init=clone-all), beside it, with the "
              "same data and seed. Turning it on starts both from step 0. Other comparisons: the compare "
              "option, e.g. ?compare=lr:3e-3.");

  // Shape or data changes wait for Reset; say so, and say why Reset would fail.
  const RunOptions want = s.wanted_run();
  const bool pending = !changed_options(v.options, want, kScopeRun).empty();
  // validate() builds the task (for task=text it decodes the whole text):
  // only for edits waiting for Reset, and once per edit, not per frame.
  if (pending && (!s.checked || !changed_options(s.checked_run, want, kScopeRunAndLive).empty())) {
    s.checked_run = want;
    s.check = validate(want);
    s.checked = true;
  }
  const std::string invalid = pending ? s.check : "";
  // Reset and one step are the top bar's; here only what it lacks.
  ImGui::Spacing();
  if (pending) {
    ImGui::BeginDisabled(!invalid.empty());
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    if (ImGui::Button("Apply: new run")) s.message = runner.reset(want);
    ImGui::PopStyleColor();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Start a new run with these settings (as Reset).");
    ImGui::SameLine();
  }
  if (ImGui::Button("+10")) runner.step(10);
  ImGui::SameLine();
  if (ImGui::Button("+100")) runner.step(100);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run that many steps now, then pause.");
  if (!invalid.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme().bad), "%s", invalid.c_str());
  else if (!s.message.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme().bad), "%s", s.message.c_str());
  else if (pending) ImGui::TextDisabled("Changed settings apply on Reset.");

  // The desktop app trains on a worker thread, where a per-frame budget means nothing.
  if (runner.trains_in_frame()) {
    section("Speed and view");
    ImGui::SetNextItemWidth(-1);
    const OptionInfo& speed = *find_option("speed");
    ImGui::SliderFloat("##budget", &s.view.budget_ms, static_cast<float>(speed.lo), static_cast<float>(speed.hi),
                       "train %.0f ms per frame", ImGuiSliderFlags_AlwaysClamp);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Training time per frame. More trains faster; past about 10 ms the page starts to stutter.\n"
                        "If one step takes longer than this, steps run only every few frames, so the\n"
                        "page keeps drawing at its pace.");
  } else {
    section("View");
  }
  half = half_width();
  ImGui::SetNextItemWidth(half);
  int cmap = static_cast<int>(s.colormap);
  if (ImGui::Combo("##colours", &cmap, kColormapNames, 2)) s.colormap = static_cast<Colormap>(cmap);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Heatmap colour map (perceptually uniform).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  ImGui::SliderFloat("##contrast", &s.gamma, 0.25f, 1.0f, s.gamma == 1.0f ? "colours: linear" : "colours: w^%.2f",
                     ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Heatmaps colour weight^contrast. 1 = linear (the default): colour is proportional to\n"
                      "the weight. Below 1, faint attention becomes visible but the scale is no longer\n"
                      "linear; the colour bar above the grid says which mapping is shown.");
}

}  // namespace headlab::ui
