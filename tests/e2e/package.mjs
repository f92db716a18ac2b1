// The kit as tutorial authors get it: scripts/package.sh packs it, a Vite site
// (tests/e2e/sites/vite) installs the tarball with npm, and both `vite build`
// and Vite's dev server must resolve the engine, the .wasm and the worker: a
// mount()ed widget and a <headlab-widget> train in workers. Then a plain HTML
// page loads the kit from another origin that sends the CORS headers README.md
// documents, and its widget trains in a worker too (started through a
// same-origin shim). The generated headlab.d.ts is checked against the option
// table and type-checked where a TypeScript compiler is at hand.
//
//   node package.mjs --root build/web-release/web --out build/e2e --cli build/native-release/headlab-train
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {args, check, finish, launch, noErrors, openPage, outDir, root, serve, waitFor} from './harness.mjs';

const t0 = Date.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const version = JSON.parse(fs.readFileSync(path.join(repo, 'web', 'package.json'), 'utf8')).version;

// 1. Pack, from the pages under test.
execFileSync(path.join(repo, 'scripts', 'package.sh'), ['--no-build'], {cwd: repo, stdio: 'inherit'});
const tarball = path.join(repo, 'build', 'package', `headlab-${version}.tgz`);
check(fs.existsSync(tarball), `scripts/package.sh wrote ${path.relative(repo, tarball)}`);
const listed = execFileSync('tar', ['tzf', tarball], {encoding: 'utf8'});
for (const f of ['headlab.js', 'headlab.d.ts', 'headlab-engine.js', 'headlab-engine.wasm', 'headlab-worker.js', 'embed.html', 'CHANGELOG.md'])
  check(listed.includes(`package/${f}\n`), `the tarball holds ${f}`);
const packed = fs.readFileSync(path.join(root, 'headlab.js'));
check(Buffer.compare(packed, execFileSync('tar', ['xzOf', tarball, 'package/headlab.js'])) === 0, 'the tarball holds the headlab.js under test');

// 2. headlab.d.ts: every widget option of the table, with its choices.
const dts = execFileSync('tar', ['xzOf', tarball, 'package/headlab.d.ts'], {encoding: 'utf8'});
const table = JSON.parse(execFileSync(args.cli, ['--options-json'], {encoding: 'utf8'}));
const camel = (k) => k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const missing = table.filter((o) => o.scope.some((s) => ['run', 'live', 'view'].includes(s)) && !dts.includes(`  ${camel(o.key)}?: `));
check(missing.length === 0, `headlab.d.ts declares every widget option${missing.length ? ': missing ' + missing.map((o) => o.key) : ''}`);
const task = table.find((o) => o.key === 'task');
check(dts.includes(`task?: ${task.choices.map((c) => JSON.stringify(c)).join(' | ')};`), 'headlab.d.ts lists every task');

// 3. A Vite site installs the tarball.
const site = path.join(outDir, 'vite-site');
fs.rmSync(site, {recursive: true, force: true});
fs.cpSync(path.join(here, 'sites', 'vite'), site, {recursive: true});
execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-save', tarball], {cwd: site, stdio: 'inherit'});
check(fs.existsSync(path.join(site, 'node_modules', 'headlab', 'headlab-engine.wasm')), 'npm installed the tarball in the site');
const typescript = path.join(here, 'node_modules', 'typescript', 'bin', 'tsc');
if (fs.existsSync(typescript)) {
  fs.writeFileSync(path.join(site, 'check.ts'), `import {mount, type HeadlabOptions} from 'headlab';
const o: HeadlabOptions = {task: 'addsub', layers: 1, init: 'clone-all', compare: 'init:random', panels: ['grid'], autoplay: true};
const el = document.createElement('headlab-widget');
mount(el, o).then((w) => w.on('snapshot', (s) => console.log(s.step, s.snapshot?.diversity)));
`);
  let ok = true, out = '';
  try {
    out = execFileSync(process.execPath, [typescript, '--noEmit', '--strict', '--lib', 'es2022,dom', '--moduleResolution', 'bundler',
                                           '--module', 'esnext', '--target', 'es2022', 'check.ts'], {cwd: site, encoding: 'utf8'});
  } catch (e) {
    ok = false;
    out = e.stdout;
  }
  check(ok, `an author's TypeScript type-checks against headlab.d.ts${ok ? '' : ': ' + out}`);
}

const vite = await import('vite');
await vite.build({root: site, logLevel: 'warn', configFile: path.join(site, 'vite.config.js')});
const assets = fs.readdirSync(path.join(site, 'dist', 'assets'));
check(assets.some((f) => /^headlab-engine.*\.wasm$/.test(f)) && assets.some((f) => /^headlab-engine.*\.js$/.test(f)),
      `vite build copied the engine (${assets.join(', ')}; the small worker script may be inlined)`);

const browser = await launch();
async function trains(url, what) {
  const {context, page, log} = await openPage(browser);
  page.on('response', (r) => r.status() >= 400 && log.errors.push(`HTTP ${r.status()} ${r.url()}`));
  await page.goto(url);
  for (const [name, get] of [['mount()', () => window.widget?.state()], ['<headlab-widget>', () => document.querySelector('#element')?.state?.()]]) {
    if (name === '<headlab-widget>' && !(await page.evaluate(() => !!document.querySelector('#element')))) continue;
    if (name === '<headlab-widget>') await page.evaluate(() => document.querySelector('#element').play());
    const s = await waitFor(() => page.evaluate(get), (x) => x?.step >= 5, 120000, 500);
    check(s?.step >= 5 && s.trainer === 'worker', `${what}: ${name} trains in a worker (step ${s?.step}, trainer ${JSON.stringify(s?.trainer)})`);
  }
  noErrors(log, what);
  await page.screenshot({path: path.join(outDir, `package-${what.replace(/\W+/g, '-')}.png`)});
  await context.close();
}

const built = await serve(path.join(site, 'dist'));
await trains(built.url, 'vite build');
built.close();

const dev = await vite.createServer({root: site, logLevel: 'warn', configFile: path.join(site, 'vite.config.js'),
                                     server: {port: 0, host: '127.0.0.1'}});
await dev.listen();
await trains(dev.resolvedUrls.local[0], 'vite dev server');
await dev.close();

// 4. A plain HTML page; the kit on another origin (another port) with the README's CORS headers.
const kit = await serve(path.join(site, 'node_modules', 'headlab'), {headers: () => ({'Access-Control-Allow-Origin': '*'})});
const host = await serve(outDir, {extra: {'/cross-origin.html': {body: `<!doctype html><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<script type="module">
import {mount} from '${kit.url}headlab.js';
window.widget = await mount(document.querySelector('#demo'), {task: 'copy', batch: 8, autoplay: true});
</script><div id="demo" style="width: 640px; height: 400px"></div>`}}});
await trains(`${host.url}cross-origin.html`, 'kit from another origin');
kit.close();
host.close();

await browser.close();
finish('package', t0);
