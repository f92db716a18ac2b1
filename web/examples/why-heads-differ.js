// The article's page script: under the compare widget, each run's step,
// accuracy and head diversity, from the widget's element API (headlab-* events).
import '../headlab.js';  // defines <headlab-widget> (the page loads it too; modules load once)

const pct = (x) => (x == null ? '-' : `${Math.round(x * 100)}%`);
const div = (snap) => (snap ? snap.diversity.map((x) => x.toFixed(3)).join('/') : '-');

for (const w of document.querySelectorAll('headlab-widget[experiment=symmetry]')) {
  const out = w.closest('figure').querySelector('[data-compare]');
  w.addEventListener('headlab-snapshot', ({detail: s}) => {
    if (!s.compare) return;
    // (Both runs train in lockstep: the widget shows them at the same step.)
    out.textContent = `step ${s.step}, both runs · random: accuracy ${pct(s.accuracy)}, diversity ${div(s.snapshot)} · ` +
                      `clone-all: accuracy ${pct(s.compare.accuracy)}, diversity ${div(s.compare.snapshot)}`;
  });
}
