#include "ui/widgets.h"

#include <algorithm>
#include <cstdio>

#include "ui/fonts.h"
#include "ui/theme.h"

namespace headlab::ui {

namespace {

// Hover shows `text` in a tooltip; a click or tap opens it as popup `id`.
void explain(const char* id, bool hovered, const char* text) {
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) ImGui::OpenPopup(id);
  const bool open = ImGui::BeginPopup(id);
  if (open || hovered) {
    if (!open) ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    if (open) ImGui::EndPopup();
    else ImGui::EndTooltip();
  }
}

}  // namespace

void explain_item(const char* text) {
  ImGui::PushID(text);
  explain("##explain", ImGui::IsItemHovered(), text);
  ImGui::PopID();
}

void explain_rect(const char* id, ImVec2 min, ImVec2 max, const char* text) {
  explain(id, ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(min, max), text);
}

void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  explain_item(text);
}

void panel_intro(const char* caption, const char* help) {
  // Wrapped short of the (?) so that narrow panels show the whole caption.
  const float marker = ImGui::CalcTextSize("(?)").x + ImGui::GetStyle().ItemSpacing.x;
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(ImGui::GetContentRegionAvail().x - marker, 40.0f));
  ImGui::TextUnformatted(caption);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::SameLine();
  help_marker(help);
}

namespace {

// 1-2-5 steps giving about `target` ticks over [lo, hi].
float nice_step(float lo, float hi, int target) {
  float raw = (hi - lo) / std::max(target, 1);
  if (!(raw > 0)) return 1.0f;
  float mag = std::pow(10.0f, std::floor(std::log10(raw)));
  float r = raw / mag;
  return mag * (r < 1.5f ? 1.0f : r < 3.5f ? 2.0f : r < 7.5f ? 5.0f : 10.0f);
}

void dashed_hline(ImDrawList* dl, float x0, float x1, float y, ImU32 col) {
  for (float x = x0; x < x1; x += 8.0f) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 4.0f, x1), y), col);
}

}  // namespace

