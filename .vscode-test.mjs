// @vscode/test-cli configuration (used by `npx vscode-test` and the Extension Test Runner).
// Set VSCODE_EXECUTABLE to run in an installed VS Code instead of a downloaded one; CI points it at
// the code-server harness. `npm run test:integration` runs the same tests through test-electron.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension-host',
  files: 'out/test/integration/session.*.test.js',
  ...(process.env.VSCODE_EXECUTABLE ? { useInstallation: { fromPath: process.env.VSCODE_EXECUTABLE } } : {}),
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 60_000 },
});
