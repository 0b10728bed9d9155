/* global document, window, indexedDB */
// The e2e steps, in order. Each is { name, title, run(t) }: `name` names the screenshot
// (test-results/e2e/NN-name.png) and the failure; `run` throws when what is on screen is wrong.
// `t` holds: page (Playwright), wb (Workbench helpers), run (harness run dirs: userDataDir, …),
// workspace, outDir, docsDir, log, state (shared between steps: receiverUrl, …).
// To add a step, add an entry where it belongs in the user's flow.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { poll, urlFromStatusItem } from './workbench.mjs';
import { EXTENSION_ID, extensionLog, exthostLog } from './logs.mjs';
import { filterEmptyStep, missingSecretStep, welcomeStoppedAndWalkthrough } from './onboarding.mjs';
import {
  GITHUB_SECRET,
  STRIPE_SECRET,
  deliver,
  githubPush,
  githubSignedRelease,
  largeStripeEvent,
  moreSamples,
  stripePaymentSucceeded,
  stripeSignedCheckout,
  stripeSignedPayment,
} from './webhooks.mjs';
import { TRAP_GLOBAL, hostilePayloads, hostileRequest, sendRaw, startSentinel } from './hostile.mjs';
import { findSecrets, secretNeedles } from './secrets.mjs';

export { EXTENSION_ID, exthostLog, urlFromStatusItem };
const CONTAINER = 'Webhook Inspector';

