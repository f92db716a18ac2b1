// The full-window app page: one widget filling <main>, configured by the URL
// (?task=induction&heads=4&seed=3&autoplay=1); without options it opens the
// symmetry experiment, which answers the page's question. The URL follows the
// run's settings (history.replaceState), so a reload or a copied address gives
// the same run. Its controller becomes window.headlabApp once the engine runs
// (the e2e tests and bench/ drive it). Failures (no WebGL2, engine not found)
// are shown inside the widget.
import {mount} from './headlab.js';
import {shareQuery} from './share.js';

const FOLLOW_MS = 1000;  // how often the address catches up with the settings

const params = new URLSearchParams(window.location.search);
const options = params.toString() ? Object.fromEntries(params) : {experiment: 'symmetry'};
const scheme = matchMedia('(prefers-color-scheme: dark)');
const light = () => options.theme === 'light' || (options.theme === 'auto' && !scheme.matches);
document.body.classList.toggle('light', light());
mount(document.querySelector('main'), options).then((app) => {
  window.headlabApp = app;
  app.canvas.focus();  // keys go to the focused widget; here it is the whole page
  setInterval(() => {
    const s = app.state();
    if (!s.ready) return;
    const share = shareQuery(s, {forEmbed: true});
    if (!share.toString()) share.set('task', s.options.task);  // a bare address would open the symmetry experiment
    const query = share.toString();
    if (query !== window.location.search.slice(1)) history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
    options.theme = s.options.theme;
    document.body.classList.toggle('light', light());
  }, FOLLOW_MS);
}, () => {});
