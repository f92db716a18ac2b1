// The task registry: menu order, the limits make_task() checks before any
// task is built, and the shared default probe.
#include "core/task.h"

#include "core/task_factories.h"

namespace headlab {

namespace {

struct TaskEntry {
  const char* name;
  // Smallest ctx that leaves the task at least two scored positions (or, for
  // fixed-length tasks, fits the whole example).
  int min_ctx;
  // Range and default of TaskSpec::symbols; all 0 = the task has no such option.
  int min_symbols, max_symbols, default_symbols;
  std::unique_ptr<Task> (*make)(const TaskSpec& spec, std::string* error);
};

// Defaults are sized so the tasks learn within a few hundred to a few thousand steps.
const TaskEntry kTasks[] = {
    {"induction", 5, 2, kMaxLetters, 26, make_induction_task},
    {"addsub", 14, 2, 16, 10, make_addsub_task},
    {"coref", 15, 0, 0, 0, make_coref_task},
    {"coref-it", 18, 0, 0, 0, make_coref_it_task},
    {"copy", 6, 2, kMaxLetters, 16, make_copy_task},
    {"reverse", 6, 2, kMaxLetters, 16, make_reverse_task},
    {"sort", 6, 2, kMaxLetters, 16, make_sort_task},
    {"modadd", 5, 2, 128, 13, make_modadd_task},
    {"text", 2, 0, 0, 0, make_text_task},
};

std::string names_joined() {
  std::string s;
  for (const TaskEntry& e : kTasks) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

}  // namespace

std::string letter_label(int i) {
  return std::string(1, static_cast<char>(i < 26 ? 'a' + i : 'A' + (i - 26)));
}

void Task::probe(int* tokens, int* targets) const {
  Rng rng(probe_seed_);
  sample(rng, 1, tokens, targets);
}

std::string Task::read_probe(const std::string& text, std::vector<int>* ids) const {
  const bool bos = !vocab_.empty() && vocab_[0] == "<bos>";
  ids->clear();
  if (bos) ids->push_back(0);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (size_t i = 0; i < text.size();) {
    if (space(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !space(text[end])) ++end;
    for (size_t at = i; at < end;) {
      int best = -1;
      size_t best_len = 0;
      for (int id = 0; id < vocab_size(); ++id) {
        const std::string& t = vocab_[id];
        if (t.size() > best_len && t.size() <= end - at && text.compare(at, t.size(), t) == 0) best = id, best_len = t.size();
      }
      if (best < 0) return unknown_token(text.substr(i, end - i));
      if (!(bos && best == 0 && ids->size() == 1)) ids->push_back(best);  // a typed <bos> is the one added
      at += best_len;
    }
    i = end;
  }
  return probe_length(ids->size(), bos ? 1 : 0);
}

void Task::probe_targets(const int* tokens, int T, int* targets) const {
  for (int i = 0; i < T; ++i) targets[i] = i + 1 < T ? tokens[i + 1] : -1;
}

std::string Task::unknown_token(const std::string& word) const {
  std::string list;
  for (int id = 0; id < vocab_size() && id < 40; ++id) list += (id ? " " : "") + vocab_[id];
  if (vocab_size() > 40) list += " ...";
  return "\"" + word + "\" is not made of this task's tokens (" + list + ")";
}

std::string Task::probe_length(size_t n, int added) const {
  if (n < 2) return "type at least two tokens";
  if (n > static_cast<size_t>(seq_len_))
    return std::to_string(n - added) + " tokens" + (added ? " and <bos>" : "") + ", but this task's sequences have " +
           std::to_string(seq_len_) + " positions and the model has seen no later ones; type at most " +
           std::to_string(seq_len_ - added);
  return "";
}

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const TaskEntry& e : kTasks) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

std::unique_ptr<Task> make_task(const TaskSpec& spec, std::string* error) {
  auto fail = [&](const std::string& msg) {
    if (error) *error = msg;
    return std::unique_ptr<Task>();
  };
  for (const TaskEntry& e : kTasks) {
    if (spec.name != e.name) continue;
    if (spec.ctx < e.min_ctx)
      return fail("ctx: task " + spec.name + " needs ctx >= " + std::to_string(e.min_ctx) +
                  ", got " + std::to_string(spec.ctx));
    TaskSpec resolved = spec;
    if (e.max_symbols == 0) {
      if (spec.symbols != 0)
        return fail("symbols: task " + spec.name + " has no alphabet to resize, got " +
                    std::to_string(spec.symbols) + " (use 0)");
    } else if (spec.symbols == 0) {
      resolved.symbols = e.default_symbols;
    } else if (spec.symbols < e.min_symbols || spec.symbols > e.max_symbols) {
      return fail("symbols: expected " + std::to_string(e.min_symbols) + ".." +
                  std::to_string(e.max_symbols) + " for task " + spec.name + ", got " +
                  std::to_string(spec.symbols));
    }
    std::string why;
    std::unique_ptr<Task> t = e.make(resolved, &why);
    return t ? std::move(t) : fail(why);
  }
  return fail("task: unknown task '" + spec.name + "', expected one of " + names_joined());
}

}  // namespace headlab
