// Widgets in a host page (headlab.js): two mount()ed widgets train
// independently from one compiled engine; events; set() and reset(); panels;
// the <headlab-widget> element and its attributes; pausing off screen and in
// a hidden tab; the wheel scrolls the page except over a scrolling panel;
// keys typed in the page stay in the page; a widget whose engine cannot load says so;
// step(n) is sliced and returns a promise; oversized or NUL-carrying option
// names and values are refused before they reach the engine; an engine whose
// memory cannot grow refuses commands without corrupting itself or throwing.
//
//   node embed_widgets.mjs --root build/web-release/web --out build/e2e
import fs from 'node:fs';
import path from 'node:path';
import {STRICT_CSP, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';

const t0 = Date.now();
const RUN = {task: 'copy', batch: 8};  // the copy task at batch 8: cheap steps on a slow software renderer
const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg"><link rel="stylesheet" href="/test.css">
<script type="module" src="/test.js"></script></head><body>
<input id="text" value="abc">
<div class="row"><div id="a" class="box"></div><div id="b" class="box"></div></div>
<div id="c" class="box small"></div>
<div class="spacer"></div>
<div id="far" class="box"></div>
<div class="spacer"></div>
</body></html>`;
const css = `body { margin: 0; font: 14px sans-serif; } .row { display: flex; gap: 8px; }
.box { width: 480px; height: 320px; } .small { width: 600px; height: 300px; } .spacer { height: 2000px; }
headlab-widget { display: block; width: 480px; height: 320px; }`;
// The page's module: the API on window for the test, as a host page's script would use it.
const script = `import * as headlab from '/headlab.js'; window.headlab = headlab;`;

// The embedding API's modules (web/headlab.js and what it imports), served again under `dir`.
const modules = (dir) => Object.fromEntries(['headlab.js', 'engine.js', 'overlay.js', 'record.js', 'headlab-constants.js', 'share.js', 'keep.js'].map((f) =>
  [dir + f, {body: fs.readFileSync(path.join(root, f), 'utf8'), type: 'text/javascript'}]));
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/test.html': {body: page}, '/test.css': {body: css, type: 'text/css'}, '/test.js': {body: script, type: 'text/javascript'},
  '/broken/test.html': {body: '<!doctype html><link rel="icon" href="/favicon.svg"><div id="a" style="width:300px;height:200px"></div>'},
  // The API's modules without the engine files beside them.
  ...modules('/broken/'),
  // The API again, with an engine wrapper that hands each engine instance (the Emscripten module) to the test.
  '/t/test.html': {body: `<!doctype html><link rel="icon" href="/favicon.svg"><link rel="stylesheet" href="/t/test.css">
<script type="module" src="/t/test.js"></script><div id="a"></div><headlab-widget id="el" task="copy" batch="8"></headlab-widget>`},
  '/t/test.css': {body: '#a, headlab-widget { display: block; width: 400px; height: 300px; }', type: 'text/css'},
  '/t/test.js': {body: `window.engines = []; const api = await import('/t/headlab.js'); window.headlab = api;`, type: 'text/javascript'},
  ...modules('/t/'),
  // (Each widget's worker loads it too: globalThis, not window.)
  '/t/headlab-engine.js': {body: `import factory from '/headlab-engine.js';
export default (config) => factory(config).then((m) => { (globalThis.engines ||= []).push(m); return m; });`, type: 'text/javascript'},
  '/t/headlab-worker.js': {body: fs.readFileSync(path.join(root, 'headlab-worker.js'), 'utf8'), type: 'text/javascript'},
  '/t/headlab-engine.wasm': {body: fs.readFileSync(path.join(root, 'headlab-engine.wasm')), type: 'application/wasm'}}});
const browser = await launch();
const {page: p, log} = await openPage(browser, srv.url + 'test.html');
await p.waitForFunction(() => window.headlab, null, {timeout: 30000});

const state = (id) => p.evaluate((i) => window.widgets[i].state(), id);
try {
  // --- two widgets, one engine -------------------------------------------------------
  await p.evaluate(async (run) => {
    window.widgets = {};
    window.events = {a: {ready: 0, step: 0, snapshot: 0}, b: {ready: 0, step: 0, snapshot: 0}};
    const [a, b] = await Promise.all([
      window.headlab.mount(document.getElementById('a'), {...run, seed: 1, heads: 2}),
      window.headlab.mount(document.getElementById('b'), {...run, seed: 2, heads: 4, theme: 'light'}),
    ]);
    Object.assign(window.widgets, {a, b});
    for (const [id, w] of Object.entries({a, b})) {
      for (const e of ['ready', 'step', 'snapshot']) w.on(e, () => window.events[id][e]++);
    }
  }, RUN);
  const ready = await waitFor(() => p.evaluate(() => [window.widgets.a.state().ready, window.widgets.b.state().ready]),
                              (r) => r[0] && r[1], 60000);
  check(ready[0] && ready[1], 'two mounted widgets become ready');
  // The wasm is fetched and compiled once; its JS glue is imported by the page and by each widget's worker.
  check(srv.requests.get('/headlab-engine.wasm') === 1 && srv.requests.get('/headlab-engine.js') <= 3,
        `the engine is fetched once for both (wasm ${srv.requests.get('/headlab-engine.wasm')}, js ${srv.requests.get('/headlab-engine.js')}: the page and two workers)`);
  let a = await state('a'), b = await state('b');
  check(a.options.heads === '2' && b.options.heads === '4' && b.options.theme === 'light' && a.options.theme === 'dark',
        'each widget has its own options');

  await p.evaluate(() => window.widgets.a.play());
  a = await waitFor(() => state('a'), (s) => s.step >= 5, 60000);
  b = await state('b');
  check(a.step >= 5 && b.step === 0 && !b.playing, `playing one trains only that one (a: step ${a.step}, b: step ${b.step})`);
  // pause() resolves once the engine has paused (a worker may have trained a few more steps by then).
  const aPaused = await p.evaluate(async () => (await window.widgets.a.pause()).step);
  b = await p.evaluate(async () => (await window.widgets.b.step(3)) || window.widgets.b.state());
  await sleep(500);
  a = await state('a');
  check(b.step === 3 && a.step === aPaused, `step(3) on one leaves the other alone (a: ${a.step}, b: ${b.step})`);
  // Events are delivered after the engine call returns.
  const ev = await waitFor(() => p.evaluate(() => window.events), (e) => e.b.step > 0, 10000);
  check(ev.a.ready === 1 && ev.b.ready === 1 && ev.a.step > 0 && ev.b.step > 0 && ev.a.snapshot > 0,
        `ready, step and snapshot events fire (${JSON.stringify(ev)})`);

  // --- set() changes the view at once; reset() starts a new run ---------------------------
  const panelsOf = (s) => Object.keys(s.ui).filter((k) => k.startsWith('panel:')).sort().join(',');
  await p.evaluate(() => window.widgets.b.set({panels: ['grid', 'loss'], speed: 20}));
  b = await waitFor(() => state('b'), (s) => panelsOf(s) === 'panel:grid,panel:loss', 30000);  // the next frame lays them out
  const panels = panelsOf(b);
  check(panels === 'panel:grid,panel:loss' && b.options.speed === '20' && b.generation === 1 && b.step === 3,
        `set({panels: grid,loss, speed: 20}) shows only those panels and keeps the run (${panels}, step ${b.step})`);
  const warnings = log.warnings.length;
  await p.evaluate(() => window.widgets.b.set({heads: 1, hide: 'loss'}));
  b = await waitFor(() => state('b'), (s) => panelsOf(s) === 'panel:grid', 30000);
  check(b.options.heads === '4' && panelsOf(b) === 'panel:grid' &&
        log.warnings.length === warnings + 1 && /heads.*reset/.test(log.warnings.at(-1)),
        `set() refuses a model option with one warning and applies the rest (${log.warnings.at(-1)})`);
  await p.evaluate(() => window.widgets.b.reset({seed: 7}));
  b = await state('b');
  a = await state('a');
  check(b.generation === 2 && b.step === 0 && b.options.seed === '7' && b.options.heads === '4' && a.generation === 1,
        'reset({seed: 7}) starts a new run there, with the other settings kept, and only there');

  // --- step(n) is sliced: the page runs on while the widget trains ------------------------------
  // The page's own timers and frames record the step count while step(400) runs:
  // if any saw a count strictly between start and end, the page had the main thread mid-way.
  const sliced = await p.evaluate(async () => {
    const w = window.widgets.a;
    const s0 = w.state().step;
    const seen = [];
    let watching = true;
    const timer = () => { if (watching) { seen.push(w.state().step); setTimeout(timer, 0); } };
    const frame = () => { if (watching) { seen.push(w.state().step); requestAnimationFrame(frame); } };
    timer();
    requestAnimationFrame(frame);
    const result = w.step(400);
    const isPromise = result instanceof Promise;
    const end = isPromise ? (await result).step : w.state().step;
    watching = false;
    return {s0, isPromise, end, now: w.state().step, between: seen.filter((x) => x > s0 && x < s0 + 400).length};
  });
  check(sliced.isPromise && sliced.end === sliced.s0 + 400 && sliced.now === sliced.end,
        `step(400) returns a promise of the state after exactly 400 steps (${sliced.s0} -> ${sliced.end})`);
  check(sliced.between > 0, `the page's timers and frames run while it trains (${sliced.between} of them saw a step in between)`);
  if (sliced.isPromise) {  // (a synchronous step(100000) would hold the page for an hour)
    const cut = await p.evaluate(async () => {
      const w = window.widgets.a;
      const s0 = w.state().step;
      const done = w.step(100000);
      await new Promise((resolve) => { const poll = () => (w.state().step > s0 + 2 ? resolve() : setTimeout(poll, 5)); poll(); });
      const typed = document.getElementById('text').value;  // the page answers meanwhile
      w.pause();
      const s = await done;
      await new Promise((r) => setTimeout(r, 500));
      return {s0, at: s.step, later: w.state().step, playing: s.playing, typed};
    });
    check(cut.at > cut.s0 + 2 && cut.at < cut.s0 + 100000 && cut.later === cut.at && !cut.playing,
          `pause() cuts step(100000) short: its promise resolves and training stops (${cut.s0} -> ${cut.at} -> ${cut.later})`);
  }

  // --- limits on option names and values ---------------------------------------------------------
  // Names over 64 characters, values over 4 MiB and NUL anywhere are refused in the
  // page, before anything is copied into the engine (whose memory never shrinks).
  const w0 = log.warnings.length;
  const mem0 = (await state('b')).memoryBytes;
  await p.evaluate(() => {
    const w = window.widgets.b;
    w.set({['n'.repeat(60e6)]: 1});               // a 60-million-character name
    w.set({theme: 'dark\u0000x'});                // NUL in a value: the engine would see 'dark'
    w.set({['theme\u0000junk']: 'dark'});          // NUL in a name: the engine would see 'theme'
    w.set({text: 'x'.repeat((4 << 20) + 1)});     // a value over the engine's 4 MiB limit
  });
  b = await state('b');
  const limitWarnings = log.warnings.slice(w0);
  check(b.memoryBytes === mem0, `a 60-million-character option name leaves the engine's memory as it was (${mem0 / 2 ** 20} -> ${b.memoryBytes / 2 ** 20} MiB)`);
  check(b.options.theme === 'light' && b.generation === 2, `NUL in a name or value is refused, not cut short (theme ${b.options.theme}, run ${b.generation})`);
  check(limitWarnings.length === 4 && /at most 64/.test(limitWarnings[0]) && /NUL/.test(limitWarnings[1]) && /NUL/.test(limitWarnings[2]) &&
        /at most/.test(limitWarnings[3]) && limitWarnings.every((x) => x.length < 400),
        `each gives one short warning (${limitWarnings.map((x) => x.slice(0, 70)).join(' | ')})`);

  // --- keys typed in the page stay in the page -----------------------------------------------
  await p.click('#text');
  await p.keyboard.press('End');
  await p.keyboard.press('Backspace');
  await p.keyboard.type('xy');
  const typed = await p.inputValue('#text');
  check(typed === 'abxy', `typing in the page's own input works next to widgets (got '${typed}')`);

  // --- a run that diverges -----------------------------------------------------------------------
  const fault = await p.evaluate(async (run) => {
    const div = document.createElement('div');
    div.style.height = '200px';
    document.body.append(div);
    const w = await window.headlab.mount(div, {...run, lr: 1e6});
    const heard = new Promise((resolve) => w.on('error', resolve));
    await w.step(50);
    const message = await Promise.race([heard, new Promise((r) => setTimeout(() => r(null), 30000))]);
    const s = w.state();
    w.destroy();
    div.remove();
    return {message, fault: s.fault, step: s.step};
  }, RUN);
  check(fault.message && fault.message === fault.fault && fault.step < 50,
        `a run that diverges (lr=1e6) stops and 'error' says why ("${fault.message}", step ${fault.step})`);

  // --- <headlab-widget> --------------------------------------------------------------------------
  await p.evaluate(() => {
    const el = document.createElement('headlab-widget');
    for (const [k, v] of Object.entries({id: 'el', task: 'copy', batch: '8', heads: '2', init: 'clone-all', autoplay: ''})) el.setAttribute(k, v);
    window.elementEvents = [];
    for (const e of ['headlab-ready', 'headlab-snapshot']) el.addEventListener(e, (ev) => window.elementEvents.push([e, ev.detail.step]));
    document.getElementById('c').replaceWith(el);
    window.widgets.el = el;
  });
  let el = await waitFor(() => state('el'), (s) => s.ready && s.step > 0, 60000);
  check(el.options.heads === '2' && el.options.init === 'clone-all' && el.playing && el.step > 0,
        `<headlab-widget heads=2 init=clone-all autoplay> applies its attributes and trains (step ${el.step})`);
  await p.evaluate(() => document.getElementById('el').setAttribute('theme', 'light'));
  await sleep(300);
  const gen = el.generation;
  el = await state('el');
  check(el.options.theme === 'light' && el.generation === gen, 'changing a view attribute (theme) applies without a new run');
  await p.evaluate(() => document.getElementById('el').setAttribute('seed', '9'));
  el = await waitFor(() => state('el'), (s) => s.generation === gen + 1, 20000);  // the worker builds the new run
  check(el.options.seed === '9' && el.generation === gen + 1 && el.playing, 'changing a run attribute (seed) starts a new run, still playing');
  const elEvents = await p.evaluate(() => window.elementEvents);
  check(elEvents.some(([e]) => e === 'headlab-ready') && elEvents.some(([e]) => e === 'headlab-snapshot'),
        `the element fires headlab-ready and headlab-snapshot (${elEvents.length} events)`);

  // --- the wheel ----------------------------------------------------------------------------------
  // At 640x280 Controls alone overflows its panel, so the wheel scrolls it; the
  // attention grid alone fits, so over it the wheel must scroll the page.
  await p.evaluate(() => {
    const el = document.getElementById('el');
    el.setAttribute('panels', 'controls');
    Object.assign(el.style, {width: '640px', height: '280px'});
  });
  await p.evaluate(() => {
    window.scrollTo(0, 0);
    // Whether the widget kept each wheel event from the page (its listener calls preventDefault).
    window.wheels = [];
    window.addEventListener('wheel', (e) => window.wheels.push(e.defaultPrevented));
  });
  // Laid out at the new size with its one panel (the frame after the change).
  el = await waitFor(() => state('el'), (s) => s.ui['panel:controls'] && !s.ui.grid && !s.ui['panel:loss'], 30000);
  const box = await p.evaluate(() => { const r = document.getElementById('el').getBoundingClientRect(); return {x: r.x, y: r.y}; });
  const at = (rect) => ({x: box.x + rect[0] + rect[2] / 2, y: box.y + rect[1] + rect[3] / 2});
  // ImGui decides from its last frame which panel is under the pointer: wait for a frame drawn after the move.
  const hover = async (pt) => {
    await p.mouse.move(pt.x, pt.y);
    const f = (await state('el')).frames;
    await waitFor(() => state('el'), (s) => !(s.frames <= f + 1), 30000, 50);  // (no frame count: just go on)
  };
  await hover(at(el.ui['panel:controls']));
  await p.mouse.wheel(0, 120);
  const overPanel = await waitFor(() => p.evaluate(() => window.wheels), (w) => w.length === 1, 10000);
  const scrollOverPanel = await p.evaluate(() => window.scrollY);
  // The same widget with only the attention grid, which has nothing to scroll.
  await p.evaluate(() => document.getElementById('el').setAttribute('panels', 'grid'));
  el = await waitFor(() => state('el'), (s) => s.ui.grid && !s.ui['panel:controls'], 30000);
  await hover(at(el.ui.grid));
  await p.mouse.wheel(0, 120);
  const overGrid = await waitFor(() => p.evaluate(() => window.wheels), (w) => w.length === 2, 10000);
  const scrollOverGrid = await waitFor(() => p.evaluate(() => window.scrollY), (y) => y > 0, 10000);
  check(overPanel[0] === true && scrollOverPanel === 0,
        `the wheel over a panel that scrolls (Controls) is kept from the page (scrollY ${scrollOverPanel})`);
  check(overGrid[1] === false && scrollOverGrid > 0, `the wheel over the attention grid scrolls the page (scrollY ${scrollOverGrid})`);

  // --- off screen and hidden tab -------------------------------------------------------------
  await p.evaluate(async (run) => {
    window.widgets.far = await window.headlab.mount(document.getElementById('far'), {...run, autoplay: true});
  }, RUN);
  await p.evaluate(() => window.scrollTo(0, 0));
  await sleep(1500);
  let far = await state('far');
  check(far.suspended && far.step === 0, `a widget below the fold waits (suspended ${far.suspended}, step ${far.step})`);
  await p.evaluate(() => document.getElementById('far').scrollIntoView());
  far = await waitFor(() => state('far'), (s) => !s.suspended && s.step >= 3, 60000);
  check(!far.suspended && far.step >= 3, `scrolled into view it trains (step ${far.step})`);
  // A worker may finish the steps it had in hand when the pause reached it: the step settles, then stays.
  const settledStep = async () => {
    let last = -1;
    for (let t1 = Date.now(); Date.now() - t1 < 20000;) {
      const now = (await state('far')).step;
      if (now === last) break;
      last = now;
      await sleep(700);
    }
    return last;
  };
  await p.evaluate(() => window.scrollTo(0, 0));
  await waitFor(() => state('far'), (s) => s.suspended, 30000);
  const left = await settledStep();
  await sleep(1500);
  far = await state('far');
  check(far.suspended && far.step === left && far.playing, `scrolled away it pauses and stays set to play (step ${far.step})`);

  await p.evaluate(() => document.getElementById('far').scrollIntoView());
  await waitFor(() => state('far'), (s) => !s.suspended, 30000);
  // A hidden tab: the page sees document.hidden and a visibilitychange event.
  await p.evaluate(() => {
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await waitFor(() => state('far'), (s) => s.suspended, 30000);
  await settledStep();
  const hiddenAt = await state('far');
  await sleep(1500);
  far = await state('far');
  check(far.suspended && far.step === hiddenAt.step, `a hidden tab pauses training (step ${far.step})`);
  await p.evaluate(() => {
    delete document.hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  far = await waitFor(() => state('far'), (s) => s.step > hiddenAt.step + 2, 60000);
  check(!far.suspended && far.generation === hiddenAt.generation && far.step > hiddenAt.step,
        `visible again it carries on with the same run (step ${hiddenAt.step} -> ${far.step})`);

  await p.screenshot({path: path.join(outDir, 'embed-widgets.png'), fullPage: false});
  noErrors(log, 'on the widgets page');

  // --- an engine that cannot load --------------------------------------------------------------
  // headlab.js served from a directory without the engine files: mount() rejects, the
  // widget says why, 'error' listeners hear it, and the controller ignores further calls.
  const {page: q} = await openPage(browser, srv.url + 'broken/test.html');
  const failed = await q.evaluate(async () => {
    const {mount} = await import('/broken/headlab.js');
    const el = document.getElementById('a');
    try {
      await mount(el, {task: 'copy'});
      return {rejected: false};
    } catch (e) {
      return {rejected: true, message: String(e.message), shown: el.querySelector('[role=status]').textContent};
    }
  });
  check(failed.rejected && /could not start/.test(failed.shown) && failed.shown.includes(failed.message.slice(0, 20)),
        `without its engine files mount() rejects and the widget says why ("${failed.shown}")`);

  // --- an engine whose memory cannot grow --------------------------------------------------------
  // The heap is filled up to its 2 GB ceiling (left untouched, so it costs no RAM)
  // but for 2 MiB: as after a large run, small allocations still succeed while
  // larger ones fail. A 3 MiB value cannot be copied in (_malloc returns 0); a
  // 1.5 MiB one can, but the engine's own copy of it throws std::bad_alloc. Both
  // must be refused and reported through 'error': not written at address 0 over
  // the engine's data, and not thrown at the page as a bare number.
  const {page: t, log: tlog} = await openPage(browser, srv.url + 't/test.html');
  await t.waitForFunction(() => window.headlab, null, {timeout: 30000});
  const oom = await t.evaluate(async () => {
    const el = document.getElementById('el');
    const w = await window.headlab.mount(document.getElementById('a'), {task: 'copy', batch: 8});
    const t0 = performance.now();
    while (!(w.state().ready && el.state()?.ready) && performance.now() - t0 < 90000) await new Promise((r) => setTimeout(r, 50));
    const errors = [];
    w.on('error', (e) => errors.push(e));
    el.addEventListener('headlab-error', (e) => errors.push(e.detail));
    const result = {thrown: [], untouched: [], full: true};
    const mib = (n) => 'x'.repeat(n * 2 ** 20);
    for (const [target, what, fn] of [
      [w, 'set 3 MiB', () => w.set({text: mib(3)})],
      [w, 'set 1.5 MiB', () => w.set({text: mib(1.5)})],
      [el, 'attribute 3 MiB', () => el.setAttribute('text', mib(3))],  // applied in a microtask
    ]) {
      const mod = window.engines.find((m) => m.canvas === (target.widget || target).canvas);
      if (!mod) return {error: `no engine for ${what} among ${window.engines.length}`};
      const spare = mod._malloc(2 ** 21);
      const blocks = [];
      for (let size = 2 ** 30; size >= 2 ** 16; size /= 2) for (let q; (q = mod._malloc(size));) blocks.push(q);
      result.full = result.full && spare !== 0 && mod._malloc(2 ** 16) === 0;
      mod._free(spare);
      const low = mod.HEAPU8.slice(0, 4096);  // what lies at address 0, where a failed _malloc's copy would land
      try { fn(); await Promise.resolve(); } catch (e) { result.thrown.push(`${what}: ${typeof e} ${String(e).slice(0, 80)}`); }
      if (!mod.HEAPU8.subarray(0, 4096).every((x, i) => x === low[i])) result.untouched.push(what);
      blocks.forEach((q) => mod._free(q));
    }
    await new Promise((r) => setTimeout(r, 200));  // 'error' events are queued
    const s = w.state(), es = el.state();
    const stepped = (await w.step(3)) || w.state();
    return {...result, errors, ready: s.ready, generation: s.generation, elGeneration: es.generation,
            step: s.step, stepped: stepped.step, elReady: es.ready};
  });
  if (oom.error) check(false, oom.error);
  check(oom.full, 'the engine\'s heap was full but for 2 MiB');
  check(oom.untouched.length === 0, `nothing was written at address 0 by a failed copy (${oom.untouched.join(', ') || 'untouched'})`);
  check(oom.thrown.length === 0, `no command threw at the page (${oom.thrown.join(' | ') || 'none'})`);
  check(oom.errors.length === 3 && oom.errors.every((e) => typeof e === 'string' && /out of memory/.test(e)),
        `each refused command was reported through 'error' (${oom.errors.join(' | ')})`);
  check(oom.ready && oom.elReady && oom.generation === 1 && oom.elGeneration === 1 && oom.stepped === oom.step + 3,
        `with memory back, both widgets carry on with their runs and train (step ${oom.step} -> ${oom.stepped})`);
  noErrors(tlog, 'with an engine out of memory');
} finally {
  await browser.close();
  srv.close();
}
finish('embed_widgets', t0);
