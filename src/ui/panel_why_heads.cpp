// Why heads differ: the evidence for the answer to headlab's question. Heads
// see the same input; they differ because they start from different weights
// and so receive different gradients. Shown per layer: gradient sizes and the
// cosine between heads' gradients, how different their maps are (Jensen-
// Shannon) and the diversity curve from step 0, and the roles heads take.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lab/measured.h"
#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {
namespace {

constexpr float kBadgeThreshold = 0.4f;  // attention mass on the role's pattern

// What the init means for the run on screen; rates from the sweep (lab/measured.h).
const std::string& explanation(HeadInit init) {
  using namespace measured;
  auto of = [](Rate r) { return std::to_string(r.k) + " of " + std::to_string(r.n); };
  static const std::string clone_qkv =
      "clone-qkv: the heads start with the same query/key/value weights, so at step 0 they draw the same map, but "
      "the rows of W_O that read them differ. That difference is the only asymmetry; it makes their gradients "
      "differ (cosine < 1), and gradient descent amplifies it until they split. How soon depends on the seed "
      "(on addsub, one layer: learned in " + of(kCloneQkvLearns) + " seeds).";
  static const std::string clone_all =
      "clone-all: the heads start as exact copies, W_O rows included. Swapping two heads changes nothing, so "
      "their gradients are identical (cosine 1) and they stay identical, bit for bit (diversity exactly 0). In "
      "one layer they act as one head: on addsub they learned it in " + of(kCloneAllLearns) +
      " seeds. With two layers they can still divide the work across positions: " + of(kCompositionLearns) + ".";
  static const std::string clone_all_eps =
      "clone-all-eps: exact copies plus a tiny random nudge. The nudge is the only asymmetry; gradient descent "
      "amplifies it exponentially (a straight line on the log scale of Similarity) until the heads split.";
  static const std::string random =
      "random: each head starts from its own random weights - the only difference between heads. Each therefore "
      "receives a different gradient (cosine < 1), and training amplifies the differences. Whether the heads end "
      "in different roles depends on the task: see Roles and Ablation.";
  switch (init) {
    case HeadInit::CloneQKV: return clone_qkv;
    case HeadInit::CloneAll: return clone_all;
    case HeadInit::CloneAllEps: return clone_all_eps;
    case HeadInit::Random: break;
  }
  return random;
}

// Shares the tab between a curve and an H x H matrix: side by side when wide
// enough, else the curve above the matrix.
struct Split {
  ImVec2 plot;
  float cell;
  bool side;
};
Split split_plot_matrix(int H) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float font = ImGui::GetFontSize();
  const float chrome = ImGui::GetFrameHeightWithSpacing() + font * 3.2f + 8;  // caption row, head labels, colour bar
  Split sp;
  sp.cell = std::clamp((avail.y - chrome) / H, 8.0f, font * 2.2f);
  float mat_w = sp.cell * H + font * 1.8f;
  sp.side = avail.x - mat_w - 12 >= 180;
  if (sp.side) {
    sp.plot = ImVec2(avail.x - std::max(mat_w, font * 9.0f) - 12, avail.y - 4);
  } else {
    sp.cell = std::clamp((avail.y * 0.45f - chrome) / H, 6.0f, font * 2.2f);
    sp.plot = ImVec2(avail.x, avail.y - chrome - sp.cell * H - ImGui::GetStyle().ItemSpacing.y - 4);
  }
  return sp;
}

// How far head h's gradient is from the mean of its layer's heads, relative
// to that mean: |g_h - g_mean| / |g_mean|, from the snapshot's norms and
// cosines (g_h . g_k = cos_hk |g_h| |g_k|). 0 when the heads are identical.
float gradient_spread(const Snapshot& snap, int l, int h) {
  const int H = snap.H;
  auto dot = [&](int a, int b) {
    return static_cast<double>(snap.pair(snap.grad_cos, l, a, b)) * snap.head(snap.grad_norm, l, a) * snap.head(snap.grad_norm, l, b);
  };
  double mean2 = 0, own = 0;
  for (int a = 0; a < H; ++a) {
    own += dot(h, a);
    for (int b = 0; b < H; ++b) mean2 += dot(a, b);
  }
  mean2 /= static_cast<double>(H) * H;
  const double d2 = dot(h, h) - 2.0 * own / H + mean2;
  return mean2 > 0 ? static_cast<float>(std::sqrt(std::max(d2, 0.0) / mean2)) : 0.0f;
}

