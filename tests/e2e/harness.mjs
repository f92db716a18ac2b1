// What every browser test shares: arguments, a static server for the built
// pages (headers chosen per test: CSP on or off, never COOP/COEP), headless
// Chromium (Debian's /usr/bin/chromium through playwright-core, WebGL2 on
// SwiftShader), pages that record console errors and warnings, checks, and
// polling with a deadline (SwiftShader is slow and the machine is shared).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
export const root = path.resolve(args.root || 'build/web-release/web');
export const outDir = path.resolve(args.out || 'build/e2e');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The strictest policy a tutorial host might send that still lets WebAssembly compile:
// no 'unsafe-eval', no 'unsafe-inline', nothing from elsewhere.
export const STRICT_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'";

const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
               '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json'};

// Serves `dir` (plus `extra`: {'/path': {body, type, status, delayMs}} for test pages) on 127.0.0.1.
// headers(urlPath) gives each response's extra headers. Counts requests per path.
export async function serve(dir, {headers = () => ({}), extra = {}} = {}) {
  const requests = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const p = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    requests.set(p, (requests.get(p) || 0) + 1);
    const base = {'Cache-Control': 'no-store', ...headers(p)};
    if (extra[p]) {  // {body, type?, status?, delayMs?}
      const send = () => res.writeHead(extra[p].status || 200, {'Content-Type': extra[p].type || TYPES['.html'], ...base}).end(extra[p].body);
      if (extra[p].delayMs) setTimeout(send, extra[p].delayMs);
      else send();
      return;
    }
    const file = path.join(dir, p);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', ...base});
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {server, port, url: `http://127.0.0.1:${port}/`, requests, extra, close: () => server.close()};
}

export async function launch() {
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch {
    console.error('e2e: playwright-core is missing: run scripts/setup.sh (npm install in tests/e2e)');
    process.exit(1);
  }
  if (!fs.existsSync(path.join(root, 'headlab.js')) || !fs.existsSync(path.join(root, 'headlab-engine.wasm'))) {
    console.error(`e2e: no built pages in ${root}: build the web-release preset first`);
    process.exit(1);
  }
  fs.mkdirSync(outDir, {recursive: true});
  // launch() gives every run a fresh temporary profile (Chromium's --user-data-dir).
  return playwright.chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: false,  // we pass --headless=new ourselves
    args: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const failures = [];
export function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

// A fresh context and page whose console errors, warnings and page errors are kept in `log`.
export async function openPage(browser, url, contextOptions = {viewport: {width: 1280, height: 800}}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const log = {errors: [], warnings: []};
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
    if (m.type() === 'warning') log.warnings.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('requestfailed', (r) => log.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('crash', () => {
    log.errors.push('the page crashed');
    console.log('     the page crashed');
  });
  if (url) await page.goto(url);
  return {context, page, log};
}

// Polls fn() until pred(value) holds or timeoutMs passes; returns the last value.
export async function waitFor(fn, pred, timeoutMs, everyMs = 250) {
  const t0 = Date.now();
  let v = await fn();
  while (!pred(v) && Date.now() - t0 < timeoutMs) {
    await sleep(everyMs);
    v = await fn();
  }
  return v;
}

// The full app page's state (index.html: window.headlabApp), {ready: false} until it runs.
export const appState = (page) => page.evaluate(() => (window.headlabApp ? window.headlabApp.state() : {ready: false}));
// Waits (SwiftShader can be slow to start) until the full app is ready, checks it, and returns its state.
export async function appReady(page, what) {
  const s = await waitFor(() => appState(page), (x) => x.ready, 90000);
  check(s.ready, `${what}: app ready`);
  return s;
}

export function noErrors(log, where) {
  check(log.errors.length === 0, `no console errors ${where}${log.errors.length ? ': ' + log.errors.join(' | ') : ''}`);
}

// Prints the outcome and exits: 0 if every check passed.
export function finish(name, t0) {
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(failures.length ? `${name}: ${failures.length} check(s) failed (${s} s)` : `${name}: all checks passed (${s} s)`);
  process.exit(failures.length ? 1 : 0);
}

// A screenshot once the picture in a region has stopped changing: two in a row
// identical there (a paused widget stops drawing a second after its last input
// or easing). Waits as long as load makes it take, up to timeoutMs; returns
// {img (decoded), settled}.
export async function settledScreenshot(page, rect, {timeoutMs = 30000, path: file} = {}) {
  const {decodePng, regionDiff} = await import('./png.mjs');
  const t0 = Date.now();
  let prev = decodePng(await page.screenshot());
  for (;;) {
    await sleep(300);
    const raw = await page.screenshot(file ? {path: file} : {});
    const img = decodePng(raw);
    if (regionDiff(prev, img, rect.x, rect.y, rect.w, rect.h) === 0) return {img, settled: true};
    if (Date.now() - t0 > timeoutMs) return {img, settled: false};
    prev = img;
  }
}
