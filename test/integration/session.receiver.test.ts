import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import { activateExtension, EXTENSION_ID, treeLabels, waitFor } from './helpers';

function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Webhook Inspector in a real VS Code', () => {
  let api: WebhookInspectorApi;

  before(async () => {
    api = await activateExtension();
  });

  it('contributes its commands, with Start in the palette', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['startReceiver', 'stopReceiver', 'copyUrl', 'clearEvents', 'deleteEvent']) {
      assert.ok(all.includes(`webhookInspector.${id}`), `webhookInspector.${id} is registered`);
    }
    // Every contributed command, including those whose code loads on first use (registered as stand-ins).
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } })
      .contributes.commands;
    const missing = contributed.map((c) => c.command).filter((id) => !all.includes(id));
    assert.deepEqual(missing, [], 'every contributed command is registered right after activation');
  });

  it('uses the store folder from the settings, else the extension storage', async () => {
    const store = await api.controller.store();
    if (process.env.WI_TEST_STORE) {
      assert.equal(store.dir, process.env.WI_TEST_STORE);
    } else {
      // Run through @vscode/test-cli without the runner's workspace settings.
      assert.match(store.dir, /webhook-inspector\.webhook-inspector[\\/]events$/);
    }
  });

  it('the Start command starts the receiver on 127.0.0.1', async () => {
    const url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.controller.status.state, 'running');
    assert.equal(api.controller.status.url, url);
  });

  it('a POST appears in the Events tree, labelled by its event type, and its bytes are stored', async () => {
    const url = api.controller.status.url!;
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0xff, 0x00]);
    const reply = await post(`${url}/webhooks/github?delivery=1`, body, { 'X-GitHub-Event': 'push', 'content-type': 'application/json' });
    assert.equal(reply.status, 200);
    const id = JSON.parse(reply.body).id as string;
    const labels = await waitFor('the event in the tree', async () => {
      const l = await treeLabels(api);
      return l.includes('push') && l;
    });
    assert.equal(labels[0], 'push', 'newest first, labelled by X-GitHub-Event');
    const store = await api.controller.store();
    assert.ok((await store.readBody(id)).equals(body));
    const [node] = await api.tree.getChildren();
    const item = api.tree.getTreeItem(node!);
    assert.equal(item.id, id, 'stable id = event id');
    assert.match(String(item.description), /^github · POST \/webhooks\/github\?delivery=1 · just now · 9 B$/);
    await post(`${url}/plain/path`, 'no type here');
    await waitFor('a row labelled method + path', async () => (await treeLabels(api)).includes('POST /plain/path'));
    assert.match(item.contextValue ?? '', /^webhookEvent/);
  });

  it('Copy Receiver URL puts the URL on the clipboard', async () => {
    await vscode.commands.executeCommand('webhookInspector.copyUrl');
    assert.equal(await vscode.env.clipboard.readText(), api.controller.status.url);
  });

  it('Delete Event removes the event from the tree and the store', async () => {
    const url = api.controller.status.url!;
    await post(`${url}/to-delete`, 'bye');
    const node = await waitFor('the event to delete', async () =>
      (await api.tree.getChildren()).find((n) => n.kind === 'event' && n.event.url === '/to-delete'),
    );
    const deleted = await vscode.commands.executeCommand<number>('webhookInspector.deleteEvent', node);
    assert.equal(deleted, 1);
    await waitFor('the tree without it', async () => !(await treeLabels(api)).includes('POST /to-delete'));
  });

  it('a body over the limit is answered 413 and listed without its body', async () => {
    await vscode.workspace.getConfiguration('webhookInspector').update('maxBodySize', 1024, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the new limit', () =>
        post(`${api.controller.status.url}/too-big`, Buffer.alloc(2048, 1)).then((r) => r.status === 413),
      );
      const node = await waitFor('the rejected event', async () =>
        (await api.tree.getChildren()).find((n) => n.kind === 'event' && n.event.url === '/too-big'),
      );
      assert.match(api.tree.getTreeItem(node).contextValue ?? '', /^webhookEvent\+.*\+rejected/);
    } finally {
      await vscode.workspace.getConfiguration('webhookInspector').update('maxBodySize', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('the Events view opens from its command', async () => {
    await vscode.commands.executeCommand('webhookInspector.events.focus');
    assert.ok((await api.tree.getChildren()).length > 0);
  });

  it('Stop frees the port', async () => {
    const port = Number(new URL(api.controller.status.url!).port);
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    assert.equal(api.controller.status.state, 'stopped');
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    await new Promise((r) => server.close(r));
  });
});
