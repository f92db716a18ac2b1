// Runs one benchmark inside Chromium and leaves its JSON lines in
// window.benchResult (an array) or the error in window.benchError.
//   ?run=tfjs&backend=wasm|webgl&shape=tiny&steps=20   TF.js peer (tfjs_model.mjs)
//   ?run=wasm&bin=bench_train_web.js&args=steps=40,format=json
//                                                      a headlab benchmark built for the web
const q = new URLSearchParams(location.search);

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

async function runTfjs() {
  await loadScript('/node_modules/@tensorflow/tfjs/dist/tf.min.js');
  await loadScript('/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
  const tf = window.tf;
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const backend = q.get('backend') || 'wasm';
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
  const {benchTfjs} = await import('/peers/tfjs_model.mjs');
  const shapes = await (await fetch('/shapes.json')).json();
  const name = q.get('shape') || 'tiny';
  const ms = await benchTfjs(tf, shapes[name], Number(q.get('steps') || 20), () => performance.now());
  return [{runner: `tfjs-${backend}-chromium`, shape: name, ms_per_step: ms, tokens: shapes[name].batch * shapes[name].ctx}];
}

async function runWasm() {
  const lines = [];
  const done = new Promise((resolve) => {
    window.Module = {
      arguments: (q.get('args') || '').split(',').filter(Boolean),
      print: (line) => lines.push(line),
      printErr: (line) => console.error(line),
      onExit: resolve,
    };
  });
  await loadScript(`/wasm/${q.get('bin')}`);
  await done;
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

try {
  window.benchResult = await (q.get('run') === 'tfjs' ? runTfjs() : runWasm());
} catch (e) {
  window.benchError = String(e && e.stack || e);
}