export const steps = [
  {
    name: 'open-workbench',
    title: 'open the workbench on a workspace folder; the extension is installed',
    async run(t) {
      // A busy machine can take well over Playwright's default 30 s to serve the workbench.
      await t.page.goto(t.workbenchUrl, { timeout: 180_000 });
      await t.wb.waitReady();
      // The activity bar entry comes from the installed extension's contributions.
      await t.wb.activityBarItem(CONTAINER).waitFor({ state: 'visible', timeout: 90_000 });
    },
  },
  {
    name: 'copy-mcp-config',
    title: 'run "Copy MCP Server Config…": a quick pick of agents; Claude Code puts its snippet on the clipboard',
    async run(t) {
      await t.wb.runCommand('Webhook Inspector: Copy MCP Server Config\u2026');
      await t.wb.quickPickRow('Claude Code').waitFor({ state: 'visible', timeout: 30_000 });
      const labels = await t.wb.quickPickLabels();
      for (const agent of ['Claude Code', 'Cursor', 'VS Code (.vscode/mcp.json)', 'All three']) {
        assert.ok(labels.includes(agent), `${agent} is offered: ${JSON.stringify(labels)}`);
      }
      await t.page.screenshot({ path: path.join(t.outDir, 'copy-mcp-config.png') });
      await t.wb.acceptQuickPickRow('Claude Code');
      const toast = t.page.locator('.notification-toast', { hasText: 'MCP server config is on the clipboard' });
      await toast.first().waitFor({ state: 'visible', timeout: 30_000 });
      await t.wb.runCommand('Notifications: Clear All Notifications');
    },
  },
  // The empty view's states and the getting-started walkthrough (onboarding.mjs); the receiver runs after them.
  ...welcomeStoppedAndWalkthrough,
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
        assert.ok(
          t.state.receiverUrl.startsWith(`${t.lt.url}/t/`),
          `the status bar shows the tunnel's public URL (${t.lt.url}/t/…), not the local port: ${item.text}`,
        );
        assert.match(item.label, /Tunnel online/, 'the accessible label says the tunnel is online');
      }
      // Copy the URL as a user would; the status bar confirms what was copied.
      await t.wb.runCommand('Webhook Inspector: Copy Receiver URL');
      const copied = await poll(async () => (await t.wb.statusBarItems()).find((i) => /Copied /.test(i.text)), {
        timeout: 15_000,
        what: 'the "Copied …" status bar message',
      });
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
  filterEmptyStep,
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
      const sample = {
        ...stripePaymentSucceeded(),
        name: 'after-idle',
        body: JSON.stringify({ id: 'evt_after_idle', object: 'event', type: 'charge.refunded' }),
        rowTexts: ['charge.refunded'],
      };
      const res = await deliver(t.state.receiverUrl, sample);
      assert.ok(
        res.status >= 200 && res.status < 300,
        `a delivery after the idle period answered ${res.status}: ${res.text.slice(0, 200)}`,
      );
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
  missingSecretStep,
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
    title:
      'right-click the Stripe-signed row, "Resend to Local Handler": the handler checks the signature with the Stripe SDK; the 2xx shows in the UI',
    async run(t) {
      const sample = t.state.signed[0];
      const before = t.handler.accepted.length;
      await t.wb.contextMenu(sample.rowTexts[0], 'Resend to Local Handler');
      await poll(async () => t.handler.accepted.length > before, {
        timeout: 30_000,
        what: `the handler to accept the resent event (rejected: ${JSON.stringify(t.handler.rejected)})`,
      });
      assert.equal(t.handler.accepted.at(-1).type, sample.rowTexts[0], 'the SDK accepted the re-signed event');
      const toast = await poll(
        async () => {
          const texts = await t.page
            .locator('.notification-toast')
            .allInnerTexts()
            .catch(() => []);
          return texts.find((x) => /Handler answered 200/.test(x));
        },
        { timeout: 30_000, what: 'a notification "Handler answered 200"' },
      );
      t.log(`notification: ${JSON.stringify(toast.slice(0, 120))}`);
      await poll(async () => (await t.wb.sidebarRows()).find((r) => r.text.includes(sample.rowTexts[0]) && /→ 200/.test(r.text)), {
        timeout: 30_000,
        what: 'the row shows the delivery "→ 200"',
      });
      await t.wb.runCommand('Notifications: Clear All Notifications');
    },
  },
  {
    name: 'generate-types-from-events',
    title: 'right-click the Stripe row, "Generate Types from Events…", TypeScript, a name: a new TypeScript editor shows the interface',
    async run(t) {
      const sample = t.state.signed[0];
      await t.wb.contextMenu(sample.rowTexts[0], 'Generate Types from Events…', async () => {
        await t.page.screenshot({ path: path.join(t.outDir, 'codegen-context-menu.png') });
      });
      await poll(async () => (await t.wb.quickPickLabels()).includes('TypeScript'), { timeout: 30_000, what: 'the language quick pick' });
      await t.wb.acceptQuickPickRow('TypeScript');
      await t.wb.answerInputBox('(4/4)', 'CheckoutEvent');
      // With a text editor open, one more question: where the result goes.
      if (await poll(async () => (await t.wb.quickPickLabels()).some((l) => /new editor/.test(l)), { timeout: 3000 }).catch(() => false)) {
        await t.page.keyboard.press('Enter');
      }
      const editor = t.page.locator('.editor-instance .view-lines').first();
      await poll(async () => /export\sinterface\sCheckoutEvent/.test(await editor.innerText().catch(() => '')), {
        timeout: 30_000,
        what: 'the generated interface in an editor',
      });
      assert.match(await editor.innerText(), /type:\s"checkout\.session\.completed";/);
      // A README screenshot (docs/screenshots unless --no-docs).
      fs.mkdirSync(t.docsDir, { recursive: true });
      await t.page.screenshot({ path: path.join(t.docsDir, 'codegen-types.png') });
      await t.wb.runCommand('View: Revert and Close Editor');
    },
  },
  {
    name: 'redelivery-flagged',
    title:
      'the same GitHub delivery twice (a redelivery keeps X-GitHub-Delivery): the second row reads "retry 2 of evt_…" with the time since the first',
    async run(t) {
      const sample = { ...githubPush(), name: 'redelivery' };
      for (let i = 0; i < 2; i++) {
        const res = await deliver(t.state.receiverUrl, sample);
        assert.ok(res.status >= 200 && res.status < 300, `${sample.path} answered ${res.status}: ${res.text}`);
      }
      const row = await poll(async () => (await t.wb.sidebarRows()).find((r) => /retry 2 of evt_…\w{6}, \+\d/.test(r.text)), {
        timeout: 30_000,
        what: 'a row "retry 2 of evt_…, +…"',
      });
      t.log(`retry row: ${JSON.stringify(row.text)}`);
      // The retry's detail panel lists both attempts with the status we answered.
      await t.wb.clickRow('retry 2 of');
      const panel = await t.wb.waitForWebviewTexts(['Provider attempts (2)', '2 (this one)']);
      t.log(`attempts: ${JSON.stringify(panel.slice(panel.indexOf('Provider attempts'), panel.indexOf('Provider attempts') + 160))}`);
    },
  },
  {
    name: 'route-codelens',
    title:
      "server.js: the CodeLens over app.post('/webhooks/stripe' shows the captured event; clicking it delivers the exact bytes; Go to Handler from the tree lands on that line",
    async run(t) {
      const sample = stripeSignedPayment();
      const res = await deliver(t.state.receiverUrl, sample);
      assert.ok(res.status >= 200 && res.status < 300, `${sample.path} answered ${res.status}`);
      await t.wb.waitForRows([{ name: sample.name, anyOf: sample.rowTexts }]);
      await t.wb.runCommand('View: Close All Editors');
      await t.wb.quickOpen('server.js');
      await t.page.keyboard.press('Control+End');
      const routeLine =
        fs
          .readFileSync(path.join(t.workspace, 'server.js'), 'utf8')
          .split('\n')
          .findIndex((l) => l.startsWith("app.post('/webhooks/stripe'")) + 1;
      assert.ok(routeLine > 0, 'server.js has the Stripe route');
      const lens = t.page.locator('.codelens-decoration a').filter({ hasText: '▶ Send latest: payment_intent.succeeded' }).first();
      await lens.waitFor({ state: 'visible', timeout: 60_000 });
      const lensTexts = await t.page.locator('.codelens-decoration').allInnerTexts();
      t.log(`CodeLenses: ${JSON.stringify(lensTexts)}`);
      assert.ok(
        lensTexts.some((x) => /No events for \/webhooks\/github yet|▶ Send latest/.test(x)),
        'the GitHub route has its lens too',
      );
      // The lens sits right above the route's line.
      // (Lenses are re-rendered when they refresh: read both boxes until they are there.)
      const routeRow = t.page.locator('.view-lines .view-line').filter({ hasText: "app.post('/webhooks/stripe'" }).first();
      const boxes = await poll(
        async () => {
          const [lensBox, lineBox] = [await lens.boundingBox().catch(() => null), await routeRow.boundingBox().catch(() => null)];
          return lensBox && lineBox && { lensBox, lineBox };
        },
        { timeout: 15_000, what: 'the lens and the route line on screen' },
      );
      assert.ok(
        boxes.lensBox.y < boxes.lineBox.y && boxes.lineBox.y - boxes.lensBox.y < 40,
        `the lens is right above the route line (lens y ${boxes.lensBox.y}, line y ${boxes.lineBox.y})`,
      );
      await t.wb.parkMouse();
      fs.mkdirSync(t.docsDir, { recursive: true });
      const shot = path.join(t.docsDir, 'route-lens.png');
      await t.page.screenshot({ path: shot });
      t.log(`README screenshot: ${path.relative(t.root, shot)}`);

      const before = t.handler.accepted.length;
      await lens.click();
      await poll(async () => t.handler.accepted.length > before, {
        timeout: 30_000,
        what: `the handler to get the event from the lens (rejected: ${JSON.stringify(t.handler.rejected)})`,
      });
      const got = t.handler.accepted.at(-1);
      assert.equal(got.type, 'payment_intent.succeeded');
      assert.equal(got.path, '/webhooks/stripe');
      assert.ok(
        got.body.equals(Buffer.from(sample.body, 'utf8')),
        'the handler received the exact bytes that were captured (re-signed, the Stripe SDK accepted them)',
      );
      await poll(
        async () =>
          (
            await t.page
              .locator('.notification-toast')
              .allInnerTexts()
              .catch(() => [])
          ).find((x) => /Handler answered 200/.test(x)),
        { timeout: 30_000, what: 'a notification "Handler answered 200"' },
      );
      await t.wb.runCommand('Notifications: Clear All Notifications');

      // Event → code: Go to Handler from the row's context menu opens server.js on the route's line.
      await t.wb.runCommand('View: Close All Editors');
      await t.wb.openViewContainer(CONTAINER);
      await t.wb.contextMenu(sample.rowTexts[0], 'Go to Handler');
      await t.page.locator('.tabs-container .tab.active[aria-label^="server.js"]').first().waitFor({ state: 'visible', timeout: 30_000 });
      const position = await poll(async () => (await t.wb.statusBarItems()).find((i) => /^Ln \d+, Col \d+/.test(i.text)), {
        timeout: 15_000,
        what: 'the cursor position in the status bar',
      });
      t.log(`Go to Handler: server.js, ${position.text}`);
      assert.match(
        position.text,
        new RegExp(`^Ln ${routeLine}, Col 1\\b`),
        `the cursor is on app.post('/webhooks/stripe' (line ${routeLine})`,
      );
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
      await t.wb.quickOpen('server.js');
      await t.page.keyboard.press('Control+End'); // cursor on the last, empty line: no word highlight
      await t.wb.openViewContainer(CONTAINER);
      await t.wb.setSidebarWidth(500);
      await t.wb.waitForRows([...t.state.sent, ...t.state.signed, ...extra].map((s) => ({ name: s.name, anyOf: s.rowTexts })));
      fs.mkdirSync(t.docsDir, { recursive: true });
      // The theme picker's labels; the settings values are "Default Dark Modern" / "Default Light Modern".
      for (const [kind, theme] of [
        ['dark', 'Dark Modern'],
        ['light', 'Light Modern'],
      ]) {
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
        await t.wb.quickOpen('server.js');
        await t.page.keyboard.press('Control+End');
      }
      await t.wb.pickFromCommand('Preferences: Color Theme', 'Dark Modern');
    },
  },
  {
    name: 'detail-before-reload',
    title: 'open the detail panel of the Stripe-signed event and leave it open for the reload',
    async run(t) {
      await t.wb.runCommand('View: Close All Editors');
      await t.wb.clickRow(t.state.signed[0].rowTexts[0]);
      await t.wb.waitForWebviewTexts([t.state.signed[0].rowTexts[0], 'signature valid']);
      t.state.panelTab = (await t.page.locator('.tabs-container .tab.active').first().innerText()).trim();
      t.log(`panel tab: "${t.state.panelTab}"`);
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
      await t.wb.waitForRows(
        t.state.sent.map((s) => ({ name: s.name, anyOf: s.rowTexts })),
        { timeout: 90_000 },
      );
    },
  },
  {
    name: 'verified-after-reload',
    title: 'after the reload, the signed events still read "signature verified" (verdicts and secrets kept)',
    async run(t) {
      await poll(
        async () => {
          const rows = await t.wb.sidebarRows();
          return t.state.signed.every((s) =>
            rows.some((r) => s.rowTexts.some((x) => r.text.includes(x)) && /signature verified/.test(r.label)),
          );
        },
        { timeout: 60_000, what: `rows ${t.state.signed.map((s) => s.rowTexts[0]).join(', ')} read "signature verified"` },
      );
    },
  },
  {
    name: 'detail-restored',
    title: 'after the reload, the detail panel is back (restored by its serializer) and shows the same event',
    async run(t) {
      const tab = t.page.locator('.tabs-container .tab').filter({ hasText: t.state.panelTab }).first();
      await tab.waitFor({ state: 'visible', timeout: 60_000 });
      await tab.click();
      const text = await t.wb.waitForWebviewTexts([t.state.signed[0].rowTexts[0], 'signature valid'], { timeout: 60_000 });
      t.log(`restored panel: ${JSON.stringify(text.slice(0, 120))}`);
    },
  },
  {
    name: 'large-event',
    title:
      'POST a 10 MB JSON event and open it: the panel shows a bounded preview, the full body opens in an editor, and the window keeps answering',
    async run(t) {
      const sample = largeStripeEvent(10 * 1024 * 1024);
      const res = await deliver(t.state.receiverUrl, sample);
      assert.ok(res.status >= 200 && res.status < 300, `the 10 MB delivery answered ${res.status}: ${res.text.slice(0, 200)}`);
      await t.wb.waitForRows([{ name: sample.name, anyOf: sample.rowTexts }]);
      // Long tasks (main thread busy over 50 ms) while the panel opens: logged, not asserted (no timing thresholds).
      await t.page.evaluate(() => {
        window.__wiLongTasks = [];
        new PerformanceObserver((list) => window.__wiLongTasks.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe({
          type: 'longtask',
          buffered: false,
        });
      });
      await t.wb.clickRow(sample.rowTexts[0]);
      await t.wb.waitForWebviewTexts(['evt_1QxE2e2eLargeReport', 'Open full body in editor'], { timeout: 60_000 });
      const frame = await t.wb.detailFrame();
      const shown = await frame.evaluate(() => document.body.textContent.length);
      const panelTasks = await t.page.evaluate(() => window.__wiLongTasks.splice(0));
      t.log(
        `detail panel of the 10 MB event: ${shown} characters of text in the webview; main-thread long tasks: ${panelTasks.length} (longest ${Math.max(0, ...panelTasks)} ms)`,
      );
      assert.ok(shown < 2 * 1024 * 1024, `the webview shows a bounded preview of the 10 MB body, not all of it (${shown} characters)`);
      // The user goes on working while the panel is open: the palette answers, and the full body opens in an editor.
      await frame.getByRole('button', { name: 'Open full body in editor' }).click();
      // Over workbench.editorLargeFileConfirmation (10 MB in the browser) it asks first, as VS Code does for files.
      const dialog = t.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      const question = (await dialog.innerText()).replace(/\s+/g, ' ');
      assert.match(question, /can keep the window busy/, `the dialog says why it asks: ${question}`);
      t.log(`dialog: ${JSON.stringify(question.slice(0, 200))}`);
      await t.page.screenshot({ path: path.join(t.outDir, 'large-body-dialog.png') });
      await t.page.evaluate(() => window.__wiLongTasks.splice(0));
      await dialog.getByRole('button', { name: 'Open Anyway' }).click();
      const tab = t.page
        .locator('.tabs-container .tab')
        .filter({ hasText: /\.json|body/i })
        .first();
      await tab.waitFor({ state: 'visible', timeout: 60_000 });
      await poll(async () => (await t.wb.statusBarItems()).some((i) => /^JSON$/i.test(i.text)), {
        timeout: 60_000,
        what: 'the status bar shows the JSON language of the body editor',
      });
      // The body editor opens beside the panel: click into its text, then jump to the end.
      await t.page.locator('.part.editor .monaco-editor .view-lines').last().click();
      await t.page.keyboard.press('Control+End');
      const position = await poll(
        async () => (await t.wb.statusBarItems()).find((i) => /^Ln \d+, Col \d+/.test(i.text) && !/^Ln 1,/.test(i.text)),
        {
          timeout: 60_000,
          what: 'the cursor at the end of the 10 MB document (Ctrl+End): the editor answers',
        },
      );
      t.log(`body editor: "${tab ? await tab.innerText() : ''}", cursor ${position.text}`);
      await t.wb.runCommand('View: Close All Editors');
      const longTasks = await t.page.evaluate(() => window.__wiLongTasks ?? []);
      t.log(`main-thread long tasks while the body editor opened: ${longTasks.length} (longest ${Math.max(0, ...longTasks)} ms)`);
    },
  },
  {
    name: 'hostile-corpus',
    title:
      'POST 58 hostile payloads (path, query, header, body, event type) and open each in the real detail panel: no script runs, nothing is fetched, no element comes from a payload',
    async run(t) {
      const sentinel = await startSentinel();
      const { ALLOWED_TAGS, ALLOWED_ATTRIBUTES } = await t.tsImport('../../src/webview/render.ts');
      const dialogs = [];
      const outside = [];
      const onDialog = (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => {});
      };
      const codeServer = new URL(t.server.url).host;
      const onRequest = (req) => {
        const u = req.url();
        let host = '';
        try {
          host = new URL(u).host;
        } catch {
          /* data:, blob: */
        }
        const fromWebview = /webview/i.test(req.frame()?.url() ?? '');
        // The panel's own stylesheet and script: asWebviewUri() resources, which VS Code's service
        // worker serves from the installed extension's media/ and dist/ folders.
        const ownResource =
          host.endsWith('.vscode-resource.vscode-cdn.net') &&
          /\/webhook-inspector\.webhook-inspector-[^/]+\/(media|dist)\/[\w.-]+$/.test(new URL(u).pathname);
        if (u.startsWith(sentinel.url) || (fromWebview && host !== codeServer && !ownResource && !u.startsWith('blob:'))) {
          outside.push(`${req.method()} ${u.slice(0, 200)} (frame ${req.frame()?.url().slice(0, 80)})`);
        }
      };
      t.page.on('dialog', onDialog);
      t.page.context().on('request', onRequest);
      try {
        // The trap works: a request to the sentinel is recorded.
        await fetch(`${sentinel.url}/probe`);
        assert.equal(sentinel.hits.length, 1, 'the sentinel records requests');
        sentinel.hits.length = 0;

        const payloads = hostilePayloads(sentinel.url);
        assert.ok(payloads.length >= 50, `at least 50 payloads (${payloads.length})`);
        const requests = payloads.map((p, i) => hostileRequest(p, i + 1));
        for (const req of requests) {
          const res = await sendRaw(t.state.receiverUrl, req);
          assert.ok(res.status >= 200 && res.status < 300, `hostile request ${req.nn} answered ${res.status}: ${res.text.slice(0, 200)}`);
        }
        t.log(`sent ${requests.length} hostile requests`);

        // Only the corpus in the view, then open each event with the keyboard (Down, Enter), as a user browsing them would.
        await t.wb.runCommand('Webhook Inspector: Filter Events…');
        await t.wb.answerInputBox('Filter Events', 'x-hostile-n');
        await poll(
          async () => (await t.page.locator('.part.sidebar').innerText()).includes(`Filter "x-hostile-n": ${requests.length} of`),
          {
            timeout: 30_000,
            what: `the view's message says the filter is on: Filter "x-hostile-n": ${requests.length} of …`,
          },
        );
        const first = t.page
          .locator('.part.sidebar .monaco-list-row')
          .filter({ hasText: `/hostile/${requests.at(-1).nn}/` })
          .first();
        await first.click();
        const seen = new Map();
        let last = '';
        let idle = 0;
        for (let moves = 0; seen.size < requests.length && moves < requests.length * 3 && idle < 6; moves++) {
          const nn = await poll(
            async () => {
              const frame = await t.wb.detailFrame().catch(() => undefined);
              const text = frame ? await frame.evaluate(() => document.body.textContent).catch(() => '') : '';
              const m = /\/hostile\/(\d\d)\//.exec(text);
              return m && m[1] !== last ? m[1] : false;
            },
            { timeout: 15_000, what: `the detail panel shows the next corpus event (after ${last || 'none'})` },
          ).catch(() => undefined);
          if (nn) {
            idle = 0;
            last = nn;
            seen.set(nn, await inspectDetailFrames(t, { ALLOWED_TAGS, ALLOWED_ATTRIBUTES }));
          } else {
            idle++;
          }
          await t.page.keyboard.press('ArrowDown');
          await t.page.keyboard.press('Enter');
        }
        const missing = requests.filter((r) => !seen.has(r.nn)).map((r) => r.nn);
        assert.deepEqual(missing, [], `every corpus event was opened in the detail panel (opened ${seen.size})`);
        const violations = [...seen].flatMap(([nn, v]) => v.map((x) => `#${nn}: ${x}`));
        assert.deepEqual(violations, [], 'no trap fired and no element or attribute came from a payload');
        const topTrap = await t.page.evaluate((g) => window[g], TRAP_GLOBAL);
        assert.equal(topTrap, undefined, 'the workbench page has no trap global');
        await t.page.waitForTimeout(2000); // late loads (images, fonts) would arrive by now
        assert.deepEqual(sentinel.hits, [], 'no request reached the sentinel server');
        assert.deepEqual(outside, [], 'no webview request left code-server');
        assert.deepEqual(dialogs, [], 'no dialog (alert/confirm/prompt) opened');
        t.log(`opened ${seen.size} hostile events in the detail panel; sentinel hits 0, dialogs 0, outside requests 0`);
        await t.page.screenshot({ path: path.join(t.outDir, 'hostile-detail.png') });
      } finally {
        t.page.off('dialog', onDialog);
        t.page.context().off('request', onRequest);
        await sentinel.close();
        await t.wb.runCommand('Webhook Inspector: Clear Filter').catch(() => {});
        await t.wb.runCommand('View: Close All Editors').catch(() => {});
      }
    },
  },
  {
    name: 'export-files',
    title: 'select the Stripe-signed row, then "Export as HAR…" and "Save as .http File…" into the workspace (files for the secret search)',
    async run(t) {
      // The corpus fills the view: filter down to the Stripe-signed event, as a user would.
      await t.wb.runCommand('Webhook Inspector: Filter Events…');
      await t.wb.answerInputBox('Filter Events', `type:${t.state.signed[0].rowTexts[0]}`);
      await t.wb.clickRow(t.state.signed[0].rowTexts[0]);
      t.state.exports = [];
      for (const [command, ext] of [
        ['Webhook Inspector: Export as HAR…', '.har'],
        ['Webhook Inspector: Save as .http File…', '.http'],
      ]) {
        await t.wb.clickRow(t.state.signed[0].rowTexts[0]);
        await t.wb.runCommand(command, { keepSelection: true });
        // code-server's save dialog is VS Code's own: a path in a quick input, the workspace folder by default.
        const input = t.page.locator('.quick-input-widget input.input').first();
        await poll(async () => (await input.isVisible()) && (await input.inputValue()).endsWith(ext) && (await input.inputValue()), {
          timeout: 30_000,
          what: `the save dialog proposes a ${ext} file`,
        });
        const file = await input.inputValue();
        await t.page.keyboard.press('Enter');
        const onDisk = path.join(t.workspace, path.basename(file));
        await poll(() => fs.existsSync(onDisk) && fs.statSync(onDisk).size > 0, { timeout: 30_000, what: `${onDisk} written` });
        t.state.exports.push(onDisk);
        t.log(`${command} -> ${path.relative(t.workspace, onDisk)} (${fs.statSync(onDisk).size} bytes)`);
      }
      const har = JSON.parse(fs.readFileSync(t.state.exports[0], 'utf8'));
      assert.equal(har.log.entries.length, 1, 'the HAR holds the selected event');
      assert.ok(
        har.log.entries[0].request.headers.some((h) => h.name.toLowerCase() === 'stripe-signature'),
        'the HAR has the signature header as received',
      );
      await t.wb.runCommand('Notifications: Clear All Notifications');
      await t.wb.runCommand('Webhook Inspector: Clear Filter');
    },
  },
  {
    name: 'secrets-not-leaked',
    title: 'the signing secrets appear nowhere: store, logs, settings, exported files, browser storage (webview state) or webview DOM',
    async run(t) {
      const needles = secretNeedles([STRIPE_SECRET, GITHUB_SECRET]);
      // The search can find: a canary file with the secret is reported, then removed.
      const canary = path.join(t.run.userDataDir, 'logs', 'wi-canary.txt');
      fs.writeFileSync(canary, `x${STRIPE_SECRET}x`);
      const probe = await findSecrets([t.run.dir], needles);
      fs.rmSync(canary);
      assert.ok(
        probe.files.some((f) => f.file === canary),
        'the search finds a planted secret',
      );

      const disk = await findSecrets([t.run.dir, t.workspace], needles);
      t.log(`searched ${disk.searched} files (${(disk.bytes / 1e6).toFixed(1)} MB) under the run folder and the workspace`);
      assert.ok(
        t.state.exports.every((f) => disk.seen.has(f)),
        'the exported files were searched',
      );
      const storeFiles = [...disk.seen].filter((f) => f.includes('webhook-inspector.webhook-inspector'));
      assert.ok(
        storeFiles.some((f) => f.endsWith('index.jsonl')),
        `the event store was searched (${storeFiles.length} files)`,
      );
      assert.deepEqual(disk.files, [], 'no file holds a signing secret');

      // Browser storage as the page sees it (IndexedDB holds the workbench state, webview state included; localStorage).
      const browser = await t.page.evaluate(async () => {
        const out = [];
        for (const info of (await indexedDB.databases?.()) ?? []) {
          const db = await new Promise((res, rej) => {
            const r = indexedDB.open(info.name);
            r.onsuccess = () => res(r.result);
            r.onerror = () => rej(r.error);
          });
          for (const store of db.objectStoreNames) {
            const tx = db.transaction(store, 'readonly');
            const [keys, values] = await Promise.all(
              ['getAllKeys', 'getAll'].map(
                (m) =>
                  new Promise((res) => {
                    const r = tx.objectStore(store)[m]();
                    r.onsuccess = () => res(r.result);
                    r.onerror = () => res([]);
                  }),
              ),
            );
            keys.forEach((k, i) => {
              const v = values[i];
              out.push({
                where: `indexedDB ${info.name}/${store}/${String(k)}`,
                text: typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : (JSON.stringify(v) ?? ''),
              });
            });
          }
          db.close();
        }
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          out.push({ where: `localStorage ${k}`, text: localStorage.getItem(k) ?? '' });
        }
        return out;
      });
      const stateEntries = browser.filter((e) => /webview|memento\/webviewView|webhookInspector/i.test(e.text) || /webview/i.test(e.where));
      t.log(`browser storage: ${browser.length} entries (${stateEntries.length} mention webviews)`);
      assert.ok(browser.length > 0, 'the workbench state in browser storage was read');
      const inBrowser = browser.filter((e) => needles.some((n) => e.text.includes(n.text))).map((e) => e.where);
      assert.deepEqual(inBrowser, [], 'no browser storage entry holds a signing secret');

      // The open webview's document.
      const frames = await t.wb.webviewDocuments();
      assert.ok(frames.length > 0, 'the restored detail webview was read');
      const inFrames = frames.filter((html) => needles.some((n) => html.includes(n.text)));
      assert.equal(inFrames.length, 0, 'no webview document holds a signing secret');
    },
  },
  {
    name: 'exthost-log-clean',
    title: 'no activation errors and no errors from the extension in the logs of both sessions',
    async run(t) {
      assertNoActivationErrors(t);
      const ours = extensionLog(t);
      assert.ok(
        /Activated in [\d.]+ ms; the services loaded later, in \d+ ms/.test(ours),
        'the extension logged its activation and the load of its services',
      );
      const errors = ours.split('\n').filter((l) => /^\S+ \S+ \[error\]/.test(l));
      assert.deepEqual(errors, [], "the extension's own log has no [error] lines");
    },
  },
];