float plot(const char* id, const PlotSpec& spec, const std::vector<PlotLine>& lines) {
  const Theme& th = theme();
  ImVec2 size = spec.size;
  if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
  ImGui::PushID(id);
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size);
  bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* small = fonts().small;
  const float fs = small ? small->FontSize * ImGui::GetIO().FontGlobalScale : 11.0f;

  // Data ranges.
  float x_max = spec.x_max, y_lo = INFINITY, y_hi = -INFINITY;
  for (const PlotLine& l : lines) {
    if (std::isnan(spec.x_max) && !l.x.empty()) x_max = std::isnan(x_max) ? l.x.back() : std::max(x_max, l.x.back());
    for (float v : l.y)
      if (std::isfinite(v) && (!spec.log_y || v > 0)) y_lo = std::min(y_lo, v), y_hi = std::max(y_hi, v);
  }
  if (!(x_max > 0)) x_max = 1.0f;
  if (!std::isnan(spec.y_min)) y_lo = spec.y_min;
  if (!std::isnan(spec.y_max)) y_hi = spec.y_max;
  if (!std::isnan(spec.ref_y) && std::isnan(spec.y_max)) y_hi = std::max(y_hi, spec.ref_y * 1.05f);
  if (!std::isnan(spec.ref_y) && std::isnan(spec.y_min)) y_lo = std::min(y_lo, spec.ref_y * 0.95f);
  if (!(y_lo <= y_hi)) y_lo = spec.log_y ? 0.1f : 0.0f, y_hi = 1.0f;
  auto ty = [&](float v) { return spec.log_y ? std::log10(std::max(v, 1e-12f)) : v; };
  float a = ty(y_lo), b = ty(y_hi);
  if (b - a < 1e-6f) a -= spec.log_y ? 0.5f : 0.5f * std::max(std::fabs(a), 1e-3f), b += spec.log_y ? 0.5f : 0.0f;
  if (b - a < 1e-6f) b = a + 1.0f;

  // Plot area leaves room for the title above, y tick labels on the left and x ticks below.
  const float left = fs * 3.2f, bottom = fs + 4.0f, top = spec.title ? fs + 5.0f : 2.0f;
  ImVec2 q0(p0.x + left, p0.y + top), q1(p0.x + size.x - 4, p0.y + size.y - bottom);
  if (spec.title) dl->AddText(small, fs, ImVec2(q0.x, p0.y + 1), th.text_dim, spec.title);
  dl->AddRectFilled(q0, q1, th.plot_bg, 3.0f);
  auto sx = [&](float x) { return q0.x + (q1.x - q0.x) * (x / x_max); };
  auto sy = [&](float v) { return q1.y - (q1.y - q0.y) * ((ty(v) - a) / (b - a)); };

  // Y ticks: powers of ten (and 2, 5 between them when the range is short) on
  // log axes, 1-2-5 steps on linear ones.
  char buf[64];
  float last_label_y = -FLT_MAX;  // a short plot keeps every grid line but not labels that would overlap
  auto ytick = [&](float v) {
    float y = sy(v);
    if (y < q0.y - 0.5f || y > q1.y + 0.5f) return;
    dl->AddLine(ImVec2(q0.x, y), ImVec2(q1.x, y), th.plot_grid);
    if (std::fabs(y - last_label_y) < fs) return;
    last_label_y = y;
    std::snprintf(buf, sizeof buf, "%g", v);
    ImVec2 ts = small->CalcTextSizeA(fs, FLT_MAX, 0, buf);
    dl->AddText(small, fs, ImVec2(q0.x - ts.x - 4, y - fs * 0.5f), th.text_dim, buf);
  };
  if (spec.log_y) {
    // Decades; within a short range also 2 and 5; within a very short one,
    // linear steps on the values themselves.
    const float lo = std::pow(10.0f, a), hi = std::pow(10.0f, b);
    int count = 0;
    for (int e = static_cast<int>(std::floor(a)); e <= static_cast<int>(std::ceil(b)); ++e)
      for (float m : {1.0f, 2.0f, 5.0f}) {
        float v = m * std::pow(10.0f, static_cast<float>(e));
        count += v >= lo && v <= hi;
      }
    if (count >= 2) {
      bool dense = b - a < 1.2f;
      for (int e = static_cast<int>(std::floor(a)); e <= static_cast<int>(std::ceil(b)); ++e)
        for (float m : {1.0f, 2.0f, 5.0f})
          if (m == 1.0f || dense) ytick(m * std::pow(10.0f, static_cast<float>(e)));
    } else {
      float st = nice_step(lo, hi, 3);
      for (float v = std::ceil(lo / st) * st; v <= hi; v += st) ytick(v);
    }
  } else {
    float st = nice_step(a, b, std::max(2, static_cast<int>((q1.y - q0.y) / (fs * 2.2f))));
    for (float v = std::ceil(a / st) * st; v <= b + st * 1e-3f; v += st) ytick(std::fabs(v) < st * 1e-3f ? 0.0f : v);
  }
  // X ticks: steps.
  float xst = nice_step(0, x_max, std::max(2, static_cast<int>((q1.x - q0.x) / (fs * 5.0f))));
  for (float x = 0; x <= x_max * 1.0001f; x += xst) {
    std::snprintf(buf, sizeof buf, "%s", human_number(x).c_str());
    ImVec2 ts = small->CalcTextSizeA(fs, FLT_MAX, 0, buf);
    float px = std::clamp(sx(x) - ts.x * 0.5f, q0.x - ts.x * 0.5f, q1.x - ts.x);
    dl->AddText(small, fs, ImVec2(px, q1.y + 2), th.text_dim, buf);
  }

  dl->PushClipRect(q0, q1, true);
  if (!std::isnan(spec.ref_y)) {
    float y = sy(spec.ref_y);
    dashed_hline(dl, q0.x, q1.x, y, th.text_dim);
    // Labelled on the title's line, right-aligned with a piece of dashed line,
    // where no curve can run through the words (inside the plot one would).
    if (spec.ref_label && spec.title) {
      dl->PopClipRect();
      const float w = small->CalcTextSizeA(fs, FLT_MAX, 0, spec.ref_label).x, x = q1.x - w;
      dashed_hline(dl, x - fs * 1.8f, x - 4, p0.y + 1 + fs * 0.55f, th.text_dim);
      dl->AddText(small, fs, ImVec2(x, p0.y + 1), th.text_dim, spec.ref_label);
      dl->PushClipRect(q0, q1, true);
    } else if (spec.ref_label) {
      dl->AddText(small, fs, ImVec2(q1.x - small->CalcTextSizeA(fs, FLT_MAX, 0, spec.ref_label).x - 4, y + 1), th.text_dim, spec.ref_label);
    }
  }
  std::vector<ImVec2> pts;
  for (const PlotLine& l : lines) {
    auto flush = [&] {
      if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), l.color, 0, 1.6f);
      else if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.0f, l.color);
      pts.clear();
    };
    for (size_t i = 0; i < l.x.size() && i < l.y.size(); ++i) {
      if (!std::isfinite(l.y[i]) || (spec.log_y && l.y[i] <= 0)) {
        flush();
        continue;
      }
      pts.emplace_back(sx(l.x[i]), sy(std::clamp(l.y[i], spec.log_y ? std::pow(10.0f, a) : a, spec.log_y ? std::pow(10.0f, b) : b)));
    }
    flush();
  }
  if (!std::isnan(spec.marker_x)) {
    float x = sx(spec.marker_x);
    dl->AddLine(ImVec2(x, q0.y), ImVec2(x, q1.y), th.accent, 1.5f);
  }

  float hover_x = NAN;
  if (hovered) {
    float mx = ImGui::GetIO().MousePos.x;
    float want = std::clamp((mx - q0.x) / (q1.x - q0.x), 0.0f, 1.0f) * x_max;
    // Snap to the nearest recorded point of the first line that has data.
    for (const PlotLine& l : lines) {
      if (l.x.empty()) continue;
      auto it = std::lower_bound(l.x.begin(), l.x.end(), want);
      if (it == l.x.end() || (it != l.x.begin() && want - *(it - 1) < *it - want)) --it;
      hover_x = *it;
      break;
    }
    if (!std::isnan(hover_x)) {
      float x = sx(hover_x);
      dl->AddLine(ImVec2(x, q0.y), ImVec2(x, q1.y), th.text_dim);
      ImGui::BeginTooltip();
      ImGui::Text("step %s", human_number(hover_x).c_str());
      for (const PlotLine& l : lines) {
        auto it = std::lower_bound(l.x.begin(), l.x.end(), hover_x);
        if (it == l.x.end() || *it != hover_x) continue;
        float v = l.y[it - l.x.begin()];
        if (!std::isfinite(v)) continue;
        ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(l.color),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder, ImVec2(fs * 0.8f, fs * 0.8f));
        ImGui::SameLine();
        std::snprintf(buf, sizeof buf, spec.y_format, v);
        ImGui::Text("%s  %s", l.label.c_str(), buf);
      }
      ImGui::EndTooltip();
    }
  }
  dl->PopClipRect();
  ImGui::PopID();
  return hover_x;
}

