// Everything bench/ measures inside headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; WebGL2 through SwiftShader). Prints JSON lines.
//
//   node chromium.mjs tfjs backend=wasm|webgl shape=tiny steps=20
//   node chromium.mjs wasm wasm-dir=DIR bin=bench_train_web.js args=steps=40,format=json [liftoff=1]
//   node chromium.mjs app app-dir=DIR shape=tiny seconds=15 speed=50 [trainer=page]
//       the real page (web/index.html as built): training throughput from its
//       own counters, frame intervals (p50/p95) from requestAnimationFrame,
//       main-thread time per frame from the DevTools protocol and the time the
//       main thread takes to answer a message (p50/p95/max), training and paused;
//       then the page's training loop alone (await app.step(5): sliced, frames may be drawn between slices)
//   node chromium.mjs induction app-dir=DIR step=410 [speed=8] [task=induction] [layers=N] [seed=1] [trainer=page]
//       wall time from Play until the page's default run of `task` reaches `step` (at most 300 s)
//   node chromium.mjs experiment app-dir=DIR name=symmetry
//       wall time from Play until the experiment's promise is on screen (its
//       badges, as state().snapshot.badges has them; symmetry: a subtracter in
//       the blue run with both runs at the same step), at most 300 s
//   node chromium.mjs replay app-dir=DIR files-dir=DIR file=replay-100mib.json
//       opening a recorded run (bench_replay make writes the files): wall time
//       until openRun() resolves, the page's engine memory before and after,
//       and the main thread's longest task meanwhile (PerformanceObserver 'longtask');
//       hidden=1: the widget draws nothing meanwhile, so only the opening is measured
//   node chromium.mjs startup app-dir=DIR rounds=5
//       a first visit (fresh cache) of the page: time from navigation to the first
//       attention maps on screen (state().ready, polled every animation frame), and
//       the gzip -9 size of every file it loaded
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import zlib from 'node:zlib';
import {chromium} from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const [mode, ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
const shapes = JSON.parse(fs.readFileSync(path.join(here, '..', 'shapes.json'), 'utf8'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- static server: /peers, /node_modules, /shapes.json, /wasm (bench builds), /app (the web app)
const mounts = {
  '/peers/': here, '/node_modules/': path.join(here, 'node_modules'), '/wasm/': args['wasm-dir'], '/app/': args['app-dir'],
  '/files/': args['files-dir'],
};
const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
               '.json': 'application/json', '.svg': 'image/svg+xml'};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
  let file = null;
  if (url.pathname === '/shapes.json') file = path.join(here, '..', 'shapes.json');
  for (const [prefix, dir] of Object.entries(mounts))
    if (dir && url.pathname.startsWith(prefix)) file = path.join(path.resolve(dir), decodeURIComponent(url.pathname.slice(prefix.length)));
  if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end('not found');
  res.writeHead(200, {'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream'});
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

// Benchmarks of code alone (wasm, tfjs) measure steady state: V8 compiles WASM
// with its optimising tier up front instead of starting in Liftoff, which on a
// busy machine can take seconds to tier up. The page runs as a reader gets it.
// liftoff=1 runs code benchmarks as a reader gets them too (baseline compiler
// first, then tier-up of the hot functions).
const steady = (mode === 'wasm' || mode === 'tfjs') && args.liftoff !== '1' ? ['--js-flags=--no-liftoff'] : [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: false,  // --headless=new is passed below; launch() gives a fresh profile (--user-data-dir)
  args: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync', ...steady],
});

async function harness(query, timeoutMs) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error(`chromium: ${m.text()}`); });
  await page.goto(`${base}/peers/page.html?${query}`);
  await page.waitForFunction(() => window.benchResult || window.benchError, null, {timeout: timeoutMs, polling: 500});
  const {result, error} = await page.evaluate(() => ({result: window.benchResult, error: window.benchError}));
  await page.close();
  if (error) throw new Error(error);
  return result;
}

function percentile(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; }

// Opens the real page with run options for a benchmark shape.
async function openApp(query) {
  const page = await browser.newPage({viewport: {width: 1280, height: 800}});
  page.on('console', (m) => { if (m.type() === 'error') console.error(`chromium: ${m.text()}`); });
  await page.goto(`${base}/app/index.html?${query}`);
  await page.waitForFunction(() => window.headlabApp && window.headlabApp.state().ready, null, {timeout: 120000, polling: 250});
  return page;
}

