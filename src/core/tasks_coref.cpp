// coref: which noun does "it" mean? Word-level template sentences
//
//   [lead] the [desc] N1 didn't VERB the [desc] N2 because it was too ADJ . it = ANSWER <pad>...
//
// N1 is a creature, N2 a place. ANSWER is N1 when ADJ describes creatures
// (tired, scared...) and N2 when it describes places (wide, busy...), so the
// referent is decided by a word that comes *after* "it". The optional lead
// word and descriptive adjectives move every word by up to three positions,
// so position alone cannot solve it. Only ANSWER is scored (predicted at "=");
// <pad> fills the fixed length T.
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
constexpr int kMaxLen = 18;  // every optional word present

const char* const kProbe[] = {"the", "animal", "didn't", "cross", "the", "street", "because", "it",
                              "was", "too", "tired", ".", "it", "=", "animal"};

// A word class: consecutive token ids [first, first + count).
struct Group {
  int first = 0, count = 0;
  int pick(Rng& rng) const { return first + static_cast<int>(rng.below(count)); }
};

class CorefTask : public Task {
 public:
  CorefTask() {
    seq_len_ = kMaxLen;
    add(kFixed);
    leads_ = add(kLeads);
    descs_ = add(kDescs);
    creatures_ = add(kCreatures);
    verbs_ = add(kVerbs);
    places_ = add(kPlaces);
    creature_adjs_ = add(kCreatureAdjs);
    place_adjs_ = add(kPlaceAdjs);
    for (const char* w : kProbe)
      probe_.push_back(static_cast<int>(std::find(vocab_.begin(), vocab_.end(), w) - vocab_.begin()));
  }

  std::string name() const override { return "coref"; }
  std::string description() const override {
    return "Sentences like \"the animal didn't cross the street because it was too tired\": after "
           "\"it =\" the model names what \"it\" means - the animal when the adjective fits a "
           "creature (tired), the street when it fits a place (wide).";
  }

  void sample(Rng& rng, int B, int* tokens, int* targets) const override {
    const int T = seq_len_;
    for (int b = 0; b < B; ++b) {
      int* tok = tokens + b * T;
      int len = 0;
      auto put = [&](int id) { tok[len++] = id; };
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
      for (int id : {kBecause, kIt, kWas, kToo}) put(id);
      const bool creature = rng.below(2) != 0;
      put(creature ? creature_adjs_.pick(rng) : place_adjs_.pick(rng));
      for (int id : {kDot, kIt, kEquals}) put(id);
      put(creature ? n1 : n2);
      finish(tok, targets + b * T, len);
    }
  }

  // The lookup a reader would call coreference: at "it =" (the "it" just
  // before "=" and "=" itself), attention on the earlier noun that the word
  // after "=" names. Scored so the claim can be checked; README.md reports
  // what trained models actually do (they mostly read other words).
  std::vector<RolePattern> roles_on(const int* tokens, int T) const override {
    RolePattern r{"antecedent", "refer", "at \"it =\", attention on the noun \"it\" refers to", {}};
    r.keys.assign(static_cast<size_t>(T) * T, 0);
    for (int q = 1; q + 1 < T; ++q) {
      if (tokens[q] != kEquals || tokens[q - 1] != kIt) continue;
      const int noun = static_cast<int>(std::find(tokens, tokens + q, tokens[q + 1]) - tokens);
      if (noun >= q) continue;
      r.keys[static_cast<size_t>(q - 1) * T + noun] = 1;
      r.keys[static_cast<size_t>(q) * T + noun] = 1;
    }
    return {r};
  }

  void probe(int* tokens, int* targets) const override {
    std::copy(probe_.begin(), probe_.end(), tokens);
    finish(tokens, targets, static_cast<int>(probe_.size()));
  }

 private:
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

  Group leads_, descs_, creatures_, verbs_, places_, creature_adjs_, place_adjs_;
  std::vector<int> probe_;
};

}  // namespace

std::unique_ptr<Task> make_coref_task(const TaskSpec&, std::string*) {
  return std::make_unique<CorefTask>();
}

}  // namespace headlab
