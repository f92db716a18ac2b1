// overlay.js: the widget's DOM around the engine's canvas (web/headlab.js):
// the box and canvas, the status line (loading progress, problems, questions
// with buttons), the probe dialog and the kept-run bar. Text only, never HTML
// built from strings; styles set from script (a page's policy may allow no
// stylesheets of ours).

// The widget's text colours in its dark and light schemes.
const ink = (dark) => ({text: dark ? '#d7dbe2' : '#1d2330', dim: dark ? '#8b93a1' : '#69707d', error: dark ? '#ff8a80' : '#b3261e'});

const OVERLAY_STYLE = {
  position: 'absolute', inset: '0', display: 'flex', alignItems: 'center', justifyContent: 'center',
  padding: '16px', textAlign: 'center', font: '14px/1.45 system-ui, sans-serif', pointerEvents: 'none',
};

// Screen readers hear what the canvas cannot tell them: play, pause, steps, loss.
const VISUALLY_HIDDEN = {position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)',
                         whiteSpace: 'nowrap', margin: '-1px', padding: '0', border: '0'};

// Whether the reader last used the keyboard (Tab) rather than a pointer: only
// then does a focused widget show its focus ring (not when a page focuses it on load).
let keyboardModality = false;
function watchModality() {
  if (watchModality.done) return;
  watchModality.done = true;
  document.addEventListener('keydown', (e) => { if (e.key === 'Tab') keyboardModality = true; }, true);
  document.addEventListener('pointerdown', () => { keyboardModality = false; }, true);
}

// Builds the widget's DOM: a wrapper filling `element` (or a 3:2 box if the
// element has no height of its own), the canvas, a status line on top and a
// live region for screen readers.
export function buildDom(element, dark) {
  const box = document.createElement('div');
  Object.assign(box.style, {position: 'relative', width: '100%', height: '100%', overflow: 'hidden',
                            background: dark ? '#111318' : '#e9ecf1'});
  const canvas = makeCanvas(box);
  const status = document.createElement('div');
  status.setAttribute('role', 'status');
  Object.assign(status.style, OVERLAY_STYLE, {color: ink(dark).dim});
  const live = document.createElement('div');
  live.setAttribute('aria-live', 'polite');
  Object.assign(live.style, VISUALLY_HIDDEN);
  box.append(canvas, status, live);
  element.append(box);
  if (box.clientHeight === 0) Object.assign(box.style, {height: 'auto', aspectRatio: '3 / 2'});
  return {box, canvas, status, live};
}

// The widget's canvas (also made again when a lost WebGL context is replaced).
export function makeCanvas(box) {
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;  // focusable, so keys reach the widget only while the reader works in it
  canvas.setAttribute('aria-label', 'headlab: a small transformer training live, with every attention head drawn');
  // Emscripten's GLFW removes the canvas's inline width and height when it
  // creates its window; min and max sizes survive that and pin the CSS box.
  Object.assign(canvas.style, {display: 'block', outline: 'none', width: '100%', height: '100%', minWidth: '100%',
                               maxWidth: '100%', minHeight: '100%', maxHeight: '100%'});
  // A focus ring for keyboard users only (set here: the page may allow no stylesheets of ours).
  watchModality();
  canvas.addEventListener('focus', () => {
    if (keyboardModality) Object.assign(box.style, {outline: '2px solid #4c9dff', outlineOffset: '-2px'});
  });
  canvas.addEventListener('blur', () => { box.style.outline = ''; });
  return canvas;
}

// The status line over the widget: showStatus(text, ...buttons) shows text
// (and buttons {label, action}; the line gets a veil then), '' hides it.
export function statusLine(status, dark) {
  return function showStatus(text, ...buttons) {
    const line = document.createElement('div');
    line.textContent = text || '';
    status.replaceChildren(line);
    if (buttons.length) {
      const row = document.createElement('div');
      Object.assign(row.style, {display: 'flex', gap: '8px', justifyContent: 'center', marginTop: '10px'});
      for (const button of buttons) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = button.label;
        Object.assign(b.style, {pointerEvents: 'auto', font: 'inherit', cursor: 'pointer', padding: '4px 10px'});
        b.addEventListener('click', button.action);
        row.append(b);
      }
      status.append(row);
    }
    Object.assign(status.style, {flexDirection: 'column', background: buttons.length ? (dark ? '#111318e0' : '#e9ecf1e0') : ''});
    status.hidden = !text;
  };
}

// While loading: the shape of what is coming (two layers of four attention
// maps, lower-triangular as a causal model's), the stage, and a progress bar.
function placeholder(dark) {
  const line = dark ? '#3d4a66' : '#b7c3da';
  const grid = document.createElement('div');
  Object.assign(grid.style, {display: 'grid', gridTemplateColumns: 'repeat(4, 28px)', gap: '8px',
                             justifyContent: 'center', marginBottom: '12px'});
  for (let i = 0; i < 8; ++i) {
    const map = document.createElement('div');
    Object.assign(map.style, {width: '28px', height: '28px', border: `1px solid ${line}`, boxSizing: 'border-box',
                              background: `linear-gradient(to top right, ${line} 50%, transparent 50%)`});
    grid.append(map);
  }
  return grid;
}

