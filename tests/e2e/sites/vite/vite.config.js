// The one line web/README.md asks of Vite users: the dev server must not pre-bundle headlab
// (its engine and worker are found beside headlab.js).
export default {optimizeDeps: {exclude: ['headlab']}};
