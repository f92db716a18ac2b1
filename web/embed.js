// The iframe target (embed.html): one widget filling the frame, configured by
// the URL (embed.html?task=copy&heads=2&autoplay=1) and driven by the host page
// through postMessage. The schema is in README.md ("The postMessage bridge"); in short:
//
//   host -> frame  {headlab: 1, type, id?, n?, options?}
//                  type: play | pause | step (n) | reset (options) | set (options) | state | subscribe | unsubscribe
//   frame -> host  {headlab: 1, type: 'reply', id, ok: true, state}                      after each command, once done
//                  {headlab: 1, type: 'event', event: 'ready'|'step'|'snapshot', state}  to subscribers
//                  {headlab: 1, type: 'event', event: 'error', error}
//
// Anything else is ignored with one console warning. Replies and events go to
// the sender's window and only to its origin, never to '*'. With
// ?parent=https://host.example (comma-separated, or repeated, for several) only
// those origins are obeyed: messages from any other origin are ignored, with
// one console warning per origin.
//
// Recorded runs are files of the widget's own site, fetched with its cookies:
// only a trusted sender (a parent= origin, or the widget's own origin) may
// open one (options.replay), and no message that leaves this frame says
// anything a run file held or whether it exists: an error about a run file
// crosses as one fixed sentence (the widget itself shows why).
import {LIMITS, mount} from './headlab.js';

const COMMANDS = new Set(['play', 'pause', 'step', 'reset', 'set', 'state', 'subscribe', 'unsubscribe']);
const MAX_STEPS = 100000;

const params = new URLSearchParams(window.location.search);
const allowed = parentOrigins(params.getAll('parent'));  // null: any origin
params.delete('parent');  // not a widget option
const query = Object.fromEntries(params);
document.body.classList.toggle('light', query.theme === 'light');
const appReady = mount(document.querySelector('main'), query);
let app = null;
const subscribers = [];  // {source, origin}
const FILE_ERROR = 'the recorded run could not be opened (the widget says why)';
const trusted = (origin) => origin === window.location.origin || Boolean(allowed?.has(origin));
// Whether an options object names the replay option, however it is spelled (replay, Replay, re-play...).
const opensFile = (o) => isPlainObject(o) && Object.keys(o).some((k) => k.toLowerCase().replace(/[-_]/g, '') === 'replay');
const warnedOrigins = new Set();

// parent=ORIGIN[,ORIGIN...]: the origins whose messages are obeyed. A value
// that is not an http(s) origin is ignored with a warning; if parent= was given
// but named no valid origin, no window is obeyed (never fall open to every origin).
function parentOrigins(values) {
  if (!values.length) return null;
  const origins = new Set();
  for (const item of values.join(',').split(',').map((s) => s.trim()).filter(Boolean)) {
    let origin = 'null';
    try { origin = new URL(item).origin; } catch {}
    if (origin === 'null' || !/^https?:/.test(origin)) console.warn(`headlab embed: parent=${JSON.stringify(item.slice(0, 100))} is not an origin (ignored)`);
    else origins.add(origin);
  }
  if (!origins.size) console.warn('headlab embed: parent= names no valid origin: every message will be ignored');
  return origins;
}

