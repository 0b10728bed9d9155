import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as vscode from 'vscode';
import Stripe from 'stripe';
import type { WebhookInspectorApi } from '../../src/extension';
import type { EventsNode } from '../../src/vscode/eventsTree';
import { activateExtension, treeLabels, waitFor } from './helpers';

const STRIPE_SECRET = 'whsec_integration_test_secret';
const GITHUB_SECRET = 'github integration secret';

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers });
  await res.arrayBuffer();
  return res.status;
}

async function githubSignature(secret: string, body: string): Promise<string> {
  const { sign } = await import('@octokit/webhooks-methods');
  return sign(secret, body);
}

function eventNode(nodes: EventsNode[], url: string): Extract<EventsNode, { kind: 'event' }> | undefined {
  return nodes.find((n): n is Extract<EventsNode, { kind: 'event' }> => n.kind === 'event' && n.event.url === url);
}

describe('Signatures in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let url: string;

  before(async () => {
    api = await activateExtension();
    url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
  });

  it('an event that arrives before its secret is set is unverified, with a hint', async () => {
    const payload = JSON.stringify({ id: 'evt_early', object: 'event', type: 'invoice.paid' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    assert.equal(await post(`${url}/hooks/stripe-early`, payload, { 'stripe-signature': header, 'content-type': 'application/json' }), 200);
    const node = await waitFor('the early event verified', async () => {
      const n = eventNode(await api.tree.getChildren(), '/hooks/stripe-early');
      return n?.event.verification && n;
    });
    assert.equal(node.event.verification?.status, 'no-secret');
    assert.equal(node.event.verification?.knob, 'signingSecret', 'the core names the knob, not a command');
    const tooltip = (api.tree.getTreeItem(node).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, /What to do: Run "Webhook Inspector: Set Signing Secret" for stripe/, 'VS Code words the knob as its command');
    assert.match(api.tree.getTreeItem(node).contextValue ?? '', /\+unverified\+/);
  });

  it('Set Signing Secret stores secrets and re-verifies stored events', async () => {
    assert.equal(
      await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'stripe', secret: STRIPE_SECRET }),
      true,
    );
    assert.equal(
      await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'github', secret: GITHUB_SECRET }),
      true,
    );
    assert.deepEqual(api.secrets.secretsFor('stripe'), [STRIPE_SECRET]);
    const node = await waitFor('the early event re-verified', async () => {
      const n = eventNode(await api.tree.getChildren(), '/hooks/stripe-early');
      return n?.event.verification?.status === 'valid' && n;
    });
    assert.match(api.tree.getTreeItem(node).contextValue ?? '', /\+verified\+/);
  });

  it('Stripe- and GitHub-signed POSTs show "verified"; a tampered one shows the reason', async () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    await post(`${url}/hooks/stripe`, payload, { 'stripe-signature': header, 'content-type': 'application/json' });
    await post(`${url}/hooks/stripe-tampered`, payload.replace('evt_1', 'evt_2'), {
      'stripe-signature': header,
      'content-type': 'application/json',
    });
    const ghBody = JSON.stringify({ action: 'opened', pull_request: { number: 7 } });
    await post(`${url}/hooks/github`, ghBody, {
      'x-github-event': 'pull_request',
      'x-github-delivery': 'delivery-1',
      'x-hub-signature-256': await githubSignature(GITHUB_SECRET, ghBody),
      'content-type': 'application/json',
    });
    const nodes = await waitFor('three verdicts', async () => {
      const all = await api.tree.getChildren();
      const found = ['/hooks/stripe', '/hooks/stripe-tampered', '/hooks/github'].map((u) => eventNode(all, u));
      return found.every((n) => n?.event.verification) && (found as Array<Extract<EventsNode, { kind: 'event' }>>);
    });
    const [stripe, tampered, github] = nodes.map((n) => api.tree.getTreeItem(n));
    assert.equal(stripe!.label, 'payment_intent.succeeded');
    assert.match(stripe!.contextValue ?? '', /\+verified\+/);
    assert.equal(github!.label, 'pull_request.opened');
    assert.match(github!.contextValue ?? '', /\+verified\+/);
    assert.match(tampered!.contextValue ?? '', /\+invalid\+/);
    // The tooltip is Markdown built with appendText: undo its escaping to read it as a user would.
    const tooltip = (tampered!.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, /Signature: invalid/);
    assert.ok(tooltip.includes(nodes[1]!.event.verification!.reason), 'the reason is in the tooltip');
    assert.ok(tooltip.includes(`What to do: ${nodes[1]!.event.verification!.hint}`), 'and the hint');
  });

  it('groups by provider and filters by verdict', async () => {
    await vscode.commands.executeCommand('webhookInspector.groupBy', 'provider');
    const groups = await api.tree.getChildren();
    assert.ok(
      groups.every((g) => g.kind === 'group'),
      'only group rows at the top',
    );
    const labels = groups.map((g) => (g.kind === 'group' ? g.label : ''));
    assert.ok(labels.includes('stripe') && labels.includes('github'), labels.join(', '));
    const stripeGroup = groups.find((g) => g.kind === 'group' && g.label === 'stripe')!;
    assert.ok((await api.tree.getChildren(stripeGroup)).every((n) => n.kind === 'event' && n.event.provider === 'stripe'));
    await vscode.commands.executeCommand('webhookInspector.groupBy', 'none');

    await vscode.commands.executeCommand('webhookInspector.filterEvents', 'verdict:invalid');
    assert.deepEqual(await treeLabels(api), ['payment_intent.succeeded'], 'only the tampered Stripe event');
    await vscode.commands.executeCommand('webhookInspector.filterEvents', 'evt_1');
    const bodyHits = await treeLabels(api);
    assert.ok(bodyHits.length >= 1 && bodyHits.every((l) => l === 'payment_intent.succeeded'), `body text search: ${bodyHits.join(', ')}`);
    await vscode.commands.executeCommand('webhookInspector.clearFilter');
    assert.ok((await treeLabels(api)).length >= 4);
  });

  it('pinned events are marked and can be unpinned', async () => {
    const node = eventNode(await api.tree.getChildren(), '/hooks/github')!;
    assert.equal(await vscode.commands.executeCommand('webhookInspector.pinEvent', node), 1);
    const pinned = await waitFor('the pinned row', async () => {
      const n = eventNode(await api.tree.getChildren(), '/hooks/github');
      return n?.event.pinned && n;
    });
    assert.match(api.tree.getTreeItem(pinned).contextValue ?? '', /\+pinned/);
    assert.equal(await vscode.commands.executeCommand('webhookInspector.unpinEvent', pinned), 1);
  });

  it('Remove Signing Secret forgets the secret and re-verifies', async () => {
    assert.equal(await vscode.commands.executeCommand('webhookInspector.removeSigningSecret', { provider: 'github' }), true);
    assert.deepEqual(api.secrets.secretsFor('github'), []);
    await waitFor(
      'github events unverified again',
      async () => eventNode(await api.tree.getChildren(), '/hooks/github')?.event.verification?.status === 'no-secret',
    );
    await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'github', secret: GITHUB_SECRET });
  });

  it('a secret stored in another window (SecretStorage.onDidChange) applies here and re-verifies', async () => {
    const secret = 'shpss_other_window_secret';
    const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' });
    const hmac = createHmac('sha256', secret).update(body).digest('base64');
    await post(`${url}/hooks/shopify-other-window`, body, {
      'x-shopify-topic': 'orders/create',
      'x-shopify-hmac-sha256': hmac,
      'content-type': 'application/json',
    });
    await waitFor(
      'the Shopify event without a secret',
      async () => eventNode(await api.tree.getChildren(), '/hooks/shopify-other-window')?.event.verification?.status === 'no-secret',
    );
    // Another window writes the same SecretStorage entry this window reads: the change event is all we get.
    const storage = (api.secrets as unknown as { storage: vscode.SecretStorage }).storage;
    await storage.store('webhookInspector.secret.shopify', JSON.stringify([{ value: secret, addedAt: new Date().toISOString() }]));
    await waitFor(
      'the Shopify event re-verified',
      async () => eventNode(await api.tree.getChildren(), '/hooks/shopify-other-window')?.event.verification?.status === 'valid',
    );
    assert.deepEqual(api.secrets.secretsFor('shopify'), [secret]);
    await storage.delete('webhookInspector.secret.shopify');
    await waitFor('the secret removed here too', async () => api.secrets.secretsFor('shopify').length === 0);
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
  });
});
