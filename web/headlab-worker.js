// headlab-worker.js: one run's trainer, a module Web Worker that web/headlab.js
// starts per run (compare mode's twin has its own: two cores). It runs the
// page's own engine (headlab-engine.js with the WebAssembly.Module the page
// compiled, so nothing is downloaded or compiled twice), which owns the run
// here and never draws (src/platform/web_trainer.cpp).
//
// Messages in:  {module, engine}  the compiled engine and the URL of its
//                             headlab-engine.js, first (a URL, not an import:
//                             a bundler may rename or move the engine)
//               {bytes}       a command from the page's client (lab/trainer_link.h)
//               {ack: true}   the page applied the last view: the next may be sent
//               {peer: port}  compare mode: the twin's worker, for the lockstep (null: alone again)
//               {close: true} the run is gone
// Messages out: {view}        what changed in the run, as bytes (transferred)
//               {failure}     the engine could not load or stopped
// Peer port, both ways: {run, step}, sent whenever this trainer's changed.
const TRAIN_MS = 40;  // trained between two looks at the inbox: commands wait at most this long

let engine = null, waitingForAck = false, scheduled = false;
let peer = null, told = '';
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

// Tells the twin's worker how far this run got (only when that changed).
function tellPeer() {
  if (!peer) return;
  const run = engine._headlab_trainer_run(), step = engine._headlab_trainer_step();
  const now = `${run}:${step}`;
  if (now === told) return;
  told = now;
  peer.postMessage({run, step});
}

tick.port1.onmessage = () => {
  scheduled = false;
  try {
    for (const bytes of commands.splice(0)) call(engine._headlab_trainer_command, bytes);
    const more = engine._headlab_trainer_train(TRAIN_MS);
    tellPeer();
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

function setPeer(port) {
  peer?.close();
  peer = port;
  told = '';
  if (!engine) return;
  if (!peer) engine._headlab_trainer_clear_peer();
  else {
    peer.onmessage = (e) => {
      engine._headlab_trainer_set_peer(e.data.run, e.data.step);
      schedule();
    };
    tellPeer();
  }
  schedule();
}

let pendingPeer;  // a peer port that came before the engine
onmessage = (e) => {
  const m = e.data;
  if (m.module) {
    import(m.engine).then(({default: createHeadlabEngine}) => createHeadlabEngine({
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(m.module, imports).then((instance) => receive(instance, m.module), fail);
        return {};
      },
      onAbort: fail,
      print: (text) => console.log(text),
      printErr: (text) => console.error(text),
    })).then((instance) => {
      engine = instance;
      engine._headlab_trainer_init();
      if (pendingPeer !== undefined) setPeer(pendingPeer);
      schedule();
    }, fail);
  } else if (m.close) {
    peer?.close();
    close();
  } else if (m.ack) {
    waitingForAck = false;
    schedule();
  } else if ('peer' in m) {
    if (engine) setPeer(m.peer);
    else pendingPeer = m.peer;
  } else if (m.bytes) {
    commands.push(m.bytes);
    schedule();
  }
};
