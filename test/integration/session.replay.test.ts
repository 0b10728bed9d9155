import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import type { ReplaySummary } from '../../src/core/replay';
import type { EventsNode } from '../../src/vscode/eventsTree';
import { activateExtension, type SeenRequest, startLoopbackHandler, waitFor } from './helpers';

const SECRET = 'whsec_replay_integration_secret';

describe('Retries, Replay Selection and scenario files, in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let handler: Awaited<ReturnType<typeof startLoopbackHandler>>;
  let handlerUrl: string;
  let receiverUrl: string;
  let seen: SeenRequest[] = [];
  const ids: string[] = [];

  const post = async (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) => {
    const res = await fetch(`${receiverUrl}${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers: { 'content-type': 'application/octet-stream', ...headers },
    });
    return ((await res.json()) as { id: string }).id;
  };
  const eventNodes = async (): Promise<EventsNode[]> => (await api.tree.getChildren()).filter((n) => n.kind === 'event');

  before(async () => {
    api = await activateExtension();
    handler = await startLoopbackHandler((url) => (url.startsWith('/replay/2') ? 500 : 200));
    handlerUrl = handler.url;
    seen = handler.seen;
    await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'stripe', secret: SECRET });
    receiverUrl = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookInspector.removeSigningSecret', { provider: 'stripe' });
    await vscode.commands.executeCommand('webhookInspector.clearFilter');
    await vscode.commands.executeCommand('webhookInspector.groupBy', 'none');
    const store = await api.controller.store();
    await store.delete([...ids]);
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    await handler.close();
  });

  it('a GitHub redelivery reads "retry 2 of evt_…"; is:duplicate and Group By Delivery show the chain', async () => {
    const headers = {
      'x-github-event': 'issues',
      'x-github-delivery': 'c0ffee00-0000-4000-8000-00000000d001',
      'content-type': 'application/json',
    };
    const first = await post('/gh', '{"action":"opened"}', headers);
    const retry = await post('/gh', '{"action":"opened"}', headers);
    ids.push(first, retry);
    const item = await waitFor('the retry row', async () => {
      const n = (await eventNodes()).find((x) => x.kind === 'event' && x.event.id === retry);
      return n && api.tree.getTreeItem(n);
    });
    assert.match(String(item.description), new RegExp(`^retry 2 of evt_…${first.slice(-6)}, \\+\\d`));
    assert.match(item.contextValue ?? '', /\+duplicate/);
    // The tooltip's Markdown escapes text (spaces as &nbsp;, punctuation with backslashes): read it back as text.
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes(`Repeat: retry 2 of ${first}, +`), tooltip);
    assert.ok(tooltip.includes('same delivery id c0ffee00-0000-4000-8000-00000000d001'), tooltip);

    await vscode.commands.executeCommand('webhookInspector.filterEvents', 'is:duplicate');
    const filtered = await eventNodes();
    assert.deepEqual(
      filtered.map((n) => n.kind === 'event' && n.event.id),
      [retry],
    );
    await vscode.commands.executeCommand('webhookInspector.clearFilter');

    await vscode.commands.executeCommand('webhookInspector.groupBy', 'delivery');
    const head = (await eventNodes()).find((n) => n.kind === 'event' && n.event.id === first)!;
    assert.ok(head, 'the first attempt heads its group');
    assert.equal(api.tree.getTreeItem(head).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const children = await api.tree.getChildren(head);
    assert.deepEqual(
      children.map((n) => n.kind === 'event' && n.event.id),
      [retry],
    );
    assert.ok(!(await eventNodes()).some((n) => n.kind === 'event' && n.event.id === retry), 'the retry is nested, not at the root');
    await vscode.commands.executeCommand('webhookInspector.groupBy', 'none');
  });

  it('Replay Selection delivers in the chosen order and reports the non-2xx', async () => {
    const replayIds: string[] = [];
    for (const n of [1, 2, 3]) {
      replayIds.push(await post(`/replay/${n}`, `body ${n}`));
    }
    ids.push(...replayIds);
    const nodes = await waitFor('three events in the tree', async () => {
      const found = (await eventNodes()).filter((n) => n.kind === 'event' && replayIds.includes(n.event.id));
      return found.length === 3 && found;
    });
    seen.length = 0;
    const summary = await vscode.commands.executeCommand<ReplaySummary>('webhookInspector.replaySelection', nodes[0], nodes, {
      order: 'reverse',
      pacing: { kind: 'fixed', delayMs: 20 },
      target: handlerUrl,
      confirmed: true,
    });
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/replay/3', '/replay/2', '/replay/1'],
    );
    assert.deepEqual(
      summary.results.map((r) => r.item.id),
      [...replayIds].reverse(),
    );
    assert.deepEqual(
      summary.failed.map((r) => r.delivery?.status),
      [500],
    );
    // Recorded on the events, as resends are.
    const store = await api.controller.store();
    assert.equal(store.get(replayIds[1]!)?.deliveries?.at(-1)?.status, 500);

    seen.length = 0;
    const shuffled = await vscode.commands.executeCommand<ReplaySummary>('webhookInspector.replaySelection', nodes[0], nodes, {
      order: 'shuffle',
      seed: 7,
      pacing: { kind: 'none' },
      target: handlerUrl,
      confirmed: true,
    });
    assert.equal(shuffled.seed, 7);
    const firstRun = seen.map((s) => s.url);
    seen.length = 0;
    await vscode.commands.executeCommand('webhookInspector.replaySelection', nodes[0], nodes, {
      order: 'shuffle',
      seed: 7,
      pacing: { kind: 'none' },
      target: handlerUrl,
      confirmed: true,
    });
    assert.deepEqual(
      seen.map((s) => s.url),
      firstRun,
      'the same seed, the same order',
    );
  });

  it('Save Selection as Scenario writes no secret; the CodeLens "▶ Replay scenario" replays it byte-exact', async () => {
    const binary = new Uint8Array([0, 255, 254, 1, 2, 3, 0xc3, 0x28]);
    const stripeBody = JSON.stringify({ id: 'evt_scenario_1', object: 'event', type: 'invoice.paid' });
    const a = await post('/scenario/bin', binary);
    const b = await post('/scenario/stripe', stripeBody, { 'stripe-signature': 't=1,v1=00', 'content-type': 'application/json' });
    ids.push(a, b);
    const nodes = await waitFor('the scenario events', async () => {
      const found = (await eventNodes()).filter((n) => n.kind === 'event' && (n.event.id === a || n.event.id === b));
      return found.length === 2 && found;
    });
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(folder, '.webhooks', 'integration.scenario.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>('webhookInspector.saveScenario', nodes[0], nodes, file);
    assert.equal(written?.toString(), file.toString());
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    assert.ok(!text.includes(SECRET), 'no secret in the scenario file');
    assert.match(text, /"bodyEncoding": "base64"/);

    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the scenario CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return l.find((x) => x.command?.title === '▶ Replay scenario') && l;
    });
    const lens = lenses.find((x) => x.command?.title === '▶ Replay scenario')!;
    assert.equal(lens.command!.command, 'webhookInspector.replayScenario');
    seen.length = 0;
    const summary = await vscode.commands.executeCommand<ReplaySummary>(lens.command!.command, ...(lens.command!.arguments ?? []), {
      target: handlerUrl,
      pacing: { kind: 'none' },
      confirmed: true,
    });
    assert.equal(summary.failed.length, 0, JSON.stringify(summary.results));
    assert.deepEqual(
      seen.map((s) => s.url),
      ['/scenario/bin', '/scenario/stripe'],
    );
    assert.ok(seen[0]!.body.equals(Buffer.from(binary)), 'binary body byte-exact');
    assert.equal(seen[1]!.body.toString('utf8'), stripeBody);
    // Re-signed with the secret from SecretStorage (the stored "t=1" signature was replaced).
    assert.match(String(seen[1]!.headers['stripe-signature']), /^t=\d{10},v1=[0-9a-f]{64}$/);
    assert.notEqual(seen[1]!.headers['stripe-signature'], 't=1,v1=00');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, '.webhooks'), { recursive: true });
  });
});
