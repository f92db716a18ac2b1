// The glossary: the words the panels use, in plain language, one click or
// tap away from the top bar (a popup, so it also works without hover and
// closes with the next click or tap elsewhere).
#include <algorithm>
#include <iterator>

#include "ui/panels.h"

namespace headlab::ui {
namespace {

struct Term {
  const char* word;
  const char* meaning;
};

const Term kTerms[] = {
    {"head", "One of several attention mechanisms in a layer. Each reads all earlier tokens and decides how much "
             "to take from each; the squares of the grid are heads."},
    {"probe", "The fixed input every head is shown on, written out above the grid."},
    {"<bos>", "Beginning of sequence: a token put first so that every position has something to look at."},
    {"JS", "Jensen-Shannon divergence: how different two attention maps are, in nats. 0 = identical, "
           "ln 2 = 0.69 = nothing in common."},
    {"cosine", "Cosine similarity of two heads' gradients: 1 = pushed in the same direction, 0 = unrelated, "
               "-1 = opposite."},
    {"diversity", "The mean JS divergence over all pairs of heads of a layer: exactly 0 while they are identical."},
    {"d_model", "Width of the residual stream: the length of the vector that stands for each token."},
    {"lr", "Learning rate: how large a step the optimiser (AdamW) takes along the gradient."},
    {"loss", "The model's average surprise at the next token (cross-entropy, nats). Lower is better."},
    {"badge", "The word over a map (sub, add, b@+, read+, induct, who, where, ...): the role the head's attention "
              "plays on the probe, shown once its score passes 0.4. Hover it for what the role means."},
    {"ablation", "Switching a head off (its output set to zero) to measure what the model loses without it."},
    {"if off", "The number over each map: how much the held-out loss would rise if that head were switched off "
               "now (+0.00: the model would not miss it). Measured at every snapshot on a fixed batch."},
    {"off", "A head switched off (its switch over the map): its output is zeroed and it stops learning. In "
            "compare mode a switch applies to both runs, so they stay alike but for the compared option."},
};

}  // namespace

void glossary_button(const LabView& v) {
  if (ImGui::Button("Glossary")) ImGui::OpenPopup("glossary");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("What the words on screen mean");
  if (!ImGui::BeginPopup("glossary")) return;
  // A child of its own height scrolls (with the wheel too) where the screen is shorter than the glossary.
  const float lines = 3.0f * static_cast<float>(v.roles.size() + std::size(kTerms)) + 4.0f;
  const float width = std::min(ImGui::GetFontSize() * 30, ImGui::GetIO().DisplaySize.x * 0.9f);
  ImGui::BeginChild("##terms", ImVec2(width, std::min(lines * ImGui::GetTextLineHeight(), ImGui::GetIO().DisplaySize.y * 0.75f)));
  ImGui::PushTextWrapPos(width - ImGui::GetStyle().ScrollbarSize - 4);
  if (!v.roles.empty()) ImGui::TextDisabled("Roles (the word over a head that does one lookup):");
  for (const RolePattern& r : v.roles) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s - %s: %s", r.short_name.c_str(), r.name.c_str(), r.help.c_str());
  }
  ImGui::Spacing();
  ImGui::TextDisabled("Terms:");
  for (const Term& t : kTerms) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s - %s", t.word, t.meaning);
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::EndPopup();
}

}  // namespace headlab::ui