function isPlainObject(x) {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}
// The characters an option value stands for once passed on, or -1 if it is not a valid value.
function valueSize(v) {
  if (typeof v === 'string') return v.length <= LIMITS.value && !v.includes('\0') ? v.length : -1;
  if (typeof v === 'number') return Number.isFinite(v) ? 24 : -1;
  if (typeof v === 'boolean') return 1;
  if (!Array.isArray(v) || v.length > LIMITS.options) return -1;
  return v.every((x) => typeof x === 'string' && x.length <= 64 && !x.includes('\0')) ? v.reduce((n, x) => n + x.length + 1, 0) : -1;
}
// Returns why a message is not a valid command, or '' if it is one.
function problem(data) {
  if (!isPlainObject(data)) return 'not an object';
  if (data.headlab !== 1) return 'no "headlab: 1" field';
  if (typeof data.type !== 'string' || !COMMANDS.has(data.type)) return `unknown type ${JSON.stringify(String(data.type).slice(0, 40))}`;
  if ('id' in data && !(typeof data.id === 'string' && data.id.length <= 100) && !Number.isFinite(data.id)) return 'id must be a string or a number';
  if (data.type === 'step' && 'n' in data && !(Number.isInteger(data.n) && data.n >= 1 && data.n <= MAX_STEPS)) return `n must be an integer in 1..${MAX_STEPS}`;
  if (data.type === 'reset' || data.type === 'set') {
    const o = data.options === undefined ? {} : data.options;
    if (!isPlainObject(o)) return 'options must be an object';
    const names = Object.keys(o);
    if (names.length > LIMITS.options) return `more than ${LIMITS.options} options`;
    const long = names.find((k) => k.length > LIMITS.name);
    if (long !== undefined) return `an option name of ${long.length} characters (at most ${LIMITS.name})`;
    if (names.some((k) => k.includes('\0'))) return 'an option name contains NUL';
    let total = 0;
    for (const k of names) {
      const size = valueSize(o[k]);
      if (size < 0) return `option ${JSON.stringify(k)}: values must be strings (at most ${LIMITS.value} characters, no NUL), finite numbers, booleans or lists of at most ${LIMITS.options} short strings`;
      total += k.length + size;
    }
    if (total > LIMITS.total) return `options of ${total} characters in all (at most ${LIMITS.total})`;
  }
  return '';
}

function send(target, message) {
  target.source.postMessage({headlab: 1, ...message}, target.origin);
}
function broadcast(message) {
  for (const s of subscribers) send(s, message);
}

window.addEventListener('message', (event) => {
  // A sandboxed or file:// host has the opaque origin "null": it could only be answered with '*'.
  if (!event.source || event.origin === 'null') {
    console.warn('headlab embed: ignored a message without a window or with an opaque origin');
    return;
  }
  if (allowed && !allowed.has(event.origin)) {
    if (!warnedOrigins.has(event.origin)) {
      warnedOrigins.add(event.origin);
      console.warn(`headlab embed: ignored messages from ${event.origin}: not a parent= origin (this warning is given once)`);
    }
    return;
  }
  let why = problem(event.data);
  if (!why && opensFile(event.data.options) && !trusted(event.origin)) {
    why = 'only the widget\'s own origin or a parent= origin may open a recorded run (replay)';
  }
  if (why) {
    console.warn(`headlab embed: ignored a message from ${event.origin}: ${why}`);
    return;
  }
  const {type, id, n, options} = event.data;
  const sender = {source: event.source, origin: event.origin};
  const reply = (fields) => send(sender, {type: 'reply', id: id === undefined ? null : id, ...fields});
  const index = subscribers.findIndex((s) => s.source === sender.source && s.origin === sender.origin);
  if (type === 'subscribe' && index < 0) subscribers.push(sender);
  if (type === 'unsubscribe' && index >= 0) subscribers.splice(index, 1);
  // Commands before the engine runs wait for it (mount() resolves then).
  appReady.then(() => {
    if (type === 'step') {  // sliced: the reply comes once the steps are done (or cut short by pause, play, reset)
      app.step(n || 1).then((state) => reply({ok: true, state}));
      return;
    }
    // Replied once carried out (with a worker, once the worker has).
    const done = type === 'play' ? app.play() : type === 'pause' ? app.pause() : type === 'reset' ? app.reset(options) :
                 type === 'set' ? app.set(options) : Promise.resolve(app.state());
    done.then((state) => reply({ok: true, state}));
  }, (error) => reply({ok: false, error: String(error.message || error)}));
});

appReady.then((controller) => {
  app = controller;
  window.headlabWidget = controller;  // for tools and tests in the frame's own origin (as index.js's window.headlabApp)
  for (const event of ['ready', 'step', 'snapshot']) app.on(event, (state) => broadcast({type: 'event', event, state}));
  app.on('error', (error, detail) => broadcast({type: 'event', event: 'error', error: detail?.file ? FILE_ERROR : error}));
}, (error) => broadcast({type: 'event', event: 'error', error: String(error.message || error)}));
