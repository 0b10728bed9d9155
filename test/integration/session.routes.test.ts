import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import type { Delivery } from '../../src/core/model/delivery';
import type { HandlerLocation } from '../../src/vscode/routes';
import { activateExtension, startLoopbackHandler, waitFor } from './helpers';

const SECRET = 'whsec_routes_integration';

/** The workspace's `server.js` (copied from test/fixtures/routes/workspace by runIntegration.mjs). */
function serverJs(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'server.js');
}

async function lineOf(uri: vscode.Uri, text: string): Promise<number> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.trimStart().startsWith(text));
  assert.ok(line >= 0, `${text} is in ${uri.path}`);
  return line;
}

let rawLenses: unknown;
async function lensTitles(uri: vscode.Uri): Promise<Array<{ line: number; title: string; command: string; args: unknown[] }>> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  rawLenses = lenses.map((l) => ({ line: l.range.start.line, command: l.command, resolved: l.isResolved }));
  return lenses
    .filter((l) => l.command?.title)
    .map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command, args: l.command!.arguments ?? [] }));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real Node debug session of the fixture handler: js-debug is built into VS Code (and code-server), so
 * this is a `node` launch as a user's F5 makes, not a stand-in.
 */
async function debugServerJs(name: string, port: number): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const d = vscode.debug.onDidStartDebugSession((s) => {
      d.dispose();
      resolve(s);
    });
  });
  const folder = vscode.workspace.workspaceFolders![0]!;
  const ok = await vscode.debug.startDebugging(folder, {
    type: 'node',
    request: 'launch',
    name,
    program: serverJs().fsPath,
    env: { PORT: String(port) },
    console: 'internalConsole',
  });
  assert.equal(ok, true, 'the node debugger started (js-debug is built in)');
  return started;
}