void gradients_tab(const LabView& v, UiState& s, const Snapshot& now) {
  const int H = now.H, l = s.layer;
  // The mechanism at a glance: each head's gradient against the layer's
  // average, on a log scale. Random heads start apart and training drives
  // them further; identical heads get identical gradients, drawn on the
  // bottom line ("identical"), where they stay.
  constexpr float kFloor = 1e-4f;
  std::vector<PlotLine> lines(H);
  for (int h = 0; h < H; ++h) {
    lines[h].label = "head " + std::to_string(h);
    lines[h].color = head_color(h);
    for (const auto& snap : v.snapshots) {
      if (snap->H != H || l >= snap->L) continue;
      const bool identical = snap->diversity[l] == 0.0f;
      lines[h].x.push_back(static_cast<float>(snap->step));
      lines[h].y.push_back(identical ? kFloor : std::max(gradient_spread(*snap, l, h), kFloor));
    }
  }
  const Split sp = split_plot_matrix(H);
  PlotSpec spec;
  spec.size = sp.plot;
  spec.log_y = true;
  spec.y_min = kFloor;
  spec.x_max = std::max(static_cast<float>(v.step), 10.0f);
  spec.marker_x = s.playback.step();
  spec.title = now.diversity[l] == 0.0f ? "identical (bottom line)" : "gradient vs the heads' mean";
  spec.y_format = "%.3g";
  plot("gradspread", spec, lines);
  if (sp.side) ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("gradient cosine");
  ImGui::SameLine();
  help_marker("Cosine between two heads' gradients at the shown step: 1 = pushed in the same direction "
              "(identical heads stay identical), 0 = unrelated, -1 = opposite.");
  head_matrix("cos", now.grad_cos.data() + static_cast<size_t>(l) * H * H, H, -1.0f, 1.0f, s.colormap, sp.cell,
              "gradient cosine", "%.2f");
  ImGui::EndGroup();
}

void similarity_tab(const LabView& v, UiState& s, const Snapshot& now) {
  const int H = now.H, L = now.L, l = s.layer;
  std::vector<PlotLine> lines(L);
  for (int k = 0; k < L; ++k) {
    lines[k].label = "layer " + std::to_string(k);
    lines[k].color = k == l ? theme().accent : theme().text_dim;
    for (const auto& snap : v.snapshots) {
      if (snap->L != L) continue;
      lines[k].x.push_back(static_cast<float>(snap->step));
      lines[k].y.push_back(snap->diversity[k]);
    }
  }
  float max_js = 0;
  for (int a = 0; a < H; ++a)
    for (int b = 0; b < H; ++b) max_js = std::max(max_js, now.pair(now.js, l, a, b));
  // Typical values are 0.01-0.15 nats of a possible ln 2: a scale up to ln 2 would draw them all alike.
  const float js_top = fitted_scale_max(max_js, 0.01f);
  if (H > 1) {
    if (max_js == 0.0f) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(theme().bad), "Layer %d: all heads identical (JS = 0 exactly)", l);
    else ImGui::Text("Layer %d diversity %.3g nats", l, now.diversity[l]);
  }
  const Split sp = split_plot_matrix(H);
  PlotSpec spec;
  spec.size = sp.plot;
  // Log scale: a small difference between heads grows exponentially, a
  // straight line here (exactly 0, for identical heads, is not drawn).
  spec.log_y = true;
  spec.y_format = "%.2g";
  spec.x_max = std::max(static_cast<float>(v.step), 10.0f);
  spec.marker_x = s.playback.step();
  spec.title = "diversity (mean pairwise JS)";
  plot("diversity", spec, lines);
  if (sp.side) ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextDisabled("map difference");
  ImGui::SameLine();
  help_marker("Jensen-Shannon divergence between two heads' attention maps (nats, 0 = identical maps, "
              "ln 2 = 0.69 = nothing in common). Diversity is the mean over all pairs of a layer. The "
              "colour scale runs from 0 to just above the largest value shown, so small differences "
              "stay visible; the bar under the matrix gives its top.");
  head_matrix("js", now.js.data() + static_cast<size_t>(l) * H * H, H, 0.0f, js_top, s.colormap, sp.cell, "JS divergence",
              js_top < 0.1f ? "%.3f" : "%.2f");
  ImGui::EndGroup();
}

