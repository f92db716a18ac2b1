// The answer, readable at every size (issue 22): the symmetry experiment at
// 1280x800, 800x600, a phone (390x844, touch, devicePixelRatio 3), the Share
// menu's embed code (720x480, every panel) and the README's iframe line. Once
// a subtracting head has formed, each must draw: the step and both runs'
// accuracy, the experiment's line (where the widget shows the experiment
// strip), a badge over every head that has one, in both runs, and maps of at
// least 60 CSS pixels (state().ui names what was drawn; a pixel check sees
// text there). In the embeds, a tooltip is gone once the pointer leaves the widget.
//
//   node layouts.mjs --root build/web-release/web --out build/e2e
import fs from 'node:fs';
import path from 'node:path';
import {appReady, check, finish, launch, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';
import {decodePng, regionDiff, regionStats} from './png.mjs';

const t0 = Date.now();
const srv = await serve(root);
const browser = await launch();
const readme = fs.readFileSync(path.join(root, '..', '..', '..', 'README.md'), 'utf8');

// Trains until a subtracting head wears its badge (at most 2,000 steps).
async function untilSubtracter(read, stepper) {
  let s = await read();
  for (let k = 0; k < 40 && !(s.snapshot?.badges.flat().includes('sub')); ++k) s = await stepper(50);
  return s;
}

// What must be on screen, in the state and in the pixels of `shot`.
function answer(name, s, shot, offset = {x: 0, y: 0}, {promise = true} = {}) {
  const ui = s.ui || {};
  const at = (r) => [r[0] + offset.x, r[1] + offset.y, r[2], r[3]];
  const inked = (r) => r && regionStats(shot, ...at(r)).colours > 2;
  check(inked(ui['status:step']) && inked(ui['status:acc']) && (!s.compare || inked(ui['status:twin-acc'])),
        `${name}: the step and ${s.compare ? 'both runs\'' : 'the'} accuracy are drawn (${['status:step', 'status:acc', 'status:twin-acc'].filter((k) => ui[k]).join(', ')})`);
  if (promise) check(inked(ui.promise), `${name}: the experiment's line is drawn`);
  const expected = [];
  s.snapshot.badges.forEach((row, l) => row.forEach((b, h) => b && expected.push(`badge:L${l}H${h}`)));
  if (s.compare) s.compare.snapshot.badges.forEach((row, l) => row.forEach((b, h) => b && expected.push(`twin-badge:L${l}H${h}`)));
  const drawn = expected.filter((k) => inked(ui[k]));
  const missing = expected.filter((k) => !drawn.includes(k)).map((k) => `${k}${ui[k] ? ' ' + ui[k].map(Math.round).join(',') : ' (not drawn)'}`);
  check(expected.length > 0 && drawn.length === expected.length,
        `${name}: every badge is drawn (${drawn.length} of ${expected.length}: ${s.snapshot.badges.flat().join(' ')}${missing.length ? '; missing ' + missing.join(', ') : ''})`);
  const tiles = Object.entries(ui).filter(([k]) => k.startsWith('tile:')).map(([, r]) => Math.round(r[2]));
  check(tiles.length > 0 && Math.min(...tiles) >= 60, `${name}: maps of at least 60 pixels (${Math.min(...tiles)})`);
}

try {
  // --- the full app at three sizes ----------------------------------------------------------
  for (const [name, options] of [['1280x800', {viewport: {width: 1280, height: 800}}],
                                 ['800x600', {viewport: {width: 800, height: 600}}],
                                 ['390x844', {viewport: {width: 390, height: 844}, deviceScaleFactor: 3, isMobile: true, hasTouch: true}]]) {
    const {context, page, log} = await openPage(browser, `${srv.url}?experiment=symmetry&keep=0`, options);
    await appReady(page, name);
    const s = await untilSubtracter(() => page.evaluate(() => window.headlabApp.state()),
                                    (n) => page.evaluate((k) => window.headlabApp.step(k), n));
    await sleep(1500);  // a still widget draws a last frame, then rests
    const state = await page.evaluate(() => window.headlabApp.state());
    const file = path.join(outDir, `layout-${name}.png`);
    const shot = decodePng(await page.screenshot({path: file}));
    // state().ui is in the canvas's CSS pixels; the screenshot in the page's device pixels.
    const canvas = await page.evaluate(() => document.querySelector('main canvas').getBoundingClientRect().toJSON());
    const scale = shot.width / options.viewport.width;
    const scaled = {...state, ui: Object.fromEntries(Object.entries(state.ui).map(([k, r]) =>
      [k, [(r[0] + canvas.x) * scale, (r[1] + canvas.y) * scale, r[2] * scale, r[3] * scale]]))};
    answer(name, scaled, shot);
    check(s.step === s.compare.step, `${name}: both runs at step ${s.step}`);
    check(log.errors.length === 0, `${name}: no console errors${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
    await context.close();
  }

  // --- the embeds: Share's code (720x480, every panel) and the README's line ---------------------
  const app = await openPage(browser, `${srv.url}?experiment=symmetry&keep=0`);
  await appReady(app.page, 'the app, for its embed code');
  const shared = await app.page.evaluate(async () => (await import('/share.js')).embedCode(window.headlabApp.state()));
  await app.context.close();
  const readmeLine = readme.match(/<iframe src="https:\/\/example\.org\/headlab\/embed\.html\?[^"]*"[\s\S]*?<\/iframe>/)[0];
  for (const [name, code] of [['Share > embed code', shared], ['the README\'s iframe line', readmeLine]]) {
    const src = code.match(/src="([^"]*)"/)[1].replace(/&amp;/g, '&').replace(/^https?:\/\/[^/]+\/(headlab\/)?/, srv.url);
    const width = Number(code.match(/width="(\d+)"/)[1]), height = Number(code.match(/height="(\d+)"/)[1]);
    const host = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body style="margin:20px"><iframe id="w" src="${src}" width="${width}" height="${height}" style="border:0"></iframe><p style="height:300px">after</p>`;
    srv.extra['/host.html'] = {body: host};
    const {context, page, log} = await openPage(browser, `${srv.url}host.html`, {viewport: {width: width + 200, height: height + 300}});
    const frame = await waitFor(async () => page.frames().find((f) => f.url().includes('embed.html')), (f) => f, 20000);
    const read = () => frame.evaluate(() => (window.headlabWidget ? window.headlabWidget.state() : {ready: false}));
    await waitFor(read, (x) => x.ready, 90000);
    const s = await untilSubtracter(read, (n) => frame.evaluate((k) => window.headlabWidget.step(k), n));
    await sleep(1500);
    const state = await read();
    const shot = decodePng(await page.screenshot({path: path.join(outDir, `layout-embed-${width}x${height}.png`)}));
    const box = await (await frame.frameElement()).boundingBox();
    answer(`${name} (${width}x${height})`, state, shot, {x: box.x, y: box.y}, {promise: state.options.compact !== '1' && state.options.topbar !== '0'});
    check(!s.compare || s.step === s.compare.step, `${name}: both runs at the same step`);
    // A tooltip under the pointer goes once the pointer leaves the widget.
    const play = state.ui.play;
    if (play) {
      const [x, y] = [box.x + play[0] + play[2] / 2, box.y + play[1] + play[3] / 2];
      const region = {x: Math.round(box.x), y: Math.round(box.y + play[1] + play[3]), w: Math.min(420, width), h: 60};
      const before = decodePng(await page.screenshot());
      await page.mouse.move(x, y);
      await sleep(2500);  // ImGui shows a tooltip after a short hover
      const hovered = decodePng(await page.screenshot());
      await page.mouse.move(box.x + width / 2, box.y + height + 120);  // onto the host page, below the frame
      await sleep(2000);
      const left = decodePng(await page.screenshot());
      const shown = regionDiff(before, hovered, region.x, region.y, region.w, region.h);
      const gone = regionDiff(before, left, region.x, region.y, region.w, region.h);
      check(shown > 1 && gone < shown / 4, `${name}: the Train button's tooltip shows on hover and goes once the pointer leaves (difference ${shown.toFixed(1)} -> ${gone.toFixed(1)})`);
    }
    check(log.errors.length === 0, `${name}: no console errors${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
    await context.close();
  }
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
  srv.close();
}
finish('web_layouts', t0);
