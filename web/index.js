// The full-window app page: one widget filling <main>, configured by the URL
// (?task=induction&heads=4&seed=3&autoplay=1); without options it opens the
// symmetry experiment, which answers the page's question. Its controller becomes
// window.headlabApp once the engine runs (the e2e tests and bench/ drive it).
// Failures (no WebGL2, engine not found) are shown inside the widget.
import {mount} from './headlab.js';

const params = new URLSearchParams(window.location.search);
const options = params.toString() ? Object.fromEntries(params) : {experiment: 'symmetry'};
document.body.classList.toggle('light', options.theme === 'light');
mount(document.querySelector('main'), options).then((app) => {
  window.headlabApp = app;
  app.canvas.focus();  // keys go to the focused widget; here it is the whole page
}, () => {});