void roles_tab(const LabView& v, UiState& s, const Snapshot& now) {
  const int H = now.H, l = s.layer, R = std::min(now.R, static_cast<int>(v.roles.size()));
  const ImGuiTableFlags flags = ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  if (R == 0 || !ImGui::BeginTable("roles", R + 1, flags)) return;
  ImGui::TableSetupColumn("head", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 4.5f);
  for (int r = 0; r < R; ++r) ImGui::TableSetupColumn(v.roles[r].short_name.c_str());
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  ImGui::TableSetColumnIndex(0);
  ImGui::TextDisabled("head");
  for (int r = 0; r < R; ++r) {
    ImGui::TableSetColumnIndex(r + 1);
    ImGui::TextDisabled("%s", v.roles[r].short_name.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %s", v.roles[r].name.c_str(), v.roles[r].help.c_str());
  }
  for (int h = 0; h < H; ++h) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(head_color(h)), "L%d H%d", l, h);
    float best = 0;
    int top = top_role(now, l, h, &best);
    for (int r = 0; r < R; ++r) {
      ImGui::TableSetColumnIndex(r + 1);
      float score = now.role(l, h, r);
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", score);
      if (r == top) badge(text, head_color(h));
      else ImGui::TextDisabled("%s", text);
    }
  }
  ImGui::EndTable();
  ImGui::TextDisabled("Badge: the head's main role (score above %.1f).", kBadgeThreshold);
}

void ablation_tab(const LabView& v, UiState& s, const Snapshot& now) {
  const int H = now.H, l = s.layer;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("Each head's output zeroed in turn, on fixed held-out examples: how much worse the model gets.");
  ImGui::PopTextWrapPos();
  std::vector<PlotLine> lines(H);
  for (int h = 0; h < H; ++h) {
    lines[h].label = "without head " + std::to_string(h);
    lines[h].color = head_color(h);
    for (const auto& snap : v.snapshots) {
      if (snap->H != H || l >= snap->L || snap->ablation_loss.empty()) continue;
      lines[h].x.push_back(static_cast<float>(snap->step));
      lines[h].y.push_back(snap->head(snap->ablation_loss, l, h) - snap->ablation_base_loss);
    }
  }
  const float font = ImGui::GetFontSize();
  const float table_h = (H + 1) * ImGui::GetTextLineHeightWithSpacing() + font;
  PlotSpec spec;
  spec.size = ImVec2(0, std::max(ImGui::GetContentRegionAvail().y - table_h, font * 4));
  spec.x_max = std::max(static_cast<float>(v.step), 10.0f);
  spec.marker_x = s.playback.step();
  spec.ref_y = 0.0f;
  spec.title = "loss rise when the head is zeroed";
  spec.y_format = "%+.3f";
  plot("ablation", spec, lines);
  if (now.ablation_loss.empty()) return;
  const ImGuiTableFlags flags = ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  if (!ImGui::BeginTable("ablation", 3, flags)) return;
  ImGui::TableSetupColumn("head");
  ImGui::TableSetupColumn("loss without it");
  ImGui::TableSetupColumn("accuracy without it");
  ImGui::TableHeadersRow();
  for (int h = 0; h < H; ++h) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(head_color(h)), "L%d H%d", l, h);
    ImGui::TableSetColumnIndex(1);
    ImGui::Text("%.3f (%+.3f)", now.head(now.ablation_loss, l, h), now.head(now.ablation_loss, l, h) - now.ablation_base_loss);
    ImGui::TableSetColumnIndex(2);
    ImGui::Text("%.0f%% (all heads: %.0f%%)", 100.0f * now.head(now.ablation_accuracy, l, h), 100.0f * now.ablation_base_accuracy);
  }
  ImGui::EndTable();
}

}  // namespace

