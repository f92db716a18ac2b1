// End-to-end test of the web app in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; WebGL2 through SwiftShader).
//
//   node e2e.mjs --root build/web-release/web --out build/e2e
//
// Serves the built page (index.html) on a free localhost port under a CSP
// without eval or inline code, then at 1280x800: waits for ready, screenshots step 0,
// clicks Train, waits until the step count advances and the loss drops,
// screenshots step N and checks pixels (the heatmaps are not blank and changed).
// Then 800x600 with URL options (including bad ones, which must only warn) and
// devicePixelRatio 2 (the backbuffer must be 2x the CSS size). Any console error fails.
import fs from 'node:fs';
import path from 'node:path';
import {args, check, failures, finish, launch, openPage as open, outDir, root, serve, sleep, waitFor} from './harness.mjs';
import {decodePng, regionDiff, regionStats} from './png.mjs';

const t0All = Date.now();
const trainSteps = Number(args.steps || 250);
// The copy task learns within a few hundred steps (induction needs thousands), and a
// small batch keeps one step well under a frame; 40 ms of training per frame.
const RUN = 'task=copy&seed=1&batch=8&speed=40';
// The app page's own policy: no eval, no inline scripts (index.html has no inline styles either).
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': CSP})});
const base = srv.url;
const browser = await launch();
const results = {};

