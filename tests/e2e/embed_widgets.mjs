// Widgets in a host page (headlab.js): two mount()ed widgets train
// independently from one compiled engine; events; set() and reset(); panels;
// the <headlab-widget> element and its attributes; pausing off screen and in
// a hidden tab; the wheel scrolls the page except over a scrolling panel;
// keys typed in the page stay in the page; a widget whose engine cannot load says so.
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

const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/test.html': {body: page}, '/test.css': {body: css, type: 'text/css'}, '/test.js': {body: script, type: 'text/javascript'},
  '/broken/test.html': {body: '<!doctype html><link rel="icon" href="/favicon.svg"><div id="a" style="width:300px;height:200px"></div>'},
  '/broken/headlab.js': {body: fs.readFileSync(path.join(root, 'headlab.js'), 'utf8'), type: 'text/javascript'}}});
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
  check(srv.requests.get('/headlab-engine.wasm') === 1 && srv.requests.get('/headlab-engine.js') === 1,
        `the engine is fetched once for both (wasm ${srv.requests.get('/headlab-engine.wasm')}, js ${srv.requests.get('/headlab-engine.js')})`);
  let a = await state('a'), b = await state('b');
  check(a.options.heads === '2' && b.options.heads === '4' && b.options.theme === 'light' && a.options.theme === 'dark',
        'each widget has its own options');

  await p.evaluate(() => window.widgets.a.play());
  a = await waitFor(() => state('a'), (s) => s.step >= 5, 60000);
  b = await state('b');
  check(a.step >= 5 && b.step === 0 && !b.playing, `playing one trains only that one (a: step ${a.step}, b: step ${b.step})`);
  await p.evaluate(() => { window.widgets.a.pause(); window.widgets.b.step(3); });
  const aPaused = (await state('a')).step;
  b = await state('b');
  await sleep(500);
  a = await state('a');
  check(b.step === 3 && a.step === aPaused, `step(3) on one leaves the other alone (a: ${a.step}, b: ${b.step})`);
  await sleep(100);  // events are delivered after the engine call returns
  const ev = await p.evaluate(() => window.events);
  check(ev.a.ready === 1 && ev.b.ready === 1 && ev.a.step > 0 && ev.b.step > 0 && ev.a.snapshot > 0,
        `ready, step and snapshot events fire (${JSON.stringify(ev)})`);

  // --- set() changes the view at once; reset() starts a new run ---------------------------
  await p.evaluate(() => window.widgets.b.set({panels: ['grid', 'loss'], speed: 20}));
  await sleep(600);
  b = await state('b');
  const panels = Object.keys(b.ui).filter((k) => k.startsWith('panel:')).sort().join(',');
  check(panels === 'panel:grid,panel:loss' && b.options.speed === '20' && b.generation === 1 && b.step === 3,
        `set({panels: grid,loss, speed: 20}) shows only those panels and keeps the run (${panels}, step ${b.step})`);
  const warnings = log.warnings.length;
  await p.evaluate(() => window.widgets.b.set({heads: 1, hide: 'loss'}));
  await sleep(600);
  b = await state('b');
  check(b.options.heads === '4' && Object.keys(b.ui).filter((k) => k.startsWith('panel:')).join() === 'panel:grid' &&
        log.warnings.length === warnings + 1 && /heads.*reset/.test(log.warnings.at(-1)),
        `set() refuses a model option with one warning and applies the rest (${log.warnings.at(-1)})`);
  await p.evaluate(() => window.widgets.b.reset({seed: 7}));
  b = await state('b');
  a = await state('a');
  check(b.generation === 2 && b.step === 0 && b.options.seed === '7' && b.options.heads === '4' && a.generation === 1,
        'reset({seed: 7}) starts a new run there, with the other settings kept, and only there');

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
    w.step(50);
    const message = await Promise.race([heard, new Promise((r) => setTimeout(() => r(null), 5000))]);
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
  await sleep(300);
  el = await state('el');
  check(el.options.seed === '9' && el.generation === gen + 1 && el.playing, 'changing a run attribute (seed) starts a new run, still playing');
  const elEvents = await p.evaluate(() => window.elementEvents);
  check(elEvents.some(([e]) => e === 'headlab-ready') && elEvents.some(([e]) => e === 'headlab-snapshot'),
        `the element fires headlab-ready and headlab-snapshot (${elEvents.length} events)`);

  // --- the wheel ----------------------------------------------------------------------------------
  // At 640x360 with two panels, Controls overflows its panel, so the wheel scrolls it;
  // the attention grid fits, so over it the wheel must scroll the page.
  await p.evaluate(() => {
    const el = document.getElementById('el');
    el.setAttribute('panels', 'controls,grid');
    Object.assign(el.style, {width: '640px', height: '360px'});
  });
  await p.evaluate(() => window.scrollTo(0, 0));
  await sleep(500);
  el = await state('el');
  const box = await p.evaluate(() => { const r = document.getElementById('el').getBoundingClientRect(); return {x: r.x, y: r.y}; });
  const at = (rect) => ({x: box.x + rect[0] + rect[2] / 2, y: box.y + rect[1] + rect[3] / 2});
  const ctrl = at(el.ui['panel:controls']);
  await p.mouse.move(ctrl.x, ctrl.y);
  await sleep(400);  // a frame must see the pointer before the wheel: ImGui decides from its last frame
  await p.mouse.wheel(0, 120);
  await sleep(400);
  const scrollOverPanel = await p.evaluate(() => window.scrollY);
  const grid = at(el.ui.grid);
  await p.mouse.move(grid.x, grid.y);
  await sleep(400);
  await p.mouse.wheel(0, 120);
  await sleep(400);
  const scrollOverGrid = await p.evaluate(() => window.scrollY);
  check(scrollOverPanel === 0, `the wheel over a panel that scrolls (Controls) does not scroll the page (scrollY ${scrollOverPanel})`);
  check(scrollOverGrid > 0, `the wheel over the attention grid scrolls the page (scrollY ${scrollOverGrid})`);

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
  await p.evaluate(() => window.scrollTo(0, 0));
  await sleep(1000);
  const left = (await state('far')).step;
  await sleep(1500);
  far = await state('far');
  check(far.suspended && far.step === left && far.playing, `scrolled away it pauses and stays set to play (step ${far.step})`);

  await p.evaluate(() => document.getElementById('far').scrollIntoView());
  await waitFor(() => state('far'), (s) => !s.suspended, 10000);
  // A hidden tab: the page sees document.hidden and a visibilitychange event.
  await p.evaluate(() => {
    Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await sleep(300);
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
} finally {
  await browser.close();
  srv.close();
}
finish('embed_widgets', t0);
