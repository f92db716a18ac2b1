// Your own probe and recorded runs in headless Chromium (issue 12):
//
//   node recorded.mjs --root build/web-release/web --out build/e2e --cli build/native-release/headlab-train
//
// - "Type your own input" opens an HTML field; Draw restarts the run drawn on
//   the typed probe (every token on screen, the address says probe=), and a
//   probe outside the task's tokens is refused with the reason in the field;
// - the page's exportRun() is read by headlab-train --replay (the CLI's parser);
// - ?replay= opens a run file recorded by headlab-train --out: nothing trains,
//   Space replays it, "Train it yourself" starts its settings live;
// - a dropped file and Share > Open a recorded run open a file, and a broken
//   file is refused with what is wrong while the run shown stays; a server
//   that never answers is given up on after 30 s with a message.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {appReady as ready, appState as state, args, check, finish, launch, openPage, outDir, root, serve, settledScreenshot,
        sleep, waitFor} from './harness.mjs';

const t0 = Date.now();
const cli = path.resolve(args.cli || 'build/native-release/headlab-train');
if (!fs.existsSync(cli)) {
  console.error(`web_recorded: no native headlab-train at ${cli} (scripts/test.sh builds it before the browser tests)`);
  process.exit(1);
}
// The division experiment, recorded natively: 1 layer of 4 heads on addsub.
const work = fs.mkdtempSync(path.join(outDir, 'recorded-'));
const recordedFile = path.join(work, 'division.json');
execFileSync(cli, ['--experiment', 'division', '--seed', '2', '--steps', '300', '--out', recordedFile], {stdio: 'pipe'});
const recorded = JSON.parse(fs.readFileSync(recordedFile, 'utf8'));
const srv = await serve(root, {extra: {'/runs/division.json': {body: fs.readFileSync(recordedFile), type: 'application/json'},
                                       '/runs/never.json': {body: '', delayMs: 3600000}}});
const browser = await launch();

const tokens = (s) => Object.keys(s.ui).filter((k) => k.startsWith('token:')).length;
async function click(page, s, name) {
  const box = await page.evaluate(() => document.querySelector('main canvas').getBoundingClientRect().toJSON());
  const [x, y, w, h] = s.ui[name];
  await page.mouse.click(box.x + x + w / 2, box.y + y + h / 2);
}

