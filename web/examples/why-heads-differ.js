// The article's page script: shows each widget's head diversity under it,
// wires the "Pause all" and "Restart all" buttons and, on a phone (where
// article.css stacks the three widgets in one place), the toggle that shows one. It only talks to the
// widgets through their element API (methods and headlab-* events).
import '../headlab.js';  // defines <headlab-widget> (the page loads it too; modules load once)

const widgets = [...document.querySelectorAll('headlab-widget')];

for (const w of widgets) {
  const out = w.closest('figure').querySelector('[data-diversity]');
  w.addEventListener('headlab-snapshot', ({detail: s}) => {
    const d = s.snapshot.diversity.map((x, l) => `L${l + 1} ${x.toFixed(3)}`).join(' · ');
    out.textContent = `step ${s.snapshot.step} · head diversity ${d}`;
  });
}

const pause = document.getElementById('pause-all');
pause.addEventListener('click', () => {
  const playing = widgets.some((w) => w.state()?.playing);
  widgets.forEach((w) => (playing ? w.pause() : w.play()));
  pause.textContent = playing ? 'Train all' : 'Pause all';
});
document.getElementById('restart-all').addEventListener('click', () => {
  widgets.forEach((w) => {
    w.reset();
    w.play();
  });
  pause.textContent = 'Pause all';
});

// The phone toggle: one figure visible, the others hidden but still training.
const picks = [...document.querySelectorAll('.trio-pick button')];
const figures = widgets.map((w) => w.closest('figure'));
function show(i) {
  picks.forEach((b, k) => b.setAttribute('aria-pressed', String(k === i)));
  figures.forEach((f, k) => f.classList.toggle('off', k !== i));
}
picks.forEach((b, i) => b.addEventListener('click', () => show(i)));
show(0);
