#!/usr/bin/env node
// End-to-end UI test: the packaged extension in a real VS Code (code-server) driven by Chromium.
//   npm run test:e2e                      package, install, run every step
//   node test/e2e/run.mjs [--vsix file.vsix] [--until step-name] [--skip step,step] [--keep-open] [--keep-run] [--no-docs] [--tunnel none]
// --vsix: use this VSIX instead of packaging one; --until: stop after that step; --skip: leave out
// these steps (while working on a later one; a skipped step counts as not run); --keep-open: leave
// code-server running at the end (prints its URL; Ctrl-C stops it); --keep-run: keep the profile and
// logs folder (kept anyway when a step fails); --no-docs: don't write the
// README screenshots into docs/screenshots (they are still saved in test-results/e2e); --tunnel none:
// local only (tunnel.provider = none); by default deliveries go through a loopback localtunnel server.
// Each step is a named function in steps.mjs; after each one a screenshot is saved as
// test-results/e2e/NN-step.png. A failure names the step and dumps what was on screen.
// Uses the shared VS Code harness (../shared/vscode-harness beside the repository; install.sh).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Workbench, formatScreen } from './workbench.mjs';
import { exthostLog, steps } from './steps.mjs';
import { STRIPE_SECRET, startStripeHandler } from './webhooks.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const harness = await import(pathToFileURL(path.join(root, '..', 'shared', 'vscode-harness', 'lib.mjs')).href);
const args = harness.parseArgs(process.argv.slice(2));
const outDir = path.join(root, 'test-results', 'e2e');
const docsDir = args['no-docs'] ? path.join(outDir, 'docs') : path.join(root, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** --tunnel none: local only (webhookInspector.tunnel.provider = none); default: through the loopback localtunnel server. */
const tunnelMode = args.tunnel === 'none' ? 'none' : 'localtunnel';
const STEP_TIMEOUT = 90_000;
const t0 = Date.now();
class StepError extends Error {}
const log = (...a) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(outDir)) {
  if (/^\d\d-.*\.png$/.test(f)) {
    fs.rmSync(path.join(outDir, f));
  }
}

