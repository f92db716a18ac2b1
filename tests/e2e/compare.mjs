// Compare mode as the symmetry experiment shows it (issue 18, "a fair comparison"):
// - in the app and in the article, the two runs train in lockstep: at every
//   sample over 30 s of training both are at the same step and the drawn
//   snapshots are of the same step, and both advance;
// - the twin is a solo run of its settings (init=clone-all), bit for bit;
// - a head switched off on a tile shows in state() (both runs), in the address
//   and as a cover on the tile, and a second click switches it back on;
// - a reload resumes both runs at their (equal) step;
// - a worker that dies: both runs go on in the page's frames from their
//   newest checkpoints, and the widget, state() and 'error' say so.
//
//   node compare.mjs --root build/web-release/web --out build/e2e
import path from 'node:path';
import {appReady, appState, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';
import {decodePng, regionStats} from './png.mjs';

const t0 = Date.now();
const SAMPLE_S = 30;
const srv = await serve(root);
const browser = await launch();

// Samples a widget's state while it trains: the largest step difference seen
// between the two runs, and whether the newest drawn snapshots ever differed.
async function lockstep(read, seconds) {
  let worst = 0, mismatched = 0, samples = 0, first = null, last = null;
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    const s = await read();
    if (s && s.ready && s.compare) {
      samples++;
      first ||= s;
      last = s;
      worst = Math.max(worst, Math.abs(s.step - s.compare.step));
      if (s.snapshot && s.compare.snapshot && s.snapshot.step !== s.compare.snapshot.step) mismatched++;
    }
    await sleep(250);
  }
  return {worst, mismatched, samples, first, last};
}