async function openPage(name, query, contextOptions) {
  const {page, context, log} = await open(browser, base + query, contextOptions);
  const state = () => page.evaluate(() => window.headlabApp ? window.headlabApp.state() : {ready: false});
  const start = Date.now();
  let s = await state();
  while (!s.ready && Date.now() - start < 90000) {
    await sleep(250);
    s = await state();
  }
  check(s.ready, `${name}: app ready (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return {page, context, log, state};
}

// Canvas-relative CSS rectangle -> page coordinates.
async function toPage(page, rect) {
  const c = await page.evaluate(() => {
    const r = document.querySelector('main canvas').getBoundingClientRect();
    return {x: r.x, y: r.y};
  });
  return {x: c.x + rect[0], y: c.y + rect[1], w: rect[2], h: rect[3]};
}

try {
  // --- 1280x800: train and compare ---------------------------------------------
  {
    const {page, context, log, state} = await openPage('1280x800', `?${RUN}`, {viewport: {width: 1280, height: 800}});
    let s = await state();
    check(s.step === 0 && !s.playing, `starts paused at step 0 (step ${s.step})`);
    await sleep(500);  // let the first frames settle (fonts, easing)
    const shot0 = await page.screenshot({path: path.join(outDir, 'step0-1280x800.png')});
    s = await state();
    const grid = await toPage(page, s.ui.grid);

    // Train by clicking the button, as a reader would.
    const play = await toPage(page, s.ui.play);
    // Held for a few frames: ImGui 1.86 reads the button state once per frame.
    // (The ImGui backend keeps a press shorter than a frame for the next frame, however slow.)
    await page.mouse.click(play.x + play.w / 2, play.y + play.h / 2, {delay: 200});
    s = await waitFor(state, (x) => x.playing, 30000);
    await page.mouse.move(grid.x + grid.w * 0.3, grid.y + grid.h * 0.3);  // hover a heatmap: its tooltip shows in the screenshot
    check(s.playing, 'clicking Train starts training');
    if (!s.playing) await page.evaluate(() => window.headlabApp.play());

    const t0 = Date.now();
    let first = null;
    while (Date.now() - t0 < 240000) {
      s = await state();
      if (first === null && s.step > 0 && s.loss !== null) first = {step: s.step, loss: s.loss};
      if (first && s.step >= trainSteps && s.loss < first.loss * 0.9) break;
      await sleep(500);
    }
    const seconds = (Date.now() - t0) / 1000;
    check(s.step >= trainSteps, `step count advanced to ${s.step} in ${seconds.toFixed(1)} s`);
    check(first && s.loss < first.loss * 0.9, `loss dropped from ${first && first.loss.toFixed(3)} (step ${first && first.step}) to ${s.loss.toFixed(3)}`);
    results.steps_per_sec = s.stepsPerSec;
    results.tokens_per_sec = s.tokensPerSec;
    results.frame_ms = s.frameMs;
    results.train_ms_per_frame = s.trainMs;
    results.wall_steps_per_sec = s.step / seconds;
    const shotN = await page.screenshot({path: path.join(outDir, `stepN-1280x800.png`)});
    results.step_n = s.step;
    results.loss_n = s.loss;
    results.accuracy_n = s.accuracy;
    console.log(`     ${s.step} steps: ${s.stepsPerSec.toFixed(0)} steps/s, ${s.tokensPerSec.toFixed(0)} tokens/s, ` +
                `frame ${s.frameMs.toFixed(1)} ms, training ${s.trainMs.toFixed(1)} ms/frame`);

    const a = decodePng(shot0), b = decodePng(shotN);
    const st0 = regionStats(a, grid.x, grid.y, grid.w, grid.h), stN = regionStats(b, grid.x, grid.y, grid.w, grid.h);
    results.grid_colours = [st0.colours, stN.colours];
    check(st0.colours > 20 && st0.std > 8, `heatmaps at step 0 are not blank (${st0.colours} colours, std ${st0.std.toFixed(1)})`);
    check(stN.colours > 20 && stN.std > 8, `heatmaps at step N are not blank (${stN.colours} colours, std ${stN.std.toFixed(1)})`);
    const diff = regionDiff(a, b, grid.x, grid.y, grid.w, grid.h);
    results.grid_change = diff;
    check(diff > 2, `heatmaps changed between step 0 and step ${s.step} (mean |diff| ${diff.toFixed(1)})`);
    const whole = regionStats(b, 0, 0, b.width, b.height);
    check(whole.colours > 200, `the page is drawn (${whole.colours} colours)`);
    // Paused, a frame costs only drawing: SwiftShader's software rendering of the whole page.
    // (A still, paused app stops drawing; moving the mouse keeps it drawing.)
    await page.evaluate(() => window.headlabApp.pause());
    for (let i = 0; i < 40; i++) {
      await page.mouse.move(grid.x + grid.w * (0.2 + 0.015 * i), grid.y + grid.h * 0.4);
      await sleep(100);
    }
    results.frame_ms_paused = (await state()).frameMs;
    console.log(`     paused: frame ${results.frame_ms_paused.toFixed(1)} ms`);
    check(log.errors.length === 0, `no console errors at 1280x800${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
    await context.close();
  }

  // --- 800x600 with URL options, two of them bad ------------------------------------
  {
    const query = '?task=induction&heads=zzz&no-such-option=1&seed=3&batch=8&speed=40&autoplay=1';
    const {page, context, log, state} = await openPage('800x600', query, {viewport: {width: 800, height: 600}});
    const t0 = Date.now();
    let s = await state();
    while (s.step < 50 && Date.now() - t0 < 150000) {
      await sleep(500);
      s = await state();
    }
    check(s.playing && s.step >= 50, `autoplay=1 trains without a click (step ${s.step})`);
    check(log.warnings.filter((w) => w.includes('headlab')).length === 2,
          `two bad URL options give two console warnings (${log.warnings.join(' | ')})`);
    await page.screenshot({path: path.join(outDir, 'training-800x600.png')});
    check(log.errors.length === 0, `no console errors at 800x600${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
    await context.close();
  }

  // --- devicePixelRatio 2 ---------------------------------------------------------
  {
    const {page, context, log, state} = await openPage('1280x800@2x', '?seed=2&batch=8', {viewport: {width: 1280, height: 800}, deviceScaleFactor: 2});
    const stepped = await page.evaluate(() => window.headlabApp.step(60));
    check(stepped && stepped.step === 60, `step(60) resolves after 60 steps (${stepped && stepped.step})`);
    const size = await waitFor(() => page.evaluate(() => {
      const c = document.querySelector('main canvas');
      const r = c.getBoundingClientRect();
      return {w: c.width, h: c.height, cssW: r.width, cssH: r.height};
    }), (x) => x.w === Math.round(x.cssW * 2), 30000);
    check(size.w === Math.round(size.cssW * 2) && size.h === Math.round(size.cssH * 2),
          `backbuffer follows devicePixelRatio 2 (${size.w}x${size.h} for ${size.cssW}x${size.cssH} CSS px)`);
    await page.screenshot({path: path.join(outDir, 'dpr2-1280x800.png')});
    // Resizing the window resizes the canvas's backbuffer.
    await page.setViewportSize({width: 1000, height: 700});
    const resized = await waitFor(() => page.evaluate(() => document.querySelector('main canvas').width), (w) => w === 2000, 30000);
    check(resized === 2000, `canvas follows its box on resize (width ${resized})`);
    check((await state()).ready, 'still ready after resize');
    // A lost GL context (GPU reset) must be explained on the page, not fail silently.
    await page.evaluate(() => document.querySelector('main canvas').getContext('webgl2').getExtension('WEBGL_lose_context').loseContext());
    const lost = await waitFor(() => page.evaluate(() => document.querySelector('main [role=status]').textContent), (t) => /lost/.test(t), 30000);
    check(typeof lost === 'string' && lost.includes('lost'), `context loss is reported on the page (${lost})`);
    check(log.errors.length === 0, `no console errors at DPR 2${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
    await context.close();
  }
} finally {
  await browser.close();
  srv.close();
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({...results, failures}, null, 2) + '\n');
}
finish('e2e', t0All);
