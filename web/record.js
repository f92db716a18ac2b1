// record.js: a video of a widget (web/headlab.js's recordReplay()): the
// canvas through MediaRecorder while the engine replays the run; the stream
// ends when the replay does.

// Records `canvas` while replaying() is true, after start() begins the replay.
// Resolves with a WebM Blob; rejects if the browser cannot record, or the
// replay does not start within 2 s. Returns {done: Promise<Blob>, stop(error)}.
export function recordCanvas(canvas, {start, replaying}) {
  if (typeof MediaRecorder === 'undefined' || !canvas.captureStream) throw new Error('this browser cannot record video (no MediaRecorder)');
  const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('this browser cannot record WebM');
  const stream = canvas.captureStream(30);
  const recorder = new MediaRecorder(stream, {mimeType: type});
  const chunks = [];
  let error = null, seen = false, watch = 0;
  const stop = (e) => {
    error = e;
    clearInterval(watch);
    if (recorder.state !== 'inactive') recorder.stop();
  };
  const done = new Promise((resolve, reject) => {
    recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      if (error) reject(error);
      else resolve(new Blob(chunks, {type: 'video/webm'}));
    };
  });
  const began = performance.now();
  watch = setInterval(() => {
    const now = replaying();
    seen ||= now;
    // Ended, or never started (e.g. no snapshot yet) within 2 s.
    if ((seen && !now) || (!seen && performance.now() - began > 2000)) stop(seen ? null : new Error('the replay did not start'));
  }, 100);
  recorder.start(1000);
  start();
  return {done, stop};
}
