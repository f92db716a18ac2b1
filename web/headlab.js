// headlab.js: put live headlab widgets in any page. An ES module without
// dependencies; README.md ("Embed headlab") has the options, events and host requirements.
//
//   import * as headlab from './headlab.js';
//   const h = await headlab.mount(document.querySelector('#demo'), {task: 'induction', init: 'clone-all', autoplay: true});
//   h.on('snapshot', (state) => console.log(state.step, state.snapshot.diversity));
//   h.pause(); await h.step(10); h.set({theme: 'light'}); h.reset({seed: 2}); h.destroy();
//
//   <script type="module" src="headlab.js"></script>
//   <headlab-widget task="induction" heads="4" init="clone-all" autoplay></headlab-widget>
//
// The engine (headlab-engine.js + .wasm, next to this file) is fetched and
// compiled once per page and instantiated once per widget, so widgets train
// independently. Options use the keys and values of the command line and the
// page URL and are all checked by the engine: a bad one logs one console
// warning and is ignored. No eval and no inline code or styles (works under a
// strict Content-Security-Policy), and no HTML is ever built from options or text.
// Nothing the page passes can reach the engine's memory unchecked: names and
// values are bounded (LIMITS), NUL is refused, every copy into the engine checks
// its allocation, and a failed engine call is reported through 'error'.

import {keep, nextKeepKey} from './keep.js';
import {canvasPng, shareAction} from './share.js';

const ENGINE_JS = new URL('headlab-engine.js', import.meta.url).href;
const ENGINE_WASM = new URL('headlab-engine.wasm', import.meta.url).href;
const WORKER_JS = new URL('headlab-worker.js', import.meta.url).href;
const STEP_POLL_MS = 20;  // with a worker, how often a command's promise looks whether it was carried out
const EVENTS = ['ready', 'step', 'snapshot', 'error'];
// Bits of the engine's onHeadlabEvents(bits), in the order of EVENTS (src/platform/main_web.cpp).
const EVENT_BITS = {ready: 1, step: 2, snapshot: 4, error: 8};
const SCOPE_RUN = 1;  // headlab_option_scope(): needs a new run (reset), else changes at once (set)
const ENGINE_ERROR = 16;  // onHeadlabEvents bit: an engine call failed (e.g. out of memory); a message comes with it
const ENGINE_PLAYING = 32;  // onHeadlabEvents bit: training started or paused
const MAX_STEPS = 100000;  // step(n): n is clamped to 0..MAX_STEPS
const SLICE_MS = 8;  // step(n) trains in slices of about this long, one per task, so the page keeps answering

// What a page may hand the engine in one call (mount, set, reset, an attribute
// change, a postMessage command): option names of at most 64 characters (the
// longest real one has 14), values of at most 4 MiB of UTF-8 (the engine's own
// limit, for task=text's training text), at most 64 options and 4 MiB + 64 KiB
// of names and values together. Anything longer is refused with one warning
// before it is copied anywhere, as is NUL in a name or value (C strings would
// silently cut it short).
// The largest run file openRun() takes (the engine's kMaxRunJsonBytes), the
// pieces it goes to the engine in (each read in under 30 ms in the page's
// frames, where no worker reads them), and how long a download may stall.
const MAX_RUN_BYTES = 512 << 20;
const RUN_PIECE = 128 << 10;
const NO_ANSWER_MS = 30000;
export const LIMITS = Object.freeze({name: 64, value: 4 << 20, options: 64, total: (4 << 20) + (64 << 10)});