// Shows "Loading headlab…" with the placeholder and a progress bar; returns
// {progress(loaded, total), starting()} for the download's progress and the next stage.
export function loadingView(status, dark, showStatus) {
  showStatus('Loading headlab…');
  const stageLine = status.firstChild;
  status.prepend(placeholder(dark));
  const bar = document.createElement('progress');  // indeterminate until the total is known
  Object.assign(bar.style, {display: 'block', margin: '8px auto 0', width: '60%', maxWidth: '240px',
                           colorScheme: dark ? 'dark' : 'light'});
  status.append(bar);
  return {
    progress(loaded, total) {
      stageLine.textContent = `Loading headlab… ${(loaded / 1048576).toFixed(1)} MB` +
                              (total ? ` of ${(total / 1048576).toFixed(1)} MB` : '');
      if (total) Object.assign(bar, {max: total, value: Math.min(loaded, total)});
    },
    starting() {
      showStatus('Starting headlab…');
      status.prepend(placeholder(dark));
    },
  };
}

// The grid's "Type your own input" on the web: an HTML field (phones'
// keyboards, paste, input methods, screen readers) over the widget. Draw calls
// submit(text), which returns '' (the dialog closes) or why not (shown under
// the field, role alert). Returns the dialog's close().
export function probeDialog(box, dark, {task, text, submit, onClose}) {
  const colours = ink(dark);
  const dialog = document.createElement('form');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', 'Type your own input');
  Object.assign(dialog.style, OVERLAY_STYLE, {flexDirection: 'column', gap: '8px', pointerEvents: 'auto',
                                              color: colours.text, background: dark ? '#111318e8' : '#e9ecf1e8'});
  const label = document.createElement('label');
  label.textContent = task === 'text' ? "Your input: any text made of the training text's characters"
                                      : "Your input: this task's tokens, separated by spaces";
  const input = document.createElement('input');
  Object.assign(input, {type: 'text', value: text, maxLength: 4096, spellcheck: false, autocomplete: 'off'});
  input.setAttribute('autocapitalize', 'off');
  input.setAttribute('autocorrect', 'off');
  Object.assign(input.style, {display: 'block', marginTop: '6px', width: 'min(80vw, 520px)', boxSizing: 'border-box',
                              font: '15px/1.4 ui-monospace, monospace', padding: '6px 8px'});
  label.append(input);
  const note = document.createElement('div');
  note.textContent = 'The run restarts on this input: it learns exactly as before, only what is drawn changes.';
  Object.assign(note.style, {fontSize: '13px', opacity: '0.75', maxWidth: 'min(80vw, 520px)'});
  const error = document.createElement('div');
  error.setAttribute('role', 'alert');
  Object.assign(error.style, {color: colours.error, maxWidth: 'min(80vw, 520px)'});
  const row = document.createElement('div');
  Object.assign(row.style, {display: 'flex', gap: '8px', justifyContent: 'center'});
  const draw = document.createElement('button');
  draw.type = 'submit';
  draw.textContent = 'Draw';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = 'Cancel';
  for (const b of [draw, cancel]) Object.assign(b.style, {font: 'inherit', cursor: 'pointer', padding: '4px 14px'});
  row.append(draw, cancel);
  dialog.append(label, note, error, row);
  const close = () => {
    dialog.remove();
    onClose();
  };
  dialog.addEventListener('submit', (e) => {
    e.preventDefault();
    const why = submit(input.value);
    if (why) {
      error.textContent = why;
      input.focus();
    } else {
      close();
    }
  });
  cancel.addEventListener('click', close);
  dialog.addEventListener('keydown', (e) => {
    e.stopPropagation();  // the widget's keys (Space, S, R) are not for the field
    if (e.key === 'Escape') close();
  });
  box.append(dialog);
  input.focus();
  input.select();
  return close;
}

// The kept-run question: a slim bar along the widget's bottom edge, not a veil
// over it, so the widget (an article's, say) stays readable and usable while it asks.
export function keptRunBar(box, dark, text, buttons) {
  const bar = document.createElement('div');
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'A kept run');
  Object.assign(bar.style, {position: 'absolute', left: '0', right: '0', bottom: '0', display: 'flex', flexWrap: 'wrap',
                            gap: '6px 10px', alignItems: 'center', padding: '6px 10px', font: '13px/1.35 system-ui, sans-serif',
                            color: ink(dark).text, background: dark ? '#1b1f27f0' : '#f4f6f9f0'});
  const words = document.createElement('span');
  words.textContent = text;
  Object.assign(words.style, {flex: '1 1 16em'});
  bar.append(words);
  for (const b of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = b.label;
    Object.assign(button.style, {font: 'inherit', cursor: 'pointer', padding: '2px 10px'});
    button.addEventListener('click', () => {
      bar.remove();
      b.action();
    });
    bar.append(button);
  }
  box.append(bar);
}
