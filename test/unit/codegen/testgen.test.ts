/**
 * `generate test` through the built CLI: the generated node:test files run (`node --test`) against a
 * real loopback handler that checks each signature with the provider's official SDK (Stripe,
 * @octokit/webhooks-methods, @shopify/shopify-api, @slack/bolt, standardwebhooks) or, for the
 * generic body-HMAC family, with node:crypto; they pass with the right secret and fail with a
 * wrong or missing one. The secret is in none of the written files (plain, base64 or hex).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { isValidSlackRequest } from '@slack/bolt';
import '@shopify/shopify-api/adapters/web-api';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { runCliOnce } from '../../support/cli';
import { projectDependencies, type TestFramework, writeTest } from '../../../src/core/codegen';
import { EventStore } from '../../../src/core/store';
import { type Delivery, deliveries, projectDir, SECRETS, storeDeliveries } from './support';

const LEMON_SECRET = 'lemon-codegen-secret-Pp07';

interface Received {
  path: string;
  /** The query the test run was given (tells concurrent runs apart). */
  run: string;
  verdict: boolean;
  bodySha: string;
  headers: http.IncomingHttpHeaders;
}

/** The user's handler: verifies with the official SDK for the path's provider; 200 when valid, 400 otherwise. */
async function startHandler(): Promise<{ base: string; received: Received[]; close: () => Promise<void> }> {
  const shopify = shopifyApi({
    apiKey: 'key',
    apiSecretKey: SECRETS.shopify,
    scopes: [],
    hostName: 'hooks.example.com',
    apiVersion: ApiVersion.January26 ?? ApiVersion.Unstable,
    isEmbeddedApp: false,
  });
  const { verify: githubVerify } = await import('@octokit/webhooks-methods');
  const received: Received[] = [];
  const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
  const verify = async (p: string, body: Buffer, h: http.IncomingHttpHeaders): Promise<boolean> => {
    const text = body.toString('utf8');
    try {
      switch (p) {
        case '/webhooks/stripe':
          Stripe.webhooks.constructEvent(text, one(h['stripe-signature']), SECRETS.stripe);
          return true;
        case '/webhooks/github':
          return await githubVerify(SECRETS.github, text, one(h['x-hub-signature-256']));
        case '/webhooks/shopify': {
          const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, one(v)]));
          const r = await shopify.webhooks.validate({
            rawBody: text,
            rawRequest: new Request('https://hooks.example.com/shopify', { method: 'POST', headers, body: text }),
          });
          return r.valid;
        }
        case '/slack/events':
          return isValidSlackRequest({
            signingSecret: SECRETS.slack,
            body: text,
            headers: {
              'x-slack-signature': one(h['x-slack-signature']),
              'x-slack-request-timestamp': Number(one(h['x-slack-request-timestamp'])),
            },
          });
        case '/webhooks':
          new StandardWebhook(SECRETS.standard).verify(text, Object.fromEntries(Object.entries(h).map(([k, v]) => [k, one(v)])));
          return true;
        case '/lemon': {
          const want = createHmac('sha256', LEMON_SECRET).update(body).digest();
          const got = Buffer.from(one(h['x-signature']), 'hex');
          return got.length === want.length && timingSafeEqual(got, want);
        }
        default:
          return true;
      }
    } catch {
      return false;
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const p = (req.url ?? '').split('?')[0]!;
      void verify(p, body, req.headers).then((ok) => {
        received.push({
          path: p,
          run: new URL(req.url ?? '/', 'http://x').searchParams.get('run') ?? '',
          verdict: ok,
          bodySha: createHash('sha256').update(body).digest('hex'),
          headers: req.headers,
        });
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'bad signature');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

function runNodeTest(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', file], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(e.parentPath, e.name);
    if (e.isFile() && !full.includes(`${path.sep}node_modules${path.sep}`)) {
      out.push(full);
    }
  }
  return out;
}

describe('generate test: node:test replays against a real handler that verifies with the official SDKs', () => {
  let dir: string;
  let storeDir: string;
  let ids: Map<string, string>;
  let byKey: Map<string, Delivery>;
  let handler: Awaited<ReturnType<typeof startHandler>>;
  let store: EventStore;
  const secretEnv: Record<string, string> = {
    pi1: 'STRIPE_WEBHOOK_SECRET',
    'pr-opened': 'GITHUB_WEBHOOK_SECRET',
    order1: 'SHOPIFY_WEBHOOK_SECRET',
    slack: 'SLACK_SIGNING_SECRET',
    standard: 'WEBHOOK_SECRET',
    lemon: 'LEMONSQUEEZY_WEBHOOK_SECRET',
  };
  const secretOf: Record<string, string> = {
    pi1: SECRETS.stripe,
    'pr-opened': SECRETS.github,
    order1: SECRETS.shopify,
    slack: SECRETS.slack,
    standard: SECRETS.standard,
    lemon: LEMON_SECRET,
  };

  before(async () => {
    dir = await projectDir('wi-codegen-test-');
    storeDir = path.join(dir, 'store');
    const items = await deliveries();
    const lemonBody = Buffer.from('{"meta":{"event_name":"order_created"},"data":{"id":"1","type":"orders"}}');
    items.push({
      key: 'lemon',
      url: '/lemon',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Event-Name', 'order_created'],
        ['X-Signature', createHmac('sha256', LEMON_SECRET).update(lemonBody).digest('hex')],
        ['Authorization', 'Bearer captured-credential-Ab12'],
      ],
      body: lemonBody,
    });
    byKey = new Map(items.map((d) => [d.key, d]));
    ids = await storeDeliveries(storeDir, items);
    handler = await startHandler();
    store = await EventStore.open(storeDir, { maxEvents: 1000, readOnly: true });
  });

  after(async () => {
    await store.close();
    await handler.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  /** Writes a test: through the built CLI when `viaCli`, else in-process (same code, no process start). */
  async function generate(project: string, key: string, framework: TestFramework = 'node', viaCli = false): Promise<string> {
    const out = path.join(project, 'test');
    let testPath: string;
    let bodyPath: string;
    if (viaCli) {
      const r = await runCliOnce(['generate', 'test', ids.get(key)!, '--framework', framework, '--out', out, '--store', storeDir]);
      assert.equal(r.code, 0, r.stderr);
      [testPath = '', bodyPath = ''] = r.stdout.trim().split('\n');
    } else {
      const event = store.get(ids.get(key)!)!;
      ({ testPath, bodyPath } = await writeTest(out, {
        event,
        body: await store.readBody(event.id),
        framework,
        dependencies: await projectDependencies(out),
      }));
    }
    assert.deepEqual(await fsp.readFile(bodyPath), byKey.get(key)!.body, 'the fixture holds the captured body byte for byte');
    return testPath;
  }

  async function check(
    project: string,
    key: string,
    expectSigner: RegExp,
    opts: { viaCli?: boolean; wrongSecret?: boolean } = {},
  ): Promise<void> {
    const file = await generate(project, key, 'node', opts.viaCli);
    const text = await fsp.readFile(file, 'utf8');
    assert.match(text, expectSigner);
    const run = `${path.basename(project)}-${key}`;
    const url = `${handler.base}${byKey.get(key)!.url.split('?')[0]}?run=${run}`;
    const ok = await runNodeTest(file, { WEBHOOK_HANDLER_URL: url, [secretEnv[key]!]: secretOf[key]! });
    assert.equal(ok.code, 0, `${key}: the generated test should pass:\n${ok.out}`);
    const got = handler.received.filter((r) => r.run === run);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.verdict, true, `${key}: the SDK verified the fresh signature`);
    assert.equal(got[0]!.bodySha, createHash('sha256').update(byKey.get(key)!.body).digest('hex'));
    if (!opts.wrongSecret) {
      return;
    }
    // A wrong secret: the handler answers 400 and the generated test fails.
    const wrong = key === 'standard' ? `whsec_${Buffer.from('another key of 24 bytes!').toString('base64')}` : `${secretOf[key]!}-wrong`;
    const bad = await runNodeTest(file, { WEBHOOK_HANDLER_URL: url, [secretEnv[key]!]: wrong });
    assert.notEqual(bad.code, 0, `${key}: must fail with a wrong secret`);
    assert.match(bad.out, /expected a 2xx .* got 400: bad signature/);
  }

  it('with the SDKs in package.json: Stripe, GitHub (@octokit/webhooks-methods) and Standard Webhooks sign with the SDK', async () => {
    const project = path.join(dir, 'with-sdks');
    await fsp.mkdir(project);
    await fsp.writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ devDependencies: { stripe: '*', '@octokit/webhooks-methods': '*', standardwebhooks: '*' } }),
    );
    await Promise.all([
      check(project, 'pi1', /import Stripe from 'stripe';[\s\S]*generateTestHeaderString/, { viaCli: true, wrongSecret: true }),
      check(project, 'pr-opened', /from '@octokit\/webhooks-methods'/),
      check(project, 'standard', /import \{ Webhook \} from "standardwebhooks";/, { wrongSecret: true }),
    ]);
  });

  it('without SDKs: Stripe, GitHub, Shopify, Slack, Standard Webhooks and a body HMAC (Lemon Squeezy) sign with node:crypto', async () => {
    const project = path.join(dir, 'plain');
    await fsp.mkdir(project);
    await fsp.writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'plain', devDependencies: {} }));
    const keys = ['pi1', 'pr-opened', 'order1', 'slack', 'standard', 'lemon'];
    await Promise.all(
      keys.map((key) =>
        check(project, key, /import \{ createHmac \} from 'node:crypto';/, { wrongSecret: key === 'lemon' || key === 'order1' }),
      ),
    );
    // The captured credential is not written; the old signature is not either.
    const lemon = await fsp.readFile(path.join(project, 'test', 'lemonsqueezy-order-created.test.mjs'), 'utf8');
    assert.doesNotMatch(lemon, /captured-credential/);
    assert.doesNotMatch(lemon, new RegExp(byKey.get('lemon')!.headers.find(([k]) => k === 'X-Signature')![1]));
    assert.match(lemon, /WEBHOOK_AUTHORIZATION/);
  });

  it('a missing secret fails the generated test with a message naming the variable', async () => {
    const project = path.join(dir, 'missing');
    await fsp.mkdir(project);
    const file = await generate(project, 'pi1');
    const r = await runNodeTest(file, { WEBHOOK_HANDLER_URL: `${handler.base}/webhooks/stripe` });
    assert.notEqual(r.code, 0);
    assert.match(r.out, /Set STRIPE_WEBHOOK_SECRET to the signing secret your handler checks/);
  });

  it('vitest and jest files are valid JavaScript; names never overwrite existing files', async () => {
    const project = path.join(dir, 'frameworks');
    await fsp.mkdir(project);
    const vitest = await generate(project, 'pi1', 'vitest');
    const jest = await generate(project, 'pi1', 'jest');
    const again = await generate(project, 'pi1', 'vitest');
    assert.match(vitest, /stripe-payment-intent-succeeded\.test\.mjs$/);
    // The jest file gets -2: its body fixture would have the vitest one's name.
    assert.match(jest, /stripe-payment-intent-succeeded-2\.test\.cjs$/);
    assert.match(again, /stripe-payment-intent-succeeded-3\.test\.mjs$/);
    assert.match(await fsp.readFile(vitest, 'utf8'), /import \{ test \} from 'vitest';/);
    assert.match(await fsp.readFile(jest, 'utf8'), /require\('node:assert\/strict'\)/);
    for (const f of [vitest, jest]) {
      const r = spawnSync(process.execPath, ['--check', f], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
  });

  it('the secrets are in none of the written files (plain, base64 or hex)', async () => {
    const files = (await filesUnder(dir)).filter((f) => !f.startsWith(storeDir));
    assert.ok(files.length >= 10, `${files.length} files`);
    const needles = Object.values(secretOf).flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('hex')]);
    for (const f of files) {
      const text = (await fsp.readFile(f)).toString('latin1');
      for (const n of needles) {
        assert.ok(!text.includes(n), `${f} contains a secret`);
      }
    }
  });

  it('bad input: unknown id, missing --out, a bad --framework exit with 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['generate', 'test', 'evt_nope', '--out', dir, '--store', storeDir], /No event with id "evt_nope"/],
      [['generate', 'test', ids.get('pi1')!, '--store', storeDir], /needs --out DIR/],
      [
        ['generate', 'test', ids.get('pi1')!, '--framework', 'mocha', '--out', dir, '--store', storeDir],
        /--framework must be node, vitest or jest/,
      ],
      [['generate', 'test', '--out', dir, '--store', storeDir], /exactly one event id/],
      [['generate', 'tests', '--store', storeDir], /Unknown "generate tests"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCliOnce(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