function assertNoActivationErrors(t) {
  const text = exthostLog(t);
  assert.ok(text.length > 0, `an extension host log exists under ${t.run.userDataDir}/logs`);
  const failed = text
    .split('\n')
    .filter(
      (l) => l.includes(`Activating extension '${EXTENSION_ID}' failed`) || l.includes(`Activating extension ${EXTENSION_ID} failed`),
    );
  assert.deepEqual(failed, [], 'the extension host log has no activation failure');
}

/**
 * Looks into every webview frame after a hostile event was opened: the trap global unset; in our
 * document (the one with `#root`) only the renderer's tags and attributes, no `on*` attribute
 * anywhere, no script but ours and VS Code's. Returns the violations (empty when safe).
 */
async function inspectDetailFrames(t, allowed) {
  const violations = [];
  for (const frame of t.page.frames()) {
    if (frame === t.page.mainFrame() || !/webview/i.test(frame.url())) {
      continue;
    }
    const found = await frame
      .evaluate(
        ({ g, tags, attrs }) => {
          const v = [];
          if (window[g] !== undefined) {
            v.push(`trap global set to ${String(window[g])}`);
          }
          for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
              if (/^on/i.test(a.name)) {
                v.push(`<${el.localName} ${a.name}>`);
              }
            }
          }
          const root = document.getElementById('root');
          if (!root) {
            return v; // VS Code's webview host frame, not our document
          }
          for (const el of root.querySelectorAll('*')) {
            if (!tags.includes(el.localName)) {
              v.push(`element <${el.localName}>`);
            }
            for (const a of el.attributes) {
              if (!attrs.includes(a.name)) {
                v.push(`attribute ${a.name} on <${el.localName}>`);
              }
            }
          }
          for (const el of document.querySelectorAll(
            'iframe, object, embed, img, svg, video, audio, base, form, style:not(#_defaultStyles), meta[http-equiv="refresh"]',
          )) {
            v.push(`element <${el.localName}> in the document`);
          }
          return v;
        },
        { g: TRAP_GLOBAL, tags: [...allowed.ALLOWED_TAGS], attrs: [...allowed.ALLOWED_ATTRIBUTES] },
      )
      .catch((e) => (/detached|destroyed|navigat/i.test(e.message) ? [] : [`frame not readable: ${e.message}`]));
    violations.push(...found);
  }
  return violations;
}
