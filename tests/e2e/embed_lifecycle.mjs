// A widget's life in a host page: 20 mount/destroy cycles leave no engine
// instance, WebGL context, listener or DOM node behind; losing and regaining
// the WebGL context (WEBGL_lose_context) keeps the run training and brings the
// picture back; resizing the widget 60 times grows neither the JS heap nor
// the engine's memory.
//
// Leaks are counted after forced garbage collections (DevTools protocol):
// engine instances (their WebAssembly.Memory) and WebGL contexts still alive,
// tracked with a FinalizationRegistry by an init script that wraps
// WebAssembly.instantiate and getContext; the JS heap (Runtime.getHeapUsage);
// event listeners and DOM nodes (Memory.getDOMCounters).
//
//   node embed_lifecycle.mjs --root build/web-release/web --out build/e2e
import path from 'node:path';
import {STRICT_CSP, args, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';
import {decodePng, regionDiff, regionStats} from './png.mjs';

const t0 = Date.now();
const CYCLES = Number(args.cycles || 20);
const RUN = {task: 'copy', batch: 8, seed: 3};
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/test.html': {body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/test.css"><script type="module" src="/test.js"></script></head><body><div id="host"></div></body></html>`},
  '/test.css': {body: 'body { margin: 0; } #host { width: 640px; height: 400px; }', type: 'text/css'},
  '/test.js': {body: `import * as headlab from '/headlab.js'; window.headlab = headlab;`, type: 'text/javascript'},
}});
const browser = await launch();
const {page, log} = await openPage(browser, null, {viewport: {width: 1000, height: 700}});
await page.addInitScript(() => {
  const live = window.live = {memories: 0, contexts: 0};
  const registry = new FinalizationRegistry((kind) => live[kind]--);
  const track = (object, kind) => { live[kind]++; registry.register(object, kind); };
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = (...args) => instantiate(...args).then((result) => {
    const exports = (result.instance || result).exports;
    const memory = Object.values(exports).find((x) => x instanceof WebAssembly.Memory);
    if (memory) track(memory, 'memories');
    return result;
  });
  const getContext = HTMLCanvasElement.prototype.getContext;
  const seen = new WeakSet();
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const gl = getContext.call(this, type, ...rest);
    if (gl && type === 'webgl2' && !seen.has(gl)) seen.add(gl) && track(gl, 'contexts');
    return gl;
  };
});
await page.goto(srv.url + 'test.html');
await page.waitForFunction(() => window.headlab, null, {timeout: 30000});
const cdp = await page.context().newCDPSession(page);

async function measure() {
  for (let i = 0; i < 3; i++) {  // finalizers run after a collection; let them, and collect again
    await cdp.send('HeapProfiler.collectGarbage');
    await sleep(150);
  }
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const live = await page.evaluate(() => ({...window.live}));
  // What the engine and headlab.js listen to (the total above also counts the browser's and Playwright's own).
  let attached = 0;
  for (const expr of ['window', 'document', 'document.querySelector("#host canvas")']) {
    const o = await cdp.send('Runtime.evaluate', {expression: expr});
    if (o.result.objectId) attached += (await cdp.send('DOMDebugger.getEventListeners', {objectId: o.result.objectId})).listeners.length;
  }
  return {heapMB: heap.usedSize / 2 ** 20, listeners: dom.jsEventListeners, attached, nodes: dom.nodes, ...live};
}
const fmt = (m) => `heap ${m.heapMB.toFixed(1)} MB, ${m.memories} wasm memories, ${m.contexts} WebGL contexts, ` +
                  `${m.listeners} listeners (${m.attached} on window, document and the canvas), ${m.nodes} nodes`;

// Mounts a widget in #host, waits until it has drawn, trains a little, destroys it.
const cycle = () => page.evaluate(async (run) => {
  const w = await window.headlab.mount(document.getElementById('host'), run);
  const t = performance.now();
  while (!w.state().ready && performance.now() - t < 30000) await new Promise((r) => setTimeout(r, 50));
  const ready = w.state().ready;
  w.step(2);
  w.destroy();
  return ready;
}, RUN);

