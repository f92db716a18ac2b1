// headlab-worker.js: one widget's trainer, a module Web Worker that web/headlab.js
// starts per widget. It runs the page's own engine (headlab-engine.js with the
// WebAssembly.Module the page compiled, so nothing is downloaded or compiled
// twice), which owns the run here and never draws (src/platform/web_trainer.cpp).
//
// Messages in:  {module}    the compiled engine, first
//               {bytes}     a command from the page's WorkerRunner (the first one starts the run)
//               {ack: true} the page applied the last view: the next may be sent
//               {close: true} the widget is gone
// Messages out: {view}      what changed in the run, as bytes (transferred)
//               {failure}   the engine could not load or stopped
import createHeadlabEngine from './headlab-engine.js';

const TRAIN_MS = 40;  // trained between two looks at the inbox: commands wait at most this long

let engine = null, started = false, waitingForAck = false, scheduled = false;
const commands = [];
const tick = new MessageChannel();  // a task per round: unlike timers, never clamped or throttled

function fail(error) {
  postMessage({failure: String(error && error.message || error)});
  close();
}

function call(fn, bytes) {
  const p = engine._malloc(bytes.length);
  if (!p) throw new Error('out of memory');
  try {
    engine.HEAPU8.set(bytes, p);
    return fn(p, bytes.length);
  } finally {
    engine._free(p);
  }
}

function schedule() {
  if (scheduled || !engine) return;
  scheduled = true;
  tick.port2.postMessage(null);
}

tick.port1.onmessage = () => {
  scheduled = false;
  try {
    for (const bytes of commands.splice(0)) {
      if (started) call(engine._headlab_trainer_command, bytes);
      else call(engine._headlab_trainer_start, bytes), started = true;  // a failure comes back in the first view
    }
    const more = started && engine._headlab_trainer_train(TRAIN_MS);
    if (!waitingForAck) {
      const n = engine._headlab_trainer_view();
      if (n) {
        const p = engine._headlab_trainer_view_data();
        const view = engine.HEAPU8.slice(p, p + n);
        postMessage({view}, [view.buffer]);
        waitingForAck = true;
      }
    }
    if (more || commands.length) schedule();
  } catch (e) {
    fail(e);
  }
};

onmessage = (e) => {
  const m = e.data;
  if (m.module) {
    createHeadlabEngine({
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(m.module, imports).then((instance) => receive(instance, m.module), fail);
        return {};
      },
      onAbort: fail,
      print: (text) => console.log(text),
      printErr: (text) => console.error(text),
    }).then((instance) => {
      engine = instance;
      schedule();
    }, fail);
  } else if (m.close) {
    close();
  } else if (m.ack) {
    waitingForAck = false;
    schedule();
  } else if (m.bytes) {
    commands.push(m.bytes);
    schedule();
  }
};