// Frame intervals (rAF) and main-thread time over `seconds`.
async function sampleFrames(page, cdp, seconds) {
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  await page.evaluate(() => {
    window.__frames = [];
    window.__answers = [];
    if (window.__ticking) return;
    window.__ticking = true;
    const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    // Time to answer: every 50 ms a message is posted to the main thread and
    // the delay until it is handled is recorded (what a click or key waits).
    const channel = new MessageChannel();
    let sent = 0;
    channel.port1.onmessage = () => window.__answers.push(performance.now() - sent);
    setInterval(() => { sent = performance.now(); channel.port2.postMessage(null); }, 50);
  });
  const m0 = await metric(), s0 = await page.evaluate(() => window.headlabApp.state()), t0 = Date.now();
  await sleep(seconds * 1000);
  const m1 = await metric(), s1 = await page.evaluate(() => window.headlabApp.state()), t1 = Date.now();
  const frames = await page.evaluate(() => window.__frames.splice(0));
  const answers = (await page.evaluate(() => window.__answers.splice(0))).sort((a, b) => a - b);
  const dt = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const n = Math.max(1, dt.length);
  return {
    steps_per_s: (s1.step - s0.step) / ((t1 - t0) / 1000), page_tokens_per_s: s1.tokensPerSec,
    frame_p50_ms: percentile(dt, 0.5), frame_p95_ms: percentile(dt, 0.95), frames: dt.length,
    main_thread_ms_per_frame: ((m1.TaskDuration - m0.TaskDuration) * 1000) / n,
    script_ms_per_frame: ((m1.ScriptDuration - m0.ScriptDuration) * 1000) / n,
    train_ms_per_frame: s1.trainMs, ui_ms_per_frame: s1.uiMs, step: s1.step, trainer: s1.trainer,
    answer_p50_ms: percentile(answers, 0.5), answer_p95_ms: percentile(answers, 0.95), answer_max_ms: answers[answers.length - 1],
  };
}

function appQuery(shape, extra) {
  const s = shapes[shape];
  return `task=induction&d-model=${s.d_model}&heads=${s.n_heads}&layers=${s.n_layers}&d-mlp=${s.d_mlp}` +
         `&ctx=${s.ctx}&batch=${s.batch}&seed=1${extra}`;
}

