// headlab.js: put live headlab widgets in any page. An ES module without
// dependencies; README.md ("Embed headlab") has the options, events and host requirements.
//
//   import * as headlab from './headlab.js';
//   const h = await headlab.mount(document.querySelector('#demo'), {task: 'induction', init: 'clone-all', autoplay: true});
//   h.on('snapshot', (state) => console.log(state.step, state.snapshot.diversity));
//   h.pause(); h.step(10); h.set({theme: 'light'}); h.reset({seed: 2}); h.destroy();
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

const ENGINE_JS = new URL('headlab-engine.js', import.meta.url).href;
const ENGINE_WASM = new URL('headlab-engine.wasm', import.meta.url).href;
const EVENTS = ['ready', 'step', 'snapshot', 'error'];
// Bits of the engine's onHeadlabEvents(bits), in the order of EVENTS (src/platform/main_web.cpp).
const EVENT_BITS = {ready: 1, step: 2, snapshot: 4, error: 8};
const SCOPE_RUN = 1;  // headlab_option_scope(): needs a new run (reset), else applies at once (set)

let engine = null;  // Promise<{factory, wasm: WebAssembly.Module}>, shared by every widget on the page

function loadEngine() {
  engine ||= Promise.all([import(ENGINE_JS), compileWasm()]).then(([js, wasm]) => ({factory: js.default, wasm}));
  engine.catch(() => { engine = null; });  // a later mount may try again
  return engine;
}

