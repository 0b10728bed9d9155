/* global document */
// The first five minutes, in the real UI (issue #18): every state of the Events view explains itself
// (welcome content, or the view's message once events are listed), and the getting-started
// walkthrough on the Welcome page leads from Start to a resent event, each step ticked by the real
// action done through the step's own button. Screenshots: test-results/e2e/<name>.png; the README's
// (walkthrough, welcome states) go to t.docsDir.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { poll, urlFromStatusItem } from './workbench.mjs';
import { EXTENSION_ID } from './logs.mjs';
import { STRIPE_SECRET } from './webhooks.mjs';

const CONTAINER = 'Webhook Inspector';
const WALKTHROUGH = 'Get Started with Webhook Inspector';
const STEP_IDS = ['start', 'copyUrl', 'setSecret', 'sendSample', 'resend'];
/** The first heading of each step's media (media/walkthrough/<id>.md). */
const MEDIA_HEADINGS = {
  start: 'Start the receiver',
  copyUrl: 'Copy the URL into your provider',
  setSecret: 'Set the signing secret',
  sendSample: 'Send a sample event',
  resend: 'Resend an event to your handler',
};

/** The welcome content of the Events view as shown: its text and its buttons' labels. */
async function welcome(t) {
  return t.page.evaluate(() => {
    const box = [...document.querySelectorAll('.part.sidebar .welcome-view-content')].find((e) => e.getClientRects().length > 0);
    return box
      ? {
          text: box.innerText.replace(/\s+/g, ' ').trim(),
          buttons: [...box.querySelectorAll('.monaco-button')].map((b) => b.innerText.trim()),
        }
      : undefined;
  });
}

/** Waits until the view's welcome content shows every one of `texts` and offers every one of `buttons`. */
async function waitForWelcome(t, texts, buttons = []) {
  return poll(
    async () => {
      const w = await welcome(t);
      return w && texts.every((x) => w.text.includes(x)) && buttons.every((b) => w.buttons.includes(b)) && w;
    },
    { timeout: 60_000, what: `the Events view's welcome content with ${JSON.stringify(texts)} and buttons ${JSON.stringify(buttons)}` },
  );
}

async function clickWelcomeButton(t, label) {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  await t.page.locator('.part.sidebar .welcome-view-content .monaco-button').filter({ hasText: exact }).first().click();
  await t.wb.parkMouse();
}

/**
 * A screenshot of the window (test-results/e2e), and with `docs` one of the side bar alone for the README
 * (the view's states side by side there).
 */
async function shot(t, name, { docs = false } = {}) {
  await t.wb.parkMouse();
  fs.mkdirSync(t.outDir, { recursive: true });
  await t.page.screenshot({ path: path.join(t.outDir, `${name}.png`) });
  if (docs) {
    fs.mkdirSync(t.docsDir, { recursive: true });
    const file = path.join(t.docsDir, `${name}.png`);
    const box = await t.page.locator('.part.sidebar').boundingBox();
    await t.page.screenshot({ path: file, clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 480) } });
    t.log(`README screenshot: ${path.relative(t.root, file)}`);
  }
}

/** The walkthrough's step buttons on the Welcome page (data-step-id is "<extension>#<walkthrough>#<step>"). */
const stepButton = (t, id) => t.page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first();

/** Which steps the Welcome page shows ticked (aria-checked, the pass-filled check). */
async function ticked(t) {
  const out = {};
  for (const id of STEP_IDS) {
    out[id] =
      (await stepButton(t, id)
        .getAttribute('aria-checked', { timeout: 5000 })
        .catch(() => null)) === 'true';
  }
  return out;
}

/**
 * Brings the walkthrough to the front through "Welcome: Open Walkthrough...", as a user does. (Its tab
 * alone is not enough: after a step's command ran, VS Code re-renders the steps and focuses the
 * selected one, and in this browser that can leave the page slid sideways with the steps disabled;
 * opening the walkthrough again lays it out afresh. Logged when seen.)
 */
