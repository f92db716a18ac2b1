// keep.js: a reload does not lose the run. While a widget trains, its
// checkpoint (and its twin's, in compare mode) is kept in the browser's
// IndexedDB under the page's path and the widget's place on the page; when
// the page comes back, the widget offers to resume it. keep=0 turns this off.
// The checkpoint holds the training state, not the recorded curves: a
// resumed run's history starts at the step it resumes from (the prompt says so).

const DB = 'headlab';
const STORE = 'kept-runs';
const EVERY_MS = 4000;  // at most this much training is lost to a reload

let dbPromise = null;
function db() {
  dbPromise ||= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  dbPromise.catch(() => { dbPromise = null; });
  return dbPromise;
}
async function request(mode, fn) {
  const store = (await db()).transaction(STORE, mode).objectStore(STORE);
  return new Promise((resolve, reject) => {
    const r = fn(store);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
export const keptRun = (key) => request('readonly', (s) => s.get(key));
const putRun = (key, value) => request('readwrite', (s) => s.put(value, key));
const dropRun = (key) => request('readwrite', (s) => s.delete(key));

let widgetsOnPage = 0;
// The key of the next widget made on this page: its path and its place among the page's widgets.
export function nextKeepKey() {
  return `${location.pathname}#${widgetsOnPage++}`;
}

// Starts keeping widget `w` ({controller, checkpoint(twin) -> {bytes, step}|null,
// load(bytes, twin) -> '' or why not, prompt(text, buttons), notice(text),
// settings() -> the run's settings as text (what must match for a kept run to be offered),
// replaying: the page opens a recorded run, so no kept one is offered}).
// Returns a function that stops it.
export function keep(w, key) {
  let lastStep = -1, timer = 0, stopped = false, asking = false;
  async function save() {
    if (stopped || asking) return;
    const s = w.controller.state();
    if (!s.ready || s.step === lastStep || s.step === 0 || s.options.keep === '0') return;
    // (With a worker a checkpoint is the one it sent last, asked for by the
    // previous call: none at first, then up to one interval old while training.)
    const first = w.checkpoint(0);
    if (!first || !(first.step > 0)) return;
    lastStep = first.step;  // behind s.step: saved again once the newer one has come
    try {
      // Labelled with the checkpoint's own step, which the prompt promises.
      await putRun(key, {step: first.step, savedAt: Date.now(), compare: s.options.compare, settings: w.settings(),
                         first: first.bytes, twin: w.checkpoint(1)?.bytes});
    } catch (e) {
      console.warn(`headlab: could not keep the run in this browser (${e.message})`);
      stop();
    }
  }
  function onHide() { if (document.visibilityState === 'hidden') save(); }
  function stop() {
    stopped = true;
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onHide);
    removeEventListener('pagehide', save);
  }
  async function offer() {
    let kept = null;
    try { kept = await keptRun(key); } catch { return; }
    // A page that opens a recorded run (replay=) shows that, not a kept one;
    // a run kept with other settings (the same page at ?task=copy, then
    // ?task=sort) is not this widget's: only one of the same settings is offered.
    if (stopped || !kept || !(kept.step > 0) || w.replaying || kept.settings !== w.settings()) return;
    asking = true;
    const when = new Date(kept.savedAt).toLocaleString();
    w.prompt(`Kept from your last visit: step ${kept.step} (${when}). Resume it? Its curves restart there; ` +
             'the weights and optimiser carry on exactly.', [
      {label: `Resume step ${kept.step}`, action: () => {
        asking = false;
        if (kept.compare !== undefined && kept.compare !== w.controller.state().options.compare) w.controller.set({compare: kept.compare});
        let why = w.load(kept.first, 0);
        if (!why && kept.twin && kept.twin.length) why = w.load(kept.twin, 1);
        lastStep = kept.step;
        w.notice(why ? `Resumed step ${kept.step}; ${why}` : `Resumed step ${kept.step}`);
      }},
      {label: 'Start fresh', action: () => {
        asking = false;
        dropRun(key).catch(() => {});
      }},
    ]);
  }
  if (typeof indexedDB === 'undefined') return () => {};
  timer = setInterval(save, EVERY_MS);
  document.addEventListener('visibilitychange', onHide);
  addEventListener('pagehide', save);
  offer();
  return stop;
}
