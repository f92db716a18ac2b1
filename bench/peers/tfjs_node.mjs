// TensorFlow.js peer under Node: the WASM backend (the one a web page would
// use; SIMD, one thread) and the pure-JS cpu backend.
//   node bench/peers/tfjs_node.mjs [backend=wasm|cpu] [steps=20] [shape=tiny|small|all]
// Prints one JSON line per shape: {"runner", "shape", "ms_per_step", "tokens"}.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import {setThreadsCount, setWasmPaths} from '@tensorflow/tfjs-backend-wasm';
import {benchTfjs} from './tfjs_model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const backend = args.backend || 'wasm';
const steps = Number(args.steps || 20);
const shapes = JSON.parse(fs.readFileSync(path.join(here, '..', 'shapes.json'), 'utf8'));

if (backend === 'wasm') {
  setWasmPaths(path.join(here, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  setThreadsCount(1);
}
await tf.setBackend(backend);
await tf.ready();
for (const name of ['tiny', 'small']) {
  if (args.shape && args.shape !== 'all' && args.shape !== name) continue;
  const ms = await benchTfjs(tf, shapes[name], steps, () => performance.now());
  console.log(JSON.stringify({runner: `tfjs-${backend}-node`, shape: name, ms_per_step: ms, tokens: shapes[name].batch * shapes[name].ctx}));
}