try {
  // --- mount/destroy cycles ------------------------------------------------------------
  await cycle();  // the first cycle compiles the engine and warms caches: measure after it
  const base = await measure();
  let allReady = true;
  for (let i = 0; i < CYCLES; i++) allReady = (await cycle()) && allReady;
  const end = await measure();
  console.log(`     after 1 cycle: ${fmt(base)}\n     after ${CYCLES + 1}: ${fmt(end)}`);
  check(allReady, `${CYCLES} widgets in turn all became ready`);
  check(end.memories === 0 && end.contexts === 0, `no engine instance or WebGL context outlives destroy() (${end.memories}, ${end.contexts})`);
  check(end.heapMB - base.heapMB < 3, `the JS heap stays bounded (${base.heapMB.toFixed(1)} -> ${end.heapMB.toFixed(1)} MB)`);
  check(end.listeners <= base.listeners && end.attached === base.attached && end.nodes <= base.nodes,
        `no listeners or DOM nodes left behind (${base.listeners} -> ${end.listeners} listeners, ${base.nodes} -> ${end.nodes} nodes)`);
  check(!log.warnings.some((w) => /too many active webgl contexts/i.test(w)), 'the browser never ran out of WebGL contexts');

  // --- WebGL context loss and restore ---------------------------------------------------------
  await page.evaluate(async (run) => {
    window.w = await window.headlab.mount(document.getElementById('host'), run);
    window.w.step(40);
  }, RUN);
  await waitFor(() => page.evaluate(() => window.w.state().ready), (r) => r, 30000);
  await sleep(1500);  // drawn and settled (the playback eases to the newest snapshot)
  const rect = await page.evaluate(() => {
    const r = document.getElementById('host').getBoundingClientRect();
    const g = window.w.state().ui.grid;
    return {x: r.x + g[0], y: r.y + g[1], w: g[2], h: g[3]};
  });
  const before = decodePng(await page.screenshot({path: path.join(outDir, 'lifecycle-before-loss.png')}));
  const lose = () => page.evaluate(() => {
    window.loseContext = document.querySelector('#host canvas').getContext('webgl2').getExtension('WEBGL_lose_context');
    window.loseContext.loseContext();
  });
  const restore = () => page.evaluate(() => window.loseContext.restoreContext());
  const state = () => page.evaluate(() => window.w.state());

  // Paused: the same run at the same step must draw the same picture after the restore.
  const s0 = await state();
  await lose();
  const lost0 = await waitFor(state, (s) => s.contextLost, 10000);
  const statusLost = await page.evaluate(() => document.querySelector('#host [role=status]').textContent);
  check(lost0.contextLost && /lost/.test(statusLost), `a lost context is noticed and the widget says so ("${statusLost}")`);
  await restore();
  const back = await waitFor(state, (s) => !s.contextLost, 10000);
  await sleep(1500);
  const after = decodePng(await page.screenshot({path: path.join(outDir, 'lifecycle-after-restore.png')}));
  const st = regionStats(after, rect.x, rect.y, rect.w, rect.h);
  const diff = regionDiff(before, after, rect.x, rect.y, rect.w, rect.h);
  const statusHidden = await page.evaluate(() => document.querySelector('#host [role=status]').hidden);
  check(!back.contextLost && back.step === s0.step && back.generation === s0.generation && statusHidden,
        `the context comes back with the run as it was (step ${back.step})`);
  check(st.colours > 20 && diff < 1.5, `and so does the picture (${st.colours} colours, mean |diff| from before the loss ${diff.toFixed(2)})`);

  // Playing: training goes on without a context, and drawing resumes after it.
  await page.evaluate(() => window.w.play());
  await lose();
  const lost = await waitFor(state, (s) => s.contextLost && s.step >= back.step + 3, 60000);
  check(lost.contextLost && lost.step >= back.step + 3 && lost.generation === s0.generation,
        `while the context is lost the run keeps training (step ${back.step} -> ${lost.step}, same run)`);
  await restore();
  const again = await waitFor(state, (s) => !s.contextLost && s.step > lost.step, 30000);
  await sleep(500);
  const later = decodePng(await page.screenshot());
  const st2 = regionStats(later, rect.x, rect.y, rect.w, rect.h);
  check(!again.contextLost && again.step > lost.step && st2.colours > 20,
        `after the restore it trains and draws on (step ${again.step}, ${st2.colours} colours)`);
  check(!log.warnings.some((w) => /WebGL|GL_INVALID|INVALID_OPERATION/.test(w)), 'no WebGL warnings while rebuilding');

  // --- repeated resizes ------------------------------------------------------------------------
  const r0 = await measure();
  const mem0 = (await page.evaluate(() => window.w.state())).memoryBytes;
  for (let i = 0; i < 60; i++) {
    const [width, height] = [[640, 400], [320, 240], [900, 600], [500, 700]][i % 4];
    await page.evaluate(([wd, ht]) => Object.assign(document.getElementById('host').style, {width: wd + 'px', height: ht + 'px'}), [width, height]);
    await sleep(60);
  }
  await page.evaluate(() => Object.assign(document.getElementById('host').style, {width: '700px', height: '450px'}));
  await sleep(800);
  const r1 = await measure();
  const s1 = await page.evaluate(() => window.w.state());
  const canvas = await page.evaluate(() => { const c = document.querySelector('#host canvas'); return [c.width, c.height]; });
  console.log(`     before resizing: ${fmt(r0)}\n     after 60 resizes: ${fmt(r1)}`);
  check(canvas[0] === 700 && canvas[1] === 450, `the backbuffer follows the last size (${canvas.join('x')})`);
  check(r1.heapMB - r0.heapMB < 2 && s1.memoryBytes === mem0 && r1.attached === r0.attached,
        `60 resizes grow neither the JS heap (${r0.heapMB.toFixed(1)} -> ${r1.heapMB.toFixed(1)} MB) nor the engine's memory (${mem0 / 2 ** 20} -> ${s1.memoryBytes / 2 ** 20} MB)`);
  check(s1.ready && s1.playing, 'still ready and training');
  noErrors(log, 'during the lifecycle');
} finally {
  await browser.close();
  srv.close();
}
finish('embed_lifecycle', t0);
