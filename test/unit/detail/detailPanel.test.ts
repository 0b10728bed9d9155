import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installVscodeMock, recorded } from './vscodeMock';
import type { MockPanel } from './vscodeMock';
import type { EventStore as EventStoreType } from '../../../src/core/store';
import type { CapturedEvent } from '../../../src/core/model/event';
import type * as DetailPanelModule from '../../../src/vscode/detailPanel';
import type * as StoreModule from '../../../src/core/store';
import type * as LoggerModule from '../../../src/core/logger';
import type * as vscode from 'vscode';

installVscodeMock();

// Loaded after the mock is in place (require, so the order is kept).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerEventDetail } = require('../../../src/vscode/detailPanel') as typeof DetailPanelModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EventStore } = require('../../../src/core/store') as typeof StoreModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nullLogger } = require('../../../src/core/logger') as typeof LoggerModule;

let dir: string;
let store: EventStoreType;
let event: CapturedEvent;
let registration: ReturnType<typeof DetailPanelModule.registerEventDetail>;
const tick = () => new Promise((r) => setTimeout(r, 20));

/** Lets pending work run (for checks that something did NOT happen). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await tick();
  }
}

/** Waits until `cond` holds; fails after a generous bound so a real bug cannot hang the run. */
async function waitFor(cond: () => unknown, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (cond()) {
      return;
    }
    await tick();
  }
  assert.fail(`timed out waiting for: ${what}`);
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'detail-panel-'));
  store = await EventStore.open(dir, { maxEvents: 100 });
  const body = Buffer.from('{"type":"payment_intent.succeeded","n":1}');
  event = await store.append(
    {
      method: 'POST',
      url: '/hook?token=<script>&b=2',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Secret-Ish', 'value <img src=x onerror=alert(1)>'],
      ],
      remoteAddress: '127.0.0.1',
      size: body.length,
      response: { status: 200, body: 'ok', contentType: 'text/plain' },
    },
    body,
  );
  const context = { extensionUri: { scheme: 'file', path: '/ext' } } as unknown as vscode.ExtensionContext;
  const editableCopies = { add: () => undefined }; // the Send Request side of copies is covered by the extension-host suite
  registration = registerEventDetail(context, {
    store: async () => store,
    receiverUrl: () => 'http://127.0.0.1:4567',
    logger: nullLogger,
    editableCopies,
  });
});

