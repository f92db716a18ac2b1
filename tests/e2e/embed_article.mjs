// The tutorial article (examples/why-heads-differ.html), 1280 wide and tall
// enough for all of it to be on screen (off-screen widgets rest), under a
// strict CSP: its five widgets start as the five experiments, and every
// number it quotes is filled in from the sweep (no data-measured span left
// unfilled); in the
// symmetry widget (compare mode) after 150 steps the clone-all twin's heads
// are still identical (head diversity exactly 0) while the random heads have
// split; the caption under it follows.
// Also measures time to first frame (page load to the first attention maps
// drawn) of the article, embed.html and index.html, into embed-metrics.json.
//
//   node embed_article.mjs --root build/web-release/web --out build/e2e
import fs from 'node:fs';
import path from 'node:path';
import {STRICT_CSP, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';

const t0 = Date.now();
const STEPS = 150;
const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP})});
const browser = await launch();
// Each widget's first ready event: when and with which state (capture phase: they do not bubble).
const recordReady = () => {
  window.readyAt = [];
  document.addEventListener('headlab-ready', (e) => window.readyAt.push({t: performance.now(), state: e.detail}), true);
};

// Milliseconds from navigation to the first frame with attention maps in each of
// `count` widgets: a widget hides its status line ("Loading headlab...") then.
const recordFirstFrames = () => {
  window.firstFrames = [];
  new MutationObserver((records) => {
    for (const r of records) if (r.target.getAttribute('role') === 'status' && r.target.hidden) window.firstFrames.push(performance.now());
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['hidden']});
};
// The article is one column: a viewport this tall shows all of its widgets.
const TALL = {viewport: {width: 1280, height: 5200}};
const WIDGETS = 5;
async function firstFrame(url, count) {
  const {context, page} = await openPage(browser, null, count > 1 ? TALL : undefined);
  await page.addInitScript(recordFirstFrames);
  await page.goto(srv.url + url);
  const ms = await waitFor(() => page.evaluate(() => window.firstFrames), (t) => t.length >= count, 90000);
  await context.close();
  return ms.length >= count ? Math.round(Math.max(...ms)) : null;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // --- the article ----------------------------------------------------------------------------
  const {page, log} = await openPage(browser, null, TALL);
  await page.addInitScript(recordReady);
  await page.goto(srv.url + 'examples/why-heads-differ.html');
  const states = () => page.evaluate(() => [...document.querySelectorAll('headlab-widget')].map((w) => w.state()));
  const ready = await waitFor(() => page.evaluate(() => window.readyAt), (r) => r.length === WIDGETS, 120000);
  check(ready.length === WIDGETS, `${WIDGETS} widgets draw their first frame (${ready.map((r) => Math.round(r.t)).join(', ')} ms)`);
  let s = await states();
  check(s.map((x) => x.options.task).join() === 'addsub,addsub,addsub,induction,coref' && s[0].options.compare === 'init:clone-all' &&
        s[0].compare?.options.init === 'clone-all' && s[2].options.init === 'clone-all' && s[0].playing &&
        s.slice(1).every((x) => !x.playing),
        `they run the symmetry (compare mode, playing), division, composition, redundancy and coreference experiments (${s.map((x) => x.options.task).join(', ')})`);
  const unfilled = await page.evaluate(() => [...document.querySelectorAll('[data-measured]')].filter((e) => !/\d/.test(e.textContent)).map((e) => e.dataset.measured));
  const filled = await page.evaluate(() => document.querySelectorAll('[data-measured]').length);
  check(filled > 10 && unfilled.length === 0, `the article's ${filled} measured numbers are filled in${unfilled.length ? ': not ' + unfilled : ''}`);
  const first = ready.map((r) => r.state).find((x) => x.compare);
  check(first && first.compare.snapshot.diversity.every((d) => d === 0), 'the clone-all twin starts with identical heads (diversity 0)');

  // A new run for the pair (both from step 0), then step() resolves once both
  // have taken the steps; the caption follows on snapshot events.
  await page.evaluate((n) => {
    const w = document.querySelector('headlab-widget');
    w.pause();
    w.reset();
    return w.step(n);
  }, STEPS);
  await waitFor(() => page.textContent('[data-compare]'), (c) => c.includes(`step ${STEPS}`), 30000);
  s = await states();
  const [sym] = s;
  console.log(`     step ${STEPS}: random diversity ${sym.snapshot.diversity}, clone-all ${sym.compare.snapshot.diversity}`);
  check(sym.step === STEPS && sym.compare.step === STEPS, `both runs of the pair at step ${STEPS}`);
  check(sym.compare.snapshot.diversity.every((d) => d === 0), 'clone-all heads are still identical, bit for bit (diversity exactly 0)');
  check(Math.max(...sym.snapshot.diversity) > 0.02, 'the random heads have split (diversity > 0.02)');
  const caption = await page.textContent('[data-compare]');
  check(caption.includes('clone-all: accuracy') && caption.includes('diversity 0.000'), `the caption follows ("${caption}")`);
  await page.screenshot({path: path.join(outDir, 'article-full.png'), fullPage: true});
  await page.setViewportSize({width: 1280, height: 800});
  await page.screenshot({path: path.join(outDir, 'article-1280x800.png')});

  noErrors(log, 'on the article');
  check(log.warnings.length === 0, `no console warnings on the article${log.warnings.length ? ': ' + log.warnings.join(' | ') : ''}`);
  await page.context().close();

  // --- time to first frame ---------------------------------------------------------------------
  const runs = 3;
  const metrics = {article: [], embed: [], index: []};
  for (let i = 0; i < runs; i++) {
    metrics.article.push(await firstFrame('examples/why-heads-differ.html', WIDGETS));
    metrics.embed.push(await firstFrame('embed.html?task=induction', 1));
    metrics.index.push(await firstFrame('?task=induction', 1));
  }
  const summary = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, {median_ms: median(v), runs_ms: v}]));
  console.log(`     time to first frame (median of ${runs}): article (${WIDGETS} widgets) ${summary.article.median_ms} ms, ` +
              `embed.html ${summary.embed.median_ms} ms, index.html ${summary.index.median_ms} ms`);
  fs.writeFileSync(path.join(outDir, 'embed-metrics.json'), JSON.stringify({time_to_first_frame: summary}, null, 2) + '\n');
  // Measured, not asserted: how long it takes depends on the machine's load.
  check(Object.values(metrics).every((v) => v.every((ms) => ms !== null)), 'every page drew its first frame in every run');
} finally {
  await browser.close();
  srv.close();
}
finish('embed_article', t0);