const char* role_short(const LabView& v, int role) {
  return role >= 0 && role < static_cast<int>(v.roles.size()) ? v.roles[role].short_name.c_str() : "?";
}

std::string role_explanation(const LabView& v, int role) {
  if (role < 0 || role >= static_cast<int>(v.roles.size())) return "?";
  const RolePattern& r = v.roles[role];
  return r.short_name + " (" + r.name + "): " + r.help;
}

int top_role(const Snapshot& s, int l, int h, float* score) {
  int best = -1;
  *score = kBadgeThreshold;
  for (int r = 0; r < s.R; ++r)
    if (s.role(l, h, r) >= *score) best = r, *score = s.role(l, h, r);
  return best;
}

std::vector<std::vector<std::string>> role_badges(const LabView& v) {
  std::vector<std::vector<std::string>> out;
  if (v.snapshots.empty()) return out;
  const Snapshot& snap = *v.snapshots.back();
  for (int l = 0; l < snap.L; ++l) {
    out.emplace_back();
    for (int h = 0; h < snap.H; ++h) {
      float score = 0;
      const int role = top_role(snap, l, h, &score);
      out.back().push_back(role >= 0 ? role_short(v, role) : "");
    }
  }
  return out;
}

std::string badge_summary(const LabView& v) {
  std::string s;
  for (const auto& layer : role_badges(v)) {
    s += s.empty() ? "" : "/";
    for (size_t h = 0; h < layer.size(); ++h) s += (h ? "," : "") + (layer[h].empty() ? std::string("-") : layer[h]);
  }
  return s.empty() ? "-" : s;
}

void panel_why_heads(const LabView& v, UiState& s) {
  panel_intro("Same input, different heads: the evidence.",
              "All heads of a layer read the same tokens. The one thing that differs between them is "
              "their starting weights (their Q/K/V slices and the rows of W_O that read them). Each "
              "head's gradient depends on its own weights, so gradient descent amplifies small "
              "differences - and keeps identical heads identical. Whether heads end up doing different "
              "jobs depends on the task: when it rewards several different lookups at once (addsub) "
              "they usually divide the work (identical heads can still divide it across positions and "
              "layers); when one lookup per layer is enough (induction) they converge on it and any one "
              "of them can be removed. Gradients: how far each head's gradient is from "
              "the layer's average, |g - mean| / |mean| on a log scale (the bottom line: exactly 0, identical "
              "heads), and how alike any two are (cosine). Similarity: how different their maps are. Roles: which lookup each does. "
              "Ablation: what the model loses without each head.");
  const Snapshot* now = s.playback.nearest();
  if (!now) {
    ImGui::TextDisabled("Waiting for the first snapshot...");
    return;
  }
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(explanation(v.options.init).c_str());
  ImGui::PopTextWrapPos();
  s.layer = std::clamp(s.layer, 0, now->L - 1);
  for (int l = 0; l < now->L; ++l) {
    char label[16];
    std::snprintf(label, sizeof label, "L%d", l);
    if (l) ImGui::SameLine();
    if (ImGui::RadioButton(label, s.layer == l)) s.layer = l;
  }
  if (!ImGui::BeginTabBar("why")) return;
  if (ImGui::BeginTabItem("Gradients")) {
    gradients_tab(v, s, *now);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Similarity")) {
    similarity_tab(v, s, *now);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Roles")) {
    roles_tab(v, s, *now);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem("Ablation")) {
    ablation_tab(v, s, *now);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace headlab::ui
