// Internal to core/: the constructor of each task family, called by
// make_task() once it has checked the spec (name known, ctx large enough,
// symbols resolved to the task default and within range), plus the label
// schemes the families share.
#pragma once
#include <memory>
#include <string>

#include "core/task.h"

namespace headlab {

// Letter labels a..z then A..Z keep heatmap axes one character wide.
constexpr int kMaxLetters = 52;
std::string letter_label(int i);

std::unique_ptr<Task> make_induction_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_addsub_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_coref_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_coref_it_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_copy_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_reverse_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_sort_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_modadd_task(const TaskSpec& spec, std::string* error);
std::unique_ptr<Task> make_text_task(const TaskSpec& spec, std::string* error);

}  // namespace headlab
