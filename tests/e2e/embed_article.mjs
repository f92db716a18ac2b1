// The tutorial article (examples/why-heads-differ.html) at 1280x800 under a
// strict CSP: its three widgets start with their own init modes; after the
// same 150 steps the clone-all heads are still identical (head diversity
// exactly 0 in both layers) while the random and clone-qkv heads have split;
// the captions follow; the page's buttons pause and restart all three.
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
async function firstFrame(url, count) {
  const {context, page} = await openPage(browser, null);
  await page.addInitScript(recordFirstFrames);
  await page.goto(srv.url + url);
  const ms = await waitFor(() => page.evaluate(() => window.firstFrames), (t) => t.length >= count, 90000);
  await context.close();
  return ms.length >= count ? Math.round(Math.max(...ms)) : null;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // --- the article ----------------------------------------------------------------------------
  const {page, log} = await openPage(browser, null);
  await page.addInitScript(recordReady);
  await page.goto(srv.url + 'examples/why-heads-differ.html');
  const states = () => page.evaluate(() => [...document.querySelectorAll('headlab-widget')].map((w) => w.state()));
  const ready = await waitFor(() => page.evaluate(() => window.readyAt), (r) => r.length === 3, 90000);
  check(ready.length === 3, `three widgets draw their first frame (${ready.map((r) => Math.round(r.t)).join(', ')} ms)`);
  let s = await states();
  check(s.map((x) => x.options.init).join() === 'random,clone-qkv,clone-all' && s.every((x) => x.playing && x.options.panels === 'grid'),
        `they run random, clone-qkv and clone-all, autoplaying, grid only (${s.map((x) => x.options.init).join(', ')})`);
  const first = Object.fromEntries(ready.map((r) => [r.state.options.init, r.state.snapshot]));
  check(first['clone-qkv'].step === 0 && first['clone-qkv'].diversity.every((d) => d === 0) && first['clone-all'].diversity.every((d) => d === 0),
        'at step 0 the clone-qkv and clone-all heads are identical (diversity 0)');

  await page.click('#pause-all');
  s = await waitFor(states, (xs) => xs.every((x) => !x.playing), 30000);
  check(s.every((x) => !x.playing) && (await page.textContent('#pause-all')) === 'Train all', '"Pause all" pauses the three');
  // step() resolves once the steps are done; the captions follow on the widgets' snapshot events.
  await page.evaluate((n) => Promise.all([...document.querySelectorAll('headlab-widget')].map((w) => w.step(n - w.state().step))), STEPS);
  await waitFor(() => page.$$eval('[data-diversity]', (els) => els.map((e) => e.textContent)), (c) => c.every((x) => x.includes(`step ${STEPS}`)), 30000);
  s = await states();
  const [random, qkv, all] = s.map((x) => x.snapshot);
  const fmt = (d) => d.map((x) => x.toFixed(3)).join('/');
  console.log(`     step ${STEPS} diversity: random ${fmt(random.diversity)}, clone-qkv ${fmt(qkv.diversity)}, clone-all ${fmt(all.diversity)}`);
  check(s.every((x) => x.step === STEPS) && random.step === STEPS && qkv.step === STEPS && all.step === STEPS, `all three at step ${STEPS}`);
  check(all.diversity.every((d) => d === 0), 'clone-all heads are still identical, bit for bit (diversity exactly 0)');
  check(Math.max(...random.diversity) > 0.02 && Math.max(...qkv.diversity) > 0.02, 'random and clone-qkv heads have split (diversity > 0.02)');
  const captions = await page.$$eval('[data-diversity]', (els) => els.map((e) => e.textContent));
  check(captions[2].includes(`step ${STEPS}`) && captions[2].includes('L1 0.000 · L2 0.000'), `the captions follow ("${captions[2]}")`);
  await page.screenshot({path: path.join(outDir, 'article-1280x800.png')});
  await page.screenshot({path: path.join(outDir, 'article-full.png'), fullPage: true});

  await page.click('#restart-all');
  s = await waitFor(states, (xs) => xs.every((x) => x.generation === 2 && x.playing), 30000);
  check(s.every((x) => x.generation === 2 && x.playing), '"Restart all" starts three new runs, training');
  noErrors(log, 'on the article');
  check(log.warnings.length === 0, `no console warnings on the article${log.warnings.length ? ': ' + log.warnings.join(' | ') : ''}`);
  await page.context().close();

  // --- time to first frame ---------------------------------------------------------------------
  const runs = 3;
  const metrics = {article: [], embed: [], index: []};
  for (let i = 0; i < runs; i++) {
    metrics.article.push(await firstFrame('examples/why-heads-differ.html', 3));
    metrics.embed.push(await firstFrame('embed.html?task=induction', 1));
    metrics.index.push(await firstFrame('?task=induction', 1));
  }
  const summary = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, {median_ms: median(v), runs_ms: v}]));
  console.log(`     time to first frame (median of ${runs}): article (3 widgets) ${summary.article.median_ms} ms, ` +
              `embed.html ${summary.embed.median_ms} ms, index.html ${summary.index.median_ms} ms`);
  fs.writeFileSync(path.join(outDir, 'embed-metrics.json'), JSON.stringify({time_to_first_frame: summary}, null, 2) + '\n');
  // Measured, not asserted: how long it takes depends on the machine's load.
  check(Object.values(metrics).every((v) => v.every((ms) => ms !== null)), 'every page drew its first frame in every run');
} finally {
  await browser.close();
  srv.close();
}
finish('embed_article', t0);