// A short printable form of a name or value for warnings (never the whole of a huge one).
function shown(s) {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

let engine = null;  // Promise<{factory, wasm: WebAssembly.Module}>, shared by every widget on the page
const downloadWatchers = new Set();  // fn(loadedBytes, totalBytes or 0) of widgets waiting for the engine
let downloading = null;  // resolves when the engine's bytes start arriving (and compiling)
let startDownloading = null;

function loadEngine() {
  downloading ||= new Promise((resolve) => { startDownloading = resolve; });
  engine ||= Promise.all([import(ENGINE_JS), compileWasm()]).then(([js, wasm]) => ({factory: js.default, wasm}));
  engine.catch(() => { engine = null; });  // a later mount may try again
  return engine;
}

async function compileWasm() {
  const response = await fetch(ENGINE_WASM);
  startDownloading();
  if (!response.ok) throw new Error(`could not load ${ENGINE_WASM} (HTTP ${response.status})`);
  if (response.body) countDownload(response.clone());
  try {
    // Streaming compilation needs the server to send application/wasm; other servers get the slow path.
    return await WebAssembly.compileStreaming(response.clone());
  } catch (e) {
    if (/Content.Security.Policy|unsafe-eval/i.test(String(e))) {
      throw new Error("the page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src");
    }
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

// Reads a copy of the response only to tell downloadWatchers how many bytes
// have arrived (the engine compiles from another copy, while it downloads).
// The total is known only when the body is not compressed in transit
// (Content-Length then counts the bytes the stream delivers).
async function countDownload(copy) {
  const encoding = copy.headers.get('content-encoding');
  const total = !encoding || encoding === 'identity' ? Number(copy.headers.get('content-length')) || 0 : 0;
  const reader = copy.body.getReader();
  let loaded = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      loaded += r.value.byteLength;
      downloadWatchers.forEach((fn) => fn(loaded, total));
    }
  } catch (e) {
    // the download itself reports its failure
  }
}

// {dModel: 64, autoplay: true, panels: ['grid', 'loss']} -> [['d-model', '64'], ['autoplay', '1'], ['panels', 'grid,loss']]
// An option over the LIMITS, or with NUL in it, is left out with one warning.
function optionPairs(options) {
  const pairs = [];
  let total = 0;
  const refuse = (why) => console.warn(`headlab: ${why} (ignored)`);
  for (const [name, value] of Object.entries(options || {})) {
    if (name.length > LIMITS.name) {
      refuse(`an option name of ${name.length} characters (${shown(name)}): names have at most ${LIMITS.name}`);
      continue;
    }
    const key = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if (key === 'trainer' || key === 'replay') continue;  // read by createWidget, not staged in the engine
    if (key.includes('\0')) {
      refuse(`option ${shown(key)}: a name may not contain NUL`);
      continue;
    }
    if (value === undefined || value === null) continue;
    let text;
    if (typeof value === 'boolean') text = value ? '1' : '0';
    else if (typeof value === 'number' || typeof value === 'string') text = String(value);
    else if (Array.isArray(value) && value.length <= LIMITS.options) text = value.join(',');
    else {
      refuse(`${key}: expected a string, number, boolean or list of at most ${LIMITS.options}`);
      continue;
    }
    if (text.length > LIMITS.value) {
      refuse(`${key}: a value of ${text.length} characters: values have at most ${LIMITS.value} bytes`);
      continue;
    }
    if (text.includes('\0')) {
      refuse(`${key}: a value may not contain NUL`);
      continue;
    }
    if (pairs.length === LIMITS.options || total + key.length + text.length > LIMITS.total) {
      refuse(`${key}: more than ${LIMITS.options} options or ${LIMITS.total} characters in one call`);
      continue;
    }
    total += key.length + text.length;
    pairs.push([key, text]);
  }
  return pairs;
}

// A worker's script must come from the page's origin. A kit served from
// another origin (a CDN) starts its worker through a same-origin blob: module
// that imports the kit's worker script (a CORS request, like the engine's).
let crossOriginShim = null;
function newWorker() {
  if (new URL(WORKER_JS).origin === location.origin) return new Worker(WORKER_JS, {type: 'module'});
  crossOriginShim ||= URL.createObjectURL(new Blob([`import ${JSON.stringify(WORKER_JS)};`], {type: 'text/javascript'}));
  return new Worker(crossOriginShim, {type: 'module'});
}

// The widget's trainers: one module worker per run (compare mode's twin has
// its own, on another core), each running the same engine
// (headlab-worker.js), and the channel src/platform/worker_channel.cpp talks
// through (Module.headlabTrainers). Where workers cannot start (an old
// browser, a policy without worker-src 'self'), start() returns -1 and the
// engine trains in the page's frames instead, saying why in state().trainer.
function trainers(wasm) {
  const workers = new Map();  // id -> {worker, inbox, failure}
  let next = 0, refused = null;
  return {
    start() {
      if (refused) return -1;
      let worker;
      try {
        worker = newWorker();
      } catch (e) {
        refused = `no worker (${e.message || e})`;
        return -1;
      }
      const id = next++;
      const w = {worker, inbox: [], failure: null};
      worker.onmessage = (e) => {
        if (e.data.view) w.inbox.push(e.data.view);
        else if (e.data.failure) w.failure = e.data.failure;
      };
      worker.onerror = (e) => {
        e.preventDefault();
        w.failure = e.message || `${WORKER_JS} could not run`;
      };
      worker.postMessage({module: wasm, engine: ENGINE_JS});
      workers.set(id, w);
      return id;
    },
    post(id, bytes) { workers.get(id)?.worker.postMessage({bytes}, [bytes.buffer]); },
    inbox(id) { return workers.get(id)?.inbox || []; },
    took(id) { workers.get(id)?.worker.postMessage({ack: true}); },
    failure(id) { return id < 0 ? refused : workers.get(id)?.failure || null; },
    // Compare mode: the two runs' workers talk directly (a channel of their
    // own), so the lockstep never waits for the page's thread; b = -1: alone again.
    pair(a, b) {
      if (b < 0) return workers.get(a)?.worker.postMessage({peer: null});
      const link = new MessageChannel();
      workers.get(a)?.worker.postMessage({peer: link.port1}, [link.port1]);
      workers.get(b)?.worker.postMessage({peer: link.port2}, [link.port2]);
    },
    // Closed by a message rather than terminate(), which would abort a worker still loading its script.
    close(id) {
      workers.get(id)?.worker.postMessage({close: true});
      workers.delete(id);
    },
    closeAll() { for (const id of [...workers.keys()]) this.close(id); },
  };
}

// A call the engine could not carry out (out of memory, a value too long once
// encoded); reported through 'error', and the widget carries on unchanged.
class Refused extends Error {}

const OVERLAY_STYLE = {
  position: 'absolute', inset: '0', display: 'flex', alignItems: 'center', justifyContent: 'center',
  padding: '16px', textAlign: 'center', font: '14px/1.45 system-ui, sans-serif', pointerEvents: 'none',
};

// Screen readers hear what the canvas cannot tell them: play, pause, steps, loss.
const VISUALLY_HIDDEN = {position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)',
                         whiteSpace: 'nowrap', margin: '-1px', padding: '0', border: '0'};

// Whether the reader last used the keyboard (Tab) rather than a pointer: only
// then does a focused widget show its focus ring (not when a page focuses it on load).
let keyboardModality = false;
function watchModality() {
  if (watchModality.done) return;
  watchModality.done = true;
  document.addEventListener('keydown', (e) => { if (e.key === 'Tab') keyboardModality = true; }, true);
  document.addEventListener('pointerdown', () => { keyboardModality = false; }, true);
}

// Builds the widget's DOM: a wrapper filling `element` (or a 3:2 box if the
// element has no height of its own), the canvas, a status line on top and a
// live region for screen readers.
function buildDom(element, dark) {
  const box = document.createElement('div');
  Object.assign(box.style, {position: 'relative', width: '100%', height: '100%', overflow: 'hidden',
                            background: dark ? '#111318' : '#e9ecf1'});
  const canvas = makeCanvas(box);
  const status = document.createElement('div');
  status.setAttribute('role', 'status');
  Object.assign(status.style, OVERLAY_STYLE, {color: dark ? '#8b93a1' : '#69707d'});
  const live = document.createElement('div');
  live.setAttribute('aria-live', 'polite');
  Object.assign(live.style, VISUALLY_HIDDEN);
  box.append(canvas, status, live);
  element.append(box);
  if (box.clientHeight === 0) Object.assign(box.style, {height: 'auto', aspectRatio: '3 / 2'});
  return {box, canvas, status, live};
}

