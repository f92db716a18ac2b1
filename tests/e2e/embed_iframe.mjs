// embed.html in a cross-origin iframe: URL options apply; postMessage commands
// are answered to the sender's window and origin only; malformed or unknown
// messages, oversized ones, and messages from opaque (sandboxed) origins, are
// ignored with one warning each and change nothing; a long step runs sliced
// (other commands are answered meanwhile) and is replied to when done; with
// ?parent=ORIGIN only that origin is obeyed; a foreign sender cannot make the
// widget fetch a file of its site (options.replay), and nothing about a file
// the widget tried to open (its text, whether it exists) crosses the bridge.
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
window.send = (msg, target = '*', frame = 0) => parent.frames[frame].postMessage(msg, target);`;
// A file on the widget's site that no other site may read, served late so a frame can subscribe first.
const SECRET = 's3cr3t-v4lue';
const frames = await serve(root, {headers: () => ({'Content-Security-Policy': STRICT_CSP}), extra: {
  '/third.html': {body: '<!doctype html><script src="/inbox.js"></script><p>third party</p>'},
  '/inbox.js': {body: inboxScript, type: 'text/javascript'},
  '/private/secret.json': {body: JSON.stringify({apiToken: SECRET}), type: 'application/json', delayMs: 3000},
  '/private/missing.json': {body: 'not found', status: 404, delayMs: 3000},
}});
const widgetOrigin = `http://localhost:${frames.port}`;
const thirdOrigin = `http://127.0.0.1:${frames.port}`;  // same server, another origin (host name)
const query = 'task=copy&batch=8&heads=2&theme=light&panels=grid,loss&autoplay=1&bogus=1';
const hostPage = (hostOrigin) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg">
<script src="/host.js"></script></head><body>
<iframe id="w" src="${widgetOrigin}/embed.html?${query}" width="640" height="400" title="headlab"></iframe>
<iframe id="third" src="${thirdOrigin}/third.html" width="200" height="100"></iframe>
<iframe id="sandboxed" sandbox="allow-scripts" src="${thirdOrigin}/third.html" width="200" height="100"></iframe>
<iframe id="guarded" src="${widgetOrigin}/embed.html?task=copy&batch=8&panels=grid&parent=${encodeURIComponent(hostOrigin)}" width="300" height="200" title="headlab"></iframe>
</body></html>`;
const host = await serve(root, {
  headers: () => ({'Content-Security-Policy': STRICT_CSP.replace("frame-src 'self'", `frame-src ${widgetOrigin} ${thirdOrigin}`)}),
  extra: {'/host.html': {body: ''}, '/host.js': {body: inboxScript.replace('parent.frames[frame]', 'frames[frame]'), type: 'text/javascript'}},
});
const hostOrigin = host.url.replace(/\/$/, '');
host.extra['/host.html'].body = hostPage(hostOrigin);  // the guarded frame names the host's origin, known once it listens

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
async function command(msg, frame = 0) {
  const id = nextId++;
  await page.evaluate(([m, target, f]) => window.send(m, target, f), [{headlab: 1, id, ...msg}, widgetOrigin, frame]);
  const reply = await waitFor(() => page.evaluate((i) => window.inbox.find((m) => m.data && m.data.id === i), id), (r) => r, 30000, 100);
  return reply || {data: {state: {}}, missing: true};
}
const warningsFrom = (n, re) => log.warnings.slice(n).filter((w) => re.test(w));

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

  // --- a long step runs sliced ---------------------------------------------------------------------
  // step n=100000 would take about an hour: other commands are answered while it
  // runs, showing it advance, and pause cuts it short, which sends its reply.
  const start = (await command({type: 'state'})).data.state.step;
  await page.evaluate(([m, target]) => window.send(m, target), [{headlab: 1, id: 'long', type: 'step', n: 100000}, widgetOrigin]);
  const longReply = () => page.evaluate(() => window.inbox.find((m) => m.data && m.data.id === 'long'));
  let mid = {missing: true};
  for (const t1 = Date.now(); Date.now() - t1 < 60000;) {
    mid = await command({type: 'state'});
    if (mid.missing || mid.data.state.step > start + 2) break;
  }
  const midStep = mid.data.state.step;
  check(!mid.missing && midStep > start + 2 && !(await longReply()),
        `while step n=100000 runs, other commands are answered and show it training (step ${start} -> ${midStep})`);
  const paused2 = await command({type: 'pause'});
  const long = await waitFor(longReply, (r) => r, 30000, 100);
  check(long && long.data.ok && long.data.state.step >= midStep && long.data.state.step < start + 100000 && !paused2.data.state.playing,
        `pause cuts it short and the step command is replied to then (step ${long && long.data.state.step})`);

  // --- bad messages --------------------------------------------------------------------------
  const before = (await command({type: 'state'})).data.state;
  const warnings = log.warnings.length;
  const replies = await page.evaluate(() => window.inbox.filter((m) => m.data && m.data.type === 'reply').length);
  const bad = ['hello', null, [1, 2], {type: 'play'}, {headlab: 2, type: 'play'}, {headlab: 1, type: 'explode'},
               {headlab: 1, type: 'step', n: -5}, {headlab: 1, type: 'step', n: 1.5}, {headlab: 1, type: 'reset', options: 'seed=3'},
               {headlab: 1, type: 'set', options: {theme: {dark: true}}}, {headlab: 1, type: 'play', id: {}},
               {headlab: 1, type: 'reset', options: {seed: 1, init: ['clone-all', 7]}}];
  for (const m of bad) await page.evaluate(([msg, target]) => window.send(msg, target), [m, widgetOrigin]);
  // Too large or with NUL: a 100,000-character option name, NUL in a name and in a value, 6 MiB of options in one message.
  const large = await page.evaluate((target) => {
    window.send({headlab: 1, type: 'set', options: {['n'.repeat(100000)]: 1}}, target);
    window.send({headlab: 1, type: 'set', options: {'theme\u0000x': 'dark'}}, target);
    window.send({headlab: 1, type: 'set', options: {theme: 'dark\u0000x'}}, target);
    window.send({headlab: 1, type: 'reset', options: {text: 'x'.repeat(3 << 20), hide: 'y'.repeat(3 << 20)}}, target);
    return 4;
  }, widgetOrigin);
  const now = (await command({type: 'state'})).data.state;
  const newReplies = await page.evaluate(() => window.inbox.filter((m) => m.data && m.data.type === 'reply').length);
  // Console messages from the frame reach the test on their own channel: wait for them.
  const ignored = await waitFor(() => warningsFrom(warnings, /^headlab embed: ignored/), (w) => w.length >= bad.length + large, 10000);
  check(ignored.length === bad.length + large,
        `${bad.length} malformed or unknown and ${large} oversized messages give ${ignored.length} warnings (${ignored.slice(-large).map((w) => w.slice(45, 120)).join(' | ')})`);
  check(newReplies === replies + 1, `and no replies (${newReplies - replies - 1})`);
  check(now.step === before.step && now.generation === before.generation && !now.playing && now.options.theme === 'light',
        'and change nothing');

  // --- other senders ---------------------------------------------------------------------------
  const third = await frameById('third');
  await third.evaluate(() => window.send({headlab: 1, type: 'state', id: 'third'}));
  const thirdReply = await waitFor(() => third.evaluate(() => window.inbox.find((m) => m.data && m.data.id === 'third')), (x) => x, 20000, 100);
  const leaked = await page.evaluate(() => window.inbox.some((m) => m.data && m.data.id === 'third'));
  check(thirdReply && thirdReply.origin === widgetOrigin && !leaked, 'a third-party frame is answered, and only it hears the answer');
  const sandboxed = await frameById('sandboxed');
  const w2 = log.warnings.length;
  await sandboxed.evaluate(() => window.send({headlab: 1, type: 'play', id: 'sandboxed'}));
  const opaque = await waitFor(() => warningsFrom(w2, /opaque origin/), (w) => w.length > 0, 10000);
  const sandboxReply = await sandboxed.evaluate(() => window.inbox.length);
  check(sandboxReply === 0 && opaque.length === 1 && !(await command({type: 'state'})).data.state.playing,
        'a sandboxed frame (opaque origin) is ignored with a warning');

  // --- ?parent=ORIGIN: only the host page is obeyed ------------------------------------------------
  const GUARDED = 3;  // window.frames index of #guarded
  const g = await waitFor(() => command({type: 'state'}, GUARDED), (x) => !x.missing && x.data.state.ready, 60000, 500);
  check(!g.missing && g.data.state.ready && g.data.state.options.panels === 'grid' && warningsFrom(0, /unknown option 'parent'/).length === 0,
        'with parent=<host origin> the host is answered, and parent= is not taken for a widget option');
  const w3 = log.warnings.length;
  await third.evaluate((f) => {
    window.send({headlab: 1, type: 'play', id: 'third-1'}, '*', f);
    window.send({headlab: 1, type: 'state', id: 'third-2'}, '*', f);
    window.send({headlab: 1, type: 'step', n: 5, id: 'third-3'}, '*', f);
  }, GUARDED);
  const notParent = await waitFor(() => warningsFrom(w3, /not a parent= origin/), (w) => w.length > 0, 10000);
  await sleep(500);  // (a second warning, if one came, would come now)
  const after3 = await command({type: 'state'}, GUARDED);
  const thirdInbox = await third.evaluate(() => window.inbox.filter((m) => m.data && /^third-/.test(m.data.id)).length);
  check(notParent.length === 1 && warningsFrom(w3, /not a parent= origin/).length === 1 && thirdInbox === 0 &&
        !after3.data.state.playing && after3.data.state.step === g.data.state.step,
        `another origin's three messages are ignored, with one warning (${notParent[0]})`);

  // --- run files: a foreign sender opens none, and no file's text crosses the bridge --------------
  const w4 = log.warnings.length;
  await page.evaluate(([target]) => {
    window.send({headlab: 1, id: 'steal-1', type: 'set', options: {replay: '/private/secret.json'}}, target);
    window.send({headlab: 1, id: 'steal-2', type: 'reset', options: {seed: 3, 'Re_play': '/private/secret.json'}}, target);
  }, [widgetOrigin]);
  const refusedReplay = await waitFor(() => warningsFrom(w4, /may open a recorded run/), (w) => w.length >= 2, 10000);
  await sleep(1000);
  const stolen = await page.evaluate(() => window.inbox.filter((m) => /^steal-/.test(m.data?.id)).length);
  check(refusedReplay.length === 2 && stolen === 0 && !frames.requests.has('/private/secret.json'),
        `a foreign host's set/reset with replay is refused with a warning, not replied to, and nothing is fetched (${frames.requests.get('/private/secret.json') || 0} requests)`);
  // A foreign host may still frame embed.html?replay=<a file of the widget's site>: the widget
  // fetches it, but its subscribers hear only that it could not be opened, the same for a missing file.
  await page.evaluate((origin) => {
    for (const [id, file] of [['leak-secret', 'secret.json'], ['leak-missing', 'missing.json']]) {
      const f = document.createElement('iframe');
      Object.assign(f, {id, width: 200, height: 150, src: `${origin}/embed.html?task=copy&batch=8&replay=/private/${file}`});
      document.body.append(f);
    }
  }, widgetOrigin);
  const LEAKS = [4, 5];  // window.frames indexes of the two frames just added
  for (let t1 = Date.now(); Date.now() - t1 < 2500;) {  // subscribe before the (late) files arrive
    for (const f of LEAKS) await page.evaluate(([m, target, i]) => window.send(m, target, i), [{headlab: 1, type: 'subscribe', id: `sub-${f}`}, widgetOrigin, f]);
    await sleep(200);
  }
  const fileErrors = await waitFor(() => page.evaluate(() => window.inbox.filter((m) => m.data?.event === 'error').map((m) => m.data.error)),
                                   (e) => e.length >= 2, 60000, 250);
  const everything = await page.evaluate(() => JSON.stringify(window.inbox));
  check(fileErrors.length === 2 && fileErrors.every((e) => e === fileErrors[0]) && /could not be opened/.test(fileErrors[0]),
        `both frames' subscribers hear the same fixed sentence for a JSON file and a missing one (${fileErrors.join(' | ')})`);
  check(!everything.includes(SECRET) && !everything.includes('apiToken') && !/HTTP \d{3}|last read|not found/.test(everything),
        'no message from any frame holds the file\'s text, a key of it, or an HTTP status');

  await page.screenshot({path: path.join(outDir, 'embed-iframe.png')});
  // (Chromium logs the missing file's 404 itself, and the download the widget
  // stops once the file is refused as an aborted request.)
  noErrors({errors: log.errors.filter((e) => !/status of 404|\/private\/secret\.json net::ERR_ABORTED/.test(e))},
           'in the host page and its frames');
  check(hostOrigin !== widgetOrigin, 'host and widget are different origins');
} finally {
  await browser.close();
  frames.close();
  host.close();
}
finish('embed_iframe', t0);
