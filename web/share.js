// share.js: what the widget's Share menu does (web/headlab.js wires it to the
// engine, src/platform/web_app.cpp lists the entries): a link to the full app
// with the run's settings, an <iframe> embed code, a PNG of the attention
// grid, the run as the JSON headlab-train --out writes, a video of its replay
// and opening a recorded run (a run file) to replay it. No HTML is built
// from strings; downloads go through a temporary object URL.

const APP_PAGE = new URL('index.html', import.meta.url);
const EMBED_PAGE = new URL('embed.html', import.meta.url);
// Not worth a link: the options that only matter where the widget sits.
const PAGE_ONLY = new Set(['compact', 'panels', 'hide', 'topbar', 'theme-button']);

// The options a link needs (state().share: those that differ from the defaults).
export function shareQuery(state, {forEmbed = false} = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(state.share || {})) if (forEmbed || !PAGE_ONLY.has(k)) params.set(k, v);
  return params;
}

export function appLink(state) {
  const url = new URL(APP_PAGE);
  url.search = shareQuery(state).toString();
  return url.href;
}

export function embedCode(state) {
  const url = new URL(EMBED_PAGE);
  url.search = shareQuery(state, {forEmbed: true}).toString();
  const escaped = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${escaped}" width="720" height="480" style="border: 0" ` +
         'title="headlab: attention heads training live" loading="lazy"></iframe>';
}

// Why a link leaves something out, or ''.
function linkCaveat(state) {
  return state.options && state.options.task === 'text' && !('text' in (state.share || {}))
    ? ' (without the training text: too long for a link)' : '';
}

export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// Copies the canvas region of the attention grid (or all of it) into a PNG.
// Must run while the canvas still holds the frame just drawn (the engine's 'capture').
export function canvasPng(canvas, state) {
  const rect = state.ui && state.ui['panel:grid'];
  const sx = canvas.width / Math.max(canvas.clientWidth, 1), sy = canvas.height / Math.max(canvas.clientHeight, 1);
  const [x, y, w, h] = rect ? [rect[0] * sx, rect[1] * sy, rect[2] * sx, rect[3] * sy] : [0, 0, canvas.width, canvas.height];
  // Under the grid, a line saying what the picture is: the step shown and the run's settings.
  const line = Math.round(18 * sy);
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(w));
  out.height = Math.max(1, Math.round(h)) + line;
  const g = out.getContext('2d');
  g.fillStyle = state.options?.theme === 'light' ? '#e9ecf1' : '#111318';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, Math.round(x), Math.round(y), out.width, out.height - line, 0, 0, out.width, out.height - line);
  g.fillStyle = state.options?.theme === 'light' ? '#1d2330' : '#d7dbe2';
  g.font = `${Math.round(12 * sy)}px system-ui, sans-serif`;
  const compare = state.compare ? `, twin ${Object.entries(state.compare.options).filter(([k, v]) => state.options[k] !== v).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
  g.fillText(`headlab: step ${state.step}, task=${state.options?.task} layers=${state.options?.layers} heads=${state.options?.heads} ` +
             `init=${state.options?.init} seed=${state.options?.seed}${compare}`, Math.round(6 * sx), out.height - Math.round(5 * sy));
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser made no PNG'))), 'image/png'));
}

// Carries out a Share menu entry for widget `w` ({controller, notice(text), problem(text)}).
export async function shareAction(w, id) {
  const state = w.controller.state();
  const copy = async (text, what) => {
    try {
      await navigator.clipboard.writeText(text);
      w.notice(`${what} copied${linkCaveat(state)}`);
    } catch (e) {
      console.warn(`headlab: could not copy the ${what.toLowerCase()} (${e.message}); here it is:\n${text}`);
      w.notice(`The browser refused to copy: the ${what.toLowerCase()} is in the console`);
    }
  };
  if (id === 'copy-link') await copy(appLink(state), 'Link');
  else if (id === 'copy-embed') await copy(embedCode(state), 'Embed code');
  else if (id === 'png') download(await w.controller.exportPng(), `headlab-grid-step${state.step}.png`);
  else if (id === 'webm') {
    w.notice('Recording the replay...');
    download(await w.controller.recordReplay(), `headlab-replay-step${state.step}.webm`);
    w.notice('Replay saved as WebM');
  } else if (id === 'json') download(new Blob([w.controller.exportRun()], {type: 'application/json'}), `headlab-run-step${state.step}.json`);
  else if (id === 'open-run') {
    const file = await pickFile('.json,application/json');
    if (!file) return;
    try {
      await w.controller.openRun(file);
      w.notice(`Opened ${file.name}: press Replay, or Train it yourself`);
    } catch (e) {
      w.problem(`Could not open ${file.name}: ${e.message}`);
    }
  }
}

// The file the reader picks (null if none): a hidden <input type=file>, clicked.
function pickFile(accept) {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    Object.assign(input, {type: 'file', accept, hidden: true});
    input.addEventListener('change', () => {
      resolve(input.files[0] || null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}