try {
  // --- the app: lockstep, fairness, switching, reload ------------------------------------------------
  const {context, page, log} = await openPage(browser, `${srv.url}?experiment=symmetry`);
  let s = await appReady(page, 'symmetry');
  check(s.compare && s.compare.options.init === 'clone-all' && s.options.init === 'random', 'the symmetry experiment shows a clone-all twin');
  await page.evaluate(() => window.headlabApp.play());
  const app = await lockstep(() => appState(page), SAMPLE_S);
  console.log(`     ${app.samples} samples; steps ${app.first?.step} -> ${app.last?.step} (twin ${app.last?.compare.step})`);
  check(app.samples > 20 && app.last.step > app.first.step + 20 && app.last.compare.step > app.first.compare.step + 20,
        `both runs advance over ${SAMPLE_S} s of Play (${app.first?.step} -> ${app.last?.step}, twin ${app.last?.compare.step})`);
  check(app.worst <= 10, `the two runs' steps never differ by more than one snapshot interval (worst ${app.worst})`);
  check(app.mismatched === 0, `the drawn snapshots are always of the same step (${app.mismatched} of ${app.samples} samples differed)`);

  // The twin is a solo run of its settings: the same step, the same numbers.
  s = await page.evaluate(() => window.headlabApp.pause());
  s = await page.evaluate(() => window.headlabApp.reset({}).then(() => window.headlabApp.step(40)));
  const solo = await openPage(browser, `${srv.url}?task=addsub&layers=1&seed=${s.options.seed}&init=clone-all&keep=0`);
  await appReady(solo.page, 'solo clone-all');
  const alone = await solo.page.evaluate(() => window.headlabApp.step(40));
  check(s.step === 40 && s.compare.step === 40 && alone.step === 40, `both runs and the solo run at step 40 (${s.step}, ${s.compare.step}, ${alone.step})`);
  check(s.compare.loss === alone.loss && JSON.stringify(s.compare.snapshot) === JSON.stringify(alone.snapshot),
        `the twin is the solo clone-all run bit for bit (loss ${s.compare.loss} vs ${alone.loss}, diversity ${alone.snapshot.diversity})`);
  await solo.context.close();

  // A head switched off on its tile: state, address, cover; a second click switches it back on.
  await page.evaluate(() => window.headlabApp.step(10));
  await sleep(1500);  // a paused widget settles, then draws on input
  s = await appState(page);
  const canvas = await page.evaluate(() => document.querySelector('main canvas').getBoundingClientRect().toJSON());
  const at = (r) => r && [r[0] + canvas.x, r[1] + canvas.y, r[2], r[3]];  // state().ui is in the canvas's pixels
  const tile = at(s.ui['tile:L0H1']), button = at(s.ui['switch:L0H1']);
  check(tile && button, 'the tile of L0H1 and its switch are on screen');
  const before = decodePng(await page.screenshot());
  await page.mouse.click(button[0] + button[2] / 2, button[1] + button[3] / 2);
  s = await waitFor(() => appState(page), (x) => x.options.off === 'L0H1', 10000);
  check(s.options.off === 'L0H1' && s.compare.options.off === 'L0H1', `a click switches L0H1 off in both runs (state: ${s.options.off}, twin ${s.compare.options.off})`);
  await sleep(1500);  // the address follows the settings once a second
  check(page.url().includes('off=L0H1'), `the address says so (${page.url().replace(srv.url, '/')})`);
  const after = decodePng(await page.screenshot({path: path.join(outDir, 'compare-off.png')}));
  const [x, y, w, h] = tile.map(Math.round);
  const dark = regionStats(after, x, y, w, h).mean, lit = regionStats(before, x, y, w, h).mean;
  check(Math.abs(dark - lit) > 5, `the tile switched off is covered (mean ${lit.toFixed(1)} -> ${dark.toFixed(1)})`);
  await page.mouse.click(button[0] + button[2] / 2, button[1] + button[3] / 2);
  s = await waitFor(() => appState(page), (x) => x.options.off === '', 10000);
  check(s.options.off === '' && s.compare.options.off === '', 'a second click switches it back on in both runs');

  // Reload: both runs resume at their (equal) step.
  await page.evaluate(() => window.headlabApp.step(30));
  s = await appState(page);
  const kept = s.step;
  await sleep(9000);  // the page keeps the newest checkpoint every 4 s
  await page.reload();
  const resume = await waitFor(() => page.$(`button:text("Resume step ${kept}")`), (b) => b, 90000);
  check(Boolean(resume), `after a reload the page offers to resume step ${kept}`);
  if (resume) await resume.click();
  s = await waitFor(() => appState(page), (x) => x.ready && x.step === kept && x.compare && x.compare.step === kept, 30000);
  check(s.step === kept && s.compare?.step === kept, `both runs resume at step ${kept} (${s.step}, twin ${s.compare?.step})`);
  check(log.errors.length === 0, `no console errors${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
  await context.close();

  // --- a worker that dies ---------------------------------------------------------------------------
  {
    const {context: c, page: p, log: l} = await openPage(browser, `${srv.url}?experiment=symmetry&keep=0`);
    await appReady(p, 'symmetry, for a worker that dies');
    await p.evaluate(() => {
      window.errors = [];
      window.headlabApp.on('error', (e) => window.errors.push(e));
      return window.headlabApp.play();
    });
    await sleep(9000);  // checkpoints are asked for every 4 s while training
    const before = await appState(p);
    const workers = p.workers().filter((w) => w.url().endsWith('headlab-worker.js'));
    check(workers.length === 2 && before.trainer === 'worker', `each run trains in a worker of its own (${workers.length} workers)`);
    await workers[0].evaluate(() => setTimeout(() => { throw new Error('simulated crash'); }));
    s = await waitFor(() => appState(p), (x) => x.trainer.startsWith('page ('), 20000);
    const heard = await p.evaluate(() => window.errors);
    check(s.trainer.startsWith('page (the worker stopped'), `state().trainer says where training went (${s.trainer})`);
    check(heard.some((e) => /^training stopped \(the worker stopped: .*\): it goes on in page .* from step \d+, the last checkpoint it sent$/.test(e)),
          `'error' listeners hear what happened (${heard.join(' | ').slice(0, 160)})`);
    const from = s.step;
    s = await waitFor(() => appState(p), (x) => x.step > from + 5, 60000);
    check(from > 0 && s.step > from + 5 && s.compare.step === s.step && s.playing,
          `both runs go on from their checkpoint, in lockstep (from step ${from}, was ${before.step}, now ${s.step}, twin ${s.compare.step})`);
    noErrors({errors: l.errors.filter((e) => !/simulated crash/.test(e))}, 'after the worker died');
    await c.close();
  }

  // --- the article's symmetry widget -------------------------------------------------------------
  const art = await openPage(browser, `${srv.url}examples/why-heads-differ.html`, {viewport: {width: 1280, height: 800}});
  const read = () => art.page.evaluate(() => document.querySelector('headlab-widget[experiment=symmetry]')?.state());
  await waitFor(read, (x) => x && x.ready && x.playing, 90000);
  const article = await lockstep(read, SAMPLE_S);
  check(article.samples > 20 && article.last.step > article.first.step + 20,
        `the article's pair advances (${article.first?.step} -> ${article.last?.step}, twin ${article.last?.compare.step})`);
  check(article.worst <= 10 && article.mismatched === 0,
        `the article's two runs stay together (worst step difference ${article.worst}, snapshot mismatches ${article.mismatched})`);
  const caption = await art.page.textContent('[data-compare]');
  check(/^step \d+, both runs/.test(caption), `its caption names the one step of both runs (${caption.slice(0, 60)}...)`);
  await art.context.close();
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
  srv.close();
}
finish('web_compare', t0);
