// The embed surface under hostile hosts and hostile input:
//  1. the article page, embed.html and index.html work under a strict
//     Content-Security-Policy (no 'unsafe-eval', no 'unsafe-inline', only
//     'wasm-unsafe-eval') and without COOP/COEP (not cross-origin isolated);
//     the policy is shown to be enforced, and nothing violates it;
//  2. option keys and values, element attributes, URL parameters and
//     postMessage options carrying HTML and script are never turned into DOM:
//     served without a CSP here, so only our code stands in the way;
//  3. the shipped JS has no eval, Function constructor or HTML sinks.
//
//   node embed_security.mjs --root build/web-release/web --out build/e2e
import fs from 'node:fs';
import path from 'node:path';
import {STRICT_CSP, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';

const t0 = Date.now();
const browser = await launch();
// Collects CSP violations from the first script on.
const watchViolations = () => {
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
};

// --- 1. strict CSP, no COOP/COEP ---------------------------------------------------------------
{
  const srv = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP})});
  for (const [name, url, count] of [['article', 'examples/why-heads-differ.html', 5], ['embed.html', 'embed.html?task=copy&batch=8', 1],
                                    ['index.html', '?task=copy&batch=8', 1]]) {
    // Tall enough to show all of the article (widgets off screen rest and would not start).
    const {context, page, log} = await openPage(browser, null, {viewport: {width: 1280, height: name === 'article' ? 5200 : 800}});
    await page.addInitScript(watchViolations);
    const response = await page.goto(srv.url + url);
    const headers = response.headers();
    const ready = await waitFor(() => page.evaluate(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      return canvases.length && document.querySelectorAll('[role=status]:not([hidden])').length === 0 ? canvases.length : 0;
    }), (n) => n === count, 90000);
    check(ready === count, `${name}: ${count} widget(s) start under the strict CSP`);
    const isolated = await page.evaluate(() => [window.crossOriginIsolated, typeof SharedArrayBuffer]);
    check(!headers['cross-origin-opener-policy'] && !headers['cross-origin-embedder-policy'] && isolated[0] === false,
          `${name}: no COOP/COEP headers, not cross-origin isolated (SharedArrayBuffer: ${isolated[1]})`);
    // Proof the policy is in force: an inline script added now must be blocked and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
    });
    // The violation is reported in a task of its own: wait for it (and a moment for any other).
    await waitFor(() => page.evaluate(() => window.violations.length), (n) => n >= 1, 10000);
    await sleep(200);
    const [inlineRan, violations] = await page.evaluate(() => [window.inlineRan === true, window.violations]);
    check(!inlineRan && violations.length === 1 && violations[0].startsWith('script-src'),
          `${name}: the policy is enforced (an injected inline script was blocked)`);
    check(violations.length === 1, `${name}: nothing of ours violated it${violations.length > 1 ? ': ' + violations.slice(1).join(' | ') : ''}`);
    if (name === 'article') await page.screenshot({path: path.join(outDir, 'security-article-csp.png')});
    noErrors({errors: log.errors.filter((e) => !/inline script/.test(e))}, `on ${name}`);
    await context.close();
  }
  srv.close();
}

// --- 2. hostile options ---------------------------------------------------------------------------
{
  const evil = (n) => `<img src=x onerror="window.top.pwned=${n}"><script>window.top.pwned=${n}</script>`;
  const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<script type="module" src="/test.js"></script></head><body>
<div id="a" style="width:400px;height:300px"></div>
<headlab-widget id="el" style="width:400px;height:300px" task="text" text='${evil(10).replace(/'/g, '&#39;')}'
  theme='${evil(11).replace(/'/g, '&#39;')}' autoplay></headlab-widget>
<iframe id="frame" width="400" height="300" src="/embed.html?task=${encodeURIComponent(evil(20))}&text=${encodeURIComponent(evil(21))}&${encodeURIComponent(evil(22))}=1"></iframe>
</body></html>`;
  const script = `import {mount} from '/headlab.js';
window.widget = await mount(document.getElementById('a'), {task: 'text', text: ${JSON.stringify(evil(1))},
  panels: ${JSON.stringify(evil(2))}, [${JSON.stringify(evil(3))}]: 1, theme: ${JSON.stringify(evil(4))}, batch: 8});`;
  const srv = await serve(root, {extra: {'/test.html': {body: page}, '/test.js': {body: script, type: 'text/javascript'}}});
  const {page: p, log} = await openPage(browser, srv.url + 'test.html');
  await waitFor(() => p.evaluate(() => window.widget && window.widget.state().ready && document.getElementById('el').state().ready), (r) => r, 60000);
  const frame = p.frames().find((f) => f.url().includes('embed.html'));
  await waitFor(() => frame.evaluate(() => !!document.querySelector('canvas')), (r) => r, 30000);
  // More through the API and the iframe's postMessage bridge.
  await p.evaluate((e) => {
    window.widget.reset({text: e[5], seed: 2});
    window.widget.set({hide: e[6], [e[7]]: 'x'});
    document.getElementById('el').setAttribute('panels', e[8]);
    document.getElementById('frame').contentWindow.postMessage({headlab: 1, type: 'reset', options: {task: e[23], text: e[24]}}, '*');
  }, Array.from({length: 25}, (_, i) => evil(i)));
  // Every hostile key or value gives a warning (the frame's arrive on their own channel): wait for all ten.
  await waitFor(() => log.warnings.filter((w) => w.startsWith('headlab')).length, (n) => n >= 10, 20000);
  await sleep(500);
  // (With a worker the new run shows once the worker has built it.)
  const text = (await waitFor(() => p.evaluate(() => window.widget.state()), (s) => s.options.seed === '2', 20000)).options;
  const found = await p.evaluate(() => ({
    pwned: window.pwned,
    nodes: [...document.querySelectorAll('#a *, #el *')].filter((n) => !['DIV', 'CANVAS'].includes(n.tagName)).map((n) => n.tagName),
  }));
  const inFrame = await frame.evaluate(() => [...document.body.querySelectorAll('*')].filter((n) => !['MAIN', 'DIV', 'CANVAS', 'NOSCRIPT'].includes(n.tagName)).map((n) => n.tagName));
  check(found.pwned === undefined, `no injected handler or script ran (window.pwned: ${found.pwned})`);
  check(found.nodes.length === 0 && inFrame.length === 0, `widgets hold only their own div and canvas (${found.nodes.concat(inFrame).join(',') || 'nothing else'})`);
  check(text.task === 'text' && text.seed === '2', 'HTML as training text is just text: the run trains on it');
  const bad = log.warnings.filter((w) => w.startsWith('headlab'));
  check(bad.length >= 10, `every hostile key or value is refused with a warning (${bad.length} warnings)`);
  await p.screenshot({path: path.join(outDir, 'security-hostile-options.png')});
  noErrors(log, 'with hostile options');
  srv.close();
}

// --- 3. the shipped JS ------------------------------------------------------------------------------
{
  const sinks = /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write|setTimeout\s*\(\s*['"`]/;
  for (const file of ['headlab.js', 'embed.js', 'index.js', 'headlab-engine.js', 'examples/why-heads-differ.js']) {
    const m = fs.readFileSync(path.join(root, file), 'utf8').match(sinks);
    check(!m, `${file}: no eval, Function constructor or HTML sink${m ? ` (found ${m[0]})` : ''}`);
  }
}

await browser.close();
finish('embed_security', t0);
