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

import {LIMITS, callWithBytes, callWithStrings, cString, downloadWatchers, loadEngine, optionPairs, trainers}
  from './engine.js';
import * as C from './headlab-constants.js';
import {keep, nextKeepKey} from './keep.js';
import {buildDom, keptRunBar, loadingView, makeCanvas, probeDialog, statusLine} from './overlay.js';
import {recordCanvas} from './record.js';
import {canvasPng, shareAction} from './share.js';

export {LIMITS};

const STEP_POLL_MS = 20;  // with a worker, how often a command's promise looks whether it was carried out
const EVENTS = ['ready', 'step', 'snapshot', 'error'];
// Bits of the engine's onHeadlabEvents(bits) for EVENTS ('error': a fault; lab/page_constants.h).
const EVENT_BITS = {ready: C.EVENT_READY, step: C.EVENT_STEP, snapshot: C.EVENT_SNAPSHOT, error: C.EVENT_FAULT};
// The largest run file openRun() takes (the engine's own limit), the pieces it
// goes to the engine in (each read in under 30 ms in the page's frames, where
// no worker reads them), and how long a download may stall.
const MAX_RUN_BYTES = C.MAX_RUN_FILE_BYTES;
const RUN_PIECE = 128 << 10;
const NO_ANSWER_MS = 30000;
const MAX_STEPS = 100000;  // step(n): n is clamped to 0..MAX_STEPS
const SLICE_MS = 8;  // step(n) trains in slices of about this long, one per task, so the page keeps answering

// Creates a widget at once (calls made before the engine is ready are queued)
// and returns {controller, ready: a promise of the controller once started,
// update(options, removed)}, where update applies view and live options at
// once and starts a new run for run options; of the `removed` option names,
// the flags turn off.
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

  const encoder = new TextEncoder();
  let workers = null;  // this widget's trainers (Module.headlabTrainers), or null: training in the page's frames
  const call = (fn, ...strings) => callWithStrings(mod, fn, ...strings);
  const text = (p) => cString(mod, p);
  const whenStarted = (fn) => {
    if (destroyed || failure) return;
    if (started) fn();
    else queue.push(fn);
  };

  // Status line: text (never HTML), and optionally buttons ({label, action}); a button closes it.
  const showStatus = statusLine(status, dark);
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
    if (bits & C.EVENT_ERROR) report(error);
    queueMicrotask(() => {
      if (destroyed || failure) return;  // (a widget that failed keeps saying why)
      if (bits & C.EVENT_PLAYING) announce();
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
      while ((why = attempt('open', () => text(mod._headlab_open_result()), 'the engine could not open it')) === 'pending' && live())
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
    return attempt('open', () => callWithBytes(mod, mod._headlab_open_data, piece), 0);
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
      const s = JSON.parse(text(mod._headlab_state()));
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
      return attempt('export', () => text(mod._headlab_run_json()), null);
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

  // Share menu entries and pictures: the engine calls back (src/platform/web_app.cpp).
  const captures = [];
  const notice = (text) => whenStarted(() => call(mod._headlab_notice, text));
  // A problem the reader must read (e.g. why a file did not open): on the widget until closed.
  const problem = (text) => showStatus(text, {label: 'Close', action: () => showStatus('')});
  const reader = {controller, notice, problem};
  function onAction(id) {
    if (id === 'edit-probe') return editProbe();
    if (id === 'capture') {
      const s = controller.state();
      captures.splice(0).forEach((c) => canvasPng(canvas, s).then(c.resolve, c.reject));
      return;
    }
    shareAction(reader, id).catch((e) => notice(`${id}: ${e.message}`));
  }

  // The grid's "Type your own input": an HTML field over the widget; Draw restarts the run drawn on the text.
  let closeDialog = null;
  function editProbe() {
    if (!started || destroyed || failure || closeDialog) return;
    const s = controller.state();
    closeDialog = probeDialog(box, dark, {
      task: s.options.task, text: s.probeText,
      submit: (typed) => attempt('probe', () => text(call(mod._headlab_set_probe, typed)), 'the engine could not restart the run'),
      onClose() {
        closeDialog = null;
        canvas.focus();
      },
    });
  }

  // recordReplay(): the canvas as a video while the engine replays the run.
  let recording = null;
  async function recordReplay(seconds) {
    if (destroyed || failure || !started) throw new Error('the widget is not running');
    if (recording) throw new Error('a recording is already under way');
    const length = seconds === undefined ? NaN : Number(seconds);
    if (seconds !== undefined && !(length >= 2 && length <= 60)) {
      throw new Error(`recordReplay(seconds): expected 2..60, got ${String(seconds).slice(0, 40)}`);
    }
    recording = recordCanvas(canvas, {
      start: () => attempt('replay', () => mod._headlab_replay(length)),
      replaying: () => !destroyed && controller.state().replaying,
    });
    try {
      return await recording.done;
    } finally {
      recording = null;
    }
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
          .filter((k) => k === 'compare' || call(mod._headlab_option_scope, k) === C.SCOPE_RUN).map((k) => [k, o[k]]));
      },
      checkpoint(twin) {
        const n = attempt('keep', () => mod._headlab_checkpoint(twin), 0);
        return n ? {bytes: mod.HEAPU8.slice(mod._headlab_bytes(), mod._headlab_bytes() + n), step: mod._headlab_bytes_step()} : null;
      },
      load(bytes, twin) {
        return attempt('resume', () => callWithBytes(mod, (p, n) => text(mod._headlab_load_checkpoint(p, n, twin)), bytes),
                       'could not resume');
      },
      prompt: (words, buttons) => keptRunBar(box, dark, words, buttons),
    }, keepKey);
  }

  function update(opts, removed = []) {
    if (opts?.replay) openRun(opts.replay).catch((e) => report(`replay: ${e.message}`, ABOUT_FILE));
    const changes = optionPairs(opts);
    whenStarted(() => attempt('set', () => {
      // Of the removed option names (attributes taken off an element), the flags turn off.
      removed.filter((k) => call(mod._headlab_option_is_flag, k)).forEach((k) => changes.push([k, '0']));
      const run = changes.filter(([k]) => call(mod._headlab_option_scope, k) === C.SCOPE_RUN);
      if (!mod._headlab_stage_current_options()) return;
      stage(changes.filter((p) => !run.includes(p)));
      mod._headlab_apply();
      if (!run.length) return;
      if (!mod._headlab_stage_current_options()) return;
      stage(run);
      mod._headlab_reset();
    }));
  }

  const loadingStatus = loadingView(status, dark, showStatus);
  const showDownload = (loaded, total) => { if (!destroyed && !failure) loadingStatus.progress(loaded, total); };
  downloadWatchers.add(showDownload);
  const {loading, downloading} = loadEngine();
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
    loadingStatus.starting();
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
      const error = text(mod._headlab_start());
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
  return {controller, ready, update};
}

// Creates a widget in `element` (sized by the element's CSS box) and resolves
// to its controller once the engine runs; rejects if it cannot start (no WebGL2,
// engine not found), after showing why in the element.
export function mount(element, options) {
  if (!(element instanceof Element)) return Promise.reject(new TypeError('headlab.mount: expected an element'));
  return createWidget(element, options).ready;
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
    const {controller: widget, ready, update} = createWidget(this, options);
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
