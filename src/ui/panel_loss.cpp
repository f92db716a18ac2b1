// Loss & accuracy: the training loss on a log axis (it falls by orders of
// magnitude) and held-out accuracy, over every step since 0. The history is a
// bounded, thinning series kept by the lab, so this costs the same after a
// million steps as after ten.
#include <cmath>

#include "lab/run_host.h"

#include "ui/panels.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace headlab::ui {

namespace {

void add_history(const LabView& v, PlotLine* loss, PlotLine* acc) {
  for (const HistoryPoint& h : v.history) {
    loss->x.push_back(static_cast<float>(h.step));
    loss->y.push_back(h.loss);
    acc->x.push_back(static_cast<float>(h.step));
    acc->y.push_back(h.accuracy >= 0 ? h.accuracy : NAN);
  }
}

}  // namespace

void panel_loss(RunHost& runner, const LabView& v, UiState& s) {
  panel_intro("Loss and held-out accuracy.",
              "Loss: the model's average surprise at the next token, on each training batch. The "
              "dashed line is a uniform guess over the vocabulary (ln V): below it, the model has "
              "learned something. Accuracy: fraction of next tokens predicted right on fresh examples "
              "it never trained on. Sudden drops in loss often coincide with a head changing role - "
              "compare with the attention grid. The blue line marks the step shown by the timeline. "
              "In compare mode the twin run's curves are drawn in orange.");
  const LabView* twin = runner.twin_view();
  const std::string spec = runner.compare_spec();
  const std::string a = twin ? compare_label(v.options, spec) : "loss", b = twin ? compare_label(twin->options, spec) : "";
  std::vector<PlotLine> loss{{a, theme().accent, {}, {}}}, acc{{twin ? a : "accuracy", twin ? theme().accent : theme().good, {}, {}}};
  add_history(v, &loss[0], &acc[0]);
  if (twin) {
    loss.push_back({b, theme().accent2, {}, {}});
    acc.push_back({b, theme().accent2, {}, {}});
    add_history(*twin, &loss[1], &acc[1]);
  }
  const float x_max = std::max(static_cast<float>(std::max(v.step, twin ? twin->step : 0)), 10.0f);
  const float marker = s.playback.live() ? NAN : s.playback.step();
  float avail = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y;
  // Too short for two readable plots: one at a time, the other a click away.
  const bool one = avail < ImGui::GetFontSize() * 12;
  if (one) {
    if (ImGui::RadioButton("loss", !s.curves_accuracy)) s.curves_accuracy = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("held-out accuracy", s.curves_accuracy)) s.curves_accuracy = true;
    avail = ImGui::GetContentRegionAvail().y;
  }
  PlotSpec ls;
  ls.size.y = one ? avail : std::max(avail * 0.6f, 48.0f);
  ls.log_y = true;
  ls.x_max = x_max;
  ls.marker_x = marker;
  ls.y_format = "%.4f";
  ls.title = "loss";
  float uniform = v.vocab.empty() ? NAN : std::log(static_cast<float>(v.vocab.size()));
  ls.ref_y = uniform;
  ls.ref_label = "uniform guess";
  if (!one || !s.curves_accuracy) plot("loss", ls, loss);
  if (one && !s.curves_accuracy) return;

  PlotSpec as;
  as.size.y = one ? avail : std::max(avail - ls.size.y - ImGui::GetStyle().ItemSpacing.y, 36.0f);
  as.y_min = 0.0f;
  as.y_max = 1.0f;
  as.x_max = x_max;
  as.marker_x = marker;
  as.y_format = "%.3f";
  as.title = "held-out accuracy";
  plot("accuracy", as, acc);
}

}  // namespace headlab::ui