async function showWalkthrough(t) {
  const start = stepButton(t, 'start');
  const editor = await t.page.locator('.part.editor').boundingBox();
  const box = await start.boundingBox().catch(() => null);
  const usable =
    box && editor && box.x >= editor.x && box.x + box.width <= editor.x + editor.width && (await start.isEnabled().catch(() => false));
  if (usable) {
    return;
  }
  if (box) {
    t.log(
      `the Welcome page is slid aside (first step at x ${Math.round(box.x)}, editor from ${Math.round(editor?.x ?? 0)}): opening the walkthrough again`,
    );
  }
  await t.wb.pickFromCommand('Welcome: Open Walkthrough...', WALKTHROUGH);
  await poll(
    async () => {
      const b = await start.boundingBox().catch(() => null);
      return b && editor && b.x >= editor.x && (await start.isEnabled().catch(() => false));
    },
    { timeout: 30_000, what: 'the walkthrough on the Welcome page, laid out' },
  );
}

/** Expands step `id` on the Welcome page and clicks the button in its description. */
async function runStep(t, id, label) {
  await showWalkthrough(t);
  const step = stepButton(t, id);
  await poll(
    async () => {
      if ((await step.getAttribute('aria-expanded')) !== 'true') {
        await step.click();
      }
      return (await step.getAttribute('aria-expanded')) === 'true';
    },
    { timeout: 15_000, what: `the walkthrough step ${id} expands` },
  );
  // The step's media (its markdown, in a webview) loads as the step expands and takes focus when it does:
  // a quick pick opened before that would close at once. A user reads it first; so does the test.
  await t.wb.waitForWebviewTexts([MEDIA_HEADINGS[id]], { timeout: 30_000 });
  await t.page.waitForTimeout(500);
  const button = step.locator('.button-container .monaco-button').filter({ hasText: label }).first();
  await button.waitFor({ state: 'visible', timeout: 15_000 });
  await button.click();
  t.log(`walkthrough: clicked "${label}" in step ${id}`);
}

/** In the quick pick a command just opened: types `label` and picks the row labelled exactly that. */
async function pickInQuickPick(t, label) {
  const input = t.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(label);
  await t.wb.quickPickRow(label).waitFor({ state: 'visible', timeout: 30_000 });
  await t.wb.acceptQuickPickRow(label);
}

async function waitTicked(t, id) {
  await showWalkthrough(t);
  await poll(async () => (await ticked(t))[id], { timeout: 30_000, what: `the walkthrough step ${id} is ticked on the Welcome page` });
}

/** The status bar's receiver item once the tunnel is online: the URL it shows. */
async function onlineUrl(t) {
  const item = await poll(async () => (await t.wb.statusBarItems()).find((i) => i.icons.includes('broadcast') && i.text), {
    timeout: 60_000,
    what: 'a status bar item with the broadcast icon and a URL',
  });
  return urlFromStatusItem(item);
}

