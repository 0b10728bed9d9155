// Builds the production bundle and packages the extension as a VSIX.
//   node scripts/package.mjs [--out <file.vsix>] [--stage]
// Default: `node scripts/build.mjs --production` in this folder (minified, no source maps; dist/ is
// replaced), then `vsce package --no-dependencies -o webhook-inspector.vsix`. esbuild bundles the
// runtime dependencies, so node_modules is not shipped; .vscodeignore is an allow-list.
// --stage: do both in a throw-away copy of the sources (node_modules linked), so that dist/ of this
// working tree is left alone; the tests use it while other builds and test runs go on here.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : path.join(root, 'webhook-inspector.vsix'));
const stage = argv.includes('--stage');

/** What the build and vsce read. Everything else (tests, docs, node_modules) stays out of the stage. */
// .vscode/ is copied too, so the VSIX test proves .vscodeignore keeps it out.
const SOURCES = [
  'package.json',
  '.vscodeignore',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'tsconfig.json',
  'src',
  'media',
  '.vscode',
  'scripts/build.mjs',
  'scripts/extensionBuild.mjs',
  'scripts/stubs',
];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status ?? r.signal}) in ${cwd}`);
  }
}

const started = Date.now();
let dir = root;
try {
  if (stage) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wi-package-'));
    for (const f of SOURCES) {
      if (existsSync(path.join(root, f))) {
        cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
      }
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  }
  run(process.execPath, ['scripts/build.mjs', '--production'], dir);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  rmSync(out, { force: true });
  run(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out], dir);
  console.log(
    `packaged ${path.relative(process.cwd(), out) || out} (${(statSync(out).size / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  if (stage) {
    rmSync(dir, { recursive: true, force: true });
  }
}
