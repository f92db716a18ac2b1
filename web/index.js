// The full-window app page: checks WebGL2, starts one app on #canvas with the
// URL's options (?task=induction&heads=4&seed=3&autoplay=1) and exposes its
// controller as window.headlabApp. The overlay shows loading and failures.
(function () {
  'use strict';
  const canvas = document.getElementById('canvas');
  const overlay = document.getElementById('overlay');
  const message = document.getElementById('message');

  function show(text, isError) {
    overlay.hidden = false;
    overlay.classList.toggle('error', !!isError);
    message.textContent = text;
  }

  if (!document.createElement('canvas').getContext('webgl2')) {
    show('headlab needs WebGL2, which this browser or device does not provide. ' +
         'Try a current Firefox, Chrome, Edge or Safari, or enable hardware acceleration.', true);
    return;
  }

  const options = createHeadlabApp.optionsFromQuery(window.location.search);
  document.body.classList.toggle('light', options.theme === 'light');
  window.headlabApp = createHeadlabApp(canvas, options, {
    onReady: () => { overlay.hidden = true; canvas.focus(); },
    onError: (error) => show('headlab could not start: ' + error, true),
    onContextLost: () => show('The graphics context was lost (the GPU was reset or is busy). Reload the page to continue.', true),
  });
})();
