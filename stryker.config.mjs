// Mutation testing (npm run test:mutation): Stryker changes the code under test one small bug at a
// time (a mutant) and runs the unit tests that cover it; a mutant that no test notices "survived".
// Slow (tens of minutes per folder on 2 cores): not part of `npm test` or CI. See test/README.md.
//
//   npm run test:mutation                         # every folder in scope, one run
//   WI_MUTATE=store npm run test:mutation         # one scope: store | receiver | promises | forward | signatures
//   WI_MUTATE=promises npm run test:mutation -- --mutate 'src/core/store/index.ts:330-420'   # a line range
//
// The tap runner runs each test file as `node --import tsx <file>` (node:test prints TAP when its
// output is piped), so a test file counts as one test and only the files that cover a mutant run for
// it. Incremental mode keeps the results per scope in reports/ (git-ignored): a re-run tests only
// mutants whose code or covering tests changed.

/** What each scope mutates, and the test files that can notice. */
const SCOPES = {
  store: {
    mutate: ['src/core/store/**/*.ts'],
    // Fastest first (a mutant's covering files run in this order; the run stops at the first kill), as timed
    // alone on a loaded machine (2–7 s each). storeFormat (load, torn tails, corrupt lines), storeFollow (a
    // reader following the writer) and duplicates (delivery facts) cover replay.ts and follow.ts; storeLock,
    // storeSearch, storeSegments and storeEvents are the behaviour tests of issue #20 (see test/README.md).
    tests: [
      'test/unit/core/storeLock.test.ts',
      'test/unit/agents/storeFollow.test.ts',
      'test/unit/core/duplicates.test.ts',
      'test/unit/core/storeSearch.test.ts',
      'test/unit/core/storeSegments.test.ts',
      'test/unit/core/storeFormat.test.ts',
      'test/unit/core/storeDurability.test.ts',
      'test/unit/core/store.test.ts',
      'test/unit/core/storeEvents.test.ts',
      // Edges of issue #20's second store run (index.ts, indexLog.ts, bodies.ts, io.ts, lock.ts, ids.ts, errors.ts).
      'test/unit/core/storeLoadEdges.test.ts',
      'test/unit/core/storeIndexLogEdges.test.ts',
      'test/unit/core/storeBodiesEdges.test.ts',
      'test/unit/core/storeLockEdges.test.ts',
      'test/unit/core/storeIdsEdges.test.ts',
      'test/unit/core/storeHandlesEdges.test.ts',
      // On-demand reads of unparsed events (both source modes).
      'test/unit/core/storeOnDemand.test.ts',
      // One unparsed event (entry.ts) and the follower's edges (follow.ts), from the survivors of the
      // 2026-12-04 runs.
      'test/unit/core/storeEntry.test.ts',
      'test/unit/core/storeFollowEdges.test.ts',
      // What root never meets on a writable disk: another user's lock (EPERM), an ancestor that refuses writes.
      'test/unit/core/storeOtherUsers.test.ts',
      // Well-checksummed index lines the store cannot use, a load that parses no JSON, the table-driven CRC-32.
      'test/unit/core/storeReplayEdges.test.ts',
      // The index file held open or in memory, and the compaction's window (exact bytes, one read a MiB).
      'test/unit/core/storeSource.test.ts',
    ],
  },
  receiver: {
    mutate: ['src/core/receiver.ts'],
    // Fastest first: a mutant's covering files run in this order and the run stops at the first kill.
    // hardening/badRequests (25 s a run) tests the malformed-request answers of start()'s clientError
    // handler; add it when mutating start().
    tests: [
      'test/unit/core/storeDurability.test.ts',
      'test/unit/core/receiverLimits.test.ts',
      'test/unit/core/receiverRateLimit.test.ts',
      'test/unit/core/receiverRefusal.test.ts',
      'test/unit/core/receiverHooks.test.ts',
      // start/stop and the clientError answers, with short timeouts (hardening/badRequests covers them in 25 s).
      'test/unit/core/receiverLifecycle.test.ts',
      // Replies shaped by hooks: intercept, custom status/type/headers/bytes, the hang-up signal, 503.
      'test/unit/core/receiverReplies.test.ts',
      'test/unit/core/receiver.test.ts',
      // The intercept and respond hooks (custom responses, proxy mode).
      'test/unit/core/customResponses.test.ts',
    ],
  },
  // The README's promises: durability (store) and limits/answers (receiver), with the tests of both.
  promises: {
    mutate: ['src/core/store/**/*.ts', 'src/core/receiver.ts'],
    tests: [
      'test/unit/core/store.test.ts',
      'test/unit/core/storeDurability.test.ts',
      'test/unit/core/receiver.test.ts',
      'test/unit/core/receiverLimits.test.ts',
    ],
  },
  forward: {
    mutate: ['src/core/forward/**/*.ts'],
    // Fastest first (see receiver).
    tests: [
      // Samples (sampleData.ts, samples.ts): what each provider's sample promises, then every literal against a golden file.
      'test/unit/forward/sampleShapes.test.ts',
      'test/unit/forward/sampleGolden.test.ts',
      // The explanation of each delivery error code (transport.ts describeError).
      'test/unit/forward/deliveryErrors.test.ts',
      // Issue #20, survivors and uncovered mutants of the 2026-12-04 partial forward run, one file per promise:
      // pure rules (routing, target, proxy reply, realSleep), one attempt's record (deliver.ts), the preflight
      // and re-signing (prepare.ts), the in-flight tracker, resendTimes' report, a sample send and a failed
      // record, the transport's edges, and the forwarder's rarer paths (forwarder.ts, forwardAttempt.ts).
      'test/unit/forward/targetRouting.test.ts',
      // Event types by each topic header and body key, a provider known from its body, the proxy reply's edges.
      'test/unit/forward/routingEdges.test.ts',
      'test/unit/forward/prepareWarnings.test.ts',
      'test/unit/forward/attemptRecord.test.ts',
      'test/unit/forward/inFlight.test.ts',
      'test/unit/forward/resendAnswers.test.ts',
      'test/unit/forward/sampleLog.test.ts',
      'test/unit/forward/transportEdges.test.ts',
      // https: handlers with a self-signed certificate made per run (insecureTls, kept-alive TLS connections).
      'test/unit/forward/transportTls.test.ts',
      'test/unit/forward/forwarderEdges.test.ts',
      // Issue #20, survivors of the 2026-12-05 forward run: one live attempt's target checks, refusals and options.
      'test/unit/forward/targetFailures.test.ts',
      // Targets typed with spaces, a URL in a query, a user name alone; hex mapped loopback with extra groups.
      'test/unit/forward/targetParsing.test.ts',
      // The delivery log's edges: an event that is gone, an append while the one before is writing, nothing kept after.
      'test/unit/forward/deliveryLogEdges.test.ts',
      // Proxy mode: route target, states, hang-up, receivedAt, hold reply and log, listeners removed, > 1000 held.
      'test/unit/forward/proxyAnswers.test.ts',
      // What the forwarder does not do: forward a rejected event, take events or start attempts after a stop.
      'test/unit/forward/forwarderStop.test.ts',
      // What a re-signed request carries: fresh svix-id (Clerk, Resend), GitLab signing tokens, blank secrets, possibly-stale.
      'test/unit/forward/resignRequests.test.ts',
      // What the live forwarder reports: retry and failure log lines, the fields of each state change.
      'test/unit/forward/forwardReports.test.ts',
      // Resend's options: not an edit, the confirmation's text and name, attempt numbers, resendTimes' clock.
      'test/unit/forward/resendOptions.test.ts',
      // Routing rules: provider rules see the body, event types from every header and body key, path globs, "/".
      'test/unit/forward/routeRules.test.ts',
      'test/unit/forward/headerHygiene.test.ts',
      'test/unit/forward/hostGuard.test.ts',
      'test/unit/forward/pieces.test.ts',
      'test/unit/forward/refusal.test.ts',
      'test/unit/forward/forwarder.test.ts',
      'test/unit/forward/samples.test.ts',
      'test/unit/forward/deliveryLog.test.ts',
      'test/unit/forward/resend.test.ts',
      'test/unit/forward/transport.test.ts',
      'test/unit/forward/debugHold.test.ts',
      // Delivery ids of built samples (samples.ts).
      'test/unit/core/deliveryId.test.ts',
    ],
  },
  signatures: {
    mutate: ['src/core/signatures/**/*.ts'],
    // Fastest first. constantTime.test.ts reads the source
    // files, which Stryker instruments in its sandbox: it fails there, so it is left out.
    tests: [
      'test/unit/signatures/strictHelpers.test.ts',
      // Survivors of the tail run (issue #20): Twilio's URL variants, bodySHA256 and algorithm header.
      'test/unit/signatures/twilioUrls.test.ts',
      // Box headers (detection, secondary, version/algorithm spacing) and Zendesk's caller-set tolerance.
      'test/unit/signatures/timestampedEdges.test.ts',
      // Public keys: PEM and base64 forms, exactly 32 Ed25519 bytes, the match reason, stale and skew.
      'test/unit/signatures/publicKeyEdges.test.ts',
      // Linear detection, headers and non-JSON bodies; Twitch reasons and re-signing; GitLab re-signing.
      'test/unit/signatures/devtoolsEdges.test.ts',
      // GitHub/Meta: missing-header reason, legacy SHA-1 reason and hint, re-signing, detection.
      'test/unit/signatures/hubEdges.test.ts',
      // Catalogue: detection by each documented header, network-only reasons.
      'test/unit/signatures/catalogueEdges.test.ts',
      // Edges from the survivors of the second signatures run (issue #20): handshakes, the MAC engine and
      // generic HMAC, Twilio's bodySHA256 and SHA-256 setting, HubSpot's legacy v1, Shopify/Square/Paddle/GitLab
      // headers.
      'test/unit/signatures/handshakeEdges.test.ts',
      'test/unit/signatures/engineEdges.test.ts',
      'test/unit/signatures/twilioEdges.test.ts',
      'test/unit/signatures/hubspotEdges.test.ts',
      // HubSpot v3 (issue #20): each decoded URI encoding (SDK oracle), timestamp digits and trims, version header case.
      'test/unit/signatures/hubspotV3.test.ts',
      // Mailgun's body signature (JSON and form, numeric timestamps, partial objects, stale) and Svix/Clerk/Resend detection.
      'test/unit/signatures/mailgunEdges.test.ts',
      'test/unit/signatures/svixEdges.test.ts',
      // The shared header schemes: sha1=/v0=/t= prefixes anchored and trimmed, their malformed reasons.
      'test/unit/signatures/headerSchemes.test.ts',
      'test/unit/signatures/shopifyEdges.test.ts',
      'test/unit/signatures/commerceEdges.test.ts',
      'test/unit/signatures/gitlabEdges.test.ts',
      // The mismatch diagnoses and the branches the partial run of 2026-12-04 left without coverage.
      'test/unit/signatures/diagnosisHints.test.ts',
      'test/unit/signatures/uncoveredBranches.test.ts',
      'test/unit/signatures/diagnostics.test.ts',
      'test/unit/signatures/catalogue.test.ts',
      'test/unit/signatures/handshakes.test.ts',
      'test/unit/signatures/providers.test.ts',
      'test/unit/signatures/vectors.test.ts',
      // sdk.test.ts (the official SDKs' own signatures, ~10 s a run against < 1 s for each file above) is
      // left out: every surviving mutant would run it. Its verdicts are the same ones vectors.test.ts and
      // providers.test.ts check; a survivor can be tried against it by hand.
      // The Verifier over signatures/ (verdicts recorded on events).
      'test/unit/core/verification.test.ts',
    ],
  },
};
// hardening/floods (1,000 connections, slowloris) and hardening/crash (kill -9 of dist/cli.js, which
// is not the mutated source) are left out: minutes per mutant for little extra signal.

