// The iframe target (embed.html): one widget filling the frame, configured by
// the URL (embed.html?task=copy&heads=2&autoplay=1) and driven by the host page
// through postMessage. The schema is in README.md ("The postMessage bridge"); in short:
//
//   host -> frame  {headlab: 1, type, id?, n?, options?}
//                  type: play | pause | step (n) | reset (options) | set (options) | state | subscribe | unsubscribe
//   frame -> host  {headlab: 1, type: 'reply', id, ok: true, state}                      after each command
//                  {headlab: 1, type: 'event', event: 'ready'|'step'|'snapshot', state}  to subscribers
//                  {headlab: 1, type: 'event', event: 'error', error}
//
// Anything else is ignored with one console warning. Replies and events go to
// the sender's window and only to its origin, never to '*'.
import {mount} from './headlab.js';

const COMMANDS = new Set(['play', 'pause', 'step', 'reset', 'set', 'state', 'subscribe', 'unsubscribe']);
const MAX_OPTIONS = 64;
const MAX_TEXT = 4 << 20;  // the engine's own limit for any option value (task=text's training text)

const query = Object.fromEntries(new URLSearchParams(window.location.search));
document.body.classList.toggle('light', query.theme === 'light');
const appReady = mount(document.querySelector('main'), query);
let app = null;
const subscribers = [];  // {source, origin}

function isPlainObject(x) {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}
function validOptionValue(v) {
  if (typeof v === 'string') return v.length <= MAX_TEXT;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'boolean') return true;
  return Array.isArray(v) && v.length <= MAX_OPTIONS && v.every((x) => typeof x === 'string' && x.length <= 64);
}
// Returns why a message is not a valid command, or '' if it is one.
function problem(data) {
  if (!isPlainObject(data)) return 'not an object';
  if (data.headlab !== 1) return 'no "headlab: 1" field';
  if (typeof data.type !== 'string' || !COMMANDS.has(data.type)) return `unknown type ${JSON.stringify(String(data.type)).slice(0, 40)}`;
  if ('id' in data && !(typeof data.id === 'string' && data.id.length <= 100) && !Number.isFinite(data.id)) return 'id must be a string or a number';
  if (data.type === 'step' && 'n' in data && !(Number.isInteger(data.n) && data.n >= 1 && data.n <= 100000)) return 'n must be an integer in 1..100000';
  if (data.type === 'reset' || data.type === 'set') {
    const o = data.options === undefined ? {} : data.options;
    if (!isPlainObject(o) || Object.keys(o).length > MAX_OPTIONS) return 'options must be an object of at most 64 options';
    if (!Object.values(o).every(validOptionValue)) return 'option values must be strings, numbers, booleans or lists of strings';
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
  const why = problem(event.data);
  if (why) {
    console.warn(`headlab embed: ignored a message from ${event.origin}: ${why}`);
    return;
  }
  const {type, id, n, options} = event.data;
  const sender = {source: event.source, origin: event.origin};
  const index = subscribers.findIndex((s) => s.source === sender.source && s.origin === sender.origin);
  if (type === 'subscribe' && index < 0) subscribers.push(sender);
  if (type === 'unsubscribe' && index >= 0) subscribers.splice(index, 1);
  // Commands before the engine runs wait for it (mount() resolves then).
  appReady.then(() => {
    if (type === 'play') app.play();
    else if (type === 'pause') app.pause();
    else if (type === 'step') app.step(n || 1);
    else if (type === 'reset') app.reset(options);
    else if (type === 'set') app.set(options);
    send(sender, {type: 'reply', id: id === undefined ? null : id, ok: true, state: app.state()});
  }, (error) => send(sender, {type: 'reply', id: id === undefined ? null : id, ok: false, error: String(error.message || error)}));
});

appReady.then((controller) => {
  app = controller;
  for (const event of ['ready', 'step', 'snapshot']) app.on(event, (state) => broadcast({type: 'event', event, state}));
  app.on('error', (error) => broadcast({type: 'event', event: 'error', error}));
}, (error) => broadcast({type: 'event', event: 'error', error: String(error.message || error)}));
