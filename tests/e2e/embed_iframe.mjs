// embed.html in a cross-origin iframe: URL options apply; postMessage commands
// are answered to the sender's window and origin only; malformed or unknown
// messages, and messages from opaque (sandboxed) origins, are ignored with one
// warning each and change nothing.
//
// Three servers give three origins: the host page (127.0.0.1:A), the widget
// (localhost:B, another site, so Chromium puts it in its own process) and a
// third-party frame (127.0.0.1:C) sharing the host page.
//
//   node embed_iframe.mjs --root build/web-release/web --out build/e2e
import path from 'node:path';
import {STRICT_CSP, check, finish, launch, noErrors, openPage, outDir, root, serve, sleep, waitFor} from './harness.mjs';

const t0 = Date.now();
// Records every message the page receives, with its origin; send() posts to the widget frame.
const inboxScript = `window.inbox = [];
addEventListener('message', (e) => window.inbox.push({origin: e.origin, data: e.data}));
window.send = (msg, target = '*') => parent.frames[0].postMessage(msg, target);`;
const frames = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/third.html': {body: '<!doctype html><script src="/inbox.js"></script><p>third party</p>'},
  '/inbox.js': {body: inboxScript, type: 'text/javascript'},
}});
const widgetOrigin = `http://localhost:${frames.port}`;
const thirdOrigin = `http://127.0.0.1:${frames.port}`;  // same server, another origin (host name)
const query = 'task=copy&batch=8&heads=2&theme=light&panels=grid,loss&autoplay=1&bogus=1';
const hostPage = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<script src="/host.js"></script></head><body>
<iframe id="w" src="${widgetOrigin}/embed.html?${query}" width="640" height="400" title="headlab"></iframe>
<iframe id="third" src="${thirdOrigin}/third.html" width="200" height="100"></iframe>
<iframe id="sandboxed" sandbox="allow-scripts" src="${thirdOrigin}/third.html" width="200" height="100"></iframe>
</body></html>`;
const host = await serve(root, {
  headers: () => ({'Content-Security-Policy': STRICT_CSP.replace("frame-src 'self'", `frame-src ${widgetOrigin} ${thirdOrigin}`)}),
  extra: {'/host.html': {body: hostPage}, '/host.js': {body: inboxScript.replace('parent.frames[0]', 'frames[0]'), type: 'text/javascript'}},
});
const hostOrigin = host.url.replace(/\/$/, '');

const browser = await launch();
const {page, log} = await openPage(browser, host.url + 'host.html', {viewport: {width: 1000, height: 700}});
async function frameById(id) {
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    if (await (await f.frameElement()).getAttribute('id') === id) return f;
  }
  return null;
}

// Sends a command from the host page and waits for the reply with its id.
let nextId = 1;
async function command(msg) {
  const id = nextId++;
  await page.evaluate(([m, target]) => window.send(m, target), [{headlab: 1, id, ...msg}, widgetOrigin]);
  const reply = await waitFor(() => page.evaluate((i) => window.inbox.find((m) => m.data && m.data.id === i), id), (r) => r, 30000, 100);
  return reply;
}

try {
  let r = await waitFor(() => command({type: 'state'}), (x) => x && x.data.state.ready && x.data.state.step > 0, 60000, 500);
  const s = r.data.state;
  check(r.origin === widgetOrigin && r.data.headlab === 1 && r.data.type === 'reply' && r.data.ok,
        `a state command is answered by the widget's origin (${r.origin})`);
  check(s.options.heads === '2' && s.options.theme === 'light' && s.options.panels === 'grid,loss' && s.playing,
        `URL options apply (heads ${s.options.heads}, theme ${s.options.theme}, panels ${s.options.panels}, autoplay: playing ${s.playing})`);
  check(log.warnings.filter((w) => w.includes("unknown option 'bogus'")).length === 1, 'an unknown URL option gives one warning');

  // --- commands --------------------------------------------------------------------------------
  r = await command({type: 'pause'});
  const paused = r.data.state;
  check(!paused.playing, 'pause');
  r = await command({type: 'step', n: 3});
  check(r.data.state.step === paused.step + 3, `step n=3 (${paused.step} -> ${r.data.state.step})`);
  r = await command({type: 'set', options: {speed: 20, panels: ['grid']}});
  check(r.data.state.options.speed === '20' && r.data.state.options.panels === 'grid' && r.data.state.generation === 1,
        'set changes view options in the same run');
  r = await command({type: 'reset', options: {seed: 5}});
  check(r.data.state.generation === 2 && r.data.state.options.seed === '5' && r.data.state.step === 0, 'reset starts a new run with seed 5');
  r = await command({type: 'subscribe'});
  await command({type: 'play'});
  const events = await waitFor(() => page.evaluate(() => window.inbox.filter((m) => m.data && m.data.type === 'event')),
                               (e) => e.some((m) => m.data.event === 'step') && e.some((m) => m.data.event === 'snapshot'), 60000, 250);
  check(events.length > 0 && events.every((m) => m.origin === widgetOrigin && m.data.state),
        `subscribed, the host receives step and snapshot events (${events.length})`);
  await command({type: 'unsubscribe'});
  await command({type: 'pause'});
  const after = await page.evaluate(() => window.inbox.length);
  await command({type: 'step', n: 2});
  const late = await page.evaluate((n) => window.inbox.slice(n).filter((m) => m.data.type === 'event').length, after);
  check(late === 0, `unsubscribed, no more events (${late})`);

  // --- bad messages --------------------------------------------------------------------------
  const before = (await command({type: 'state'})).data.state;
  const warnings = log.warnings.length;
  const replies = await page.evaluate(() => window.inbox.filter((m) => m.data && m.data.type === 'reply').length);
  const bad = ['hello', null, [1, 2], {type: 'play'}, {headlab: 2, type: 'play'}, {headlab: 1, type: 'explode'},
               {headlab: 1, type: 'step', n: -5}, {headlab: 1, type: 'step', n: 1.5}, {headlab: 1, type: 'reset', options: 'seed=3'},
               {headlab: 1, type: 'set', options: {theme: {dark: true}}}, {headlab: 1, type: 'play', id: {}},
               {headlab: 1, type: 'reset', options: {seed: 1, init: ['clone-all', 7]}}];
  for (const m of bad) await page.evaluate(([msg, target]) => window.send(msg, target), [m, widgetOrigin]);
  await sleep(1500);
  const now = (await command({type: 'state'})).data.state;
  const newReplies = await page.evaluate(() => window.inbox.filter((m) => m.data && m.data.type === 'reply').length);
  const ignored = log.warnings.slice(warnings).filter((w) => w.startsWith('headlab embed: ignored'));
  check(ignored.length === bad.length, `${bad.length} malformed or unknown messages give ${ignored.length} warnings`);
  check(newReplies === replies + 1, `and no replies (${newReplies - replies - 1})`);
  check(now.step === before.step && now.generation === before.generation && !now.playing, 'and change nothing');

  // --- other senders ---------------------------------------------------------------------------
  const third = await frameById('third');
  await third.evaluate(() => window.send({headlab: 1, type: 'state', id: 'third'}));
  const thirdReply = await waitFor(() => third.evaluate(() => window.inbox.find((m) => m.data && m.data.id === 'third')), (x) => x, 20000, 100);
  const leaked = await page.evaluate(() => window.inbox.some((m) => m.data && m.data.id === 'third'));
  check(thirdReply && thirdReply.origin === widgetOrigin && !leaked, 'a third-party frame is answered, and only it hears the answer');
  const sandboxed = await frameById('sandboxed');
  const w2 = log.warnings.length;
  await sandboxed.evaluate(() => window.send({headlab: 1, type: 'play', id: 'sandboxed'}));
  await sleep(1000);
  const sandboxReply = await sandboxed.evaluate(() => window.inbox.length);
  check(sandboxReply === 0 && log.warnings.slice(w2).some((w) => w.includes('opaque origin')) && !(await command({type: 'state'})).data.state.playing,
        'a sandboxed frame (opaque origin) is ignored with a warning');

  await page.screenshot({path: path.join(outDir, 'embed-iframe.png')});
  noErrors(log, 'in the host page and its frames');
  check(hostOrigin !== widgetOrigin, 'host and widget are different origins');
} finally {
  await browser.close();
  frames.close();
  host.close();
}
finish('embed_iframe', t0);
