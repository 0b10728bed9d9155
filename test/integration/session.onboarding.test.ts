import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import { EventStore } from '../../src/core/store';
import { viewState, VIEW_KEYS } from '../../src/vscode/contextKeys';
import { installFakeCloudflared, type FakeCloudflared } from '../support/fakeCloudflared';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents: string[];
}
interface Welcome {
  view: string;
  when: string;
  contents: string;
}

/** Evaluates the `a && !b` when clauses our welcome views use against the keys' values. */
function holds(when: string, keys: Record<string, unknown>): boolean {
  return when.split('&&').every((term) => {
    const t = term.trim();
    return t.startsWith('!') ? !keys[t.slice(1)] : !!keys[t];
  });
}

describe('First five minutes: walkthrough, welcome states, URL-changed notice', () => {
  let api: WebhookInspectorApi;
  let pkg: { contributes: { walkthroughs: Array<{ steps: Step[] }>; viewsWelcome: Welcome[] } };
  let extensionPath: string;
  let handler: http.Server;
  const received: Array<{ url: string; body: string }> = [];
  let fakes: FakeCloudflared[] = [];
  const config = () => vscode.workspace.getConfiguration('webhookInspector');
  const keys = (): Record<string, unknown> => ({ ...api.viewKeys.values, 'webhookInspector.running': api.controller.isRunning });
  const welcomesShown = () => pkg.contributes.viewsWelcome.filter((w) => w.view === 'webhookInspector.events' && holds(w.when, keys()));

  before(async () => {
    api = await activateExtension();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    pkg = ext.packageJSON as typeof pkg;
    extensionPath = ext.extensionPath;
    await vscode.commands.executeCommand('webhookInspector.events.focus');
    handler = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => handler.listen(0, '127.0.0.1', () => r()));
    await config().update(
      'forward.target',
      `http://127.0.0.1:${(handler.address() as AddressInfo).port}`,
      vscode.ConfigurationTarget.Workspace,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    for (const p of ['stripe', 'github']) {
      await vscode.commands.executeCommand('webhookInspector.removeSigningSecret', { provider: p });
    }
    const store = await api.controller.store();
    await store.delete(
      store
        .list()
        .filter((e) => e.url.startsWith('/onboarding') || e.eventType === 'payment_intent.succeeded')
        .map((e) => e.id),
    );
    await vscode.commands.executeCommand('webhookInspector.clearFilter');
    await config().update('forward.target', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.provider', 'none', vscode.ConfigurationTarget.Workspace);
    await config().update('tunnel.cloudflaredPath', undefined, vscode.ConfigurationTarget.Global);
    await new Promise((r) => handler.close(r));
    for (const f of fakes) {
      f.cleanup();
    }
    fakes = [];
  });

  it('contributes a five-step walkthrough whose completion events name real commands and our context key; media are packaged', async () => {
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.ok(walkthrough);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['start', 'copyUrl', 'setSecret', 'sendSample', 'resend'],
    );
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} has completion events`);
      for (const ev of step.completionEvents) {
        const [kind, name] = ev.split(':') as [string, string];
        if (kind === 'onCommand') {
          assert.ok(commands.has(name), `${step.id}: ${name} is a registered command`);
        } else {
          assert.deepEqual([kind, name], ['onContext', 'webhookInspector.running'], `${step.id}: ${ev} is a key we set`);
        }
      }
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(extensionPath, media)), `${step.id}: media ${media} exists`);
      // The step's button runs the command its completion event waits for.
      const first = step.completionEvents[0]!.replace('onCommand:', '').replace('onContext:', '');
      assert.ok(
        step.description.includes(`command:${first}`) || first === 'webhookInspector.running',
        `${step.id}: its button is ${first}`,
      );
    }
    const copy = walkthrough.steps[1]!.description;
    for (const site of ['dashboard.stripe.com/webhooks', 'docs.github.com', 'help.shopify.com']) {
      assert.ok(copy.includes(site), `links ${site}`);
    }
  });

  it('walking the steps for real: each command its completion event names runs and does its job', async () => {
    const steps = pkg.contributes.walkthroughs[0]!.steps;
    const commandOf = (id: string) =>
      steps
        .find((s) => s.id === id)!
        .completionEvents.find((e) => e.startsWith('onCommand:'))!
        .slice('onCommand:'.length);
    assert.equal(api.controller.isRunning, false);
    await vscode.commands.executeCommand(commandOf('start'));
    assert.equal(api.controller.isRunning, true, 'start: running (the onContext event too)');
    await vscode.commands.executeCommand(commandOf('copyUrl'));
    assert.equal(await vscode.env.clipboard.readText(), api.controller.status.url, 'copy: the URL is on the clipboard');
    assert.equal(await vscode.commands.executeCommand(commandOf('setSecret'), { provider: 'stripe', secret: 'whsec_onboarding' }), true);
    const delivery = await vscode.commands.executeCommand<{ status?: number }>(commandOf('sendSample'), {
      provider: 'stripe',
      event: 'payment_intent.succeeded',
    });
    assert.equal(delivery?.status, 200, 'the sample reached the receiver');
    const store = await api.controller.store();
    const event = await waitFor('the sample, verified', () =>
      store.list().find((e) => e.eventType === 'payment_intent.succeeded' && e.verification?.status === 'valid'),
    );
    const before = received.length;
    await vscode.commands.executeCommand(commandOf('resend'), event.id);
    await waitFor('the handler got the resend', () => received.length > before);
    assert.ok(received[received.length - 1]!.body.includes('payment_intent.succeeded'));
  });

  it('each state of the view sets its key, and exactly one welcome content matches it', async () => {
    // Running, tunnel none, events listed: the "running" welcome.
    assert.equal(api.controller.isRunning, true);
    let shown = welcomesShown();
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0]!.contents, /The receiver is listening/);

    // A filter that matches nothing.
    await vscode.commands.executeCommand('webhookInspector.filterEvents', 'nothing-matches-this-zq');
    await waitFor('filterEmpty', () => api.viewKeys.values[VIEW_KEYS.filterEmpty] === true);
    shown = welcomesShown();
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.contents, /\[Clear Filter\]\(command:webhookInspector\.clearFilter\)/);
    await vscode.commands.executeCommand('webhookInspector.clearFilter');
    await waitFor('filter cleared', () => api.viewKeys.values[VIEW_KEYS.filterEmpty] === false);

    // A provider sending without a secret: events are listed, so a view message and a title button.
    const url = api.controller.status.url!;
    await fetch(`${url}/onboarding/github`, {
      method: 'POST',
      body: '{"zen":"x"}',
      headers: {
        'x-github-event': 'ping',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': 'sha256=00',
        'content-type': 'application/json',
      },
    });
    await waitFor('missingSecret = github', () => api.viewKeys.values[VIEW_KEYS.missingSecret] === 'github');
    assert.match(api.viewKeys.messages().join(' '), /github is sending, but no signing secret is set/);
    await vscode.commands.executeCommand('webhookInspector.setSigningSecret', { provider: 'github', secret: 'gh-secret' });
    await waitFor('missingSecret cleared', () => !api.viewKeys.values[VIEW_KEYS.missingSecret]);

    // Stopped.
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    shown = welcomesShown();
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.contents, /command:webhookInspector\.startReceiver/);

    // Read-only: another holder of the lock (this window holds it, so a second read-only view of the
    // same folder stands for the other window); the state and the welcome that explains it.
    const ro = await EventStore.open((await api.controller.store()).dir, { maxEvents: 1000, readOnly: true });
    const state = viewState({ state: 'stopped' }, ro, { shown: 0, total: ro.size }, false, () => true);
    await ro.close();
    assert.equal(state.storeReadOnly, true);
    const roWelcomes = pkg.contributes.viewsWelcome.filter((w) => holds(w.when, { [VIEW_KEYS.storeReadOnly]: true }));
    assert.equal(roWelcomes.length, 1);
    assert.match(roWelcomes[0]!.contents, /another VS Code window .* holds its lock/);
  });

  it('the tunnel failed (cloudflared missing): its welcome offers Retry, Use Local Only, Use My Own URL…, Use cloudflared, Show Log; Use Local Only fixes it', async () => {
    await config().update('tunnel.cloudflaredPath', path.join(extensionPath, 'no-such-cloudflared'), vscode.ConfigurationTarget.Global);
    await config().update('tunnel.provider', 'cloudflared', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
    await waitFor('tunnelFailed', () => api.viewKeys.values[VIEW_KEYS.tunnelFailed] === true, 20_000);
    assert.match(api.controller.status.tunnel?.reason ?? '', /cloudflared was not found/);
    const shown = welcomesShown();
    assert.equal(shown.length, 1);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const [label, command] of [
      ['Retry', 'restartTunnel'],
      ['Use Local Only', 'useLocalOnly'],
      ['Use My Own URL…', 'useOwnUrl'],
      ['Use cloudflared', 'useCloudflared'],
      ['Show Log', 'showLog'],
    ]) {
      assert.ok(shown[0]!.contents.includes(`[${label}](command:webhookInspector.${command})`), `offers ${label}`);
      assert.ok(commands.has(`webhookInspector.${command}`), `${command} exists`);
    }
    await vscode.commands.executeCommand('webhookInspector.useLocalOnly');
    await waitFor('running local only', () => api.controller.isRunning && api.controller.status.tunnel === undefined, 20_000);
    assert.equal(config().get('tunnel.provider'), 'none');
    await waitFor('tunnelFailed cleared', () => api.viewKeys.values[VIEW_KEYS.tunnelFailed] === false);
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
  });

  it('a restart of cloudflared with a new URL shows the URL-changed notice with the new and the old URL', async () => {
    // The stand-in (test/support/fakeCloudflared.mjs, cloudflared 2025.8's output) crashes 1.5 s after
    // coming up; the supervisor restarts it and it reports another loopback URL (a new trycloudflare.com one for real).
    const fake = installFakeCloudflared({ FAKE_CLOUDFLARED_EXIT_AFTER_MS: '1500' });
    fakes.push(fake);
    await config().update('tunnel.cloudflaredPath', fake.bin, vscode.ConfigurationTarget.Global);
    await config().update('tunnel.provider', 'cloudflared', vscode.ConfigurationTarget.Workspace);
    api.urlNotice.last = undefined;
    await vscode.commands.executeCommand('webhookInspector.startReceiver');
    const first = await waitFor(
      'online',
      () => api.controller.status.tunnel?.state === 'online' && api.controller.status.publicUrl,
      30_000,
    );
    const notice = await waitFor(
      'the URL-changed notice',
      () => api.urlNotice.last?.change.previousUrl === first && api.urlNotice.last,
      40_000,
    );
    assert.notEqual(notice.change.publicUrl, first);
    assert.ok(notice.message.includes(notice.change.publicUrl) && notice.message.includes(first), notice.message);
    assert.match(notice.message, /Update it in your providers' webhook settings/);
    await vscode.commands.executeCommand('webhookInspector.stopReceiver');
    await config().update('tunnel.provider', 'none', vscode.ConfigurationTarget.Workspace);
  });
});