void head_matrix(const char* id, const float* values, int n, float vmin, float vmax, Colormap map, float cell,
                 const char* what, const char* format) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  const float label = fs * 1.8f;
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImVec2 size(label + cell * n, label + cell * n);
  ImGui::PushID(id);
  ImGui::InvisibleButton("##m", size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  char buf[32];
  // Column labels "h0 h1 ..." where the cells are wide enough, else just the digits (they would overlap).
  const bool wide = cell >= small->CalcTextSizeA(fs, FLT_MAX, 0, "h00").x;
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "h%d", i);
    dl->AddText(small, fs, ImVec2(p0.x, p0.y + label + cell * (i + 0.5f) - fs * 0.5f), head_color(i), buf);
    const char* column = wide ? buf : buf + 1;
    const float cw = small->CalcTextSizeA(fs, FLT_MAX, 0, column).x;
    dl->AddText(small, fs, ImVec2(p0.x + label + cell * (i + 0.5f) - cw * 0.5f, p0.y + label - fs - 2), head_color(i), column);
  }
  ImVec2 q0(p0.x + label, p0.y + label);
  const bool show_values = cell >= fs * 2.6f;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      float v = values[i * n + j];
      float x = (v - vmin) / (vmax - vmin);
      ImVec2 a(q0.x + j * cell, q0.y + i * cell), b(a.x + cell - 1, a.y + cell - 1);
      dl->AddRectFilled(a, b, colormap_color(map, x));
      if (show_values) {
        std::snprintf(buf, sizeof buf, format, v);
        ImVec2 ts = small->CalcTextSizeA(fs, FLT_MAX, 0, buf);
        ImU32 ink = x > 0.6f ? IM_COL32(0, 0, 0, 220) : IM_COL32(255, 255, 255, 220);
        dl->AddText(small, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - fs) * 0.5f), ink, buf);
      }
    }
  const bool hovered = ImGui::IsItemHovered();
  colour_bar("", map, vmin, vmax, 1.0f, size.x, format);
  if (hovered) {
    ImVec2 m = ImGui::GetIO().MousePos;
    int j = static_cast<int>((m.x - q0.x) / cell), i = static_cast<int>((m.y - q0.y) / cell);
    if (m.x >= q0.x && m.y >= q0.y && i < n && j < n) {
      dl->AddRect(ImVec2(q0.x + j * cell, q0.y + i * cell), ImVec2(q0.x + (j + 1) * cell, q0.y + (i + 1) * cell),
                  theme().accent, 0, 0, 2.0f);
      std::snprintf(buf, sizeof buf, format, values[i * n + j]);
      ImGui::SetTooltip("%s of head %d and head %d: %s", what, i, j, buf);
    }
  }
  ImGui::PopID();
}

