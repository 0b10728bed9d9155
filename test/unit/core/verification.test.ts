import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Stripe from 'stripe';
import { findSecretCandidates, parseDotenv } from '../../../src/core/dotenv';
import type { CapturedEvent } from '../../../src/core/model/event';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { secretsFromCli, StaticSecrets } from '../../../src/core/verification';
import { request } from '../../support/http';

describe('Session: verification on arrival and handshakes', () => {
  let dir: string;
  let store: EventStore;
  let session: Session;
  let url: string;
  const processed: CapturedEvent[] = [];
  const secrets = new StaticSecrets([
    ['stripe', 'whsec_unit'],
    ['slack', 'slack-signing-secret'],
  ]);

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-verify-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
    session = new Session({ store, port: 0, secrets, isHandshakeEnabled: (id) => id !== 'dropbox-challenge' });
    session.onDidProcess((e) => processed.push(e));
    url = (await session.start()).url!;
    processed.length = 0;
  });
  afterEach(async () => {
    await session.stop();
    session.dispose();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const until = async (n: number) => {
    for (let i = 0; i < 200 && processed.length < n; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(processed.length, n);
  };

  test('a Stripe-signed event is verified after the answer, and the verdict is stored', async () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.succeeded' });
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: 'whsec_unit' });
    assert.equal((await request(`${url}/s`, { body: payload, headers: { 'stripe-signature': header } })).status, 200);
    await request(`${url}/s2`, { body: payload + ' ', headers: { 'stripe-signature': header } });
    await until(2);
    assert.equal(processed[0]!.verification?.status, 'valid');
    assert.equal(processed[0]!.provider, 'stripe');
    assert.equal(processed[1]!.verification?.status, 'invalid');
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100, readOnly: true });
    assert.equal(reopened.get(processed[0]!.id)?.verification?.status, 'valid', 'the verdict survives a reopen');
    await reopened.close();
  });

  test('a Slack url_verification handshake is answered with the challenge and listed as a handshake', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'challenge-123' });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${createHmac('sha256', 'slack-signing-secret').update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await request(`${url}/slack/events`, {
      body,
      headers: { 'content-type': 'application/json', 'x-slack-signature': sig, 'x-slack-request-timestamp': ts },
    });
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /challenge-123/);
    await until(1);
    assert.equal(processed[0]!.handshake, 'slack-url-verification');
    assert.equal(processed[0]!.response.status, 200);
  });

  test('a handshake turned off in the settings gets the default answer', async () => {
    const res = await request(`${url}/dropbox?challenge=abc`, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.body.toString(), /^abc$/);
    assert.match(res.body.toString(), /"ok":true/);
  });
});

describe('secrets from the CLI and .env files', () => {
  test('--secret flags and WEBHOOK_INSPECTOR_SECRET_* variables', () => {
    const s = secretsFromCli(['stripe=whsec_a=b', 'GitHub=x'], { WEBHOOK_INSPECTOR_SECRET_STANDARD_WEBHOOKS: 'whsec_sw', OTHER: 'no' });
    assert.deepEqual(s.secretsFor('stripe'), ['whsec_a=b'], 'only the first = splits');
    assert.deepEqual(s.secretsFor('github'), ['x']);
    assert.deepEqual(s.secretsFor('standard-webhooks'), ['whsec_sw']);
    assert.throws(() => secretsFromCli(['nonsense'], {}), /PROVIDER=VALUE/);
  });

  test('.env parsing and the conventional variable names', () => {
    const env = parseDotenv(
      '# comment\nexport STRIPE_WEBHOOK_SECRET="whsec_q"\nGITHUB_WEBHOOK_SECRET=plain # trailing\nSLACK_SIGNING_SECRET=\'s l\'\nBROKEN LINE\n',
    );
    assert.equal(env.get('STRIPE_WEBHOOK_SECRET'), 'whsec_q');
    assert.equal(env.get('GITHUB_WEBHOOK_SECRET'), 'plain');
    assert.equal(env.get('SLACK_SIGNING_SECRET'), 's l');
    const files = [
      { file: '.env', text: 'STRIPE_WEBHOOK_SECRET=whsec_1\nSTRIPE_API_KEY=sk_no' },
      { file: '.env.local', text: 'STRIPE_SIGNING_SECRET=whsec_2' },
    ];
    assert.deepEqual(
      findSecretCandidates(files, 'stripe').map((c) => `${c.file}:${c.name}`),
      ['.env:STRIPE_WEBHOOK_SECRET', '.env.local:STRIPE_SIGNING_SECRET'],
    );
    assert.deepEqual(findSecretCandidates(files, 'github'), []);
  });
});
