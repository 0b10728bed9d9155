import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import { type LtServer, startLtServer } from '../support/ltServer';
import { activateExtension, treeLabels, waitFor } from './helpers';

describe('Public URL through a loopback localtunnel server, in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let lt: LtServer;
  const config = () => vscode.workspace.getConfiguration('webhookInspector');

  before(async () => {
    api = await activateExtension();
    lt = await startLtServer();
    await config().update('tunnel.host', lt.url, vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.selfTestInterval', 2, vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.provider', 'localtunnel', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    await config().update('tunnel.provider', 'none', vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.host', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.selfTestInterval', undefined, vscode.ConfigurationTarget.Workspace);
    await lt.close();
  });

  it('Start gives an online state and the public URL in the status bar item', async () => {
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
    const status = await waitFor(
      'the tunnel online',
      () => api.controller.status.tunnel?.state === 'online' && api.controller.status,
      30_000,
    );
    assert.ok(status.publicUrl?.startsWith(lt.url), status.publicUrl);
    const host = status.publicUrl!.replace(/^https?:\/\//, '');
    assert.match(api.statusBar.item.text, /\$\(broadcast\)/);
    assert.ok(api.statusBar.item.text.includes(host), `status bar shows ${api.statusBar.item.text}`);
    await vscode.commands.executeCommand('webhookInspector.copyUrl');
    assert.equal(await vscode.env.clipboard.readText(), status.publicUrl, 'Copy URL copies the public URL');
  });

  it('a POST to the public side shows up in the Events tree; canaries do not', async () => {
    const publicUrl = api.controller.status.publicUrl!;
    const res = await fetch(`${publicUrl}/via/tunnel?x=1`, {
      method: 'POST',
      body: '{"type":"tunnel.test"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200);
    await waitFor('the event in the tree', async () => (await treeLabels(api)).includes('tunnel.test'));
    const store = await api.controller.store();
    assert.ok(!store.list().some((e) => e.url.includes('canary')), 'no canary is listed');
    assert.ok(
      store
        .list()
        .find((e) => e.url === '/via/tunnel?x=1')
        ?.publicUrl?.startsWith(publicUrl),
      'the public URL is recorded for verification',
    );
  });

  it("killing the public side's sockets leads to reconnecting, then online again with the same URL", async () => {
    const before = api.controller.status.publicUrl;
    const states: string[] = [];
    const sub = api.controller.onDidChangeStatus((s) => s.tunnel && states.push(s.tunnel.state));
    try {
      lt.dropAllSockets({ mode: 'silent' });
      await waitFor('reconnecting', () => states.includes('reconnecting'), 30_000);
      await waitFor(
        'online again',
        () => states.lastIndexOf('online') > states.indexOf('reconnecting') && api.controller.status.tunnel?.state === 'online',
        60_000,
      );
    } finally {
      sub.dispose();
    }
    assert.equal(api.controller.status.publicUrl, before, 'the same subdomain was asked for and given');
  });
});
