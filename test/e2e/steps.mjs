// The e2e steps, in order. Each is { name, title, run(t) }: `name` names the screenshot
// (test-results/e2e/NN-name.png) and the failure; `run` throws when what is on screen is wrong.
// `t` holds: page (Playwright), wb (Workbench helpers), run (harness run dirs: userDataDir, …),
// workspace, outDir, docsDir, log, state (shared between steps: receiverUrl, …).
// To add a step, add an entry where it belongs in the user's flow.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { poll } from './workbench.mjs';
import { GITHUB_SECRET, STRIPE_SECRET, deliver, githubPush, githubSignedRelease, moreSamples, stripePaymentSucceeded, stripeSignedCheckout } from './webhooks.mjs';

export const EXTENSION_ID = 'webhook-inspector.webhook-inspector';
const CONTAINER = 'Webhook Inspector';

export const steps = [
  {
    name: 'open-workbench',
    title: 'open the workbench on a workspace folder; the extension is installed',
    async run(t) {
      await t.page.goto(t.workbenchUrl);
      await t.wb.waitReady();
      // The activity bar entry comes from the installed extension's contributions.
      await t.wb.activityBarItem(CONTAINER).waitFor({ state: 'visible', timeout: 90_000 });
    },
  },
  {
    name: 'start-receiver',
    title: 'run "Webhook Inspector: Start Webhook Receiver" from the command palette',
    async run(t) {
      await t.wb.runCommand('Webhook Inspector: Start Webhook Receiver', { timeout: 120_000 });
    },
  },
  {
    name: 'status-bar-url',
    title: 'the tunnel comes online: read the public URL from the status bar item (broadcast icon)',
    async run(t) {
      const item = await poll(async () => (await t.wb.statusBarItems()).find((i) => i.icons.includes('broadcast') && i.text), {
        timeout: 60_000,
        what: 'a status bar item with the broadcast icon and a URL',
      });
      t.state.receiverUrl = urlFromStatusItem(item);
      t.log(`status bar: "${item.text}" -> ${t.state.receiverUrl}`);
      assert.ok(item.label.includes(t.state.receiverUrl.replace(/\/$/, '')), `the item's accessible label names the URL: ${item.label}`);
      if (t.tunnelMode === 'none') {
        assert.match(t.state.receiverUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'local only: the receiver on 127.0.0.1');
      } else {
        // The test's loopback localtunnel server hands out http://127.0.0.1:<its port>/t/<id>.
        assert.ok(t.state.receiverUrl.startsWith(`${t.lt.url}/t/`), `the status bar shows the tunnel's public URL (${t.lt.url}/t/…), not the local port: ${item.text}`);
        assert.match(item.label, /Tunnel online/, 'the accessible label says the tunnel is online');
      }
      // Copy the URL as a user would; the status bar confirms what was copied.
      await t.wb.runCommand('Webhook Inspector: Copy Receiver URL');
      const copied = await poll(async () => (await t.wb.statusBarItems()).find((i) => /Copied /.test(i.text)), { timeout: 15_000, what: 'the "Copied …" status bar message' });
      assert.ok(copied.text.includes(t.state.receiverUrl.replace(/\/$/, '')), `the copied URL is the one shown: ${copied.text}`);
      t.log(`copy: "${copied.text}"`);
    },
  },
  {
    name: 'extension-activated',
    title: 'the extension host log shows the extension activated, without errors',
    async run(t) {
      await poll(() => exthostLog(t).includes(`ExtensionService#_doActivateExtension ${EXTENSION_ID}`), {
        timeout: 30_000,
        what: `"ExtensionService#_doActivateExtension ${EXTENSION_ID}" in the extension host log`,
      });
      assertNoActivationErrors(t);
    },
  },
  {
    name: 'post-events',
    title: 'POST a Stripe and a GitHub delivery to the receiver URL',
    async run(t) {
      t.state.sent = [];
      for (const sample of [stripePaymentSucceeded(), githubPush()]) {
        const res = await deliver(t.state.receiverUrl, sample);
        assert.ok(res.status >= 200 && res.status < 300, `${sample.path} answered ${res.status}: ${res.text}`);
        t.log(`POST ${sample.path} -> ${res.status} ${res.text.slice(0, 80)}`);
        t.state.sent.push(sample);
      }
    },
  },
  {
    name: 'events-in-tree',
    title: 'click the "Webhook Inspector" activity bar item; both events are in the Events tree',
    async run(t) {
      await t.wb.openViewContainer(CONTAINER);
      const rows = await t.wb.waitForRows(t.state.sent.map((s) => ({ name: s.name, anyOf: s.rowTexts })));
      t.log(`rows: ${rows.map((r) => JSON.stringify(r.text)).join(', ')}`);
    },
  },
  {
    name: 'tunnel-idle-keeps-url',
    title: 'after 40 s without deliveries the status bar shows the same public URL, and a delivery to it arrives',
    async run(t) {
      // Providers keep the URL they were given: an idle tunnel must neither fail deliveries nor change
      // its URL. 40 s is longer than the receiver's idle-connection timeouts and one self-test period.
      await t.page.waitForTimeout(40_000);
      const item = (await t.wb.statusBarItems()).find((i) => i.icons.includes('broadcast') && i.text);
      assert.ok(item, 'the status bar still shows the URL (broadcast icon)');
      const url = urlFromStatusItem(item);
      assert.equal(url, t.state.receiverUrl, `the URL in the status bar changed while idle (now: "${item.text}", ${item.label})`);
      const sample = { ...stripePaymentSucceeded(), name: 'after-idle', body: JSON.stringify({ id: 'evt_after_idle', object: 'event', type: 'charge.refunded' }), rowTexts: ['charge.refunded'] };
      const res = await deliver(t.state.receiverUrl, sample);
      assert.ok(res.status >= 200 && res.status < 300, `a delivery after the idle period answered ${res.status}: ${res.text.slice(0, 200)}`);
      await t.wb.waitForRows([{ name: sample.name, anyOf: sample.rowTexts }]);
    },
  },
  {
    name: 'post-signed-events',
    title: 'POST a Stripe-signed and a GitHub-signed delivery; no secret yet, so they are not verified',
    async run(t) {
      t.state.signed = [stripeSignedCheckout(), githubSignedRelease()];
      for (const sample of t.state.signed) {
        const res = await deliver(t.state.receiverUrl, sample);
        assert.ok(res.status >= 200 && res.status < 300, `${sample.path} answered ${res.status}: ${res.text}`);
      }
      const rows = await t.wb.waitForRows(t.state.signed.map((s) => ({ name: s.name, anyOf: s.rowTexts })));
      for (const row of rows) {
        assert.ok(!/signature verified/.test(row.label), `without a secret the row is not verified: ${row.label}`);
      }
    },
  },
  {
    name: 'set-signing-secrets',
    title: 'run "Set Signing Secret…" for Stripe and GitHub (quick pick + input box); the signed rows turn verified',
    async run(t) {
      for (const [provider, secret, sample] of [
        ['Stripe', STRIPE_SECRET, t.state.signed[0]],
        ['GitHub', GITHUB_SECRET, t.state.signed[1]],
      ]) {
        await t.wb.pickFromCommand('Webhook Inspector: Set Signing Secret…', provider);
        await t.wb.answerInputBox(`Signing secret for ${provider}`, secret);
        await t.wb.answerInputBox('Only for one path?', '');
        const [row] = await t.wb.waitForRows([{ name: `${sample.name} verified`, anyOf: sample.rowTexts }]);
        await poll(
          async () => {
            const rows = await t.wb.sidebarRows();
            return rows.find((r) => sample.rowTexts.some((x) => r.text.includes(x)) && /signature verified/.test(r.label));
          },
          { timeout: 60_000, what: `the ${sample.name} row reads "signature verified" (was: ${row.label})` },
        );
        t.log(`${provider} secret set; ${sample.rowTexts[0]} is verified`);
      }
    },
  },
  {
    name: 'detail-panel',
    title: 'click the Stripe-signed row: the detail panel (webview) shows its event type and "signature valid"',
    async run(t) {
      const sample = t.state.signed[0];
      await t.wb.clickRow(sample.rowTexts[0]);
      const text = await t.wb.waitForWebviewTexts([sample.rowTexts[0], 'signature valid']);
      t.log(`detail panel: ${JSON.stringify(text.slice(0, 160))}`);
      await t.page.screenshot({ path: `${t.outDir}/detail-panel.png` });
      await t.wb.runCommand('View: Close All Editors');
    },
  },
  {
    name: 'resend-to-handler',
    title: 'right-click the Stripe-signed row, "Resend to Local Handler": the handler checks the signature with the Stripe SDK; the 2xx shows in the UI',
    async run(t) {
      const sample = t.state.signed[0];
      const before = t.handler.accepted.length;
      const row = t.page.getByRole('treeitem').filter({ hasText: sample.rowTexts[0] }).first();
      await row.click({ button: 'right' });
      const item = t.page.locator('.monaco-menu .action-menu-item').filter({ hasText: 'Resend to Local Handler' }).first();
      await item.waitFor({ state: 'visible', timeout: 15_000 });
      // Menus fade in: a click that lands during the animation is dropped. Click until the menu closes,
      // then fall back to the keyboard (the item is the menu's first, highlighted entry).
      for (let attempt = 0; attempt < 3 && (await item.isVisible().catch(() => false)); attempt++) {
        await t.page.waitForTimeout(300);
        await item.click().catch(() => undefined);
        await t.page.waitForTimeout(700);
      }
      if (await item.isVisible().catch(() => false)) {
        await item.hover().catch(() => undefined);
        await t.page.keyboard.press('Enter');
      }
      await poll(async () => t.handler.accepted.length > before, {
        timeout: 30_000,
        what: `the handler to accept the resent event (rejected: ${JSON.stringify(t.handler.rejected)})`,
      });
      assert.equal(t.handler.accepted.at(-1).type, sample.rowTexts[0], 'the SDK accepted the re-signed event');
      const toast = await poll(
        async () => {
          const texts = await t.page.locator('.notification-toast').allInnerTexts().catch(() => []);
          return texts.find((x) => /Handler answered 200/.test(x));
        },
        { timeout: 30_000, what: 'a notification "Handler answered 200"' },
      );
      t.log(`notification: ${JSON.stringify(toast.slice(0, 120))}`);
      await poll(
        async () => (await t.wb.sidebarRows()).find((r) => r.text.includes(sample.rowTexts[0]) && /→ 200/.test(r.text)),
        { timeout: 30_000, what: 'the row shows the delivery "→ 200"' },
      );
      await t.wb.runCommand('Notifications: Clear All Notifications');
    },
  },
  {
    name: 'readme-screenshots',
    title: 'README screenshots of the Events view, the status bar and the detail panel, dark and light',
    async run(t) {
      const extra = moreSamples();
      for (const sample of extra) {
        const res = await deliver(t.state.receiverUrl, sample);
        assert.ok(res.status >= 200 && res.status < 300, `${sample.path} answered ${res.status}`);
      }
      await t.wb.runCommand('Notifications: Clear All Notifications');
      await t.wb.quickOpen('webhooks.js');
      await t.page.keyboard.press('Control+End'); // cursor on the last, empty line: no word highlight
      await t.wb.openViewContainer(CONTAINER);
      await t.wb.setSidebarWidth(500);
      await t.wb.waitForRows([...t.state.sent, ...t.state.signed, ...extra].map((s) => ({ name: s.name, anyOf: s.rowTexts })));
      fs.mkdirSync(t.docsDir, { recursive: true });
      // The theme picker's labels; the settings values are "Default Dark Modern" / "Default Light Modern".
      for (const [kind, theme] of [['dark', 'Dark Modern'], ['light', 'Light Modern']]) {
        if ((await t.wb.themeKind()) !== kind) {
          await t.wb.pickFromCommand('Preferences: Color Theme', theme);
          await poll(async () => (await t.wb.themeKind()) === kind, { timeout: 20_000, what: `the ${kind} theme is applied` });
        }
        await t.wb.escape();
        await t.wb.parkMouse();
        await t.wb.settleStatusBar(); // language server progress ("Analyzing…") would clutter the picture
        await t.page.waitForTimeout(500); // let the theme change repaint before the picture
        const file = path.join(t.docsDir, `events-${kind}.png`);
        await t.page.screenshot({ path: file });
        t.log(`README screenshot: ${path.relative(t.root, file)}`);
        // The detail panel of the Stripe-signed event, in the same theme.
        await t.wb.clickRow(t.state.signed[0].rowTexts[0]);
        await t.wb.waitForWebviewTexts([t.state.signed[0].rowTexts[0], 'signature valid']);
        await t.wb.parkMouse();
        await t.page.waitForTimeout(500);
        const detail = path.join(t.docsDir, `detail-${kind}.png`);
        await t.page.screenshot({ path: detail });
        t.log(`README screenshot: ${path.relative(t.root, detail)}`);
        await t.wb.runCommand('View: Close All Editors');
        await t.wb.quickOpen('webhooks.js');
        await t.page.keyboard.press('Control+End');
      }
      await t.wb.pickFromCommand('Preferences: Color Theme', 'Dark Modern');
    },
  },
  {
    name: 'reload-window',
    title: 'run "Developer: Reload Window" from the command palette',
    async run(t) {
      await t.wb.reloadWindow();
    },
  },
  {
    name: 'events-after-reload',
    title: 'after the reload, the Events view still lists both events',
    async run(t) {
      await t.wb.openViewContainer(CONTAINER);
      await t.wb.waitForRows(t.state.sent.map((s) => ({ name: s.name, anyOf: s.rowTexts })), { timeout: 90_000 });
    },
  },
  {
    name: 'verified-after-reload',
    title: 'after the reload, the signed events still read "signature verified" (verdicts and secrets kept)',
    async run(t) {
      await poll(
        async () => {
          const rows = await t.wb.sidebarRows();
          return t.state.signed.every((s) => rows.some((r) => s.rowTexts.some((x) => r.text.includes(x)) && /signature verified/.test(r.label)));
        },
        { timeout: 60_000, what: `rows ${t.state.signed.map((s) => s.rowTexts[0]).join(', ')} read "signature verified"` },
      );
    },
  },
  {
    name: 'exthost-log-clean',
    title: 'no activation errors and no errors from the extension in the logs of both sessions',
    async run(t) {
      assertNoActivationErrors(t);
      const ours = extensionLog(t);
      assert.ok(/Activated in \d+ ms/.test(ours), 'the extension logged its activation');
      const errors = ours.split('\n').filter((l) => /^\S+ \S+ \[error\]/.test(l));
      assert.deepEqual(errors, [], "the extension's own log has no [error] lines");
    },
  },
];

