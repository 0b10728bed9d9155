/**
 * Guards what a re-signed request carries (prepare.ts): Clerk and Resend requests get a fresh svix-id;
 * a GitLab request signed with a signing token is re-signed the same way (never turned into a secret
 * token header); blank secrets do not count, neither for the plan nor for the secret that signs; of
 * several secrets, the one that matches the stored signature (checked on the received URL) signs; an
 * old event of any provider whose signature carries a checked time (Stripe, Slack, Standard Webhooks, Svix,
 * Clerk, Resend, GitLab, Calendly, Zoom, Twitch, Paddle, Square, HubSpot), sent without a secret, is flagged
 * as possibly stale, and a GitHub one is not; Svix and GitLab messages get a fresh id too; the error
 * of an impossible re-signing is a ResendError by name.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { preflight, prepareRequest, resignPlan } from '../../../src/core/forward/prepare';
import { signRequest } from '../../../src/core/signatures/index';
import { GITHUB_SECRET, STANDARD_SECRET } from './support';

const body = new TextEncoder().encode('{"type":"user.created","object":"event","data":{}}');
const target = new URL('http://127.0.0.1:3000');
const now = new Date('2026-12-05T00:30:00Z');

function source(headers: Array<[string, string]>, receivedAt?: string) {
  return { id: 'evt_rs', method: 'POST', url: '/hook', headers, ...(receivedAt ? { receivedAt } : {}) };
}

function header(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

const githubSignature = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('re-signed requests', () => {
  for (const provider of ['svix', 'clerk', 'resend']) {
    test(`${provider}: re-signing gives the message a fresh svix-id`, () => {
      const stored = source([
        ['svix-id', 'msg_stored'],
        ['svix-timestamp', '1'],
        ['svix-signature', 'v1,AAAA'],
      ]);
      const p = prepareRequest(stored, body, target, { provider, secrets: [STANDARD_SECRET], now });
      assert.equal(p.resigned, true);
      const id = header(p.request.headers, 'svix-id');
      assert.match(id ?? '', /^msg_/);
      assert.notEqual(id, 'msg_stored');
    });
  }

  test('GitLab with a signing token: re-signed as it came (webhook-signature), the secret never sent as a token', () => {
    const stored = source([
      ['X-Gitlab-Event', 'Push Hook'],
      ['webhook-id', 'msg_stored'],
      ['webhook-timestamp', '1'],
      ['webhook-signature', 'v1,AAAA'],
    ]);
    const p = prepareRequest(stored, body, target, { secrets: [STANDARD_SECRET], now });
    assert.equal(p.provider, 'gitlab');
    assert.equal(p.resigned, true);
    assert.equal(header(p.request.headers, 'x-gitlab-token'), undefined);
    assert.match(header(p.request.headers, 'webhook-signature') ?? '', /^v1,/);
    assert.notEqual(header(p.request.headers, 'webhook-signature'), 'v1,AAAA');
    assert.equal(header(p.request.headers, 'webhook-timestamp'), String(now.getTime() / 1000));
    assert.match(header(p.request.headers, 'webhook-id') ?? '', /^msg_/);
    assert.notEqual(header(p.request.headers, 'webhook-id'), 'msg_stored');
  });

  test('a blank secret is no secret: not re-signed, and the reason says none is set', () => {
    const headers: Array<[string, string]> = [
      ['X-GitHub-Event', 'push'],
      ['X-Hub-Signature-256', githubSignature('stored')],
    ];
    const plan = resignPlan(headers, body, 'POST', 'http://127.0.0.1:3000/hook', { secrets: ['  '] });
    assert.equal(plan.resign, false);
    assert.equal(plan.reason, 'No GitHub signing secret is set, so the request cannot be re-signed. Set the secret to re-sign.');
    const p = prepareRequest(source(headers), body, target, { secrets: ['  '], now });
    assert.equal(p.resigned, false);
    assert.equal(header(p.request.headers, 'x-hub-signature-256'), githubSignature('stored'));
  });

  test('with a blank secret before the real one, the real one signs', () => {
    const stored = source([
      ['X-GitHub-Event', 'push'],
      ['X-Hub-Signature-256', githubSignature('an older secret')],
    ]);
    const p = prepareRequest(stored, body, target, { secrets: ['  ', GITHUB_SECRET], now });
    assert.equal(p.resigned, true);
    assert.equal(header(p.request.headers, 'x-hub-signature-256'), githubSignature(GITHUB_SECRET));
  });

  test('with two secrets, the one that matches the stored signature signs; when none matches, the first', () => {
    const headers = (secret: string): Array<[string, string]> => [
      ['X-GitHub-Event', 'push'],
      ['X-Hub-Signature-256', githubSignature(secret)],
    ];
    const secrets = ['first', 'second'];
    const matched = prepareRequest(source(headers('second')), body, target, { secrets, now });
    assert.equal(header(matched.request.headers, 'x-hub-signature-256'), githubSignature('second'));
    const none = prepareRequest(source(headers('neither')), body, target, { secrets, now });
    assert.equal(header(none.request.headers, 'x-hub-signature-256'), githubSignature('first'));
  });

  test('a signed URL: the stored signature is checked against the URL the request came in on (127.0.0.1 and its path)', () => {
    // A generic scheme over "{url}.{body}": only the secret that signed the received URL matches.
    const generic = { header: 'X-Sig', algorithm: 'sha256' as const, encoding: 'hex' as const, template: '{url}.{body}' };
    const over = (secret: string, url: string) => createHmac('sha256', secret).update(`${url}.`).update(body).digest('hex');
    const stored = source([['X-Sig', over('second', 'http://127.0.0.1/hook')]]);
    const p = prepareRequest(stored, body, target, { provider: 'generic-hmac', generic, secrets: ['first', 'second'], now });
    assert.equal(header(p.request.headers, 'x-sig'), over('second', 'http://127.0.0.1:3000/hook'));
  });

  test('an old Slack or Standard Webhooks event sent without a secret: a possibly-stale warning', () => {
    const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
    const slack = source(
      [
        ['X-Slack-Signature', 'v0=00'],
        ['X-Slack-Request-Timestamp', '1'],
      ],
      hourAgo,
    );
    const standard = source(
      [
        ['webhook-id', 'msg_1'],
        ['webhook-timestamp', '1'],
        ['webhook-signature', 'v1,AAAA'],
      ],
      hourAgo,
    );
    for (const [name, s] of [
      ['slack', slack],
      ['standard-webhooks', standard],
    ] as const) {
      const r = preflight(s, body, target, { now: () => now });
      assert.equal(r.provider, name);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        ['possibly-stale'],
        name,
      );
    }
  });

  test('every provider whose signature carries a checked time is flagged possibly stale when old and sent without a secret', () => {
    const hourAgo = new Date(now.getTime() - 3600_000).toISOString();
    const stored = { method: 'POST', url: '/hook', headers: {}, body };
    // Signature headers as each provider sends them, made by the inspector's own signer (an old time, a dummy secret).
    const signed = (provider: string) =>
      Object.entries(signRequest(stored, { provider, secret: STANDARD_SECRET, now: new Date(now.getTime() - 3600_000) }));
    for (const provider of [
      'stripe',
      'slack',
      'standard-webhooks',
      'svix',
      'clerk',
      'resend',
      'gitlab',
      'calendly',
      'zoom',
      'twitch',
      'paddle',
      'square',
      'hubspot',
    ]) {
      const r = preflight(source(signed(provider), hourAgo), body, target, { provider, now: () => now });
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        ['possibly-stale'],
        provider,
      );
    }
    const github = preflight(source(signed('github'), hourAgo), body, target, { provider: 'github', now: () => now });
    assert.deepEqual(github.warnings, []);
  });

  test("resign: 'always' that cannot be done throws an error named ResendError, coded CANNOT_RESIGN", () => {
    assert.throws(() => prepareRequest(source([]), body, target, { resign: 'always', now }), {
      name: 'ResendError',
      code: 'CANNOT_RESIGN',
    });
  });
});
