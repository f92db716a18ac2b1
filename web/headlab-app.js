// Creates one headlab app on a canvas and returns its controller.
//
//   const app = createHeadlabApp(canvas, {task: 'induction', heads: 4}, {onReady, onError, onContextLost});
//   app.state()  -> {ready, step, loss, accuracy, playing, stepsPerSec, tokensPerSec, frameMs, trainMs}
//   app.play(); app.pause(); app.step(10); app.reset({seed: 3, init: 'clone-all'});
//
// Options use the same keys and values as the command line and the page URL
// (see `headlab-train --help`); an unknown key or bad value logs one console
// warning and is ignored. Calls made before the WebAssembly is ready are
// queued. Load headlab.js (which defines createHeadlab) before this file.
// No eval, no inline code: works under a strict Content-Security-Policy.
(function (global) {
  'use strict';

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  // URL query (?task=induction&heads=4) -> {task: 'induction', heads: '4'}.
  function optionsFromQuery(search) {
    const out = {};
    for (const [key, value] of new URLSearchParams(search)) out[key] = value;
    return out;
  }

  function createHeadlabApp(canvas, options, hooks) {
    hooks = hooks || {};
    let mod = null;
    let started = false;
    let failed = null;
    const queue = [];

    // Copies JS strings into the module's heap as NUL-terminated UTF-8 for one call.
    function withCStrings(strings, fn) {
      const ptrs = strings.map((s) => {
        const bytes = encoder.encode(String(s));
        const p = mod._malloc(bytes.length + 1);
        mod.HEAPU8.set(bytes, p);  // read HEAPU8 each time: memory growth replaces it
        mod.HEAPU8[p + bytes.length] = 0;
        return p;
      });
      try {
        return fn(...ptrs);
      } finally {
        ptrs.forEach((p) => mod._free(p));
      }
    }
    function readCString(p) {
      const heap = mod.HEAPU8;
      let end = p;
      while (heap[end]) end++;
      return decoder.decode(heap.subarray(p, end));
    }
    function setOptions(opts) {
      for (const [key, value] of Object.entries(opts || {})) {
        const text = value === true ? '1' : value === false ? '0' : value;
        withCStrings([key, text], (k, v) => mod._headlab_set_option(k, v));
      }
    }
    function whenStarted(fn) {
      if (started) fn();
      else if (!failed) queue.push(fn);
    }

    const controller = {
      canvas,
      state() {
        if (!started) return {ready: false, step: 0, loss: null, accuracy: null, error: failed};
        return JSON.parse(readCString(mod._headlab_state()));
      },
      play() { whenStarted(() => mod._headlab_play()); },
      pause() { whenStarted(() => mod._headlab_pause()); },
      step(n) { whenStarted(() => mod._headlab_step(n === undefined ? 1 : n | 0)); },
      // Starts a new run: the current settings, changed by `opts`.
      reset(opts) {
        whenStarted(() => {
          mod._headlab_stage_current_options();
          setOptions(opts);
          mod._headlab_reset();
        });
      },
    };

    function fail(message) {
      failed = String(message);
      if (hooks.onError) hooks.onError(failed);
    }

    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      if (hooks.onContextLost) hooks.onContextLost();
    });

    global.createHeadlab({
      canvas,
      locateFile: hooks.locateFile,
      print: (text) => console.log(text),
      printErr: (text) => console.error(text),
    }).then((m) => {
      mod = m;
      setOptions(options);
      const error = readCString(m._headlab_start());
      if (error) return fail(error);
      started = true;
      queue.splice(0).forEach((fn) => fn());
      if (hooks.onReady) hooks.onReady(controller);
    }, fail);

    return controller;
  }

  createHeadlabApp.optionsFromQuery = optionsFromQuery;
  global.createHeadlabApp = createHeadlabApp;
})(typeof window !== 'undefined' ? window : globalThis);