try {
  // --- your own probe ------------------------------------------------------------------
  const {context, page, log} = await openPage(browser, `${srv.url}?task=induction&seed=1`);
  let s = await ready(page, 'induction');
  check(Boolean(s.ui['probe-edit']), '"Type your own input" is on screen');
  await click(page, s, 'probe-edit');
  // On the web the field is HTML (phones' keyboards, paste), filled with the probe as one would type it.
  const dialog = page.getByRole('dialog', {name: 'Type your own input'});
  const field = dialog.getByRole('textbox');
  await field.waitFor({timeout: 10000}).catch(() => {});
  const shown = await field.count() ? await field.inputValue() : null;
  check(shown !== null && shown === s.probeText && /^[a-z]( [a-z])+$/.test(shown),
        `"Type your own input" opens a field holding the probe as typed (${JSON.stringify(shown)})`);
  await field.fill('p q r s t p q r s t');
  await field.press('Enter');
  s = await waitFor(() => state(page), (x) => x.options.probe === 'p q r s t p q r s t' && x.ui['token:10'], 10000);
  check(s.options.probe === 'p q r s t p q r s t' && s.step === 0 && tokens(s) === 11 && await dialog.count() === 0,
        `Draw restarts the run drawn on it (probe ${JSON.stringify(s.options.probe)}, step ${s.step}, ${tokens(s)} tokens: <bos> and 10)`);
  const url = await waitFor(() => page.url(), (u) => u.includes('probe=p+q+r'), 10000);
  check(url.includes('probe=p+q+r+s+t'), `the address keeps the typed probe (${url.replace(srv.url, '/')})`);
  await page.evaluate(() => window.headlabApp.step(60));
  await settledScreenshot(page, {x: 0, y: 0, w: 1280, h: 800}, {path: path.join(outDir, 'recorded-typed-probe.png')});

  s = await state(page);
  await click(page, s, 'probe-edit');
  await field.waitFor({timeout: 10000}).catch(() => {});
  await field.fill('a b ? c');
  await field.press('Enter');
  const alert = await waitFor(() => dialog.getByRole('alert').textContent().catch(() => ''), (t) => t.length > 0, 5000);
  s = await state(page);
  check(/probe: "\?" is not made of this task's tokens/.test(alert) && s.options.probe === 'p q r s t p q r s t' && s.step === 60,
        `a probe outside the task's tokens is refused in the field and changes nothing (${JSON.stringify(alert.slice(0, 60))}, step ${s.step})`);
  await page.screenshot({path: path.join(outDir, 'recorded-probe-refused.png')});
  await field.press('Escape');
  check(await dialog.count() === 0, 'Escape closes the field');

  // --- the page's export, read by the CLI's parser --------------------------------------
  const exported = path.join(work, 'exported.json');
  fs.writeFileSync(exported, await page.evaluate(() => window.headlabApp.exportRun()));
  let summary = '';
  try {
    summary = execFileSync(cli, ['--replay', exported], {encoding: 'utf8'});
  } catch (e) {
    summary = `exit ${e.status}: ${e.stderr}`;
  }
  check(/^exported\.json: task induction, 2 layers x 4 heads/.test(summary) && /step 60 /.test(summary),
        `headlab-train --replay reads the page's exportRun() (${summary.split('\n')[0]})`);
  check(log.errors.length === 0, `no console errors${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
  await context.close();

  // --- a recorded run from the address --------------------------------------------------
  const rec = await openPage(browser, `${srv.url}?replay=runs/division.json`);
  s = await waitFor(() => state(rec.page), (x) => x.ready && x.recorded, 90000);
  const last = recorded.snapshots.at(-1).step;
  check(s.recorded === 'division.json' && s.step === 300 && s.snapshots === recorded.snapshots.length && s.options.task === 'addsub',
        `?replay= opens the recorded run (${s.recorded}, step ${s.step}, ${s.snapshots} snapshots of ${recorded.snapshots.length}, task ${s.options.task})`);
  await sleep(1500);
  s = await state(rec.page);
  check(s.step === 300 && !s.playing, `a recorded run does not train (step ${s.step}, playing ${s.playing})`);
  await rec.page.focus('main canvas');
  await rec.page.keyboard.press('Space');
  s = await waitFor(() => state(rec.page), (x) => x.replaying, 5000);
  check(s.replaying, 'Space replays the recording');
  await sleep(4000);
  await rec.page.screenshot({path: path.join(outDir, 'recorded-replaying.png')});
  // The replay advances by frame time clamped to 0.1 s a frame, so on a loaded
  // machine (slow SwiftShader frames) its 10 s can take much longer: a generous deadline.
  s = await waitFor(() => state(rec.page), (x) => !x.replaying, 120000);
  await settledScreenshot(rec.page, {x: 0, y: 0, w: 1280, h: 800}, {path: path.join(outDir, 'recorded-division.png')});
  check(!s.replaying && s.snapshot.step === last, `the replay ends on the last recorded snapshot (step ${s.snapshot.step})`);

  // A broken file is refused; the recording stays.
  const broken = await rec.page.evaluate(() => window.headlabApp.openRun('{"config":{"task":"addsub"},"vocab":["-9",').then(
    () => 'opened', (e) => e.message));
  check(/^not valid JSON at line 1, column \d+: the text ends before the document does/.test(broken),
        `a broken run file is refused with what is wrong (${broken})`);
  const wrong = await rec.page.evaluate(() => window.headlabApp.openRun('{"config":{"task":"addsub"},"vocab":[1]}').then(
    () => 'opened', (e) => e.message));
  check(wrong === 'vocab: unexpected number', `a file of the wrong shape is refused where it goes wrong (${wrong})`);
  s = await state(rec.page);
  check(s.recorded === 'division.json', 'the recording shown stays');

  // A server that never answers: the widget says so after 30 s (issue 20, item 8), and the recording stays.
  const silent = await rec.page.evaluate(() => window.headlabApp.openRun('runs/never.json').then(() => 'opened', (e) => e.message));
  check(silent === 'no answer from runs/never.json for 30 s', `a server that never answers is given up on with a message (${silent})`);
  s = await state(rec.page);
  check(s.recorded === 'division.json', 'and the recording shown stays');

  // A run file dropped on the widget opens too.
  await rec.page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.json', {type: 'application/json'}));
    const box = document.querySelector('main canvas').parentElement;
    box.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
  }, fs.readFileSync(recordedFile, 'utf8'));
  s = await waitFor(() => state(rec.page), (x) => x.recorded === 'dropped.json', 10000);
  check(s.recorded === 'dropped.json' && s.step === 300, `a run file dropped on the widget opens (${s.recorded}, step ${s.step})`);

  // Share > Open a recorded run: the reader picks a file.
  await click(rec.page, s, 'share');
  s = await waitFor(() => state(rec.page), (x) => x.ui['share:open-run'], 5000);
  const [chooser] = await Promise.all([rec.page.waitForEvent('filechooser', {timeout: 10000}), click(rec.page, s, 'share:open-run')]);
  await chooser.setFiles(exported);
  s = await waitFor(() => state(rec.page), (x) => x.recorded === 'exported.json', 10000);
  check(s.recorded === 'exported.json' && s.step === 60 && s.options.probe === 'p q r s t p q r s t',
        `Share > Open a recorded run opens the picked file (${s.recorded}, step ${s.step})`);

  // Train it yourself: the recording closes and its settings train live.
  await click(rec.page, s, 'train-recorded');
  s = await waitFor(() => state(rec.page), (x) => !x.recorded && x.step === 0 && x.options.probe === 'p q r s t p q r s t', 20000);
  check(!s.recorded && s.step === 0 && s.options.probe === 'p q r s t p q r s t',
        `"Train it yourself" starts the recorded settings live (recorded ${s.recorded}, step ${s.step})`);
  s = await rec.page.evaluate(() => window.headlabApp.step(20));
  check(s.step === 20, `the live run trains (step ${s.step})`);
  const addr = rec.page.url();
  check(!addr.includes('replay='), `the address no longer opens the recording (${addr.replace(srv.url, '/')})`);
  const errors = rec.log.errors.filter((e) => !/\/runs\/never\.json net::ERR_ABORTED/.test(e));  // (the one we gave up on)
  check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  await rec.context.close();
} catch (e) {
  check(false, `unexpected: ${e.stack || e}`);
} finally {
  await browser.close();
  srv.close();
  fs.rmSync(work, {recursive: true, force: true});
}
finish('web_recorded', t0);