float colour_bar_width(const char* label, float vmin, float vmax, float bar_width, const char* format) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, format, vmin);
  std::snprintf(hi, sizeof hi, format, vmax);
  return small->CalcTextSizeA(fs, FLT_MAX, 0, label).x + small->CalcTextSizeA(fs, FLT_MAX, 0, lo).x +
         small->CalcTextSizeA(fs, FLT_MAX, 0, hi).x + bar_width + 18;
}

void colour_bar(const char* label, Colormap map, float vmin, float vmax, float gamma, float width, const char* format) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, format, vmin);
  std::snprintf(hi, sizeof hi, format, vmax);
  const float text_w = colour_bar_width(label, vmin, vmax, 0, format);
  if (width <= 0) width = ImGui::GetContentRegionAvail().x;
  const float bar_w = std::max(width - text_w, 24.0f);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(text_w + bar_w, fs + 4));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = theme().text_dim;
  float x = p.x;
  dl->AddText(small, fs, ImVec2(x, p.y + 2), ink, label);
  x += small->CalcTextSizeA(fs, FLT_MAX, 0, label).x + 6;
  dl->AddText(small, fs, ImVec2(x, p.y + 2), ink, lo);
  x += small->CalcTextSizeA(fs, FLT_MAX, 0, lo).x + 6;
  constexpr int kSteps = 48;
  for (int i = 0; i < kSteps; ++i) {
    const float u = (i + 0.5f) / kSteps;
    dl->AddRectFilled(ImVec2(x + bar_w * i / kSteps, p.y + 3), ImVec2(x + bar_w * (i + 1) / kSteps + 0.5f, p.y + fs + 1),
                      colormap_color(map, std::pow(u, gamma)));
  }
  x += bar_w + 6;
  dl->AddText(small, fs, ImVec2(x, p.y + 2), ink, hi);
}

void badge(const char* text, ImU32 color) {
  ImFont* small = fonts().small;
  const float fs = small->FontSize * ImGui::GetIO().FontGlobalScale;
  ImVec2 ts = small->CalcTextSizeA(fs, FLT_MAX, 0, text);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImVec2 size(ts.x + 10, fs + 4);
  ImGui::Dummy(size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), ImGui::GetColorU32(ImVec4(c.x, c.y, c.z, 0.22f)), size.y * 0.5f);
  dl->AddText(small, fs, ImVec2(p.x + 5, p.y + 2), color, text);
}

std::string human_number(double v) {
  char buf[32];
  double a = std::fabs(v);
  if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace headlab::ui
