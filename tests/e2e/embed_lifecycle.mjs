// A widget's life in a host page: 20 mount/destroy cycles leave no engine
// instance, WebGL context, listener or DOM node behind; losing and regaining
// the WebGL context (WEBGL_lose_context) keeps the run training and brings the
// picture back; resizing a paused widget 60 times grows neither the JS heap nor
// the engine's memory; a context the browser evicts (a 17th widget) is said to
// be gone, and the widget's button makes a new one, with the run as it was.
//
// Leaks are counted after forced garbage collections (DevTools protocol):
// engine instances (their WebAssembly.Memory) and WebGL contexts still alive,
// tracked with a FinalizationRegistry by an init script that wraps
// WebAssembly.instantiate and getContext; the JS heap (Runtime.getHeapUsage);
// event listeners and DOM nodes (Memory.getDOMCounters).
//
//   node embed_lifecycle.mjs --root build/web-release/web --out build/e2e
import path from 'node:path';
import {STRICT_CSP, args, check, finish, launch, noErrors, openPage, outDir, root, serve, settledScreenshot, sleep, waitFor} from './harness.mjs';
import {decodePng, regionDiff, regionStats} from './png.mjs';

const t0 = Date.now();
const CYCLES = Number(args.cycles || 20);
const RUN = {task: 'copy', batch: 8, seed: 3};
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/test.html': {body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/test.css"><script type="module" src="/test.js"></script></head><body><div id="host"></div></body></html>`},
  '/test.css': {body: 'body { margin: 0; } #host { width: 640px; height: 400px; }', type: 'text/css'},
  '/test.js': {body: `import * as headlab from '/headlab.js'; window.headlab = headlab;`, type: 'text/javascript'},
  '/many.html': {body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/many.css"><script type="module" src="/test.js"></script></head><body></body></html>`},
  '/many.css': {body: 'body { margin: 0; display: flex; flex-wrap: wrap; gap: 4px; } div.w { width: 120px; height: 90px; } #m0 { width: 400px; height: 300px; }',
                type: 'text/css'},
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
  while (!w.state().ready && performance.now() - t < 90000) await new Promise((r) => setTimeout(r, 50));
  const ready = w.state().ready;
  await w.step(2);
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
    await window.w.step(40);
  }, RUN);
  await waitFor(() => page.evaluate(() => window.w.state().ready), (r) => r, 60000);
  const rect = await page.evaluate(() => {
    const r = document.getElementById('host').getBoundingClientRect();
    const g = window.w.state().ui.grid;
    return {x: r.x + g[0], y: r.y + g[1], w: g[2], h: g[3]};
  });
  // Drawn and settled (the playback eases to the newest snapshot, then a paused widget stops drawing).
  const shotBefore = await settledScreenshot(page, rect, {path: path.join(outDir, 'lifecycle-before-loss.png')});
  const before = shotBefore.img;
  check(shotBefore.settled, 'paused, the picture settles');
  const lose = () => page.evaluate(() => {
    window.loseContext = document.querySelector('#host canvas').getContext('webgl2').getExtension('WEBGL_lose_context');
    window.loseContext.loseContext();
  });
  const restore = () => page.evaluate(() => window.loseContext.restoreContext());
  const state = () => page.evaluate(() => window.w.state());

  // Paused: the same run at the same step must draw the same picture after the restore.
  const s0 = await state();
  await lose();
  const lost0 = await waitFor(state, (s) => s.contextLost, 30000);
  const statusLost = await waitFor(() => page.evaluate(() => document.querySelector('#host [role=status]').textContent), (t) => /lost/.test(t), 10000);
  check(lost0.contextLost && /lost/.test(statusLost), `a lost context is noticed and the widget says so ("${statusLost}")`);
  await restore();
  const back = await waitFor(state, (s) => !s.contextLost, 30000);
  const shotAfter = await settledScreenshot(page, rect, {path: path.join(outDir, 'lifecycle-after-restore.png')});
  const after = shotAfter.img;
  const st = regionStats(after, rect.x, rect.y, rect.w, rect.h);
  const diff = regionDiff(before, after, rect.x, rect.y, rect.w, rect.h);
  const statusHidden = await waitFor(() => page.evaluate(() => document.querySelector('#host [role=status]').hidden), (h) => h, 10000);
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
  const again = await waitFor(state, (s) => !s.contextLost && s.step > lost.step, 60000);
  // Drawn again: the grid has its heatmaps (drawing is paced while training on a slow renderer).
  let st2 = {colours: 0};
  const drawnT0 = Date.now();
  while (st2.colours <= 20 && Date.now() - drawnT0 < 30000) {
    st2 = regionStats(decodePng(await page.screenshot()), rect.x, rect.y, rect.w, rect.h);
    if (st2.colours <= 20) await sleep(250);
  }
  check(!again.contextLost && again.step > lost.step && st2.colours > 20,
        `after the restore it trains and draws on (step ${again.step}, ${st2.colours} colours)`);
  check(!log.warnings.some((w) => /WebGL|GL_INVALID|INVALID_OPERATION/.test(w)), 'no WebGL warnings while rebuilding');

  // --- repeated resizes ------------------------------------------------------------------------
  // Measured on a paused widget: a training one records snapshots, and its memory
  // grows for that reason alone. One round of the sizes first, so buffers that
  // grow once to the largest size (ImGui's vertex lists) are not counted as a leak.
  const sizes = [[640, 400], [320, 240], [900, 600], [500, 700]];
  const resizeTo = async ([wd, ht]) => {
    const frames = (await state()).frames;
    await page.evaluate(([x, y]) => Object.assign(document.getElementById('host').style, {width: x + 'px', height: y + 'px'}), [wd, ht]);
    // Each size is drawn at least once (a resize wakes the widget): waits for the frame, however slow.
    return waitFor(state, (s) => !(s.frames <= frames), 30000, 20);
  };
  await page.evaluate(() => window.w.pause());
  for (const size of [sizes[1], sizes[2], sizes[3], sizes[0], sizes[1]]) await resizeTo(size);  // each differs from the one before
  const r0 = await measure();
  const s0r = await state();
  let drawnEach = true;
  for (let i = 0; i < 60; i++) drawnEach = (await resizeTo(sizes[i % 4])).frames > 0 && drawnEach;
  const last = await resizeTo([700, 450]);
  const r1 = await measure();
  const s1 = await state();
  const canvas = await page.evaluate(() => { const c = document.querySelector('#host canvas'); return [c.width, c.height]; });
  console.log(`     before resizing: ${fmt(r0)}\n     after 60 resizes: ${fmt(r1)}`);
  check(drawnEach && last.frames > s0r.frames + 60, `each of the 61 sizes was drawn (${last.frames - s0r.frames} frames)`);
  check(canvas[0] === 700 && canvas[1] === 450, `the backbuffer follows the last size (${canvas.join('x')})`);
  check(s1.step === s0r.step && s1.generation === s0r.generation, `paused throughout (step ${s0r.step} -> ${s1.step})`);
  check(r1.heapMB - r0.heapMB < 2 && s1.memoryBytes === s0r.memoryBytes && r1.attached === r0.attached,
        `60 resizes grow neither the JS heap (${r0.heapMB.toFixed(1)} -> ${r1.heapMB.toFixed(1)} MB) nor the engine's memory (${s0r.memoryBytes / 2 ** 20} -> ${s1.memoryBytes / 2 ** 20} MB)`);
  await page.evaluate(() => window.w.play());
  const trains = await waitFor(state, (s) => s.step > s1.step, 60000);
  check(trains.ready && trains.step > s1.step, `still ready, and it trains when played (step ${s1.step} -> ${trains.step})`);
  noErrors(log, 'during the lifecycle');

  // --- a context the browser evicts ------------------------------------------------------------
  // Chromium keeps 16 live WebGL contexts per page: the 17th widget costs the
  // first one its context, which the browser never gives back.
  const {context: many, page: q, log: qlog} = await openPage(browser, srv.url + 'many.html', {viewport: {width: 1000, height: 700}});
  await q.waitForFunction(() => window.headlab, null, {timeout: 30000});
  await q.evaluate(async (run) => {
    const box = (i) => Object.assign(document.body.appendChild(document.createElement('div')), {id: 'm' + i, className: 'w'});
    window.first = await window.headlab.mount(box(0), run);
    await window.first.step(5);
    window.others = [];
    for (let i = 1; i <= 16; i++) window.others.push(await window.headlab.mount(box(i), {...run, seed: i}));
  }, RUN);
  const firstState = () => q.evaluate(() => window.first.state());
  const evicted = await waitFor(firstState, (s) => s.contextLost, 60000);
  const said = await waitFor(() => q.evaluate(() => {
    const st = document.querySelector('#m0 [role=status]');
    return {text: st.textContent, hidden: st.hidden, button: st.querySelector('button')?.textContent};
  }), (x) => x.button, 10000);
  check(evicted.contextLost, `a 17th widget makes the browser evict the first widget's WebGL context (step ${evicted.step})`);
  check(!said.hidden && !/returns when/.test(said.text) && /may not give it back/.test(said.text) && said.button,
        `the widget does not promise the picture back, and offers a button ("${said.text}")`);
  // Make room (destroy() releases a context at once), then press the button.
  await q.evaluate(() => window.others.forEach((w) => w.destroy()));
  await q.click('#m0 [role=status] button');
  const redrawn = await waitFor(firstState, (s) => !s.contextLost && !(s.frames <= evicted.frames), 30000);
  const box0 = await q.evaluate(() => { const r = document.getElementById('m0').getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; });
  const shot = await settledScreenshot(q, box0, {path: path.join(outDir, 'lifecycle-recreated.png')});
  const drawn = regionStats(shot.img, box0.x, box0.y, box0.w, box0.h);
  const dom = await q.evaluate(() => ({
    canvases: document.querySelectorAll('#m0 canvas').length,
    live: !document.querySelector('#m0 canvas').getContext('webgl2').isContextLost(),
    same: document.querySelector('#m0 canvas') === window.first.canvas,
    statusHidden: document.querySelector('#m0 [role=status]').hidden,
  }));
  check(!redrawn.contextLost && dom.live && dom.canvases === 1 && dom.same && dom.statusHidden,
        'the button gives the widget a new canvas with a live context (one canvas, the controller\'s, status cleared)');
  check(redrawn.step === evicted.step && redrawn.generation === evicted.generation,
        `with the run as it was (step ${redrawn.step}, run ${redrawn.generation})`);
  check(drawn.colours > 20, `and the picture is back (${drawn.colours} colours)`);
  const stepped = await q.evaluate(async () => (await window.first.step(3)) || window.first.state());
  check(stepped.step === evicted.step + 3, `and it trains on (step ${stepped.step})`);
  noErrors(qlog, 'with 17 widgets and a recreated context');
  await many.close();
} finally {
  await browser.close();
  srv.close();
}
finish('embed_lifecycle', t0);