describe('Webhook routes in the code: CodeLens, Go to Handler, the debugger (real VS Code)', function () {
  // Debug sessions start a Node process each; the machine may be busy.
  this.timeout(120_000);
  let api: WebhookInspectorApi;
  let receiverUrl: string;
  let handler: Awaited<ReturnType<typeof startLoopbackHandler>>;
  let handlerUrl: string;
  /** The events this suite captured: the only ones it deletes (the restart phase checks the others). */
  const mine: string[] = [];
  const config = () => vscode.workspace.getConfiguration('webhookInspector');

  before(async () => {
    api = await activateExtension();
    handler = await startLoopbackHandler();
    handlerUrl = handler.url;
    await config().update('forward.target', handlerUrl, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'stripe', secret: SECRET });
    receiverUrl = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookInspector.removeSigningSecret', { provider: 'stripe' });
    const store = await api.controller.store();
    await store.delete(mine);
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    for (const key of [
      'forward.target',
      'forward.onDebugStart',
      'forward.routes',
      'forward.responseMode',
      'forward.timeout',
      'tunnel.externalUrl',
    ]) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
    await config().update('tunnel.provider', 'none', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await handler.close();
  });

  /** A Stripe event, signed now, captured by the receiver at `path`. */
  async function captureStripe(path: string, type: string): Promise<{ id: string; payload: string }> {
    const payload = JSON.stringify(
      { id: `evt_${type.replace(/\W/g, '_')}`, object: 'event', type, data: { object: { amount: 2000, note: 'ünïcödé ✓' } } },
      null,
      2,
    );
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await fetch(`${receiverUrl}${path}`, {
      method: 'POST',
      body: payload,
      headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    });
    const { id } = (await res.json()) as { id: string };
    mine.push(id);
    return { id, payload };
  }

  it('the workspace scan finds the fixture routes (findFiles, the user excludes, the bound)', async () => {
    // Route discovery loads on first use: asking for the scanner is one.
    const scanner = await api.routes.scanner();
    const result = await scanner.ready();
    assert.ok(result, 'a scan ran');
    assert.equal(result.cut, undefined);
    const paths = [...scanner.index.all()].map((r) => `${r.method} ${r.path} ${vscode.workspace.asRelativePath(vscode.Uri.parse(r.file))}`);
    assert.ok(paths.includes('POST /webhooks/stripe server.js'), paths.join('\n'));
    assert.ok(paths.includes('POST /webhooks/github server.js'), paths.join('\n'));
    assert.ok(paths.includes('POST /webhooks/paddle server.js'), paths.join('\n'));
  });

  it('a route with no events gets the quiet lens; a captured event puts "▶ Send latest" and "Send…" over its route', async () => {
    const uri = serverJs();
    await vscode.window.showTextDocument(uri);
    const stripeLine = await lineOf(uri, "app.post('/webhooks/stripe'");
    const paddleLine = await lineOf(uri, "app.post('/webhooks/paddle'");
    let seen: unknown;
    const quiet = await waitFor('the empty-state lenses', async () => {
      const t = await lensTitles(uri);
      seen = t;
      return t.some((l) => l.line === paddleLine && l.title === 'No events for /webhooks/paddle yet') && t;
    }).catch((err: Error) => assert.fail(`${err.message}; lenses: ${JSON.stringify(seen)}; raw: ${JSON.stringify(rawLenses)}`));
    assert.deepEqual(
      quiet.filter((l) => l.line === paddleLine).map((l) => l.command),
      [''],
      'one empty-state lens, text, not a link',
    );
    await captureStripe('/webhooks/stripe', 'payment_intent.succeeded');
    const lenses = await waitFor('the Send latest lens', async () => {
      const t = await lensTitles(uri);
      return t.some((l) => l.line === stripeLine && l.title.startsWith('▶ Send latest')) && t;
    });
    const onStripe = lenses.filter((l) => l.line === stripeLine).map((l) => l.title);
    assert.deepEqual(onStripe, ['▶ Send latest: payment_intent.succeeded · just now', 'Send…']);
    assert.ok(lenses.some((l) => l.line === paddleLine && l.title === 'No events for /webhooks/paddle yet'));
  });

  it('the lens command sends the newest event for the path, byte for byte and re-signed, to forward.target', async () => {
    const uri = serverJs();
    const stripeLine = await lineOf(uri, "app.post('/webhooks/stripe'");
    await captureStripe('/webhooks/other', 'not.this.one');
    const { payload } = await captureStripe('/webhooks/stripe?attempt=2', 'charge.refunded');
    const lens = await waitFor('the lens for the newest event', async () =>
      (await lensTitles(uri)).find((l) => l.line === stripeLine && l.title.startsWith('▶ Send latest: charge.refunded')),
    );
    const before = handler.seen.length;
    const deliveries = await vscode.commands.executeCommand<Delivery[]>(lens.command, ...lens.args);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.status, 200, deliveries[0]!.error ?? deliveries[0]!.body);
    assert.equal(deliveries[0]!.target, `${handlerUrl}/webhooks/stripe?attempt=2`, 'the original path and query, at forward.target');
    assert.equal(deliveries[0]!.resigned, true);
    assert.equal(handler.seen.length, before + 1);
    const got = handler.seen.at(-1)!;
    assert.ok(got.body.equals(Buffer.from(payload, 'utf8')), 'the exact bytes');
    // The Stripe SDK accepts the fresh signature (it throws otherwise).
    new Stripe('sk_test_x').webhooks.constructEvent(got.body, String(got.headers['stripe-signature']), SECRET);
  });

  it('the lens target is the routing rule for the path when there is one', async () => {
    const other = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.writeHead(202).end(`rule got ${Buffer.concat(chunks).length} bytes`));
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const ruleTarget = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      await config().update('forward.routes', [{ path: '/webhooks/stripe', targets: [ruleTarget] }], vscode.ConfigurationTarget.Workspace);
      const uri = serverJs();
      const stripeLine = await lineOf(uri, "app.post('/webhooks/stripe'");
      const lens = (await lensTitles(uri)).find((l) => l.line === stripeLine && l.title.startsWith('▶'))!;
      const [d] = await vscode.commands.executeCommand<Delivery[]>(lens.command, ...lens.args);
      assert.equal(d!.status, 202);
      assert.ok(d!.target.startsWith(`${ruleTarget}/webhooks/stripe`), d!.target);
    } finally {
      await config().update('forward.routes', undefined, vscode.ConfigurationTarget.Workspace);
      await new Promise((r) => other.close(r));
    }
  });

  it('Go to Handler opens the route definition at its line; with the tunnel prefix removed; a clear message when none matches', async () => {
    const uri = serverJs();
    const stripeLine = await lineOf(uri, "app.post('/webhooks/stripe'");
    const store = await api.controller.store();
    const event = store.list().find((e) => e.url.startsWith('/webhooks/stripe'))!;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const where = await vscode.commands.executeCommand<HandlerLocation | undefined>('webhookInspector.goToHandler', event.id);
    assert.ok(where, 'a handler was found');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.selection.active.line, stripeLine);
    assert.equal(
      editor.document.lineAt(stripeLine).text.slice(editor.selection.active.character).startsWith("app.post('/webhooks/stripe'"),
      true,
    );

    // An external tunnel whose URL has a path: requests arrive with it in front. The receiver is stopped
    // before the setting changes, so nothing ever tries to reach that (unresolvable) host.
    const prefixed = (await captureStripe('/hooks/webhooks/github', 'ping')).id;
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    await config().update('tunnel.provider', 'external', vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.externalUrl', 'https://proxy.example.invalid/hooks', vscode.ConfigurationTarget.Workspace);
    try {
      const viaPrefix = await vscode.commands.executeCommand<HandlerLocation | undefined>('webhookInspector.goToHandler', prefixed);
      assert.equal(viaPrefix?.line, await lineOf(uri, "app.post('/webhooks/github'"), 'found after removing the /hooks prefix');
    } finally {
      await config().update('tunnel.externalUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('tunnel.provider', 'none', vscode.ConfigurationTarget.Workspace);
      receiverUrl = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    }

    const unknown = (await captureStripe('/webhooks/nowhere', 'x.y')).id;
    const none = await vscode.commands.executeCommand<HandlerLocation | undefined>('webhookInspector.goToHandler', unknown);
    assert.equal(none, undefined, 'no route for /webhooks/nowhere: a message instead');
  });

  it('forward.onDebugStart = resendLast: starting a real Node debug session of server.js sends the last event once it listens', async function () {
    const port = await freePort();
    await config().update('forward.target', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    await config().update('forward.onDebugStart', 'resendLast', vscode.ConfigurationTarget.Workspace);
    const { payload } = await captureStripe('/webhooks/stripe', 'invoice.paid');
    let session: vscode.DebugSession | undefined;
    try {
      session = await debugServerJs('webhook handler', port);
      assert.equal(api.routes.debug.debugging, true);
      const deliveries = await waitFor('the onDebugStart delivery', () => api.routes.debug.lastAutoSend, 45_000);
      assert.ok(deliveries && deliveries.length === 1, 'one event was sent');
      const d = deliveries[0]!;
      assert.equal(d.status, 200, d.error ?? d.body);
      const answer = JSON.parse(d.body) as { received: number; sha256: string };
      assert.equal(answer.received, Buffer.byteLength(payload));
      assert.equal(answer.sha256, createHash('sha256').update(payload).digest('hex'), 'the debugged handler got the exact bytes');
    } finally {
      if (session) {
        await vscode.debug.stopDebugging(session);
      }
      await config().update('forward.onDebugStart', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('forward.target', handlerUrl, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the debug session ended', () => !api.routes.debug.debugging, 15_000);
  });

  it('while a debug session runs, a proxied delivery held at a breakpoint does not time out; the status bar says it waits', async () => {
    const port = await freePort();
    const uri = serverJs();
    const bodyLine = await lineOf(uri, 'const answer = { received');
    await config().update('forward.target', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    await config().update('forward.responseMode', 'proxy', vscode.ConfigurationTarget.Workspace);
    await config().update('forward.timeout', 1000, vscode.ConfigurationTarget.Workspace);
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(bodyLine, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    let session: vscode.DebugSession | undefined;
    try {
      await vscode.commands.executeCommand('webhookInspector.startForwarding');
      session = await debugServerJs('webhook handler (breakpoint)', port);
      await waitFor('the handler to listen', () => accepts(port), 30_000);
      const payload = JSON.stringify({ id: 'evt_bp', object: 'event', type: 'payment_intent.created' });
      const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: SECRET });
      const answer = fetch(`${receiverUrl}/webhooks/stripe`, {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': header, 'content-type': 'application/json' },
      });
      const status = await waitFor('the waiting status', () => api.routes.debug.statusText, 20_000);
      assert.equal(status, '$(debug-pause) 1 delivery waiting on your handler');
      const res = await answer;
      assert.equal(res.status, 200, 'the provider got the hold-mode answer, not 504');
      const { id } = (await res.json()) as { id: string };
      mine.push(id);
      await vscode.commands.executeCommand('workbench.action.debug.continue');
      const store = await api.controller.store();
      const d = await waitFor('the held delivery recorded', () => store.get(id)?.deliveries?.find((x) => x.kind === 'proxy'), 20_000);
      assert.equal(d.status, 200, d.error ?? d.body);
      assert.equal(d.errorCode, undefined, 'no timeout');
      assert.equal(JSON.parse(d.body).sha256, createHash('sha256').update(payload).digest('hex'));
      await waitFor('the status bar cleared', () => api.routes.debug.statusText === undefined, 10_000);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      await vscode.commands.executeCommand('webhookInspector.stopForwarding');
      if (session) {
        await vscode.debug.stopDebugging(session);
      }
      for (const key of ['forward.responseMode', 'forward.timeout']) {
        await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      }
      await config().update('forward.target', handlerUrl, vscode.ConfigurationTarget.Workspace);
    }
  });
});