// The widget's canvas (also made again when a lost WebGL context is replaced).
function makeCanvas(box) {
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;  // focusable, so keys reach the widget only while the reader works in it
  canvas.setAttribute('aria-label', 'headlab: a small transformer training live, with every attention head drawn');
  // Emscripten's GLFW removes the canvas's inline width and height when it
  // creates its window; min and max sizes survive that and pin the CSS box.
  Object.assign(canvas.style, {display: 'block', outline: 'none', width: '100%', height: '100%', minWidth: '100%',
                               maxWidth: '100%', minHeight: '100%', maxHeight: '100%'});
  // A focus ring for keyboard users only (set here: the page may allow no stylesheets of ours).
  watchModality();
  canvas.addEventListener('focus', () => {
    if (keyboardModality) Object.assign(box.style, {outline: '2px solid #4c9dff', outlineOffset: '-2px'});
  });
  canvas.addEventListener('blur', () => { box.style.outline = ''; });
  return canvas;
}

// Creates a widget at once (calls made before the engine is ready are queued)
// and returns [controller, promise of the controller once started, update(options, removed)],
// where update applies view and live options at once and starts a new run for run
// options; of the `removed` option names, the flags turn off.
function createWidget(element, options) {
  // replay=URL opens a recorded run once the engine runs; until then nothing trains.
  const replaySource = options?.replay;
  const pairs = optionPairs(options).filter(([k]) => !(replaySource && k === 'autoplay'));
  const autoplayReplay = Boolean(replaySource) && ['1', 'true', 'yes', 'on', ''].includes(String(options?.autoplay ?? 'no'));
  const prefersDark = matchMedia('(prefers-color-scheme: dark)');
  const theme = (pairs.find(([k]) => k === 'theme') || [])[1];
  const dark = theme === 'auto' ? prefersDark.matches : theme !== 'light';
  const dom = buildDom(element, dark);
  const {box, status, live} = dom;
  let canvas = dom.canvas;
  const listeners = new Map(EVENTS.map((e) => [e, new Set()]));
  const queue = [];
  let mod = null, started = false, destroyed = false, failure = null;
  let onScreen = false;  // until the IntersectionObserver's first report, which comes right after observe()

  const encoder = new TextEncoder(), decoder = new TextDecoder();
  let workers = null;  // this widget's trainers (Module.headlabTrainers), or null: training in the page's frames
  // Calls an engine function with JS strings as C strings. Every copy checks its
  // allocation: when the engine's memory cannot grow, _malloc returns 0, and
  // writing there would overwrite the engine's own data.
  function call(fn, ...strings) {
    const ptrs = [];
    try {
      for (const s of strings) {
        const bytes = encoder.encode(s);
        if (bytes.length > LIMITS.value) throw new Refused(`${shown(s)}: more than ${LIMITS.value} bytes`);
        const p = mod._malloc(bytes.length + 1);
        if (!p) throw new Refused(`out of memory (could not copy ${bytes.length + 1} bytes into the engine)`);
        ptrs.push(p);
        mod.HEAPU8.set(bytes, p);  // read HEAPU8 each time: memory growth replaces it
        mod.HEAPU8[p + bytes.length] = 0;
      }
      return fn(...ptrs);
    } finally {
      ptrs.forEach((p) => mod._free(p));
    }
  }
  function cString(p) {
    const heap = mod.HEAPU8;
    let end = p;
    while (heap[end]) end++;
    return decoder.decode(heap.subarray(p, end));
  }
  const whenStarted = (fn) => {
    if (destroyed || failure) return;
    if (started) fn();
    else queue.push(fn);
  };

  // Status line: text (never HTML), and optionally buttons ({label, action}); a button closes it.
  function showStatus(text, ...buttons) {
    const line = document.createElement('div');
    line.textContent = text || '';
    status.replaceChildren(line);
    if (buttons.length) {
      const row = document.createElement('div');
      Object.assign(row.style, {display: 'flex', gap: '8px', justifyContent: 'center', marginTop: '10px'});
      for (const button of buttons) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = button.label;
        Object.assign(b.style, {pointerEvents: 'auto', font: 'inherit', cursor: 'pointer', padding: '4px 10px'});
        b.addEventListener('click', button.action);
        row.append(b);
      }
      status.append(row);
    }
    Object.assign(status.style, {flexDirection: 'column', background: buttons.length ? (dark ? '#111318e0' : '#e9ecf1e0') : ''});
    status.hidden = !text;
  }
  // 'error' listeners get a second argument, {file: true}, when the message is
  // about a run file (it may quote the file): embed.js never passes those on.
  function emit(event, payload, detail) {
    for (const fn of listeners.get(event)) {
      try { fn(payload, detail); } catch (e) { console.error(e); }
    }
  }
  function fail(error) {
    if (failure || destroyed) return;
    failure = String(error && error.message || error);
    showStatus((started ? 'headlab stopped: ' : 'headlab could not start: ') + failure);
    queue.length = 0;
    emit('error', failure);
  }
  // A command that failed without harming the widget: one warning, and 'error' listeners hear why.
  function report(message, detail) {
    console.warn(`headlab: ${message} (ignored)`);
    queueMicrotask(() => { if (!destroyed) emit('error', message, detail); });
  }
  const ABOUT_FILE = Object.freeze({file: true});
  // Runs engine calls for one command; a failure is reported (the engine is
  // left as it was) or, if the engine itself broke, stops the widget.
  function attempt(what, fn, fallback) {
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) fail(new Error(`the engine stopped (${e.message})`));
      else report(`${what}: ${e instanceof Error ? e.message : 'the engine failed (' + String(e) + ')'}`);
      return fallback;
    }
  }
  const stage = (stagePairs) => stagePairs.forEach(([k, v]) => call(mod._headlab_set_option, k, v));

  // The live region: play and pause (as the engine reports them: Space and
  // the Train button change them inside it), then the step and loss now and
  // then while training, or after steps taken while paused (checked every second).
  let told = {playing: null, step: -1, at: 0};
  function announce() {
    if (destroyed || !started || suspendedNow()) return;
    const s = controller.state();
    if (!s.ready) return;
    const now = performance.now();
    const loss = typeof s.loss === 'number' ? `, loss ${s.loss.toFixed(3)}` : '';
    let text = '';
    if (s.playing !== told.playing) text = s.playing ? `Training from step ${s.step}` : `Paused at step ${s.step}${loss}`;
    else if (s.step !== told.step && now - told.at > (s.playing ? 15000 : 1000)) text = `Step ${s.step}${loss}`;
    if (!text) return;
    told = {playing: s.playing, step: s.step, at: now};
    live.textContent = text;
  }
  const announcer = setInterval(announce, 1000);

  // Engine events arrive inside its frame (or inside a call): handled after it returns.
  function onEngineEvents(bits, error) {
    if (bits & ENGINE_ERROR) report(error);
    queueMicrotask(() => {
      if (destroyed) return;
      if (bits & ENGINE_PLAYING) announce();
      if (bits & EVENT_BITS.ready && !status.querySelector('button')) showStatus('');  // not a question asked meanwhile
      const wanted = EVENTS.filter((e) => bits & EVENT_BITS[e] && listeners.get(e).size);
      if (!wanted.length) return;
      const s = controller.state();
      for (const e of wanted) emit(e, e === 'error' ? s.fault : s);
    });
  }

  // Waiting for the engine to carry out what was sent (step(n), a command's
  // promise): with a worker, a look every STEP_POLL_MS; where the page's
  // frames train, slices of at most SLICE_MS, one per task (a MessageChannel
  // message, which browsers neither clamp nor throttle in hidden tabs), so
  // the page, and a host page sharing its process, handle input and draw in
  // between. Both go on while the widget is off screen and its frames stop.
  const slices = new MessageChannel();
  const sliceWaiters = [];
  slices.port1.onmessage = () => sliceWaiters.splice(0).forEach((fn) => fn());
  const nextSlice = () => new Promise((resolve) => {
    sliceWaiters.push(resolve);
    if (sliceWaiters.length === 1) slices.port2.postMessage(null);
  });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  function pump() {
    if (destroyed || failure || !started) return true;
    const inWorker = mod._headlab_trains_in_worker();
    return Boolean(attempt('step', () => mod._headlab_pump(inWorker ? 0 : SLICE_MS), 1));
  }
  async function settle() {
    while (!pump()) await (started && mod._headlab_trains_in_worker() ? sleep(STEP_POLL_MS) : nextSlice());
  }
  // The state once the engine has carried out every command sent.
  const settled = () => settle().then(() => controller.state());
  // Runs a command (now, or once the engine runs) and resolves with the state once it was carried out.
  function command(fn) {
    return new Promise((resolve) => {
      if (destroyed || failure) return resolve(controller.state());
      whenStarted(() => {
        fn();
        settled().then(resolve);
      });
    });
  }

  // Off screen or in a hidden tab the engine stops its frame loop; the run is kept.
  const suspendedNow = () => !onScreen || document.hidden;
  function updateVisibility() {
    if (started) mod._headlab_set_visible(onScreen && !document.hidden ? 1 : 0);
  }
  const observer = new IntersectionObserver((entries) => {
    onScreen = entries[entries.length - 1].isIntersecting;
    updateVisibility();
  }, {rootMargin: '100px'});
  observer.observe(box);
  document.addEventListener('visibilitychange', updateVisibility);

  // A lost context keeps training. preventDefault lets the browser restore it
  // (after a GPU reset it may); a context it evicted because the page has too
  // many never comes back, so the reader can ask for a new one.
  function onContextLost(e) {
    e.preventDefault();
    showStatus('The graphics context was lost: the browser took it away (too many widgets on the page, ' +
               'or a graphics reset) and may not give it back. Training goes on.', {label: 'Draw again', action: redraw});
  }
  function onContextRestored() { showStatus(''); }
  function watchContext(c, on) {
    const method = on ? 'addEventListener' : 'removeEventListener';
    c[method]('webglcontextlost', onContextLost);
    c[method]('webglcontextrestored', onContextRestored);
  }
  watchContext(canvas, true);
  // Called by the engine (headlab_recreate_gl): a fresh canvas in place of the old one.
  function newCanvas() {
    const old = canvas;
    watchContext(old, false);
    canvas = makeCanvas(box);
    watchContext(canvas, true);
    old.replaceWith(canvas);
    controller.canvas = canvas;
    if (document.activeElement === old) canvas.focus();
    return canvas;
  }
  function redraw() {
    if (!started || destroyed || failure) return;
    showStatus('');
    if (!attempt('redraw', () => mod._headlab_recreate_gl(), 0)) {
      showStatus('The graphics context could not be made again. Training goes on.', {label: 'Try again', action: redraw});
    }
  }

  // A recorded run (lab/run_json_read.h) shown in place of the current one,
  // without training. `source`: a URL (relative to the page), a File or Blob,
  // bytes (ArrayBuffer or typed array) or the JSON text itself. The file goes
  // to the engine in pieces as it arrives, and the trainer (in the widget's
  // worker where there is one) reads each as it comes: neither the page's
  // thread nor its memory ever holds the whole file, and the run kept is at
  // most the snapshot store's budget however long the file.
  let opening = 0;  // the latest openRun(): an earlier one still reading stops
  async function openRun(source, name = '') {
    const serial = ++opening;
    let url = '', pieces, watchdog = 0;
    if (typeof source === 'string' && source.trimStart().startsWith('{')) {
      pieces = [encoder.encode(source)];
    } else if (typeof source === 'string' || source instanceof URL) {
      url = String(source);
      name ||= decodeURIComponent(new URL(url, document.baseURI).pathname.split('/').pop() || url);
      pieces = download(url, (timer) => { watchdog = timer; });
    } else if (source instanceof Blob) {
      if (source.size > MAX_RUN_BYTES) throw new Error(`the file is larger than ${MAX_RUN_BYTES >> 20} MiB`);
      name ||= source.name || 'run.json';
      pieces = blobPieces(source);
    } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      pieces = [source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength)];
    } else {
      throw new TypeError('openRun: expected a URL, a File or Blob, bytes or the JSON text');
    }
    name = String(name || 'run.json').slice(0, LIMITS.name);
    await new Promise((resolve, reject) => {
      if (destroyed || failure) return reject(new Error('the widget is not running'));
      whenStarted(resolve);
    });
    attempt('open', () => call(mod._headlab_open_begin, name, url));
    let total = 0, ended = false;
    const live = () => serial === opening && !destroyed && !failure;
    try {
      for await (const chunk of pieces) {
        for (let at = 0; at < chunk.length && live(); at += RUN_PIECE) {
          const piece = chunk.subarray(at, at + RUN_PIECE);
          total += piece.length;
          if (total > MAX_RUN_BYTES) throw new Error(`the run file is larger than ${MAX_RUN_BYTES >> 20} MiB`);
          let backlog = feed(piece);
          // A few pieces in flight at most: the worker reads them as fast as they come.
          while (backlog > 4 && live()) {
            await sleep(5);
            backlog = attempt('open', () => mod._headlab_open_backlog(), 0);
          }
          await nextSlice();  // the page handles input and draws between pieces
        }
        if (!live()) break;
      }
      if (!live()) throw new Error(destroyed || failure ? 'the widget is not running' : 'another run file was opened instead');
      attempt('open', () => mod._headlab_open_end());
      ended = true;
      let why;
      while ((why = attempt('open', () => cString(mod._headlab_open_result()), 'the engine could not open it')) === 'pending' && live())
        await (mod._headlab_trains_in_worker() ? sleep(STEP_POLL_MS) : nextSlice());
      if (why) throw new Error(why === 'pending' ? 'another run file was opened instead' : why);
      return controller.state();
    } finally {
      clearInterval(watchdog);
      if (!ended && live()) attempt('open', () => mod._headlab_open_end());  // (its refusal is not reported: ours is)
    }
  }
  // One piece into the engine; returns how many commands the trainer has not carried out yet.
  function feed(piece) {
    return attempt('open', () => {
      const p = mod._malloc(piece.length);
      if (!p) throw new Refused(`out of memory (could not copy ${piece.length} bytes into the engine)`);
      try {
        mod.HEAPU8.set(piece, p);
        return mod._headlab_open_data(p, piece.length);
      } finally {
        mod._free(p);
      }
    }, 0);
  }
  // A file picked or dropped, a slice at a time (every browser reads Blob slices).
  async function* blobPieces(blob) {
    for (let at = 0; at < blob.size; at += RUN_PIECE * 4) yield new Uint8Array(await blob.slice(at, at + RUN_PIECE * 4).arrayBuffer());
  }
  // A URL's body, then its pieces. The browser keeps the download as a Blob
  // (in its own storage, not the page's memory), and its progress events
  // (XMLHttpRequest's: fetch reports none without reading the bytes into the
  // page, which costs the page's thread long tasks) tell the watchdog that
  // bytes still arrive. A server that stops answering (no byte for
  // NO_ANSWER_MS) ends it with a message instead of a wait for ever.
  async function* download(url, setWatchdog) {
    const blob = await new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      let heard = performance.now(), why = null;
      const stop = (reason) => {
        why = reason;
        xhr.abort();
      };
      setWatchdog(setInterval(() => {
        if (performance.now() - heard > NO_ANSWER_MS) stop(`no answer from ${url} for ${NO_ANSWER_MS / 1000} s`);
      }, 1000));
      xhr.open('GET', new URL(url, document.baseURI));
      xhr.responseType = 'blob';
      xhr.onreadystatechange = () => {
        heard = performance.now();
        if (xhr.readyState === XMLHttpRequest.HEADERS_RECEIVED && Number(xhr.getResponseHeader('content-length')) > MAX_RUN_BYTES)
          stop(`${url} is larger than ${MAX_RUN_BYTES >> 20} MiB`);
      };
      xhr.onprogress = (e) => {
        heard = performance.now();
        if (e.loaded > MAX_RUN_BYTES) stop(`${url} is larger than ${MAX_RUN_BYTES >> 20} MiB`);
      };
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr.response)
                                                                  : reject(new Error(`could not load ${url} (HTTP ${xhr.status})`)));
      xhr.onerror = () => reject(new Error(`could not load ${url} (the request failed)`));
      xhr.onabort = () => reject(new Error(why || `could not load ${url} (aborted)`));
      xhr.send();
    });
    yield* blobPieces(blob);
  }

  const controller = {
    element, canvas,
    // Shows a recorded run (a file headlab-train --out or exportRun() wrote)
    // without training; the reader may then train it live. Resolves with the
    // state, or rejects saying what is wrong with the file (the run shown stays).
    openRun(source, name) { return openRun(source, name); },
    // Training continuously (play) or stopping (pause) ends a step(n) that is still running.
    // Each command returns a promise of the state once the engine has carried it out.
    play() { return command(() => mod._headlab_play()); },
    pause() { return command(() => mod._headlab_pause()); },
    // Pauses and runs n optimiser steps (0..100000): in the widget's worker,
    // or in the page's frames in slices so the page keeps answering. Returns a
    // promise of the state once they are done, or cut short by play(),
    // pause(), reset(), destroy() or a fault. Steps asked for while others
    // run are added to them.
    step(n = 1) {
      const count = Math.max(0, Math.min(Math.trunc(Number(n)) || 0, MAX_STEPS));
      return command(() => attempt('step', () => mod._headlab_step(count), 0));
    },
    // Starts a new run: the current settings, changed by `opts`.
    reset(opts) {
      const changes = optionPairs(opts);
      return command(() => attempt('reset', () => {
        if (!mod._headlab_stage_current_options()) return;
        stage(changes);
        mod._headlab_reset();
      }));
    },
    // Changes view options (and lr, clip, ...) without a new run.
    set(opts) {
      if (opts?.replay) openRun(opts.replay).catch((e) => report(`replay: ${e.message}`, ABOUT_FILE));
      const changes = optionPairs(opts);
      return command(() => attempt('set', () => {
        if (!mod._headlab_stage_current_options()) return;
        stage(changes);
        mod._headlab_apply();
      }));
    },
    // {ready, step, loss, accuracy, playing, suspended, contextLost, snapshot: {step, diversity}, options, ...}
    state() {
      if (!started || destroyed || failure) return {ready: false, step: 0, loss: null, accuracy: null, playing: false, error: failure, destroyed};
      const s = JSON.parse(cString(mod._headlab_state()));
      s.memoryBytes = mod.HEAPU8.length;
      return s;
    },
    // Listens for 'ready', 'step', 'snapshot' (fn gets the state) or 'error' (fn gets the message); returns an unsubscribe function.
    on(event, fn) {
      const set = listeners.get(event);
      if (!set || typeof fn !== 'function') {
        console.warn(`headlab: on(${JSON.stringify(String(event)).slice(0, 60)}): expected one of ${EVENTS.join(', ')} and a function (ignored)`);
        return () => {};
      }
      set.add(fn);
      if (event === 'error' && failure) queueMicrotask(() => fn(failure));
      return () => set.delete(fn);
    },
    // A promise of a PNG (Blob) of the attention grid as drawn (the whole widget if no grid is shown).
    exportPng() {
      return new Promise((resolve, reject) => {
        if (destroyed || failure) return reject(new Error('the widget is not running'));
        captures.push({resolve, reject});
        whenStarted(() => mod._headlab_capture());
      });
    },
    // A promise of a WebM video (Blob) of the widget replaying its run from step 0 to now
    // over `seconds` (2..60; by default the timeline's replay length).
    recordReplay(seconds) { return recordReplay(seconds); },
    // The run as the JSON headlab-train --out writes: settings, loss curve, every recorded snapshot.
    exportRun() {
      if (!started || destroyed || failure) return null;
      return attempt('export', () => cString(mod._headlab_run_json()), null);
    },
    // Frees the engine instance, its WebGL context, observers and listeners, and removes the widget's DOM.
    destroy() {
      if (destroyed) return;
      destroyed = true;
      queue.length = 0;
      stopKeeping();
      clearInterval(announcer);
      prefersDark.removeEventListener('change', followScheme);
      captures.splice(0).forEach((c) => c.reject(new Error('the widget was destroyed')));
      recording?.stop(new Error('the widget was destroyed'));
      observer.disconnect();
      document.removeEventListener('visibilitychange', updateVisibility);
      watchContext(canvas, false);
      workers?.closeAll();
      slices.port1.close();
      const gl = mod && mod.ctx;  // the engine's WebGL context, if it made one
      if (mod) {
        if (started) attempt('destroy', () => mod._headlab_destroy());
        mod.onHeadlabEvents = null;
        mod.onHeadlabAction = null;
        mod.headlabNewCanvas = null;
        mod = null;
      }
      // Frees the GPU side now rather than whenever the canvas is garbage-collected
      // (browsers cap live contexts at about 16 per page).
      if (gl && !gl.isContextLost()) gl.getExtension('WEBGL_lose_context')?.loseContext();
      box.remove();
      listeners.forEach((set) => set.clear());
    },
  };

  // Share menu entries and pictures: the engine calls back (src/platform/main_web.cpp).
  const captures = [];
  const notice = (text) => whenStarted(() => call(mod._headlab_notice, text));
  // A problem the reader must read (e.g. why a file did not open): on the widget until closed.
  const problem = (text) => showStatus(text, {label: 'Close', action: () => showStatus('')});
  const reader = {controller, notice, problem};
  function onAction(id) {
    if (id === 'edit-probe') return probeDialog();
    if (id === 'capture') {
      const s = controller.state();
      captures.splice(0).forEach((c) => canvasPng(canvas, s).then(c.resolve, c.reject));
      return;
    }
    shareAction(reader, id).catch((e) => notice(`${id}: ${e.message}`));
  }

  // The grid's "Type your own input" on the web: an HTML field (phones'
  // keyboards, paste, input methods, screen readers) over the widget. Draw
  // restarts the run drawn on the text; a refusal stays on screen, under it.
  let dialog = null;
  function closeDialog() {
    dialog?.remove();
    dialog = null;
    canvas.focus();
  }
  function probeDialog() {
    if (!started || destroyed || failure || dialog) return;
    const s = controller.state();
    dialog = document.createElement('form');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-label', 'Type your own input');
    Object.assign(dialog.style, OVERLAY_STYLE, {flexDirection: 'column', gap: '8px', pointerEvents: 'auto',
                                                color: dark ? '#d7dbe2' : '#1d2330', background: dark ? '#111318e8' : '#e9ecf1e8'});
    const label = document.createElement('label');
    label.textContent = s.options.task === 'text' ? "Your input: any text made of the training text's characters"
                                                   : "Your input: this task's tokens, separated by spaces";
    const input = document.createElement('input');
    Object.assign(input, {type: 'text', value: s.probeText, maxLength: 4096, spellcheck: false, autocomplete: 'off'});
    input.setAttribute('autocapitalize', 'off');
    input.setAttribute('autocorrect', 'off');
    Object.assign(input.style, {display: 'block', marginTop: '6px', width: 'min(80vw, 520px)', boxSizing: 'border-box',
                                font: '15px/1.4 ui-monospace, monospace', padding: '6px 8px'});
    label.append(input);
    const note = document.createElement('div');
    note.textContent = 'The run restarts on this input: it learns exactly as before, only what is drawn changes.';
    Object.assign(note.style, {fontSize: '13px', opacity: '0.75', maxWidth: 'min(80vw, 520px)'});
    const error = document.createElement('div');
    error.setAttribute('role', 'alert');
    Object.assign(error.style, {color: dark ? '#ff8a80' : '#b3261e', maxWidth: 'min(80vw, 520px)'});
    const row = document.createElement('div');
    Object.assign(row.style, {display: 'flex', gap: '8px', justifyContent: 'center'});
    const draw = document.createElement('button');
    draw.type = 'submit';
    draw.textContent = 'Draw';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    for (const b of [draw, cancel]) Object.assign(b.style, {font: 'inherit', cursor: 'pointer', padding: '4px 14px'});
    row.append(draw, cancel);
    dialog.append(label, note, error, row);
    dialog.addEventListener('submit', (e) => {
      e.preventDefault();
      const why = attempt('probe', () => cString(call(mod._headlab_set_probe, input.value)), 'the engine could not restart the run');
      if (why) {
        error.textContent = why;
        input.focus();
      } else {
        closeDialog();
      }
    });
    cancel.addEventListener('click', closeDialog);
    dialog.addEventListener('keydown', (e) => {
      e.stopPropagation();  // the widget's keys (Space, S, R) are not for the field
      if (e.key === 'Escape') closeDialog();
    });
    box.append(dialog);
    input.focus();
    input.select();
  }

  // recordReplay(): the canvas as a video while the engine replays the run
  // (MediaRecorder; the stream ends when the replay does, or on stop(error)).
  let recording = null;
  function recordReplay(seconds) {
    if (destroyed || failure || !started) return Promise.reject(new Error('the widget is not running'));
    if (recording) return Promise.reject(new Error('a recording is already under way'));
    if (typeof MediaRecorder === 'undefined' || !canvas.captureStream) {
      return Promise.reject(new Error('this browser cannot record video (no MediaRecorder)'));
    }
    const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    if (!type) return Promise.reject(new Error('this browser cannot record WebM'));
    const length = seconds === undefined ? NaN : Number(seconds);
    if (seconds !== undefined && !(length >= 2 && length <= 60)) {
      return Promise.reject(new Error(`recordReplay(seconds): expected 2..60, got ${String(seconds).slice(0, 40)}`));
    }
    return new Promise((resolve, reject) => {
      const stream = canvas.captureStream(30);
      const recorder = new MediaRecorder(stream, {mimeType: type});
      const chunks = [];
      let error = null, seen = false;
      const began = performance.now();
      const watch = setInterval(() => {
        const replaying = !destroyed && controller.state().replaying;
        seen ||= replaying;
        // Ended, or never started (e.g. no snapshot yet) within 2 s.
        if ((seen && !replaying) || (!seen && performance.now() - began > 2000)) recording.stop(seen ? null : new Error('the replay did not start'));
      }, 100);
      recording = {stop(e) {
        error = e;
        clearInterval(watch);
        if (recorder.state !== 'inactive') recorder.stop();
      }};
      recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        recording = null;
        if (error) reject(error);
        else resolve(new Blob(chunks, {type: 'video/webm'}));
      };
      recorder.start(1000);
      attempt('replay', () => mod._headlab_replay(length));
    });
  }

  // A run file dropped on the widget opens as a recorded run.
  function onDragOver(e) {
    if (e.dataTransfer?.types?.includes('Files')) e.preventDefault();
  }
  function onDrop(e) {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    openRun(file).then(() => notice(`Opened ${file.name}: press Replay, or Train it yourself`),
                       (err) => problem(`Could not open ${file.name}: ${err.message}`));
  }
  box.addEventListener('dragover', onDragOver);
  box.addEventListener('drop', onDrop);

  // theme=auto follows the host page's colour scheme.
  function followScheme() { if (started) mod._headlab_set_system_dark(prefersDark.matches ? 1 : 0); }
  prefersDark.addEventListener('change', followScheme);

  // The kept run (web/keep.js): checkpoints in and out of the engine.
  let stopKeeping = () => {};
  const keepKey = nextKeepKey();
  function startKeeping() {
    if (controller.state().options.keep === '0') return;
    stopKeeping = keep({
      controller, notice, replaying: Boolean(replaySource),
      // The options that define the run (and compare mode's twin), as text.
      settings() {
        const o = controller.state().options || {};
        return JSON.stringify(Object.keys(o).sort()
          .filter((k) => k === 'compare' || call(mod._headlab_option_scope, k) === SCOPE_RUN).map((k) => [k, o[k]]));
      },
      checkpoint(twin) {
        const n = attempt('keep', () => mod._headlab_checkpoint(twin), 0);
        return n ? {bytes: mod.HEAPU8.slice(mod._headlab_bytes(), mod._headlab_bytes() + n), step: mod._headlab_bytes_step()} : null;
      },
      load(bytes, twin) {
        return attempt('resume', () => {
          const p = mod._malloc(bytes.length);
          if (!p) throw new Refused(`out of memory (could not copy ${bytes.length} bytes into the engine)`);
          try {
            mod.HEAPU8.set(bytes, p);
            return cString(mod._headlab_load_checkpoint(p, bytes.length, twin));
          } finally {
            mod._free(p);
          }
        }, 'could not resume');
      },
      // A slim bar along the widget's bottom edge, not a veil over it: the
      // widget (an article's, say) stays readable and usable while it asks.
      prompt(text, buttons) {
        const bar = document.createElement('div');
        bar.setAttribute('role', 'group');
        bar.setAttribute('aria-label', 'A kept run');
        Object.assign(bar.style, {position: 'absolute', left: '0', right: '0', bottom: '0', display: 'flex', flexWrap: 'wrap',
                                  gap: '6px 10px', alignItems: 'center', padding: '6px 10px', font: '13px/1.35 system-ui, sans-serif',
                                  color: dark ? '#d7dbe2' : '#1d2330', background: dark ? '#1b1f27f0' : '#f4f6f9f0'});
        const words = document.createElement('span');
        words.textContent = text;
        Object.assign(words.style, {flex: '1 1 16em'});
        bar.append(words);
        for (const b of buttons) {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = b.label;
          Object.assign(button.style, {font: 'inherit', cursor: 'pointer', padding: '2px 10px'});
          button.addEventListener('click', () => {
            bar.remove();
            b.action();
          });
          bar.append(button);
        }
        box.append(bar);
      },
    }, keepKey);
  }

  function update(opts, removed = []) {
    if (opts?.replay) openRun(opts.replay).catch((e) => report(`replay: ${e.message}`, ABOUT_FILE));
    const changes = optionPairs(opts);
    whenStarted(() => attempt('set', () => {
      // Of the removed option names (attributes taken off an element), the flags turn off.
      removed.filter((k) => call(mod._headlab_option_is_flag, k)).forEach((k) => changes.push([k, '0']));
      const run = changes.filter(([k]) => call(mod._headlab_option_scope, k) === SCOPE_RUN);
      if (!mod._headlab_stage_current_options()) return;
      stage(changes.filter((p) => !run.includes(p)));
      mod._headlab_apply();
      if (!run.length) return;
      if (!mod._headlab_stage_current_options()) return;
      stage(run);
      mod._headlab_reset();
    }));
  }

  // While loading: the shape of what is coming (two layers of four attention
  // maps, lower-triangular as a causal model's), the stage, and a progress bar.
  function placeholder() {
    const ink = dark ? '#3d4a66' : '#b7c3da';
    const grid = document.createElement('div');
    Object.assign(grid.style, {display: 'grid', gridTemplateColumns: 'repeat(4, 28px)', gap: '8px',
                               justifyContent: 'center', marginBottom: '12px'});
    for (let i = 0; i < 8; ++i) {
      const map = document.createElement('div');
      Object.assign(map.style, {width: '28px', height: '28px', border: `1px solid ${ink}`, boxSizing: 'border-box',
                                background: `linear-gradient(to top right, ${ink} 50%, transparent 50%)`});
      grid.append(map);
    }
    return grid;
  }
  showStatus('Loading headlab…');
  const stageLine = status.firstChild;
  status.prepend(placeholder());
  const bar = document.createElement('progress');  // indeterminate until the total is known
  Object.assign(bar.style, {display: 'block', margin: '8px auto 0', width: '60%', maxWidth: '240px',
                           colorScheme: dark ? 'dark' : 'light'});
  status.append(bar);
  function showDownload(loaded, total) {
    if (destroyed || failure) return;
    stageLine.textContent = `Loading headlab… ${(loaded / 1048576).toFixed(1)} MB` +
                                    (total ? ` of ${(total / 1048576).toFixed(1)} MB` : '');
    if (total) Object.assign(bar, {max: total, value: Math.min(loaded, total)});
  }
  downloadWatchers.add(showDownload);
  const loading = loadEngine();
  // Making a WebGL context can take as long as loading the engine (0.3-0.8 s
  // with a software renderer), so it is made while the engine downloads and
  // compiles, with the attributes Emscripten's GLFW asks for: GLFW then finds it on the canvas.
  const early = canvas;
  downloading.then(() => setTimeout(() => {
    if (!destroyed && !started && early === canvas) early.getContext('webgl2', {alpha: true, depth: true, stencil: true, antialias: false});
  }));
  // The factory's promise never settles if instantiation fails or the engine aborts while starting.
  let abort;
  const aborted = new Promise((_, reject) => { abort = reject; });
  const ready = loading.finally(() => downloadWatchers.delete(showDownload)).then(({factory, wasm}) => {
    if (destroyed) return controller;
    showStatus('Starting headlab…');
    status.prepend(placeholder());
    if (String(options?.trainer ?? 'worker') !== 'page') workers = trainers(wasm);
    return Promise.race([aborted, factory({
      canvas,
      headlabTrainers: workers,
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(wasm, imports).then((instance) => receive(instance, wasm), abort);
        return {};
      },
      onHeadlabEvents: onEngineEvents,
      onHeadlabAction: onAction,
      headlabNewCanvas: newCanvas,
      onAbort: (what) => {
        const error = new Error(`the engine stopped (${what})`);
        abort(error);
        fail(error);
      },
      print: (text) => console.log(text),
      printErr: (text) => console.error(text),
    })]).then((m) => {
      if (destroyed) return controller;
      mod = m;
      mod._headlab_set_system_dark(prefersDark.matches ? 1 : 0);
      stage(pairs);
      const error = cString(mod._headlab_start());
      if (error) throw new Error(error);
      started = true;
      updateVisibility();
      startKeeping();
      queue.splice(0).forEach((fn) => fn());
      if (replaySource) {
        openRun(replaySource).then(() => {
          if (autoplayReplay) mod?._headlab_replay(NaN);
        }, (e) => {
          problem(`Could not open the recorded run: ${e.message}`);
          emit('error', e.message, ABOUT_FILE);
        });
      }
      return controller;
    });
  }).catch((e) => {
    fail(e);
    throw e;
  });
  return [controller, ready, update];
}

