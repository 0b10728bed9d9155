// `npm test`: type check, lint, unit tests, the extension-host tests in a real VS Code, then the UI
// tests (the packaged VSIX in code-server, driven by Chromium) when the code-server harness is installed.
// The extension-host tests use @vscode/test-electron; set VSCODE_EXECUTABLE to use an installed
// VS Code (CI points it at the code-server harness). Ends with one "Total: N passed, N failed" line.
// WI_UI_TESTS=0 leaves the UI tests out; WI_UI_TESTS=1 runs them (and fails without the harness).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const harnessLib = path.join(root, '..', 'shared', 'vscode-harness', 'lib.mjs');
// The harness's own default (lib.mjs): $VSH_HOME, else vscode-harness in the OS temp folder.
const harnessHome = process.env.VSH_HOME || path.join(os.tmpdir(), 'vscode-harness');
const harnessInstalled = fs.existsSync(harnessLib) && fs.existsSync(harnessHome);
const ui = process.env.WI_UI_TESTS === '1' || (process.env.WI_UI_TESTS !== '0' && harnessInstalled);

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['unit', 'npm', ['run', '-s', 'test:unit']],
  ['integration', 'npm', ['run', '-s', 'test:integration']],
  ...(ui ? [['ui (e2e)', 'npm', ['run', '-s', 'test:e2e', '--', '--no-docs']]] : []),
];
if (!ui) {
  console.log(
    'The UI tests (npm run test:e2e) are not part of this run: the code-server harness is not installed (bash ../shared/vscode-harness/install.sh).',
  );
}

let passed = 0;
let failed = 0;
const failures = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const { code, out } = await run(cmd, args);
  // node:test's spec reporter ends with "ℹ pass N" / "ℹ fail N"; the VS Code harness with "ExtensionTests: N passed, M failed".
  const pass = [...out.matchAll(/^ℹ pass (\d+)$/gm)].map((m) => Number(m[1]));
  const fail = [...out.matchAll(/^ℹ fail (\d+)$/gm)].map((m) => Number(m[1]));
  // Mocha (the extension-host tests, one report per phase) ends each run with "N passing" / "N failing".
  const ext = [...out.matchAll(/^\s*(\d+) passing/gm)].reduce((a, m) => a + Number(m[1]), 0);
  const extFail = [...out.matchAll(/^\s*(\d+) failing/gm)].reduce((a, m) => a + Number(m[1]), 0);
  // The UI tests end with "E2E: N steps passed, M failed".
  const e2e = /^E2E: (\d+) steps passed, (\d+) failed/m.exec(out);
  passed += pass.reduce((a, b) => a + b, 0) + ext + (e2e ? Number(e2e[1]) : 0);
  failed += fail.reduce((a, b) => a + b, 0) + extFail + (e2e ? Number(e2e[2]) : 0);
  if (code !== 0) {
    failures.push(name);
    if (!fail.length && !extFail && !(e2e && Number(e2e[2]) > 0)) {
      failed += 1; // a step that failed without counting tests (type errors, lint) still fails the run
    }
  }
}
console.log(`\n${failures.length ? `Failed steps: ${failures.join(', ')}` : 'All steps passed.'}`);
console.log(`Total: ${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      process.stdout.write(c);
    });
    child.stderr.on('data', (c) => {
      out += c;
      process.stderr.write(c);
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}