export const welcomeStoppedAndWalkthrough = [
  {
    name: 'welcome-stopped',
    title: 'the Events view before anything runs: the "stopped" welcome with Start Webhook Receiver',
    async run(t) {
      await t.wb.openViewContainer(CONTAINER);
      const w = await waitForWelcome(t, ['No webhook receiver is running'], ['Start Webhook Receiver']);
      t.log(`welcome (stopped): ${JSON.stringify(w)}`);
      await shot(t, 'welcome-stopped');
    },
  },
  {
    name: 'walkthrough-open',
    title: '"Welcome: Open Walkthrough..." lists "Get Started with Webhook Inspector": five steps on the Welcome page, none ticked',
    async run(t) {
      await t.wb.pickFromCommand('Welcome: Open Walkthrough...', WALKTHROUGH);
      await stepButton(t, 'start').waitFor({ state: 'visible', timeout: 30_000 });
      const titles = await t.page.locator('button.getting-started-step .step-title').allInnerTexts();
      t.log(`walkthrough steps: ${JSON.stringify(titles)}`);
      assert.deepEqual(
        titles.map((x) => x.trim()),
        [
          'Start the receiver',
          'Copy the URL into your provider',
          'Set the signing secret',
          'Send a sample event',
          'Resend an event to your handler',
        ],
      );
      assert.deepEqual(Object.values(await ticked(t)), [false, false, false, false, false], 'no step is done yet');
    },
  },
  {
    name: 'walkthrough-start-tunnel-failed',
    title:
      'step 1 "Start Webhook Receiver" while the tunnel server refuses: the step is ticked; the view says the public URL is down and offers Retry, Use Local Only, Use My Own URL…, Use cloudflared, Show Log',
    async run(t) {
      t.lt.refuseNewTunnels = true; // the loopback localtunnel server answers handshakes with 503
      await runStep(t, 'start', 'Start Webhook Receiver');
      await waitTicked(t, 'start');
      const w = await waitForWelcome(
        t,
        ['the public URL is down'],
        ['Retry', 'Use Local Only', 'Use My Own URL…', 'Use cloudflared', 'Show Log'],
      );
      t.log(`welcome (tunnel failed): ${JSON.stringify(w)}`);
      await shot(t, 'welcome-tunnel-failed', { docs: true });
      // Show Log opens the extension's log, which says why.
      await clickWelcomeButton(t, 'Show Log');
      await poll(async () => /refuses new tunnels|503|[Tt]unnel/.test((await t.wb.screenText()).panel?.join('\n') ?? ''), {
        timeout: 30_000,
        what: "the log in the panel names the tunnel server's refusal",
      });
      await t.wb.runCommand('View: Toggle Panel Visibility');
    },
  },
  {
    name: 'welcome-retry-opening',
    title: 'the tunnel server accepts again but holds the handshake; "Retry" in the view: the status bar says the tunnel is opening',
    async run(t) {
      t.lt.refuseNewTunnels = false;
      t.lt.hang = true; // handshakes are accepted and never answered: the tunnel stays "opening" until its open timeout
      await t.wb.openViewContainer(CONTAINER);
      await clickWelcomeButton(t, 'Retry');
      const item = await poll(async () => (await t.wb.statusBarItems()).find((i) => /opening tunnel/.test(i.text)), {
        timeout: 30_000,
        what: 'the status bar "Webhooks: opening tunnel…"',
      });
      t.log(`status bar: ${item.text}`);
    },
  },
  {
    name: 'walkthrough-copy-url',
    title:
      'step 2 "Copy Receiver URL" while the tunnel is still opening: it waits for the public URL instead of copying the local one; once online, the copied URL is the one the status bar shows; the step is ticked; the view shows the "running, no events" welcome',
    async run(t) {
      await runStep(t, 'copyUrl', 'Copy Receiver URL');
      // The local 127.0.0.1 URL would be copied here before: no provider can reach it, and its port is not the status bar's.
      await t.page
        .locator('.notification-toast', { hasText: 'waiting for the public URL' })
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 });
      const early = (await t.wb.statusBarItems()).find((i) => /Copied /.test(i.text));
      assert.equal(early, undefined, `nothing is copied while the tunnel opens (${early?.text})`);
      t.lt.hang = false; // the next handshake is answered: after the open timeout the tunnel retries and comes online
      const copied = await poll(async () => (await t.wb.statusBarItems()).find((i) => /Copied /.test(i.text)), {
        timeout: 60_000,
        what: 'the "Copied …" status bar message once the tunnel is online',
      });
      const url = /Copied (\S+)/.exec(copied.text)[1];
      const shown = await onlineUrl(t);
      t.log(`status bar: ${shown}; copied: ${url}`);
      assert.ok(url.startsWith(`${t.lt.url}/t/`), `the public URL was copied, not the local one: ${url}`);
      assert.equal(url.replace(/\/$/, ''), shown.replace(/\/$/, ''), 'the copied URL is the one the status bar shows (host and port)');
      await waitTicked(t, 'copyUrl');
      await t.wb.openViewContainer(CONTAINER);
      const w = await waitForWelcome(t, ['The receiver is listening'], ['Copy Receiver URL']);
      t.log(`welcome (running, no events): ${JSON.stringify(w)}`);
      await shot(t, 'welcome-running-empty');
    },
  },
  {
    name: 'walkthrough-set-secret',
    title: 'step 3 "Set Signing Secret": Stripe and its secret in the quick pick and input box; the step is ticked',
    async run(t) {
      await runStep(t, 'setSecret', 'Set Signing Secret');
      await pickInQuickPick(t, 'Stripe');
      await t.wb.answerInputBox('Signing secret for Stripe', STRIPE_SECRET);
      await t.wb.answerInputBox('Only for one path?', '');
      await waitTicked(t, 'setSecret');
    },
  },
  {
    name: 'walkthrough-send-sample',
    title:
      'step 4 "Send Sample Event to Receiver": payment_intent.succeeded arrives in the Events view, signature verified; the step is ticked',
    async run(t) {
      await runStep(t, 'sendSample', 'Send Sample Event to Receiver');
      await pickInQuickPick(t, 'payment_intent.succeeded');
      await t.wb.openViewContainer(CONTAINER);
      const row = await poll(
        async () =>
          (await t.wb.sidebarRows()).find((r) => r.text.includes('payment_intent.succeeded') && /signature verified/.test(r.label)),
        { timeout: 60_000, what: 'the sample row, "signature verified"' },
      );
      t.log(`sample row: ${JSON.stringify(row)}`);
      await waitTicked(t, 'sendSample');
    },
  },
  {
    name: 'walkthrough-resend',
    title:
      'step 5 "Resend to Local Handler" with nothing selected: it asks which event; the sample goes to the handler (Stripe SDK accepts it); all five steps are ticked',
    async run(t) {
      const before = t.handler.accepted.length;
      await runStep(t, 'resend', 'Resend to Local Handler');
      // Nothing is selected in the Events view: the command asks which of the newest events.
      await pickInQuickPick(t, 'payment_intent.succeeded');
      await poll(async () => t.handler.accepted.length > before, {
        timeout: 30_000,
        what: `the handler to accept the resent sample (rejected: ${JSON.stringify(t.handler.rejected)})`,
      });
      assert.equal(t.handler.accepted.at(-1).type, 'payment_intent.succeeded');
      await waitTicked(t, 'resend');
      assert.deepEqual(await ticked(t), Object.fromEntries(STEP_IDS.map((id) => [id, true])), 'every step is ticked');
      await t.wb.runCommand('Notifications: Clear All Notifications');
      // Wide enough for the Welcome page to show the step's media beside the steps.
      const viewport = t.page.viewportSize();
      await t.page.setViewportSize({ width: 1600, height: 900 });
      try {
        await t.wb.openViewContainer(CONTAINER);
        await t.wb.pickFromCommand('Welcome: Open Walkthrough...', WALKTHROUGH);
        await stepButton(t, 'resend').click();
        await t.page.waitForTimeout(1000); // the step's media fades in
        await t.wb.parkMouse();
        fs.mkdirSync(t.docsDir, { recursive: true });
        const file = path.join(t.docsDir, 'walkthrough.png');
        await t.page.screenshot({ path: file });
        t.log(`README screenshot: ${path.relative(t.root, file)}`);
      } finally {
        await t.page.setViewportSize(viewport);
      }
    },
  },
  {
    name: 'welcome-read-only',
    title:
      "a store folder held by `webhook-inspector listen` (as by another window), set as this workspace's storePath: the Events view says it is read-only and why; the setting removed, the window's own store is back",
    async run(t) {
      // Back to a clean slate for the flow after this: no secret, no events, receiver stopped.
      await t.wb.runCommand('View: Close All Editors');
      await t.wb.pickFromCommand('Webhook Inspector: Remove Signing Secret…', 'Stripe');
      await t.wb.runCommand('Webhook Inspector: Clear Events');
      const dialog = t.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      await dialog.getByRole('button', { name: 'Delete All' }).click();
      await t.wb.runCommand('Webhook Inspector: Stop Webhook Receiver');
      await waitForWelcome(t, ['No webhook receiver is running']);

      // Another holder of a store's lock: `webhook-inspector listen` (the installed extension's own CLI) on a
      // folder, then this workspace's webhookInspector.storePath set to that folder in .vscode/settings.json.
      // (A second browser window on the same folder gets a workspace storage of its own here, and a stopped
      // window still holds its own store, so the CLI takes a folder of its own.)
      const store = path.join(t.run.dir, 'shared-store');
      const extDir = fs.readdirSync(t.run.extensionsDir).find((d) => d.startsWith(`${EXTENSION_ID}-`));
      const cli = path.join(t.run.extensionsDir, extDir, 'dist', 'cli.js');
      const child = spawn(process.execPath, [cli, 'listen', '--store', store, '--port', '0', '--tunnel', 'none'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const settingsFile = path.join(t.workspace, '.vscode', 'settings.json');
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      try {
        await poll(() => /127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, { timeout: 30_000, what: 'the CLI listening' });
        assert.equal(child.exitCode, null, `the CLI runs: ${out}`);
        t.log(`webhook-inspector listen holds ${store}`);
        fs.writeFileSync(settingsFile, `${JSON.stringify({ 'webhookInspector.storePath': store }, null, 2)}\n`);
        const w = await waitForWelcome(t, ['Read-only', 'holds its lock'], ['Open Store Setting', 'Show Log']);
        t.log(`welcome (read-only): ${JSON.stringify(w)}`);
        await shot(t, 'welcome-read-only', { docs: true });
      } finally {
        fs.writeFileSync(settingsFile, '{}\n');
        child.kill('SIGINT');
        await poll(() => child.exitCode !== null || child.signalCode !== null, { timeout: 30_000, what: 'the CLI stops' }).catch(() =>
          child.kill('SIGKILL'),
        );
      }
      // The setting gone, the window's own store again (writable: the stopped welcome, not the read-only one).
      await waitForWelcome(t, ['No webhook receiver is running'], ['Start Webhook Receiver']);
    },
  },
];

/** After signed deliveries arrive with no secret set: the view's message and the key button in its title. */
export const missingSecretStep = {
  name: 'view-missing-secret',
  title:
    'signed deliveries and no secret: the view says the provider is sending without a signing secret; its title offers Set Signing Secret',
  async run(t) {
    const message = await poll(
      async () => {
        const text = await t.page
          .locator('.part.sidebar')
          .innerText()
          .catch(() => '');
        return /(\w+) is sending, but no signing secret is set/.exec(text)?.[0];
      },
      { timeout: 30_000, what: 'the view message "<provider> is sending, but no signing secret is set"' },
    );
    t.log(`view message: ${message}`);
    const key = t.page.locator('.part.sidebar .actions-container a.action-label[aria-label^="Set Signing Secret"]').first();
    await key.waitFor({ state: 'visible', timeout: 15_000 });
    await shot(t, 'view-missing-secret');
  },
};

/**
 * A filter that matches nothing: the welcome content says so and Clear Filter brings the rows back.
 * (VS Code shows no welcome content while a tree view has a message, so the view sets none in this state.)
 */
export const filterEmptyStep = {
  name: 'welcome-filter-empty',
  title: 'a filter that matches nothing: the view says so and offers Clear Filter; clicking it brings the rows back',
  async run(t) {
    await t.wb.openViewContainer(CONTAINER);
    await t.wb.runCommand('Webhook Inspector: Filter Events…');
    await t.wb.answerInputBox('Filter Events', 'nothing-matches-this-zq');
    const w = await waitForWelcome(t, ['No event matches the filter'], ['Clear Filter', 'Change Filter…']);
    t.log(`welcome (filter matches nothing): ${JSON.stringify(w)}`);
    await shot(t, 'welcome-filter-empty', { docs: true });
    await clickWelcomeButton(t, 'Clear Filter');
    await t.wb.waitForRows(t.state.sent.map((s) => ({ name: s.name, anyOf: s.rowTexts })));
  },
};