async function compileWasm() {
  const response = await fetch(ENGINE_WASM);
  if (!response.ok) throw new Error(`could not load ${ENGINE_WASM} (HTTP ${response.status})`);
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

// {dModel: 64, autoplay: true, panels: ['grid', 'loss']} -> [['d-model', '64'], ['autoplay', '1'], ['panels', 'grid,loss']]
function optionPairs(options) {
  const pairs = [];
  for (const [name, value] of Object.entries(options || {})) {
    const key = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if (value === undefined || value === null) continue;
    // The engine takes C strings, which end at a NUL: refuse rather than cut.
    if (String(value).includes('\0') || key.includes('\0')) console.warn(`headlab: ${key}: a NUL character (ignored)`);
    else if (typeof value === 'boolean') pairs.push([key, value ? '1' : '0']);
    else if (typeof value === 'number' || typeof value === 'string') pairs.push([key, String(value)]);
    else if (Array.isArray(value)) pairs.push([key, value.join(',')]);
    else console.warn(`headlab: ${key}: expected a string, number, boolean or list (ignored)`);
  }
  return pairs;
}

const OVERLAY_STYLE = {
  position: 'absolute', inset: '0', display: 'flex', alignItems: 'center', justifyContent: 'center',
  padding: '16px', textAlign: 'center', font: '14px/1.45 system-ui, sans-serif', pointerEvents: 'none',
};

// Builds the widget's DOM: a wrapper filling `element` (or a 3:2 box if the
// element has no height of its own), the canvas, and a status line on top.
function buildDom(element, dark) {
  const box = document.createElement('div');
  Object.assign(box.style, {position: 'relative', width: '100%', height: '100%', overflow: 'hidden',
                            background: dark ? '#111318' : '#e9ecf1'});
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;  // focusable, so keys reach the widget only while the reader works in it
  canvas.setAttribute('aria-label', 'headlab: a small transformer training live, with every attention head drawn');
  // Emscripten's GLFW removes the canvas's inline width and height when it
  // creates its window; min and max sizes survive that and pin the CSS box.
  Object.assign(canvas.style, {display: 'block', outline: 'none', width: '100%', height: '100%', minWidth: '100%',
                               maxWidth: '100%', minHeight: '100%', maxHeight: '100%'});
  const status = document.createElement('div');
  status.setAttribute('role', 'status');
  Object.assign(status.style, OVERLAY_STYLE, {color: dark ? '#8b93a1' : '#69707d'});
  // A focus ring for keyboard users only (set here: the page may allow no stylesheets of ours).
  canvas.addEventListener('focus', () => {
    if (canvas.matches(':focus-visible')) Object.assign(box.style, {outline: '2px solid #4c9dff', outlineOffset: '-2px'});
  });
  canvas.addEventListener('blur', () => { box.style.outline = ''; });
  box.append(canvas, status);
  element.append(box);
  if (box.clientHeight === 0) Object.assign(box.style, {height: 'auto', aspectRatio: '3 / 2'});
  return {box, canvas, status};
}

// Creates a widget at once (calls made before the engine is ready are queued)
// and returns [controller, promise of the controller once started, update(options, removed)],
// where update applies view and live options at once and starts a new run for run
// options; of the `removed` option names, the flags turn off.
function createWidget(element, options) {
  const pairs = optionPairs(options);
  const dark = !pairs.some(([k, v]) => k === 'theme' && v === 'light');
  const {box, canvas, status} = buildDom(element, dark);
  const listeners = new Map(EVENTS.map((e) => [e, new Set()]));
  const queue = [];
  let mod = null, started = false, destroyed = false, failure = null;
  let onScreen = false;  // until the IntersectionObserver's first report, which comes right after observe()

  const encoder = new TextEncoder(), decoder = new TextDecoder();
  function call(fn, ...strings) {  // calls an engine function with JS strings as C strings
    const ptrs = strings.map((s) => {
      const bytes = encoder.encode(s);
      const p = mod._malloc(bytes.length + 1);
      mod.HEAPU8.set(bytes, p);  // read HEAPU8 each time: memory growth replaces it
      mod.HEAPU8[p + bytes.length] = 0;
      return p;
    });
    try { return fn(...ptrs); } finally { ptrs.forEach((p) => mod._free(p)); }
  }
  function cString(p) {
    const heap = mod.HEAPU8;
    let end = p;
    while (heap[end]) end++;
    return decoder.decode(heap.subarray(p, end));
  }
  const stage = (opts) => optionPairs(opts).forEach(([k, v]) => call(mod._headlab_set_option, k, v));
  const whenStarted = (fn) => {
    if (destroyed || failure) return;
    if (started) fn();
    else queue.push(fn);
  };

  function showStatus(text) {
    status.textContent = text || '';  // text, never HTML
    status.hidden = !text;
  }
  function emit(event, payload) {
    for (const fn of listeners.get(event)) {
      try { fn(payload); } catch (e) { console.error(e); }
    }
  }
  function fail(error) {
    if (failure || destroyed) return;
    failure = String(error && error.message || error);
    showStatus((started ? 'headlab stopped: ' : 'headlab could not start: ') + failure);
    queue.length = 0;
    emit('error', failure);
  }
  // Engine events arrive inside its frame (or inside step()): handled after it returns.
  function onEngineEvents(bits) {
    queueMicrotask(() => {
      if (destroyed) return;
      if (bits & EVENT_BITS.ready) showStatus('');
      const wanted = EVENTS.filter((e) => bits & EVENT_BITS[e] && listeners.get(e).size);
      if (!wanted.length) return;
      const s = controller.state();
      for (const e of wanted) emit(e, e === 'error' ? s.fault : s);
    });
  }

  // Off screen or in a hidden tab the engine stops its frame loop; the run is kept.
  function updateVisibility() {
    if (started) mod._headlab_set_visible(onScreen && !document.hidden ? 1 : 0);
  }
  const observer = new IntersectionObserver((entries) => {
    onScreen = entries[entries.length - 1].isIntersecting;
    updateVisibility();
  }, {rootMargin: '100px'});
  observer.observe(box);
  document.addEventListener('visibilitychange', updateVisibility);

  // A lost context (GPU reset, too many contexts) keeps training; preventDefault lets the browser restore it.
  function onContextLost(e) {
    e.preventDefault();
    showStatus('The graphics context was lost. Training goes on; the picture returns when the browser restores it.');
  }
  function onContextRestored() { showStatus(''); }
  canvas.addEventListener('webglcontextlost', onContextLost);
  canvas.addEventListener('webglcontextrestored', onContextRestored);

  const controller = {
    element, canvas,
    play() { whenStarted(() => mod._headlab_play()); },
    pause() { whenStarted(() => mod._headlab_pause()); },
    // Runs n optimiser steps now (synchronously), then stays paused.
    step(n = 1) { whenStarted(() => mod._headlab_step(Math.max(0, Math.min(n | 0, 100000)))); },
    // Starts a new run: the current settings, changed by `opts`.
    reset(opts) {
      whenStarted(() => {
        mod._headlab_stage_current_options();
        stage(opts);
        mod._headlab_reset();
      });
    },
    // Changes view options (and lr, clip, ...) without a new run.
    set(opts) {
      whenStarted(() => {
        mod._headlab_stage_current_options();
        stage(opts);
        mod._headlab_apply();
      });
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
        console.warn(`headlab: on(${JSON.stringify(event)}): expected one of ${EVENTS.join(', ')} and a function (ignored)`);
        return () => {};
      }
      set.add(fn);
      if (event === 'error' && failure) queueMicrotask(() => fn(failure));
      return () => set.delete(fn);
    },
    // Frees the engine instance, its WebGL context, observers and listeners, and removes the widget's DOM.
    destroy() {
      if (destroyed) return;
      destroyed = true;
      queue.length = 0;
      observer.disconnect();
      document.removeEventListener('visibilitychange', updateVisibility);
      canvas.removeEventListener('webglcontextlost', onContextLost);
      canvas.removeEventListener('webglcontextrestored', onContextRestored);
      const gl = mod && mod.ctx;  // the engine's WebGL context, if it made one
      if (mod) {
        if (started) mod._headlab_destroy();
        mod.onHeadlabEvents = null;
        mod = null;
      }
      // Frees the GPU side now rather than whenever the canvas is garbage-collected
      // (browsers cap live contexts at about 16 per page).
      if (gl && !gl.isContextLost()) gl.getExtension('WEBGL_lose_context')?.loseContext();
      box.remove();
      listeners.forEach((set) => set.clear());
    },
  };

  function update(opts, removed = []) {
    whenStarted(() => {
      const pairs = optionPairs(opts);
      removed.filter((k) => call(mod._headlab_option_is_flag, k)).forEach((k) => pairs.push([k, '0']));
      const run = pairs.filter(([k]) => call(mod._headlab_option_scope, k) === SCOPE_RUN);
      mod._headlab_stage_current_options();
      pairs.filter((p) => !run.includes(p)).forEach(([k, v]) => call(mod._headlab_set_option, k, v));
      mod._headlab_apply();
      if (!run.length) return;
      mod._headlab_stage_current_options();
      run.forEach(([k, v]) => call(mod._headlab_set_option, k, v));
      mod._headlab_reset();
    });
  }

  showStatus('Loading headlab…');
  // The factory's promise never settles if instantiation fails or the engine aborts while starting.
  let abort;
  const aborted = new Promise((_, reject) => { abort = reject; });
  const ready = loadEngine().then(({factory, wasm}) => {
    if (destroyed) return controller;
    return Promise.race([aborted, factory({
      canvas,
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(wasm, imports).then((instance) => receive(instance, wasm), abort);
        return {};
      },
      onHeadlabEvents: onEngineEvents,
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
      for (const [k, v] of pairs) call(mod._headlab_set_option, k, v);
      const error = cString(mod._headlab_start());
      if (error) throw new Error(error);
      started = true;
      updateVisibility();
      queue.splice(0).forEach((fn) => fn());
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
for (const m of ['play', 'pause', 'step', 'reset', 'set', 'state', 'on']) {
  HeadlabWidget.prototype[m] = function (...args) { return this.widget?.[m](...args); };
}
if (!customElements.get('headlab-widget')) customElements.define('headlab-widget', HeadlabWidget);
