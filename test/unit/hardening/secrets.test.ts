/**
 * No signing secret leaks: with known secrets given by `--secret` and `WEBHOOK_INSPECTOR_SECRET_*`,
 * every CLI feature is exercised (listen with signed, tampered and handshake deliveries and live
 * forwarding, events, show, resend with re-signing, send-sample) and the exports are produced; then the
 * store folder, every captured stdout/stderr, what the handler received and the exported texts are
 * searched for each secret (as is, base64, base64url, hex). Signatures derived from a secret are fine.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { curlCommand } from '../../../src/core/export/curl';
import { fixtureBodyExtension, fixtureFileNames, fixtureMetadata } from '../../../src/core/export/fixture';
import { EventStore } from '../../../src/core/store';
import { CLI, type RunningCli, startCli } from '../../support/cli';
import { request } from '../../support/http';

/** Each secret's random part: found alone, it shows a secret cut short (e.g. its first 40 characters). */
const TAGS = { stripe: randomTag(), github: randomTag(), slack: randomTag(), zoom: randomTag() } as const;
const SECRETS: Record<keyof typeof TAGS, string> = {
  stripe: `whsec_LEAKCHECK_${TAGS.stripe}`,
  github: `gh_LEAKCHECK_${TAGS.github}`,
  slack: `slack_LEAKCHECK_${TAGS.slack}`,
  zoom: `zoom_LEAKCHECK_${TAGS.zoom}`,
};

function randomTag(): string {
  return randomBytes(10).toString('hex');
}
/** Given through the environment; the others through `--secret`. */
const ENV = { WEBHOOK_INSPECTOR_SECRET_GITHUB: SECRETS.github, WEBHOOK_INSPECTOR_SECRET_ZOOM: SECRETS.zoom };

/** Every form a secret could take in a file or a log. */
function forms(secret: string, tag: string): Array<[string, Buffer]> {
  const raw = Buffer.from(secret, 'utf8');
  return [
    ['as is', raw],
    ['base64', Buffer.from(raw.toString('base64'))],
    ['base64url', Buffer.from(raw.toString('base64url'))],
    ['hex', Buffer.from(raw.toString('hex'))],
    ['HEX', Buffer.from(raw.toString('hex').toUpperCase())],
    ['random part', Buffer.from(tag)],
  ];
}

/** Names the secret forms found in `data`; empty when clean. */
function leaks(data: Buffer | string): string[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const found: string[] = [];
  for (const provider of Object.keys(SECRETS) as Array<keyof typeof SECRETS>) {
    for (const [form, needle] of forms(SECRETS[provider], TAGS[provider])) {
      if (buf.includes(needle)) {
        found.push(`${provider} secret (${form})`);
      }
    }
  }
  return [...new Set(found)];
}

interface Output {
  label: string;
  text: string;
}