after(async () => {
  registration.dispose();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function panel(): MockPanel {
  const p = recorded.panels.at(-1);
  assert.ok(p);
  return p;
}

test('the panel is locked down: CSP, nonce, no command URIs, roots limited to dist and media', async () => {
  await recorded.commands.get('webhookInspector.showEventDetail')!({ kind: 'event', event });
  const p = panel();
  const opts = recorded.panelOptions.at(-1) as Record<string, unknown>;
  assert.equal(opts.enableScripts, true);
  assert.equal(opts.enableCommandUris, false);
  assert.equal(opts.retainContextWhenHidden, undefined);
  assert.deepEqual(
    (opts.localResourceRoots as Array<{ path: string }>).map((u) => u.path),
    ['/ext/dist', '/ext/media'],
  );
  assert.match(p.webview.html, /default-src 'none'/);
  const nonce = /nonce-([0-9a-f-]{36})/.exec(p.webview.html)?.[1];
  assert.ok(nonce);
  assert.match(p.webview.html, new RegExp(`<script nonce="${nonce}" src="https:/ext/dist/webview.js">`));
});

test('nothing is posted before ready; ready gets the full snapshot; lastSnapshot shows it', async () => {
  const p = panel();
  await settle();
  assert.deepEqual(p.posted, [], 'no post before the webview said ready');
  p.receive({ type: 'ready' });
  await waitFor(() => p.posted.some((m) => (m as { type: string }).type === 'snapshot'), 'a snapshot after ready');
  const snaps = p.posted.filter((m) => (m as { type: string }).type === 'snapshot') as Array<{ snapshot: { eventId: string } }>;
  assert.ok(snaps.length >= 1);
  assert.equal(snaps.at(-1)!.snapshot.eventId, event.id);
  assert.equal(registration.panels.current?.lastSnapshot?.eventId, event.id);
  assert.equal(registration.panels.current?.lastSnapshot?.body.content.kind, 'json-tree');
  assert.equal(p.title, 'POST /hook');
  assert.equal(registration.panels.current?.lastSnapshot?.actions.canResend, false);
});

test('invalid messages are ignored; copy actions copy full values from the store', async () => {
  const p = panel();
  const before = recorded.clipboard.length;
  p.receive({ type: 'executeCommand', command: 'workbench.action.terminal.new' });
  p.receive({ type: 'copyHeader', eventId: event.id, index: '1' });
  p.receive({ type: 'copyHeader', eventId: 'evt_other', index: 1 });
  await settle();
  assert.equal(recorded.clipboard.length, before);
  assert.ok(!recorded.executed.some((e) => e.command === 'workbench.action.terminal.new'));
  p.receive({ type: 'copyHeader', eventId: event.id, index: 1 });
  p.receive({ type: 'copyQuery', eventId: event.id, index: 0 });
  p.receive({ type: 'action', action: 'copyCurl', eventId: event.id });
  await waitFor(() => recorded.clipboard.length >= before + 3, 'three copies');
  const copied = recorded.clipboard.slice(before);
  assert.ok(copied.includes('value <img src=x onerror=alert(1)>'), 'full header value copied');
  assert.ok(copied.includes('<script>'), 'query value copied');
  assert.ok(
    copied.some((c) => /^curl -X 'POST' 'http:\/\/127\.0\.0\.1:4567\/hook\?token=<script>&b=2'/.test(c)),
    'curl copied',
  );
});

test('Resend appears only when the command exists, and runs it with the tree node shape', async () => {
  recorded.extraCommands.push('webhookInspector.resendEvent');
  const p = panel();
  p.setVisible(false);
  p.setVisible(true);
  await waitFor(() => registration.panels.current?.lastSnapshot?.actions.canResend, 'becoming visible re-sends a fresh snapshot');
  p.receive({ type: 'action', action: 'resend', eventId: event.id });
  await waitFor(() => recorded.executed.some((e) => e.command === 'webhookInspector.resendEvent'), 'resend command');
  const run = recorded.executed.find((e) => e.command === 'webhookInspector.resendEvent');
  assert.ok(run);
  assert.deepEqual((run.args[0] as { kind: string; event: { id: string } }).kind, 'event');
  assert.equal((run.args[0] as { event: { id: string } }).event.id, event.id);
});

test('a deleted event turns into a "missing" message', async () => {
  const p = panel();
  await store.delete([event.id]);
  await waitFor(() => (p.posted.at(-1) as { type: string } | undefined)?.type === 'missing', 'missing message');
  const last = p.posted.at(-1) as { type: string; eventId: string };
  assert.equal(last.type, 'missing');
  assert.equal(last.eventId, event.id);
  assert.equal(registration.panels.current?.lastSnapshot, undefined);
});

test('revive (what the serializer registered at activation calls) restores the panel for the saved event id', async () => {
  const body = Buffer.from('hello');
  const e2 = await store.append(
    {
      method: 'PUT',
      url: '/two',
      headers: [['Content-Type', 'text/plain']],
      remoteAddress: '::1',
      size: 5,
      response: { status: 204, body: '', contentType: '' },
    },
    body,
  );
  registration.panels.current?.dispose();
  const restored = recorded.panels.at(0)!; // any mock panel object will do as the restored one
  restored.disposed = false;
  restored.posted.length = 0;
  registration.panels.revive(restored as never, { eventId: e2.id, collapsed: ['headers'] });
  restored.receive({ type: 'ready' });
  await waitFor(() => registration.panels.current?.lastSnapshot?.eventId === e2.id, 'restored snapshot');
  assert.equal(registration.panels.current?.lastSnapshot?.eventId, e2.id);
  assert.equal(registration.panels.current?.lastSnapshot?.body.content.kind, 'text');
});
