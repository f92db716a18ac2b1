// coref: which noun does "it" mean? Word-level template sentences
//
//   coref      [lead] the [desc] N1 didn't VERB the [desc] N2 because it was too ADJ ANSWER <pad>...
//                                                                                  ^ scored here, at the clue
//   coref-it   [lead] the [desc] N1 didn't VERB the [desc] N2 because it was too ADJ . it = ANSWER <pad>...
//                                                                                      ^ scored at "="
//
// N1 is a creature, N2 a place. ANSWER is N1 when ADJ describes creatures
// (tired, scared...) and N2 when it describes places (wide, busy...), so the
// referent is decided by the adjective, the clue. The optional lead word and
// descriptive adjectives move every word by up to three positions, so
// position alone cannot solve it; <pad> fills the fixed length T.
//
// coref names the referent at the clue itself: the clue knows which kind of
// noun it needs, so one layer suffices, and the only way for it to copy the
// noun is to attend to it: a head looks from "tired" back at "animal" (the
// referent role). coref-it asks after a second "it" instead, as a reader
// would ask; a left-to-right model cannot know at the first "it" what it
// means (the clue comes later), and at the second it may read words next to
// the nouns rather than the nouns (README.md measures both).
#include <algorithm>

#include "core/task_factories.h"

namespace headlab {

namespace {

const char* const kFixed[] = {"<pad>", "the", "didn't", "because", "it", "was", "too", ".", "="};
const char* const kLeads[] = {"so", "then", "today", "sadly"};
const char* const kDescs[] = {"old", "big", "small", "new"};
const char* const kCreatures[] = {"animal", "dog", "cat", "horse", "child", "cow", "fox", "sheep"};
const char* const kVerbs[] = {"cross", "reach", "pass", "climb", "enter", "leave"};
const char* const kPlaces[] = {"street", "road", "river", "bridge", "hill", "park", "field", "lake"};
const char* const kCreatureAdjs[] = {"tired", "scared", "lazy", "sick", "hungry", "sleepy"};
const char* const kPlaceAdjs[] = {"wide", "busy", "icy", "steep", "long", "crowded"};

enum Fixed { kPad, kThe, kDidnt, kBecause, kIt, kWas, kToo, kDot, kEquals };

const char* const kProbe[] = {"the", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired"};

// A word class: consecutive token ids [first, first + count).
struct Group {
  int first = 0, count = 0;
  int pick(Rng& rng) const { return first + static_cast<int>(rng.below(count)); }
  bool has(int id) const { return id >= first && id < first + count; }
};

class CorefTask : public Task {
 public:
  // at_clue: coref (the answer right after the adjective); else coref-it.
  explicit CorefTask(bool at_clue) : at_clue_(at_clue) {
    seq_len_ = at_clue ? 15 : 18;  // every optional word present
    add(kFixed);
    leads_ = add(kLeads);
    descs_ = add(kDescs);
    creatures_ = add(kCreatures);
    verbs_ = add(kVerbs);
    places_ = add(kPlaces);
    creature_adjs_ = add(kCreatureAdjs);
    place_adjs_ = add(kPlaceAdjs);
    for (const char* w : kProbe) probe_.push_back(id(w));
    if (!at_clue) probe_.insert(probe_.end(), {kDot, kIt, kEquals});
    probe_.push_back(id("animal"));
  }

  std::string name() const override { return at_clue_ ? "coref" : "coref-it"; }
  std::string description() const override {
    return at_clue_ ? "Sentences like \"the animal didn't cross the street because it was too tired\": right after the "
                      "adjective the model names what \"it\" means - the animal when the adjective fits a creature "
                      "(tired), the street when it fits a place (wide)."
                    : "Sentences like \"the animal didn't cross the street because it was too tired . it =\": after "
                      "the second \"it\" the model names what it means - the animal when the adjective fits a "
                      "creature (tired), the street when it fits a place (wide).";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int T = seq_len_;
    for (int b = 0; b < B; ++b) {
      int* tok = tokens + b * T;
      int len = 0;
      auto put = [&](int word) { tok[len++] = word; };
      if (rng.below(2)) put(leads_.pick(rng));
      put(kThe);
      if (rng.below(2)) put(descs_.pick(rng));
      const int n1 = creatures_.pick(rng);
      put(n1);
      put(kDidnt);
      put(verbs_.pick(rng));
      put(kThe);
      if (rng.below(2)) put(descs_.pick(rng));
      const int n2 = places_.pick(rng);
      put(n2);
      for (int word : {kBecause, kIt, kWas, kToo}) put(word);
      const bool creature = rng.below(2) != 0;
      put(creature ? creature_adjs_.pick(rng) : place_adjs_.pick(rng));
      if (!at_clue_)
        for (int word : {kDot, kIt, kEquals}) put(word);
      put(creature ? n1 : n2);
      finish(tok, targets + b * T, len);
    }
  }

  // The lookup a reader would call coreference: from where the answer is
  // predicted (the clue in coref; "it" and "=" in coref-it), attention on the
  // earlier noun that the answer names. Found in any input, typed ones too.
  // coref also scores it by the kind of clue: "who" (a creature's adjective:
  // tired) and "where" (a place's: wide), so heads that split the job show it.
  std::vector<RolePattern> roles_on(const int* tokens, int T) const override {
    RolePattern r = at_clue_ ? RolePattern{"referent", "refer",
                                           "at the clue (\"tired\", \"wide\"), attention on the noun \"it\" refers to",
                                           {}}
                             : RolePattern{"antecedent", "refer", "at \"it =\", attention on the noun \"it\" refers to", {}};
    RolePattern who{"who", "who", "at a creature's adjective (\"tired\"), attention on the creature \"it\" refers to", {}};
    RolePattern where{"where", "where", "at a place's adjective (\"wide\"), attention on the place \"it\" refers to", {}};
    for (RolePattern* p : {&r, &who, &where}) p->keys.assign(static_cast<size_t>(T) * T, 0);
    for (int q = 1; q + 1 < T; ++q) {
      const bool creature = creature_adjs_.has(tokens[q]), place = place_adjs_.has(tokens[q]);
      if (at_clue_ ? !(creature || place) : tokens[q] != kEquals || tokens[q - 1] != kIt) continue;
      const int noun = static_cast<int>(std::find(tokens, tokens + q, tokens[q + 1]) - tokens);
      if (noun >= q) continue;
      r.keys[static_cast<size_t>(q) * T + noun] = 1;
      if (!at_clue_) r.keys[static_cast<size_t>(q - 1) * T + noun] = 1;
      if (creature) who.keys[static_cast<size_t>(q) * T + noun] = 1;
      if (place) where.keys[static_cast<size_t>(q) * T + noun] = 1;
    }
    if (!at_clue_) return {r};
    return {r, who, where};  // (a tie goes to the later role: a badge says "who" or "where" where it can)
  }

  void probe(int* tokens, int* targets) const override {
    std::copy(probe_.begin(), probe_.end(), tokens);
    finish(tokens, targets, static_cast<int>(probe_.size()));
  }

  // As in training, the answer is scored where it is predicted (every next token if there is none).
  void probe_targets(const int* tokens, int T, int* targets) const override {
    bool any = false;
    for (int i = 0; i + 1 < T; ++i) {
      const bool clue = creature_adjs_.has(tokens[i]) || place_adjs_.has(tokens[i]);
      targets[i] = (at_clue_ ? clue : tokens[i] == kEquals) ? tokens[i + 1] : -1;
      any |= targets[i] >= 0;
    }
    targets[T - 1] = -1;
    if (!any) Task::probe_targets(tokens, T, targets);
  }

 private:
  int id(const char* w) const { return static_cast<int>(std::find(vocab_.begin(), vocab_.end(), w) - vocab_.begin()); }

  template <size_t N>
  Group add(const char* const (&words)[N]) {
    const Group g{static_cast<int>(vocab_.size()), static_cast<int>(N)};
    vocab_.insert(vocab_.end(), words, words + N);
    return g;
  }

  // Pads a sentence of `len` words and scores only the answer, its last word.
  void finish(int* tok, int* tgt, int len) const {
    std::fill(tok + len, tok + seq_len_, static_cast<int>(kPad));
    std::fill(tgt, tgt + seq_len_, -1);
    tgt[len - 2] = tok[len - 1];
  }

  bool at_clue_;
  Group leads_, descs_, creatures_, verbs_, places_, creature_adjs_, place_adjs_;
  std::vector<int> probe_;
};

}  // namespace

std::unique_ptr<Task> make_coref_task(const TaskSpec&, std::string*) { return std::make_unique<CorefTask>(true); }
std::unique_ptr<Task> make_coref_it_task(const TaskSpec&, std::string*) { return std::make_unique<CorefTask>(false); }

}  // namespace headlab