try {
  if (mode === 'tfjs') {
    const q = `run=tfjs&backend=${args.backend || 'wasm'}&shape=${args.shape || 'tiny'}&steps=${args.steps || 20}`;
    for (const r of await harness(q, 1800000)) console.log(JSON.stringify(r));
  } else if (mode === 'wasm') {
    const q = `run=wasm&bin=${encodeURIComponent(args.bin)}&args=${encodeURIComponent(args.args || '')}`;
    for (const r of await harness(q, 1800000))
      console.log(JSON.stringify({...r, runner: r.runner.replace(/-wasm(-|$)/, '-wasm-chromium$1')}));
  } else if (mode === 'app') {
    const shape = args.shape || 'tiny', speed = Number(args.speed || 50), seconds = Number(args.seconds || 15);
    const inFrame = args.trainer === 'page';  // the fallback: training in the page's frames, no worker
    const page = await openApp(appQuery(shape, `&speed=${speed}&autoplay=1${inFrame ? '&trainer=page' : ''}`));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await sleep(3000);  // warm-up: first snapshots, JIT tiers
    const training = await sampleFrames(page, cdp, seconds);
    await page.evaluate(() => window.headlabApp.pause());
    await sleep(1000);
    const paused = await sampleFrames(page, cdp, 5);
    // The page's own training loop: app.step(n) runs n steps in slices of about 8 ms
    // (a frame may be drawn between slices) and resolves when they are done.
    const direct = [];
    for (let k = 0; k < 3; ++k)
      direct.push(await page.evaluate(async () => { const t = performance.now(); await window.headlabApp.step(5); return (performance.now() - t) / 5; }));
    direct.sort((a, b) => a - b);
    const s = shapes[shape];
    console.log(JSON.stringify({
      runner: inFrame ? 'headlab-page-inframe-chromium' : 'headlab-page-chromium', shape, speed,
      ms_per_step: 1000 / training.steps_per_s, tokens: s.batch * s.ctx,
      training, paused,
    }));
    console.log(JSON.stringify({runner: inFrame ? 'headlab-page-inframe-step-chromium' : 'headlab-page-step-chromium', shape,
                                ms_per_step: direct[1], tokens: s.batch * s.ctx}));
  } else if (mode === 'induction') {
    const target = Number(args.step), speed = args.speed ? `&speed=${args.speed}` : '';
    const task = args.task || 'induction', trainer = args.trainer ? `&trainer=${args.trainer}` : '';
    const layers = args.layers ? `&layers=${args.layers}` : '';
    const page = await openApp(`task=${task}${layers}&seed=${Number(args.seed || 1)}${speed}${trainer}`);
    const t0 = Date.now();
    await page.evaluate(() => window.headlabApp.play());
    let s = {step: 0};
    while (s.step < target && Date.now() - t0 < 300000) {  // a miss is reported as the step reached
      await sleep(100);
      s = await page.evaluate(() => window.headlabApp.state());
    }
    console.log(JSON.stringify({runner: `${task}-page${args.trainer === 'page' ? '-inframe' : ''}-chromium`,
                                speed: args.speed || 'default', step: s.step, seconds: (Date.now() - t0) / 1000,
                                trainer: s.trainer}));
  } else if (mode === 'experiment') {
    // What each experiment's line promises, as the grid draws it.
    const promised = {
      symmetry: (s) => s.compare && s.step === s.compare.step && s.snapshot?.badges.flat().includes('sub'),
      division: (s) => s.snapshot?.badges.flat().includes('sub'),
      redundancy: (s) => s.snapshot?.badges[1]?.every((b) => b === 'induct'),
      composition: (s) => s.snapshot?.badges[0]?.includes('b@+') && s.snapshot?.badges[1]?.includes('read+'),
      // The probe's clue is "tired" (a creature's): the place resolver shows on a typed "wide".
      coreference: (s) => s.snapshot?.badges[0]?.includes('who'),
    }[args.name];
    const page = await openApp(`experiment=${args.name}&keep=0`);
    const t0 = Date.now();
    await page.evaluate(() => window.headlabApp.play());
    let s = await page.evaluate(() => window.headlabApp.state());
    while (!promised(s) && Date.now() - t0 < 300000) {  // a miss is reported with the step reached
      await sleep(100);
      s = await page.evaluate(() => window.headlabApp.state());
    }
    console.log(JSON.stringify({runner: `promise-${args.name}-chromium`, shape: args.name, kept: promised(s), step: s.step,
                                seconds: (Date.now() - t0) / 1000, trainer: s.trainer, speed: 'default'}));
  } else if (mode === 'replay') {
    const page = await openApp(`task=copy&keep=0${args.trainer ? `&trainer=${args.trainer}` : ''}`);
    const r = await page.evaluate(async ([file, hidden]) => {
      // hidden: the widget draws nothing (a zero-size box), so only opening the file is measured.
      if (hidden) document.querySelector('main').style.height = '0';
      let longest = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => { longest = Math.max(longest, e.duration); }))
        .observe({type: 'longtask'});
      const before = window.headlabApp.state().memoryBytes;
      const t0 = performance.now();
      const s = await window.headlabApp.openRun(`/files/${file}`);
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((done) => setTimeout(done, 200));  // the last long task, if any, is reported
      return {seconds, longest, before, after: window.headlabApp.state().memoryBytes, snapshots: s.snapshots, trainer: s.trainer};
    }, [args.file, args.hidden === '1']);
    const mib = fs.statSync(path.join(args['files-dir'], args.file)).size / 1048576;
    console.log(JSON.stringify({runner: `replay-page${args.trainer === 'page' ? '-inframe' : ''}-chromium`,
                                shape: args.file.replace(/\.json$/, '') + (args.hidden === '1' ? '-hidden' : ''), file_mib: mib,
                                seconds: r.seconds, longest_block_ms: r.longest, page_heap_mib_before: r.before / 1048576,
                                peak_heap_mib: r.after / 1048576, snapshots_kept: r.snapshots, history_kept: -1, trainer: r.trainer}));
  } else if (mode === 'startup') {
    const times = [];
    let files = {};
    for (let k = 0; k < Number(args.rounds || 5); ++k) {
      const context = await browser.newContext({viewport: {width: 1280, height: 800}});  // empty cache
      const page = await context.newPage();
      await page.addInitScript(() => {
        const poll = () => {
          if (window.headlabApp && window.headlabApp.state().ready) window.__readyAt = performance.now();
          else requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      });
      await page.goto(`${base}/app/index.html?task=induction`);
      await page.waitForFunction(() => window.__readyAt, null, {timeout: 60000, polling: 100});
      times.push(await page.evaluate(() => window.__readyAt));
      const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).concat(location.href));
      files = Object.fromEntries(loaded.filter((u) => u.startsWith(`${base}/app/`)).map((u) => {
        const file = path.join(path.resolve(args['app-dir']), new URL(u).pathname.slice(5));
        return [path.basename(file), zlib.gzipSync(fs.readFileSync(file), {level: 9}).length];
      }));
      await context.close();
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({runner: 'startup-page-chromium', ready_ms: times[times.length >> 1], ready_min_ms: times[0],
                                ready_max_ms: times[times.length - 1], rounds: times.length,
                                gzip_bytes: Object.values(files).reduce((a, b) => a + b, 0), files}));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await browser.close();
  server.close();
}
