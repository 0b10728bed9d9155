import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import type { Delivery } from '../../src/core/model/delivery';
import { activateExtension, waitFor } from './helpers';

const SECRET = 'whsec_resend_integration';

describe('Resend to a local handler, in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let handler: http.Server;
  let handlerUrl: string;
  const received: Array<{ ok: boolean; type?: string; error?: string }> = [];
  const config = () => vscode.workspace.getConfiguration('webhookInspector');

  before(async () => {
    api = await activateExtension();
    // A handler that checks the signature with the official SDK, as a user's would.
    handler = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const event = new Stripe('sk_test_x').webhooks.constructEvent(
            Buffer.concat(chunks),
            String(req.headers['stripe-signature']),
            SECRET,
          );
          received.push({ ok: true, type: event.type });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true }));
        } catch (err) {
          received.push({ ok: false, error: (err as Error).message });
          res.writeHead(400).end((err as Error).message);
        }
      });
    });
    await new Promise<void>((r) => handler.listen(0, '127.0.0.1', () => r()));
    handlerUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;
    await config().update('forward.target', handlerUrl, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'stripe', secret: SECRET });
  });

  after(async () => {
    // Leave no trace for the suites that follow: secret, events, forwarding.
    await vscode.commands.executeCommand('webhookInspector.removeSigningSecret', { provider: 'stripe' });
    const store = await api.controller.store();
    await store.delete(
      store
        .list()
        .filter((e) => e.url.startsWith('/webhooks/stripe'))
        .map((e) => e.id),
    );
    await vscode.commands.executeCommand('webhookInspector.stopForwarding');
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    await config().update('forward.target', undefined, vscode.ConfigurationTarget.Workspace);
    await new Promise((r) => handler.close(r));
  });

  it('Resend to Local Handler re-signs, delivers, and records the response on the event', async () => {
    const url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    // Signed 10 minutes ago: the SDK would refuse the stored signature as stale.
    const payload = JSON.stringify({ id: 'evt_resend', object: 'event', type: 'invoice.finalized' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload,
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    const res = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    });
    const id = ((await res.json()) as { id: string }).id;
    const node = await waitFor('the event in the tree', async () =>
      (await api.tree.getChildren()).find((n) => n.kind === 'event' && n.event.id === id),
    );
    const deliveries = await vscode.commands.executeCommand<Delivery[]>('webhookInspector.resendEvent', node);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.status, 200, deliveries[0]!.error ?? deliveries[0]!.body);
    assert.equal(deliveries[0]!.resigned, true);
    assert.deepEqual(received.at(-1), { ok: true, type: 'invoice.finalized' }, 'the SDK accepted the fresh signature');
    assert.ok(deliveries[0]!.target.startsWith(`${handlerUrl}/webhooks/stripe`), 'original path kept');
    const shown = await waitFor('the delivery in the tree', async () => {
      const n = (await api.tree.getChildren()).find((x) => x.kind === 'event' && x.event.id === id);
      return n && api.tree.getTreeItem(n);
    });
    assert.match(String(shown.description), /^→ 200/);
    assert.match(shown.contextValue ?? '', /\+delivered/);
  });

  it('a handler that is down gives a clear failure, recorded on the event', async () => {
    const store = await api.controller.store();
    const event = store.list().find((e) => e.url === '/webhooks/stripe')!;
    await config().update('forward.target', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Workspace);
    try {
      const [d] = await vscode.commands.executeCommand<Delivery[]>('webhookInspector.resendEvent', event.id);
      assert.equal(d!.status, undefined);
      assert.match(d!.error ?? '', /127\.0\.0\.1:9/);
      assert.equal(store.get(event.id)?.deliveries?.length, 2);
    } finally {
      await config().update('forward.target', handlerUrl, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('edit, then send: an editable copy of the body goes out re-signed and the SDK accepts it', async () => {
    const store = await api.controller.store();
    const event = store.list().find((e) => e.url === '/webhooks/stripe')!;
    await vscode.commands.executeCommand('webhookInspector.openEditableBodyCopy', event.id);
    const editor = await waitFor(
      'the editable copy',
      () => vscode.window.activeTextEditor?.document.isUntitled && vscode.window.activeTextEditor,
    );
    const text = editor.document.getText();
    assert.ok(text.includes('invoice.finalized'));
    await editor.edit((b) =>
      b.replace(
        new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(text.length)),
        text.replace('invoice.finalized', 'invoice.paid'),
      ),
    );
    const before = received.length;
    const delivery = await vscode.commands.executeCommand<Delivery>('webhookInspector.sendEditedRequest');
    assert.equal(delivery?.status, 200, delivery?.error ?? delivery?.body);
    assert.equal(received.length, before + 1);
    assert.deepEqual(received.at(-1), { ok: true, type: 'invoice.paid' }, 'the edited body, freshly signed');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a custom response per path answers with the chosen status; clearing it restores 200', async () => {
    const url = api.controller.status.url!;
    assert.equal(
      await vscode.commands.executeCommand('webhookInspector.setCustomResponse', undefined, undefined, {
        path: '/custom',
        status: 503,
        body: 'busy',
      }),
      true,
    );
    const res = await fetch(`${url}/custom/hook`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'busy');
    await vscode.commands.executeCommand('webhookInspector.clearCustomResponses');
    const again = await fetch(`${url}/custom/hook`, { method: 'POST', body: 'x' });
    assert.equal(again.status, 200);
    const store = await api.controller.store();
    await store.delete(
      store
        .list()
        .filter((e) => e.url === '/custom/hook')
        .map((e) => e.id),
    );
  });

  it('live forwarding delivers each captured event as it arrives', async () => {
    await vscode.commands.executeCommand('webhookInspector.startForwarding');
    const url = api.controller.status.url!;
    const payload = JSON.stringify({ id: 'evt_live', object: 'event', type: 'charge.refunded' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const before = received.length;
    const res = await fetch(`${url}/webhooks/stripe-live`, { method: 'POST', body: payload, headers: { 'stripe-signature': header } });
    assert.equal(res.status, 200, 'the provider got 2xx at once (immediate mode)');
    await waitFor('the handler to get the live event', () => received.length > before);
    assert.deepEqual(received.at(-1), { ok: true, type: 'charge.refunded' });
  });
});