/** Runs the CLI to completion with extra environment; keeps stdout and stderr. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await filesUnder(full)));
    } else {
      out.push(full);
    }
  }
  return out;
}

interface HandlerRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

describe('no secret leaks', () => {
  let store: string;
  let exportDir: string;
  let handler: http.Server;
  let handlerUrl: string;
  const handled: HandlerRequest[] = [];
  const outputs: Output[] = [];
  const exportsText: Output[] = [];
  const ids: Record<string, string> = {};
  const listenLines: Array<Record<string, unknown>> = [];
  let slackChallengeReply: { status: number; body: string } | undefined;
  let zoomReply: { status: number; body: string } | undefined;
  let cli: RunningCli | undefined;

  const runs = new Map<string, { code: number | null; stdout: string; stderr: string }>();
  const keep = (label: string, r: { code: number | null; stdout: string; stderr: string }) => {
    runs.set(label, r);
    outputs.push({ label: `${label} (stdout)`, text: r.stdout }, { label: `${label} (stderr)`, text: r.stderr });
  };

  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    store = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-secrets-'));
    exportDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-secrets-export-'));
    handler = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        handled.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('handled');
      });
    });
    await new Promise<void>((resolve) => handler.listen(0, '127.0.0.1', resolve));
    handlerUrl = `http://127.0.0.1:${(handler.address() as AddressInfo).port}`;

    // ---- listen: signed, tampered and handshake deliveries, live forwarding (re-signed) ----
    cli = startCli(
      [
        'listen',
        '--tunnel',
        'none',
        '--port',
        '0',
        '--store',
        store,
        '--secret',
        `stripe=${SECRETS.stripe}`,
        '--secret',
        `slack=${SECRETS.slack}`,
        '--forward-to',
        handlerUrl,
      ],
      { ...ENV, WEBHOOK_INSPECTOR_DEBUG: '1' },
    );
    const url = String((await cli.waitFor((l) => l.type === 'receiver' && l.state === 'running')).url);
    const json = { 'content-type': 'application/json' };

    const stripePayload = JSON.stringify({
      id: 'evt_leak',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1' } },
    });
    const stripeHeader = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload: stripePayload, secret: SECRETS.stripe });
    await request(`${url}/stripe`, { body: stripePayload, headers: { ...json, 'stripe-signature': stripeHeader } });
    await request(`${url}/stripe-tampered`, {
      body: stripePayload.replace('succeeded', 'failed'),
      headers: { ...json, 'stripe-signature': stripeHeader },
    });

    const ghBody = JSON.stringify({ action: 'opened', number: 7, pull_request: { title: 'x' } });
    const { sign: githubSign } = await import('@octokit/webhooks-methods'); // ESM only
    const ghSig = await githubSign(SECRETS.github, ghBody);
    const ghHeaders = { ...json, 'x-github-event': 'pull_request', 'x-github-delivery': 'd-leak' };
    await request(`${url}/github`, { body: ghBody, headers: { ...ghHeaders, 'x-hub-signature-256': ghSig } });
    await request(`${url}/github-tampered`, {
      body: ghBody.replace('opened', 'closed'),
      headers: { ...ghHeaders, 'x-hub-signature-256': ghSig },
    });

    const slackSign = (body: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = `v0=${createHmac('sha256', SECRETS.slack).update(`v0:${ts}:${body}`).digest('hex')}`;
      return { ...json, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
    };
    const slackEvent = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention', text: 'hi' } });
    await request(`${url}/slack`, { body: slackEvent, headers: slackSign(slackEvent) });
    const challenge = `challenge-${randomBytes(6).toString('hex')}`;
    const slackHandshake = JSON.stringify({ type: 'url_verification', token: 'legacy-token', challenge });
    const sr = await request(`${url}/slack`, { body: slackHandshake, headers: slackSign(slackHandshake) });
    slackChallengeReply = { status: sr.status, body: sr.body.toString() };
    const tamperedHandshake = JSON.stringify({ type: 'url_verification', token: 'legacy-token', challenge: 'other' });
    await request(`${url}/slack-tampered`, { body: tamperedHandshake, headers: slackSign(slackHandshake) });

    const zoomBody = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'plain-token-1' } });
    const zr = await request(`${url}/zoom`, { body: zoomBody, headers: json });
    zoomReply = { status: zr.status, body: zr.body.toString() };

    // credentials in ordinary headers (not signing secrets): for the exports below
    await request(`${url}/with-credentials`, {
      body: '{"x":1}',
      headers: { ...json, authorization: 'Bearer AUTHZ_VALUE_123', cookie: 'session=COOKIE_VALUE_456' },
    });

    for (const p of ['/stripe', '/stripe-tampered', '/github', '/github-tampered', '/slack-tampered', '/zoom', '/with-credentials']) {
      const line = await cli.waitFor((l) => l.type === 'event' && l.url === p);
      ids[p] = String(line.id);
    }
    await cli.waitFor((l) => l.type === 'event' && l.url === '/slack' && l.handshake === 'slack-url-verification');
    const slackLine = await cli.waitFor((l) => l.type === 'event' && l.url === '/slack' && !l.handshake);
    ids['/slack'] = String(slackLine.id);
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0);
    listenLines.push(...cli.lines);
    outputs.push(
      { label: 'listen (stdout)', text: cli.lines.map((l) => JSON.stringify(l)).join('\n') },
      { label: 'listen (stderr)', text: cli.stderr.join('\n') },
    );

    // ---- reading ----
    keep('events --json', await runCli(['events', '--store', store, '--json']));
    keep('events', await runCli(['events', '--store', store]));
    for (const id of Object.values(ids)) {
      keep(`show ${id}`, await runCli(['show', id, '--store', store]));
      keep(`show --json ${id}`, await runCli(['show', id, '--store', store, '--json']));
    }

    // ---- resend, re-signed with the secret from a flag or from the environment ----
    keep(
      'resend stripe',
      await runCli([
        'resend',
        ids['/stripe']!,
        '--store',
        store,
        '--to',
        `${handlerUrl}/resent/stripe`,
        '--secret',
        `stripe=${SECRETS.stripe}`,
        '--resign',
        '--json',
      ]),
    );
    keep(
      'resend github (env)',
      await runCli(['resend', ids['/github']!, '--store', store, '--to', `${handlerUrl}/resent/github`, '--resign', '--json'], ENV),
    );
    keep(
      'resend slack',
      await runCli([
        'resend',
        ids['/slack']!,
        '--store',
        store,
        '--to',
        `${handlerUrl}/resent/slack`,
        '--secret',
        `slack=${SECRETS.slack}`,
        '--resign',
      ]),
    );
    keep(
      'resend tampered',
      await runCli([
        'resend',
        ids['/stripe-tampered']!,
        '--store',
        store,
        '--to',
        `${handlerUrl}/resent/tampered`,
        '--secret',
        `stripe=${SECRETS.stripe}`,
        '--no-resign',
        '--yes',
      ]),
    );

    // ---- send-sample ----
    keep(
      'send-sample stripe',
      await runCli([
        'send-sample',
        'stripe',
        'payment_intent.succeeded',
        '--to',
        `${handlerUrl}/sample/stripe`,
        '--secret',
        SECRETS.stripe,
      ]),
    );
    keep(
      'send-sample stripe --json',
      await runCli([
        'send-sample',
        'stripe',
        'payment_intent.succeeded',
        '--to',
        `${handlerUrl}/sample/stripe-json`,
        '--secret',
        `stripe=${SECRETS.stripe}`,
        '--json',
      ]),
    );
    keep('send-sample github (env)', await runCli(['send-sample', 'github', 'push', '--to', `${handlerUrl}/sample/github`], ENV));
    keep('send-sample slack --print', await runCli(['send-sample', 'slack', 'event_callback', '--secret', SECRETS.slack, '--print']));
    keep(
      'send-sample slack --print --json',
      await runCli(['send-sample', 'slack', 'event_callback', '--secret', SECRETS.slack, '--print', '--json']),
    );

    // ---- exports (cURL, fixture), as the extension's commands produce them ----
    const reader = await EventStore.open(store, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
    try {
      for (const event of reader.list()) {
        const body = await reader.readBody(event.id);
        const curl = curlCommand(event, body, { baseUrl: 'http://127.0.0.1:4000', bodyFilePath: path.join(exportDir, `${event.id}.bin`) });
        exportsText.push({ label: `cURL ${event.url}`, text: curl.command });
        const names = fixtureFileNames(path.join(exportDir, event.id), fixtureBodyExtension(event, body));
        const meta = fixtureMetadata(event, names.bodyFile, createHash('sha256').update(body).digest('hex'));
        const metaText = JSON.stringify(meta, null, 2);
        await fsp.writeFile(names.metadataPath, metaText);
        await fsp.writeFile(names.bodyPath, body);
        exportsText.push({ label: `fixture ${event.url}`, text: metaText });
      }
    } finally {
      await reader.close();
    }
  });

  after(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    if (handler) {
      handler.closeAllConnections();
      await new Promise((resolve) => handler.close(resolve));
    }
    await fsp.rm(store, { recursive: true, force: true });
    await fsp.rm(exportDir, { recursive: true, force: true });
  });

  test('the features really ran with the secrets: verdicts, handshakes, re-signed resends and samples', () => {
    const verdict = (p: string) =>
      (listenLines.find((l) => l.type === 'event' && l.id === ids[p])?.verification as { status?: string } | undefined)?.status;
    assert.equal(verdict('/stripe'), 'valid');
    assert.equal(verdict('/stripe-tampered'), 'invalid');
    assert.equal(verdict('/github'), 'valid', 'the GitHub secret from the environment is used');
    assert.equal(verdict('/github-tampered'), 'invalid');
    assert.equal(verdict('/slack'), 'valid');
    assert.deepEqual(slackChallengeReply?.status, 200);
    assert.equal(slackChallengeReply?.body.startsWith('challenge-'), true, 'the Slack challenge is echoed');
    assert.equal(listenLines.find((l) => l.id === ids['/slack-tampered'])?.status, 403, 'a tampered handshake is refused');
    assert.equal(zoomReply?.status, 200);
    const plain = JSON.parse(zoomReply?.body ?? '{}') as { encryptedToken?: string };
    assert.equal(
      plain.encryptedToken,
      createHmac('sha256', SECRETS.zoom).update('plain-token-1').digest('hex'),
      'the Zoom secret from the environment is used',
    );

    for (const [label, r] of runs) {
      assert.equal(r.code, 0, `${label} exits 0; stdout: ${r.stdout} stderr: ${r.stderr}`);
    }
    const stripe = new Stripe('sk_test_x');
    const at = (p: string) => handled.filter((r) => r.url === p);
    const header = (r: HandlerRequest, name: string) =>
      r.rawHeaders[r.rawHeaders.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1] ?? '';
    for (const p of ['/resent/stripe', '/sample/stripe', '/sample/stripe-json']) {
      const [r] = at(p);
      assert.ok(r, `the handler got ${p}`);
      assert.doesNotThrow(
        () => stripe.webhooks.constructEvent(r.body, header(r, 'stripe-signature'), SECRETS.stripe),
        `${p} carries a valid Stripe signature`,
      );
    }
    for (const p of ['/resent/github', '/sample/github']) {
      const [r] = at(p);
      assert.ok(r, `the handler got ${p}`);
      assert.equal(
        header(r, 'x-hub-signature-256'),
        `sha256=${createHmac('sha256', SECRETS.github).update(r.body).digest('hex')}`,
        `${p} is signed with the GitHub secret`,
      );
    }
    assert.equal(at('/resent/slack').length, 1);
    assert.equal(at('/resent/tampered').length, 1);
    assert.ok(
      handled.some((r) => r.url === '/stripe'),
      `live forwarding delivered the events; the handler got: ${handled.map((r) => r.url).join(', ')}`,
    );
  });

  test('no secret in any file of the store folder (index, segments, body files, lock)', async () => {
    const files = await filesUnder(store);
    assert.ok(files.some((f) => f.endsWith('index.jsonl')));
    assert.ok(files.some((f) => f.endsWith('.seg')));
    const found: string[] = [];
    for (const file of files) {
      for (const leak of leaks(await fsp.readFile(file))) {
        found.push(`${path.relative(store, file)}: ${leak}`);
      }
    }
    assert.deepEqual(found, []);
  });

  test('no secret in the stdout or stderr of any CLI run', () => {
    assert.ok(outputs.length >= 20, `${outputs.length} outputs captured`);
    const found = outputs.flatMap((o) => leaks(o.text).map((l) => `${o.label}: ${l}`));
    assert.deepEqual(found, []);
  });

  test('no secret in what the handler received (live forwarding, resend, send-sample)', () => {
    assert.ok(handled.length >= 10, `${handled.length} requests at the handler`);
    const found = handled.flatMap((r) =>
      leaks(Buffer.concat([Buffer.from(`${r.method} ${r.url}\n${r.rawHeaders.join('\n')}\n\n`), r.body])).map((l) => `${r.url}: ${l}`),
    );
    assert.deepEqual(found, []);
  });

  test('no secret in the cURL and fixture exports', async () => {
    assert.ok(exportsText.length >= 18, `${exportsText.length} exports`);
    const found = exportsText.flatMap((o) => leaks(o.text).map((l) => `${o.label}: ${l}`));
    for (const file of await filesUnder(exportDir)) {
      found.push(...leaks(await fsp.readFile(file)).map((l) => `${path.basename(file)}: ${l}`));
    }
    assert.deepEqual(found, []);
  });

  test('a --secret flag without PROVIDER= is refused without echoing the secret', async () => {
    // The easy mistake: `--secret whsec_…` instead of `--secret stripe=whsec_…`.
    const r = await runCli(['listen', '--tunnel', 'none', '--port', '0', '--store', store, '--secret', SECRETS.stripe]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--secret takes PROVIDER=VALUE/);
    assert.deepEqual(leaks(r.stdout + r.stderr), [], `stderr: ${r.stderr}`);
  });
});
