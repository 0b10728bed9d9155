import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DetailPanel } from '../../src/vscode/detailPanel';
import { activateExtension, waitFor } from './helpers';

describe('Event detail panel and body editors, in a real VS Code', () => {
  let id: string;
  const hostile = '<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=2</script>';

  before(async () => {
    await activateExtension();
    const url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    const body = JSON.stringify({ id: 'evt_detail', object: 'event', type: 'customer.created', data: { note: hostile } });
    const res = await fetch(`${url}/hooks/detail?mode=${encodeURIComponent(hostile)}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hostile': hostile },
    });
    id = ((await res.json()) as { id: string }).id;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
  });

  it('opens the panel for an event and shows its overview through the message protocol', async () => {
    // The command returns the panel (the test bundle has its own copy of the module, so no statics).
    const panel = await vscode.commands.executeCommand<DetailPanel>('webhookInspector.showEventDetail', id);
    assert.ok(panel, 'the command returns the panel');
    const snapshot = await waitFor(
      'the snapshot posted after the webview said ready',
      () => panel.lastSnapshot?.eventId === id && panel.lastSnapshot,
      20_000,
    );
    assert.equal(snapshot.overview.eventType, 'customer.created');
    assert.equal(snapshot.overview.method, 'POST');
    assert.ok(
      snapshot.headers.some((h) => h.name.toLowerCase() === 'x-hostile'),
      'headers as received',
    );
    assert.ok(snapshot.query.length >= 1, 'query parameters');
    assert.equal(snapshot.body.formatLabel, 'JSON');
  });

  it('Open Body in Editor shows a read-only document with the JSON language', async () => {
    await vscode.commands.executeCommand('webhookInspector.openBodyInEditor', id);
    const editor = await waitFor(
      'the body editor',
      () => vscode.window.activeTextEditor?.document.uri.scheme === 'webhook-body' && vscode.window.activeTextEditor,
    );
    assert.equal(editor.document.languageId, 'json');
    assert.match(editor.document.getText(), /"customer\.created"/);
  });

  it('Open Editable Copy makes an untitled document with the body', async () => {
    await vscode.commands.executeCommand('webhookInspector.openEditableBodyCopy', id);
    const editor = await waitFor(
      'the untitled copy',
      () => vscode.window.activeTextEditor?.document.isUntitled && vscode.window.activeTextEditor,
    );
    assert.match(editor.document.getText(), /evt_detail/);
  });

  it('Copy as cURL puts a shell-safe command on the clipboard', async () => {
    await vscode.commands.executeCommand('webhookInspector.copyAsCurl', id);
    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /^curl /);
    assert.ok(curl.includes('/hooks/detail'), curl.slice(0, 200));
  });
});