/**
 * The receiver URL from the status bar item: its text is the URL without the scheme
 * ("127.0.0.1:PORT", or the tunnel's public host); its accessible label names the full URL.
 */
export function urlFromStatusItem(item) {
  const shown = item.text.trim().split(/\s+/).pop();
  const inLabel = [...item.label.matchAll(/https?:\/\/[^\s]+?(?=\.?(\s|$))/g)].map((m) => m[0]).find((u) => u.replace(/^https?:\/\//, '') === shown.replace(/\/$/, ''));
  if (inLabel) {
    return new URL(inLabel).href;
  }
  if (/^https?:\/\//.test(shown)) {
    return new URL(shown).href;
  }
  return new URL(`${/^(127\.0\.0\.1|localhost)(:|$)/.test(shown) ? 'http' : 'https'}://${shown}`).href;
}

/** Every log file of the extension hosts of this run (one folder per window session). */
function logFiles(t, test) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (test(p)) {
        out.push(p);
      }
    }
  };
  walk(path.join(t.run.userDataDir, 'logs'));
  return out.sort();
}

export function exthostLog(t) {
  return logFiles(t, (p) => /exthost\d*[/\\][^/\\]*exthost\.log$/i.test(p))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

function extensionLog(t) {
  return logFiles(t, (p) => p.includes(`${path.sep}${EXTENSION_ID}${path.sep}`))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

function assertNoActivationErrors(t) {
  const text = exthostLog(t);
  assert.ok(text.length > 0, `an extension host log exists under ${t.run.userDataDir}/logs`);
  const failed = text.split('\n').filter((l) => l.includes(`Activating extension '${EXTENSION_ID}' failed`) || l.includes(`Activating extension ${EXTENSION_ID} failed`));
  assert.deepEqual(failed, [], 'the extension host log has no activation failure');
}