// Creates a widget in `element` (sized by the element's CSS box) and resolves
// to its controller once the engine runs; rejects if it cannot start (no WebGL2,
// engine not found), after showing why in the element.
export function mount(element, options) {
  if (!(element instanceof Element)) return Promise.reject(new TypeError('headlab.mount: expected an element'));
  return createWidget(element, options)[1];
}

// Attributes of <headlab-widget> that are not options.
const HTML_ATTRIBUTES = /^(id|class|style|title|lang|dir|hidden|tabindex|slot|part|role|is|data-.*|aria-.*)$/;

// <headlab-widget task="induction" init="clone-all" autoplay>: every other
// attribute is an option. Changing a view attribute (theme, panels, speed...)
// applies at once, a run attribute (heads, init, seed...) starts a new run.
// The element has the controller's methods and fires headlab-ready,
// headlab-step, headlab-snapshot and headlab-error events (detail: the state or the message).
export class HeadlabWidget extends HTMLElement {
  connectedCallback() {
    if (this.widget) return;
    if (getComputedStyle(this).display === 'inline') this.style.display = 'block';
    // What the page put inside the element shows only until headlab.js runs
    // (README: a line saying why, should the script never load).
    this.replaceChildren();
    const options = {};
    for (const a of this.attributes) if (!HTML_ATTRIBUTES.test(a.name)) options[a.name] = a.value;
    const [widget, ready, update] = createWidget(this, options);
    this.widget = widget;
    this.update = update;
    ready.catch(() => {});  // shown in the element and sent as headlab-error
    for (const e of EVENTS) widget.on(e, (detail) => this.dispatchEvent(new CustomEvent('headlab-' + e, {detail})));
    this.attributeObserver = new MutationObserver((records) => this.attributesChanged(records));
    this.attributeObserver.observe(this, {attributes: true});
  }

  disconnectedCallback() {
    // Moving the element in the document disconnects and reconnects it: keep the widget then.
    queueMicrotask(() => {
      if (this.isConnected || !this.widget) return;
      this.attributeObserver.disconnect();
      this.widget.destroy();
      this.widget = null;
    });
  }

  attributesChanged(records) {
    const changed = {}, removed = [];
    for (const {attributeName: name} of records) {
      if (HTML_ATTRIBUTES.test(name)) continue;
      // A removed flag turns off; another removed option keeps its value (there is no "unset").
      if (this.hasAttribute(name)) changed[name] = this.getAttribute(name);
      else removed.push(name);
    }
    this.update(changed, removed);
  }
}
for (const m of ['play', 'pause', 'step', 'reset', 'set', 'state', 'on', 'exportPng', 'exportRun', 'recordReplay', 'openRun']) {
  HeadlabWidget.prototype[m] = function (...args) { return this.widget?.[m](...args); };
}
if (!customElements.get('headlab-widget')) customElements.define('headlab-widget', HeadlabWidget);
