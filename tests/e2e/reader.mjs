// The reader's features of the full app (issue 12) in headless Chromium:
//
//   node reader.mjs --root build/web-release/web --out build/e2e
//
// - the address follows the settings: reset({init: 'clone-all'}) puts init=clone-all in it;
// - Space trains and pauses while the canvas has focus, and no focus ring shows on load;
// - hovering a token of the probe outlines its row in every head's map (pixel diff);
// - recordReplay() gives a WebM video of the replay, and refuses a length out of range;
// - exportPng() gives a PNG of the grid, exportRun() the run JSON in the schema
//   headlab-train --out writes (src/lab/run_json.h);
// - a reload offers the kept run and resumes it at its step, the same page with
//   other run settings does not; keep=0 offers nothing;
// - the aria-live region says what happened.
import path from 'node:path';
import {appReady as ready, appState as state, check, finish, launch, openPage, outDir, root, serve, settledScreenshot, sleep,
        waitFor} from './harness.mjs';
import {decodePng, regionDiff, regionStats} from './png.mjs';

const t0 = Date.now();
const RUN = 'task=copy&seed=1&batch=8';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': CSP})});
const browser = await launch();

// The run JSON's schema (src/lab/run_json.h), as scripts/experiments.py and the CLI's readers use it.
function runJsonProblem(text, s) {
  let run;
  try { run = JSON.parse(text); } catch (e) { return `not JSON: ${e.message}`; }
  for (const key of ['config', 'vocab', 'probe', 'history', 'snapshots']) if (!(key in run)) return `no "${key}"`;
  if (run.config.task !== 'copy' || run.config.init !== 'clone-all') return `config ${JSON.stringify(run.config).slice(0, 80)}`;
  if (!run.history.every((p) => Number.isInteger(p.step) && typeof p.loss === 'number' && 'acc' in p)) return 'history entries';
  const snap = run.snapshots.at(-1);
  if (!snap || snap.step !== s.snapshot.step) return `last snapshot step ${snap && snap.step}, state says ${s.snapshot.step}`;
  const T = run.probe.length, L = Number(run.config.layers), H = Number(run.config.heads);
  if (snap.attn.length !== L || snap.attn[0].length !== H || snap.attn[0][0].length !== T || snap.attn[0][0][0].length !== T) return 'attn is not [L][H][T][T]';
  for (const key of ['grad_norm', 'grad_cos', 'js', 'diversity', 'entropy', 'roles', 'ablation']) if (!(key in snap)) return `snapshot without "${key}"`;
  if (!run.probe.every((id) => Number.isInteger(id) && id >= 0 && id < run.vocab.length)) return 'probe ids outside the vocabulary';
  return '';
}