const scope = process.env.WI_MUTATE || 'all';
if (scope !== 'all' && !(scope in SCOPES)) {
  throw new Error(`WI_MUTATE=${scope}: use one of ${Object.keys(SCOPES).join(', ')} (or leave it unset for all).`);
}
const compiled = process.env.WI_MUTATE_TSX !== '1';
// WI_MUTATE_RUN=<name>: a second run of the same scope side by side (e.g. on other files, `--mutate`), with
// its own reports, incremental file and sandbox: reports/mutation/<scope>.<name>.*.
const run = process.env.WI_MUTATE_RUN ? `${scope}.${process.env.WI_MUTATE_RUN}` : scope;
const chosen = scope === 'all' ? [SCOPES.store, SCOPES.receiver, SCOPES.forward, SCOPES.signatures] : [SCOPES[scope]];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner', './scripts/stryker-live-reporter.mjs'],
  // Compiled (the default): scripts/stryker-build.mjs transpiles the sandbox's sources and tests to
  // CommonJS once, and each test file runs with plain node (about half the time of tsx per file here).
  // WI_MUTATE_TSX=1 runs the .ts files through tsx instead (slower; for a test that needs ESM).
  ...(compiled ? { buildCommand: 'node scripts/stryker-build.mjs' } : {}),
  tap: {
    testFiles: [...new Set(chosen.flatMap((s) => s.tests))].map((f) => (compiled ? f.replace(/\.ts$/, '.js') : f)),
    nodeArgs: compiled ? ['-r', '{{hookFile}}', '{{testFile}}'] : ['--import', 'tsx', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  mutate: chosen.flatMap((s) => s.mutate),
  coverageAnalysis: 'perTest',
  // Mutants in module-level code (constants) would run every test file each; they are skipped.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/mutation/${run}.incremental.json`,
  // The machine is shared: one test process at a time unless told otherwise (--concurrency 2).
  concurrency: 1,
  timeoutMS: 20000,
  dryRunTimeoutMinutes: 30,
  ignorePatterns: ['.stryker-tmp', 'dist', 'out', 'test-results', '.vscode-test', 'reports', '*.vsix', 'docs', 'media'],
  // live: each mutant's result as soon as it is known, in reports/mutation/<scope>.live.tsv.
  reporters: ['clear-text', 'progress-append-only', 'html', 'json', 'live'],
  htmlReporter: { fileName: `reports/mutation/${run}.html` },
  jsonReporter: { fileName: `reports/mutation/${run}.json` },
  // One temp folder per scope, so two scopes can run side by side.
  tempDirName: `.stryker-tmp/${run}`,
  cleanTempDir: true,
};
