// The composition and coreference experiments as a reader meets them: one
// click in the strip (the app), the URL option (an embed), trained in the
// page's engine (WebAssembly, in a worker) until the grid shows what the
// experiment's line promises:
// - composition: identical heads in both layers (diversity exactly 0 at every
//   check), layer 0 wearing b@+ and layer 1 read+, and the run learning the sums;
// - coreference: a head at "tired" on the animal (badge who); typing the same
//   sentence with "wide" restarts the run drawn on it, and a head looks at
//   the street (badge where).
// Screenshots at 1280x800 and 390x844 go to build/e2e/experiment-*.png.
//
//   node experiments.mjs --root build/web-release/web --out build/e2e
import path from 'node:path';
import {appReady, appState, check, finish, launch, noErrors, openPage, outDir, root, serve, waitFor} from './harness.mjs';

const t0 = Date.now();
const srv = await serve(root);
const browser = await launch();
const TRAIN_MS = 300000;  // a bound on a failure only: SwiftShader and a loaded machine are slow

const badges = (s, layer) => s.snapshot?.badges?.[layer] || [];

try {
  // --- composition, chosen with one click in the strip of the app ---------------------------------
  const {context, page, log} = await openPage(browser, `${srv.url}?task=copy&keep=0`);
  let s = await appReady(page, 'the app');
  const strip = s.ui['experiment:composition'];
  if (check(Boolean(strip), 'the strip has a Composition button')) {
    const canvas = await page.evaluate(() => document.querySelector('main canvas').getBoundingClientRect().toJSON());
    await page.mouse.click(canvas.x + strip[0] + strip[2] / 2, canvas.y + strip[1] + strip[3] / 2);  // state().ui is in the canvas's pixels
  }
  s = await waitFor(() => appState(page), (x) => x.options?.init === 'clone-all' && x.options?.layers === '2', 30000);
  check(s.options.task === 'addsub' && s.options.init === 'clone-all' && s.options.layers === '2' && s.playing,
        `one click starts two layers of identical heads on addsub, playing (${s.options.task}, ${s.options.init}, ${s.options.layers} layers)`);
  let split = false;
  s = await waitFor(async () => {
    const x = await appState(page);
    split ||= (x.snapshot?.diversity || []).some((d) => d !== 0);
    return x;
  }, (x) => badges(x, 0).includes('b@+') && badges(x, 1).includes('read+') && x.accuracy >= 0.9, TRAIN_MS, 500);
  check(badges(s, 0).includes('b@+') && badges(s, 1).includes('read+'),
        `layer 0 fetches b at + and layer 1 reads + (badges ${JSON.stringify(s.snapshot?.badges)} at step ${s.step})`);
  check(s.accuracy >= 0.9, `the identical heads learn the sums (accuracy ${s.accuracy} at step ${s.step})`);
  check(!split && s.snapshot.diversity.every((d) => d === 0), `each layer's heads stayed identical (diversity ${s.snapshot.diversity})`);
  await page.screenshot({path: path.join(outDir, 'experiment-composition-1280x800.png')});
  noErrors(log, 'composition');
  await context.close();

  // --- coreference, in an embed on a phone -------------------------------------------------------------
  const phone = await openPage(browser, `${srv.url}embed.html?experiment=coreference&autoplay=1&keep=0`,
                               {viewport: {width: 390, height: 844}, deviceScaleFactor: 2, isMobile: true, hasTouch: true});
  const embedState = () => phone.page.evaluate(() => window.headlabWidget?.state?.() || {ready: false});
  s = await waitFor(embedState, (x) => badges(x, 0).includes('who'), TRAIN_MS, 500);
  check(badges(s, 0).includes('who'), `at "tired" a head looks back at the animal (badges ${JSON.stringify(badges(s, 0))} at step ${s.step})`);
  check(s.probeText.includes('tired'), `the probe is the question's sentence (${s.probeText})`);
  await phone.page.screenshot({path: path.join(outDir, 'experiment-coreference-390x844.png')});
  const words = s.probeText.split(' ').filter((w) => w !== '<pad>');
  const wide = [...words.slice(0, -1).map((w) => (w === 'tired' ? 'wide' : w)), 'street'].join(' ');
  await phone.page.evaluate(async (probe) => { await window.headlabWidget.reset({probe}); await window.headlabWidget.play(); }, wide);
  s = await waitFor(embedState, (x) => x.probeText.startsWith(wide) && badges(x, 0).includes('where'), TRAIN_MS, 500);
  check(badges(s, 0).includes('where'), `typed with "wide", a head looks at the street (badges ${JSON.stringify(badges(s, 0))} at step ${s.step})`);
  check(Boolean(s.ui.promise), 'the strip still shows the coreference line (a typed probe is not another run)');
  await phone.page.screenshot({path: path.join(outDir, 'experiment-coreference-wide-390x844.png')});
  noErrors(phone.log, 'coreference');
  await phone.context.close();
} catch (e) {
  check(false, `unexpected: ${e.message}`);
}
await browser.close();
srv.close();
finish('experiments', t0);
