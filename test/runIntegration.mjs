// Runs the extension-host tests with @vscode/test-electron, the standard runner.
// - On a machine with internet it downloads VS Code (as test-electron always does).
// - With VSCODE_EXECUTABLE set it uses that executable instead; CI sets it to the code-server
//   harness's code-shim.sh (see README, "Testing").
// Two runs share one store folder, so the second proves that events survive a restart of VS Code.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'wi-itest-'));
const workspace = path.join(work, 'workspace');
const store = path.join(work, 'store');
mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
// Source files with webhook routes, for the CodeLens, Go to Handler and debugger tests.
cpSync(path.join(root, 'test', 'fixtures', 'routes', 'workspace'), workspace, { recursive: true });
writeFileSync(
  path.join(workspace, '.vscode', 'settings.json'),
  // Local only by default: nothing in the tests may reach the public localtunnel server.
  JSON.stringify({ 'webhookInspector.storePath': store, 'webhookInspector.port': 0, 'webhookInspector.tunnel.provider': 'none' }, null, 2),
);

let failed = false;
try {
  for (const phase of ['session', 'restart']) {
    console.log(`\n--- extension-host tests, phase "${phase}" ---`);
    try {
      await runTests({
        vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index'),
        launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
        extensionTestsEnv: { WI_TEST_PHASE: phase, WI_TEST_STORE: store },
      });
    } catch (err) {
      console.error(`phase "${phase}" failed: ${err?.message ?? err}`);
      failed = true;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
