import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebhookInspectorExports } from '../../src/extension';
import { activateExtension, EXTENSION_ID, treeLabels, waitFor } from './helpers';

// Runs in a second VS Code session on the same store as the "session" phase.
describe('After VS Code restarts', () => {
  it('a compare document restored with its diff editor is served before anything else loaded the services', async () => {
    await vscode.extensions.getExtension<WebhookInspectorExports>(EXTENSION_ID)!.activate();
    // What a restored diff editor asks for: the scheme must be registered at activation, not on first use.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse('webhook-compare:/evt_gone/request.http'));
    assert.match(doc.getText(), /The event evt_gone is no longer in the store/);
  });

  it('a command run right after activation (a stand-in) loads the services and runs with its arguments', async () => {
    const exports = await vscode.extensions.getExtension<WebhookInspectorExports>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('webhookInspector.filterEvents', 'provider:github');
    const api = await exports.loaded();
    assert.equal(api.tree.filter?.text, 'provider:github');
    await vscode.commands.executeCommand('webhookInspector.clearFilter');
    assert.equal(api.tree.filter, undefined);
  });

  it('the captured events are still in the Events tree, bodies intact', async () => {
    const api = await activateExtension();
    assert.equal(api.controller.status.state, 'stopped', 'the receiver does not start by itself');
    const labels = await waitFor('events from the previous session', async () => {
      const l = await treeLabels(api);
      return l.length > 0 && l;
    });
    assert.ok(labels.includes('push'), labels.join(', '));
    assert.ok(labels.includes('POST /too-big'));
    assert.ok(labels.includes('payment_intent.succeeded'), 'events verified in the first session keep their labels');
    const verified = (await api.tree.getChildren()).filter((n) => n.kind === 'event' && n.event.verification?.status === 'valid');
    assert.ok(verified.length >= 2, 'verdicts survive the restart');
    assert.ok(!labels.includes('POST /to-delete'), 'deleted events stay deleted');
    const store = await api.controller.store();
    const event = store.list().find((e) => e.url === '/webhooks/github?delivery=1')!;
    assert.deepEqual([...(await store.readBody(event.id))], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0xff, 0x00]);
  });

  it('Clear Events empties the store', async () => {
    const api = await activateExtension();
    const cleared = await vscode.commands.executeCommand<number>('webhookInspector.clearEvents', { confirm: false });
    assert.ok(cleared >= 2);
    await waitFor('an empty tree', async () => (await treeLabels(api)).length === 0);
  });
});
