// engine.js: the engine as web/headlab.js's widgets share it. Loading
// (headlab-engine.js and its .wasm, fetched and compiled once per page), each
// run's worker (headlab-worker.js), what a page may hand the engine (option
// pairs within LIMITS) and the copies of strings and bytes into its memory.
// headlab-worker.js keeps its own few lines of the latter: bundlers copy the
// worker as a file (or inline it), so it cannot import modules of ours.

import {MAX_OPTION_VALUE_BYTES} from './headlab-constants.js';

const ENGINE_JS = new URL('headlab-engine.js', import.meta.url).href;
const ENGINE_WASM = new URL('headlab-engine.wasm', import.meta.url).href;
const WORKER_JS = new URL('headlab-worker.js', import.meta.url).href;

// What a page may hand the engine in one call (mount, set, reset, an attribute
// change, a postMessage command): option names of at most 64 characters (the
// longest real one has 14), values of at most 4 MiB of UTF-8 (the engine's own
// limit, for task=text's training text), at most 64 options and 4 MiB + 64 KiB
// of names and values together. Anything longer is refused with one warning
// before it is copied anywhere, as is NUL in a name or value (C strings would
// silently cut it short).
export const LIMITS = Object.freeze({name: 64, value: MAX_OPTION_VALUE_BYTES, options: 64, total: MAX_OPTION_VALUE_BYTES + (64 << 10)});

// A short printable form of a name or value for warnings (never the whole of a huge one).
export function shown(s) {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

let engine = null;  // Promise<{factory, wasm: WebAssembly.Module}>, shared by every widget on the page
export const downloadWatchers = new Set();  // fn(loadedBytes, totalBytes or 0) of widgets waiting for the engine
let downloading = null;  // resolves when the engine's bytes start arriving (and compiling)
let startDownloading = null;

// {loading: Promise<{factory, wasm}>, downloading: a promise that resolves
// when the engine's bytes start arriving (and compiling)}.
export function loadEngine() {
  downloading ||= new Promise((resolve) => { startDownloading = resolve; });
  engine ||= Promise.all([import(ENGINE_JS), compileWasm()]).then(([js, wasm]) => ({factory: js.default, wasm}));
  engine.catch(() => { engine = null; });  // a later mount may try again
  return {loading: engine, downloading};
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
export function optionPairs(options) {
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
export function trainers(wasm) {
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


// Copies into the engine's memory. Every copy checks its allocation: when the
// engine's memory cannot grow, _malloc returns 0, and writing there would
// overwrite the engine's own data. HEAPU8 is read each time: memory growth replaces it.
const encoder = new TextEncoder(), decoder = new TextDecoder();

// Calls an engine function with JS strings as C strings.
export function callWithStrings(mod, fn, ...strings) {
  const ptrs = [];
  try {
    for (const s of strings) {
      const bytes = encoder.encode(s);
      if (bytes.length > LIMITS.value) throw new Refused(`${shown(s)}: more than ${LIMITS.value} bytes`);
      const p = mod._malloc(bytes.length + 1);
      if (!p) throw new Refused(`out of memory (could not copy ${bytes.length + 1} bytes into the engine)`);
      ptrs.push(p);
      mod.HEAPU8.set(bytes, p);
      mod.HEAPU8[p + bytes.length] = 0;
    }
    return fn(...ptrs);
  } finally {
    ptrs.forEach((p) => mod._free(p));
  }
}

// Calls fn(pointer, length) with bytes copied into the engine.
export function callWithBytes(mod, fn, bytes) {
  const p = mod._malloc(bytes.length);
  if (!p) throw new Refused(`out of memory (could not copy ${bytes.length} bytes into the engine)`);
  try {
    mod.HEAPU8.set(bytes, p);
    return fn(p, bytes.length);
  } finally {
    mod._free(p);
  }
}

// A C string the engine returned.
export function cString(mod, p) {
  const heap = mod.HEAPU8;
  let end = p;
  while (heap[end]) end++;
  return decoder.decode(heap.subarray(p, end));
}