let server;
let browser;
let run;
let lt;
let handler;
let exitCode = 0;
const results = [];
try {
  // 1. The VSIX, as users get it (production build, vsce), built without touching dist/ here.
  let vsix = args.vsix ? path.resolve(args.vsix) : path.join(outDir, 'webhook-inspector.vsix');
  if (!args.vsix) {
    log('packaging the VSIX');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--stage', '--out', vsix], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(`packaging failed:\n${r.stdout}\n${r.stderr}`);
    }
  }

  // 2. A localtunnel-protocol server on loopback (test/support/ltServer.ts): the tunnel's "public" side.
  const { tsImport } = await import('tsx/esm/api');
  const { startLtServer } = await tsImport('../support/ltServer.ts', import.meta.url);
  lt = await startLtServer();
  log(`localtunnel server on ${lt.url}`);
  // The user's own webhook handler: checks the Stripe signature with the official SDK.
  handler = await startStripeHandler(STRIPE_SECRET);
  log(`local handler (Stripe SDK check) on ${handler.url}`);

  // 3. A throw-away VS Code profile and workspace; the VSIX installed the way a user installs one.
  run = harness.makeRunDir('wi-e2e');
  const settingsFile = path.join(run.userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  Object.assign(settings, {
    'workbench.colorTheme': 'Default Dark Modern',
    'webhookInspector.tunnel.host': lt.url,
    'webhookInspector.forward.target': handler.url,
    ...(tunnelMode === 'none' ? { 'webhookInspector.tunnel.provider': 'none' } : {}),
    'editor.minimap.enabled': false,
    'workbench.layoutControl.enabled': false,
    'breadcrumbs.enabled': false,
    'editor.fontSize': 13,
    'typescript.disableAutomaticTypeAcquisition': true,
    'workbench.editor.empty.hint': 'hidden',
  });
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  const workspace = path.join(run.dir, 'shop-backend');
  makeWorkspace(workspace);
  await harness.installVsix(run, vsix);

  // 4. code-server on 127.0.0.1 and headless Chromium on the workbench.
  server = await harness.startCodeServer(run, { folder: workspace });
  browser = await harness.launchBrowser(run);
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.setViewportSize(VIEWPORT);
  const wb = new Workbench(page, { timeout: STEP_TIMEOUT, log });
  const t = {
    root,
    page,
    wb,
    run,
    server,
    lt,
    handler,
    tunnelMode,
    tsImport: (spec) => tsImport(spec, pathToFileURL(path.join(root, 'test', 'e2e', 'steps.mjs')).href),
    workspace,
    outDir,
    docsDir,
    log,
    vsix,
    state: {},
    workbenchUrl: `${server.url}/?folder=${encodeURIComponent(workspace)}`,
  };

  // 5. The steps, in order; a screenshot after each.
  const until = args.until;
  const skip = new Set(harness.asList(args.skip).flatMap((x) => String(x).split(',')));
  for (const [i, step] of steps.entries()) {
    const nn = String(i + 1).padStart(2, '0');
    if (skip.has(step.name)) {
      log(`step ${nn} ${step.name}: not run (--skip)`);
      continue;
    }
    const started = Date.now();
    log(`step ${nn} ${step.name}: ${step.title}`);
    try {
      await step.run(t);
    } catch (e) {
      const shot = path.join(outDir, `${nn}-${step.name}-FAILED.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      const screen = await wb.screenText();
      // The extension host's own word on it: activation failures and errors from the logs.
      screen.extensionHostLog = exthostLog(t)
        .split('\n')
        .filter((l) => /Activating extension .* failed|\[error\]/.test(l))
        .slice(-15);
      results.push({ nn, name: step.name, ms: Date.now() - started, ok: false });
      throw new StepError(
        `step ${nn} "${step.name}" (${step.title}) failed: ${e instanceof Error ? e.message : e}\nOn screen:\n${formatScreen(screen)}\nScreenshot: ${path.relative(root, shot)}`,
      );
    }
    await wb.parkMouse();
    await page.screenshot({ path: path.join(outDir, `${nn}-${step.name}.png`) });
    results.push({ nn, name: step.name, ms: Date.now() - started, ok: true });
    if (until && step.name === until) {
      break;
    }
  }
  log(`all ${results.length} steps passed`);
  if (args['keep-open']) {
    log(`workbench left running: ${t.workbenchUrl}  (Ctrl-C to stop)`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} catch (e) {
  exitCode = e instanceof StepError ? 1 : 2;
  console.error(`\n[e2e] FAILED: ${e instanceof Error ? e.message : e}`);
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  await lt?.close().catch(() => {});
  await handler?.close().catch(() => {});
  if (run && exitCode === 0 && !args['keep-run']) {
    fs.rmSync(run.dir, { recursive: true, force: true }); // profile, logs, Chromium cache: tens of MB a run
  } else if (run) {
    console.log(`VS Code profile and logs kept in ${run.dir}`);
  }
  if (results.length) {
    console.log('\nstep                          time    result');
    for (const r of results) {
      console.log(`${`${r.nn} ${r.name}`.padEnd(30)}${`${(r.ms / 1000).toFixed(1)}s`.padStart(6)}    ${r.ok ? 'ok' : 'FAILED'}`);
    }
  }
  console.log(
    `E2E: ${results.filter((r) => r.ok).length} steps passed, ${results.filter((r) => !r.ok).length || (exitCode ? 1 : 0)} failed (${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${path.relative(root, outDir)})`,
  );
}
process.exit(exitCode);

/** A small project folder, so the workbench looks like a real one in the screenshots. */
function makeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'shop-backend', private: true, type: 'module', scripts: { start: 'node server.js' }, dependencies: { express: '^5.1.0', stripe: '^18.0.0' } }, null, 2)}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'server.js'),
    `import express from 'express';
import Stripe from 'stripe';

const app = express();
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
const secret = process.env.STRIPE_WEBHOOK_SECRET;
const raw = express.raw({ type: 'application/json' });

// Stripe signs the raw body: keep it as bytes for constructEvent().
app.post('/webhooks/stripe', raw, (req, res) => {
  const signature = req.get('stripe-signature');
  const event = stripe.webhooks.constructEvent(req.body, signature, secret);
  if (event.type === 'payment_intent.succeeded') {
    console.log('paid', event.data.object.id);
  }
  res.sendStatus(200);
});

app.post('/webhooks/github', express.json(), (req, res) => {
  console.log(req.get('x-github-event'), req.body.repository?.full_name);
  res.sendStatus(204);
});

app.listen(3000, () => console.log('handler on http://localhost:3000'));
`,
  );
}
