// Mutation testing (npm run test:mutation): Stryker changes the code under test one small bug at a
// time (a mutant) and runs the unit tests that cover it; a mutant no test notices "survived".
// Slow on purpose-light machines (minutes to hours): not part of `npm test` or CI. See test/README.md.
//   npm run test:mutation                                        # every folder in scope
//   npm run test:mutation -- --mutate 'src/core/signatures/**'   # one folder
// The tap runner runs each test file as `node --import tsx <file>` (node:test prints TAP when piped),
// so each test file counts as one test and only the files that cover a mutant run for it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: [
      'test/unit/core/store.test.ts',
      'test/unit/core/storeDurability.test.ts',
      'test/unit/core/receiver.test.ts',
      'test/unit/core/receiverLimits.test.ts',
      'test/unit/forward/*.test.ts',
      'test/unit/signatures/*.test.ts',
      'test/unit/hardening/badRequests.test.ts',
      'test/unit/hardening/floods.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  mutate: ['src/core/store.ts', 'src/core/signatures/**/*.ts', 'src/core/forward/**/*.ts', 'src/core/receiver.ts'],
  coverageAnalysis: 'perTest',
  // Re-runs only test mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 20000,
  ignorePatterns: ['dist', 'out', 'test-results', '.vscode-test', 'reports', '*.vsix', 'docs', 'media'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
