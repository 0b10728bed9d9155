// `npm test`: type check, lint, unit tests, then the extension-host tests in a real VS Code.
// The extension-host tests use @vscode/test-electron; set VSCODE_EXECUTABLE to use an installed
// VS Code (CI points it at the code-server harness). Ends with one "Total: N passed, N failed" line.
import { spawn } from 'node:child_process';

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['unit', 'npm', ['run', '-s', 'test:unit']],
  ['integration', 'npm', ['run', '-s', 'test:integration']],
];

let passed = 0;
let failed = 0;
const failures = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name} ===`);
  const { code, out } = await run(cmd, args);
  // node:test's spec reporter ends with "ℹ pass N" / "ℹ fail N"; the VS Code harness with "ExtensionTests: N passed, M failed".
  const pass = [...out.matchAll(/^ℹ pass (\d+)$/gm)].map((m) => Number(m[1]));
  const fail = [...out.matchAll(/^ℹ fail (\d+)$/gm)].map((m) => Number(m[1]));
  const ext = /(\d+) passing/.exec(out);
  const extFail = /(\d+) failing/.exec(out);
  passed += pass.reduce((a, b) => a + b, 0) + (ext ? Number(ext[1]) : 0);
  failed += fail.reduce((a, b) => a + b, 0) + (extFail ? Number(extFail[1]) : 0);
  if (code !== 0) {
    failures.push(name);
    if (!fail.length && !extFail) {
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