try {
  const {context, page, log} = await openPage(browser, `${srv.url}?${RUN}`);
  let s = await ready(page, '1280x800');
  const ring = await page.evaluate(() => getComputedStyle(document.querySelector('main canvas').parentElement).outlineStyle);
  check(ring === 'none', `no focus ring around the widget on load (outline: ${ring})`);

  // --- the address follows the settings ----------------------------------------------
  await page.evaluate(() => window.headlabApp.reset({init: 'clone-all'}));
  const url = await waitFor(() => page.url(), (u) => u.includes('init=clone-all'), 10000);
  check(url.includes('init=clone-all') && url.includes('task=copy'), `the URL follows reset({init: 'clone-all'}) (${url.replace(srv.url, '/')})`);

  // --- Space with the canvas focused --------------------------------------------------
  await page.focus('main canvas');
  await page.keyboard.press('Space');
  s = await waitFor(() => state(page), (x) => x.playing, 20000);
  check(s.playing, 'Space starts training while the canvas has focus');
  await page.keyboard.press('Space');
  s = await waitFor(() => state(page), (x) => !x.playing, 20000);
  check(!s.playing, 'Space again pauses');
  const spoken = await waitFor(() => page.evaluate(() => document.querySelector('main [aria-live]').textContent), (t) => /Paused at step/.test(t), 5000);
  check(/Paused at step \d+, loss/.test(spoken), `the live region tells screen readers (${JSON.stringify(spoken)})`);
  s = await page.evaluate(() => window.headlabApp.step(30));

  // --- linked brushing: a hovered token outlines its row in every map -----------------
  const canvasBox = await page.evaluate(() => {
    const r = document.querySelector('main canvas').getBoundingClientRect();
    return {x: r.x, y: r.y};
  });
  s = await state(page);
  const tiles = Object.entries(s.ui).filter(([k]) => k.startsWith('tile:'));
  const T = Object.keys(s.ui).filter((k) => k.startsWith('token:')).length;
  const i = T - 4;
  check(tiles.length === 8 && T > 8, `every map and token has a place on screen (${tiles.length} maps, ${T} tokens)`);
  await page.mouse.move(canvasBox.x + 5, canvasBox.y + 795);  // nothing there
  const before = (await settledScreenshot(page, {x: 0, y: 0, w: 1280, h: 800})).img;
  const [tx, ty, tw, th] = s.ui[`token:${i}`];
  await page.mouse.move(canvasBox.x + tx + tw / 2, canvasBox.y + ty + th / 2);
  const after = (await settledScreenshot(page, {x: 0, y: 0, w: 1280, h: 800}, {path: path.join(outDir, 'reader-brush.png')})).img;
  let outlined = 0, quiet = 0;
  for (const [, [x, y, w, h]] of tiles) {
    const cell = h / T, X = canvasBox.x + x, Y = canvasBox.y + y;
    // Row i's band (its outline) changes; the cells below it and left of column i do not.
    if (regionDiff(before, after, X, Y + i * cell - 1, w * (i + 1) / T, cell + 2) > 1) outlined++;
    if (regionDiff(before, after, X + 2, Y + (i + 2) * cell, (i - 2) * cell, cell) < 0.5) quiet++;
  }
  check(outlined === tiles.length && quiet === tiles.length,
        `hovering token ${i} outlines its row in every map (${outlined}/${tiles.length} outlined, ${quiet}/${tiles.length} unchanged elsewhere)`);

  // --- export -------------------------------------------------------------------------
  const png = await page.evaluate(async () => Array.from(new Uint8Array(await (await window.headlabApp.exportPng()).arrayBuffer())));
  let pic = null;
  try { pic = decodePng(Buffer.from(png)); } catch (e) { console.log(`     ${e.message}`); }
  const grid = s.ui['panel:grid'];
  // The grid panel, and under it a line of 18 px saying the step and settings (text: several colours).
  check(pic && Math.abs(pic.width - grid[2]) <= 1 && Math.abs(pic.height - grid[3] - 18) <= 1 && regionStats(pic, 0, 0, pic.width, grid[3]).colours > 50,
        `exportPng() is a PNG of the grid panel (${pic ? `${pic.width}x${pic.height}` : 'not a PNG'}, panel ${grid[2]}x${grid[3]} and a line)`);
  check(pic && regionStats(pic, 0, pic.height - 16, Math.min(pic.width, 300), 14).colours > 3, 'the PNG states its step and settings on its last line');
  s = await state(page);
  const problem = runJsonProblem(await page.evaluate(() => window.headlabApp.exportRun()), s);
  check(problem === '', `exportRun() is the run JSON headlab-train --out writes${problem ? ': ' + problem : ''}`);

  // --- the replay as a video ----------------------------------------------------------
  const video = await page.evaluate(async () => {
    const during = [];
    const poll = setInterval(() => during.push(window.headlabApp.state().replaying), 200);
    try {
      const blob = await window.headlabApp.recordReplay(2);
      return {size: blob.size, type: blob.type, magic: Array.from(new Uint8Array(await blob.slice(0, 4).arrayBuffer())),
              replayed: during.includes(true), after: window.headlabApp.state().replaying};
    } catch (e) {
      return {error: e.message};
    } finally {
      clearInterval(poll);
    }
  });
  // A WebM file is an EBML document: it starts with 1A 45 DF A3.
  const ebml = video.magic && video.magic.join(',') === [0x1a, 0x45, 0xdf, 0xa3].join(',');
  check(ebml && video.size > 2000 && video.type === 'video/webm' && video.replayed && !video.after,
        `recordReplay(2) records the replay as WebM (${video.error || `${video.size} bytes, ${video.type}, EBML ${ebml}, replayed ${video.replayed}`})`);
  const refused = await page.evaluate(() => window.headlabApp.recordReplay(600).then(() => 'recorded', (e) => e.message));
  check(/expected 2\.\.60/.test(refused), `recordReplay(600) is refused with a message (${refused})`);

  // --- the kept run survives a reload -------------------------------------------------
  const step = s.step;
  const kept = await waitFor(() => page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('headlab', 1);
    r.onsuccess = () => {
      const get = r.result.transaction('kept-runs').objectStore('kept-runs').get(`${location.pathname}#0`);
      get.onsuccess = () => resolve(get.result ? get.result.step : -1);
      get.onerror = () => resolve(-1);
    };
    r.onerror = () => resolve(-1);
  })), (k) => k === step, 20000);
  check(kept === step, `the run is kept in the browser at step ${step} (kept: ${kept})`);
  await page.reload();
  await ready(page, 'after a reload');
  const resume = page.getByRole('button', {name: `Resume step ${step}`});
  await resume.waitFor({timeout: 20000}).catch(() => {});
  check(await resume.count() === 1, 'the reloaded page offers to resume the kept run');
  if (await resume.count()) await resume.click();
  s = await waitFor(() => state(page), (x) => x.step === step, 10000);
  check(s.step === step && s.options.init === 'clone-all', `the reload resumes the run at step ${step} (step ${s.step}, init ${s.options.init})`);
  // The same page with other run settings is another run: the kept one is not offered (issue 20, item 11).
  await page.goto(`${srv.url}?task=sort&seed=1&batch=8`);
  await ready(page, 'another task on the same page');
  await sleep(2000);
  check(await page.getByRole('button', {name: /Resume/}).count() === 0, 'a run kept at task=copy is not offered at task=sort');
  check(log.errors.length === 0, `no console errors${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
  await context.close();

  // --- keep=0: nothing kept, nothing offered ------------------------------------------
  const off = await openPage(browser, `${srv.url}?${RUN}&keep=0`);
  await ready(off.page, 'keep=0');
  await off.page.evaluate(() => window.headlabApp.step(5));
  await sleep(5000);
  await off.page.reload();
  await ready(off.page, 'keep=0 after a reload');
  await sleep(2000);
  check(await off.page.getByRole('button', {name: /Resume/}).count() === 0, 'keep=0 keeps nothing and offers nothing');
  await off.context.close();
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
  srv.close();
}
finish('web_reader', t0);
