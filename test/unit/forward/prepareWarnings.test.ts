/**
 * Guards what the user is told before a resend and how the request is re-signed (prepare.ts): the
 * reason a request cannot be re-signed (unknown provider, verify-only scheme, no provider with
 * `resign: 'always'`), generic-HMAC re-signing with the configured scheme and the secret that matches,
 * the invalid-signature and edited-body warnings, and the age of an old event in hours and days; the
 * stale threshold and providers without a signed time, blank secrets, signed URLs, hosts to confirm,
 * and events without a body.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { ResendError, preflight, prepareRequest, resignPlan } from '../../../src/core/forward/prepare';
import { HostGuard } from '../../../src/core/forward/target';

const enc = (s: string) => new TextEncoder().encode(s);
const body = enc('{"event":"x"}');
const generic = { header: 'X-Sig', algorithm: 'sha256' as const, encoding: 'hex' as const };
const hex = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');
const target = new URL('http://127.0.0.1:3000');

function source(headers: Array<[string, string]>, receivedAt?: string) {
  return { id: 'evt_1', method: 'POST', url: '/hook', headers, ...(receivedAt ? { receivedAt } : {}) };
}

function header(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

describe('re-signing plan', () => {
  test('a request no provider claims is generic-HMAC when a generic scheme is configured', () => {
    const plan = resignPlan([['Content-Type', 'application/json']], body, 'POST', 'http://127.0.0.1/hook', { generic, secrets: ['s'] });
    assert.equal(plan.provider, 'generic-hmac');
    assert.equal(plan.resign, true);
  });

  test('an unknown provider and a verify-only one are not re-signed, and the reason says why', () => {
    const unknown = resignPlan([], body, 'POST', 'http://127.0.0.1/hook', { provider: 'nosuch', secrets: ['s'] });
    assert.deepEqual(unknown, {
      provider: 'nosuch',
      canSign: false,
      resign: false,
      reason: '"nosuch" is not a provider the inspector knows.',
    });
    const discord = resignPlan([], body, 'POST', 'http://127.0.0.1/hook', { provider: 'discord', secrets: ['s'] });
    assert.equal(discord.resign, false);
    assert.equal(discord.canSign, false);
    assert.equal(discord.reason, 'Discord requests cannot be re-signed (verify-only scheme).');
  });

  test("resign: 'always' without a provider is refused with CANNOT_RESIGN", () => {
    assert.throws(
      () => prepareRequest(source([]), body, target, { resign: 'always', now: new Date() }),
      (err: unknown) => err instanceof ResendError && err.code === 'CANNOT_RESIGN' && /No webhook provider/.test(err.message),
    );
  });

  test('generic HMAC: re-signed with the configured scheme and with the secret that matched the stored signature', () => {
    const stored = source([['X-Sig', hex('second')]]);
    const p = prepareRequest(stored, body, target, { provider: 'generic-hmac', generic, secrets: ['first', 'second'], now: new Date() });
    assert.equal(p.resigned, true);
    assert.equal(header(p.request.headers, 'x-sig'), hex('second'));
  });
});

describe('preflight warnings', () => {
  test('generic HMAC sent as stored: the stored signature is checked with the configured scheme', () => {
    const r = preflight(source([['X-Sig', hex('k')]]), body, target, {
      provider: 'generic-hmac',
      generic,
      secrets: ['k'],
      resign: 'never',
    });
    assert.equal(r.verification?.status, 'valid');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.needsConfirmation, false);
  });

  test('a stored signature that does not match: a blocking invalid-signature warning', () => {
    const r = preflight(source([['X-Sig', hex('other')]]), body, target, {
      provider: 'generic-hmac',
      generic,
      secrets: ['k'],
      resign: 'never',
    });
    assert.equal(r.verification?.status, 'invalid');
    assert.equal(r.warnings.length, 1);
    const w = r.warnings[0]!;
    assert.equal(w.code, 'invalid-signature');
    assert.equal(w.blocking, true);
    assert.match(w.message, /^The signature does not match: .+ The handler will likely refuse it\. Re-signing is turned off\.$/);
    assert.equal(r.needsConfirmation, true);
  });

  test('an edited body whose signature no longer matches: a blocking unsigned-edit warning that says so', () => {
    const r = preflight(source([['X-Sig', hex('k')]]), enc('{"event":"edited"}'), target, {
      provider: 'generic-hmac',
      generic,
      secrets: ['k'],
      resign: 'never',
      edited: true,
    });
    const w = r.warnings[0]!;
    assert.equal(w.code, 'unsigned-edit');
    assert.equal(w.blocking, true);
    assert.match(w.message, /^The signature does not match the edited body: /);
  });

  test('the age of an old timestamped event is told in hours, then in days from two days on', () => {
    const now = new Date('2026-06-10T12:00:00Z');
    const stripe = (agoS: number) =>
      preflight(source([['Stripe-Signature', 't=1,v1=00']], new Date(now.getTime() - agoS * 1000).toISOString()), body, target, {
        resign: 'never',
        now: () => now,
      }).warnings.find((w) => w.code === 'possibly-stale')?.message;
    assert.match(stripe(3 * 3600) ?? '', /arrived 3 h ago/);
    assert.match(stripe(172_799) ?? '', /arrived 48 h ago/);
    assert.match(stripe(172_800) ?? '', /arrived 2 days ago/);
    assert.match(stripe(5 * 86400) ?? '', /arrived 5 days ago/);
  });

  test('an old event of a provider without a signed timestamp (GitHub): no stale warning', () => {
    const now = new Date('2026-06-10T12:00:00Z');
    const headers: Array<[string, string]> = [
      ['X-GitHub-Event', 'push'],
      ['X-Hub-Signature-256', 'sha256=00'],
    ];
    const r = preflight(source(headers, new Date(now.getTime() - 86_400_000).toISOString()), body, target, {
      now: () => now,
    });
    assert.equal(r.provider, 'github');
    assert.deepEqual(r.warnings, []);
  });

  test('possibly stale from just over 300 s; 2 h is told in hours', () => {
    const now = new Date('2026-06-10T12:00:00Z');
    const stripe = (agoS: number) =>
      preflight(source([['Stripe-Signature', 't=1,v1=00']], new Date(now.getTime() - agoS * 1000).toISOString()), body, target, {
        now: () => now,
      }).warnings.find((w) => w.code === 'possibly-stale')?.message;
    assert.equal(stripe(300), undefined);
    assert.match(stripe(301) ?? '', /arrived 5 min ago/);
    assert.match(stripe(7199) ?? '', /arrived 120 min ago/);
    assert.match(stripe(7200) ?? '', /arrived 2 h ago/);
  });

  test('a blank secret is not used to check the stored signature', () => {
    const r = preflight(source([['X-Hub-Signature-256', 'sha256=00']]), body, target, { secrets: ['  '], resign: 'never' });
    assert.equal(r.verification, undefined);
    assert.deepEqual(r.warnings, []);
  });

  test('a signed URL: the stored signature is checked against the URL the request came in on', () => {
    const urlGeneric = { ...generic, template: '{url}.{body}' };
    const sig = createHmac('sha256', 'k').update('http://127.0.0.1/hook.').update(body).digest('hex');
    const r = preflight(source([['X-Sig', sig]]), body, target, {
      provider: 'generic-hmac',
      generic: urlGeneric,
      secrets: ['k'],
      resign: 'never',
    });
    assert.equal(r.verification?.status, 'valid');
  });

  test('a host other than this machine: a warning that the user will be asked', () => {
    const r = preflight(source([]), body, 'http://hooks.example.test/in', { guard: new HostGuard({ confirmHost: async () => false }) });
    assert.deepEqual(r.warnings, [
      {
        code: 'confirm-host',
        message: 'hooks.example.test is not this machine: you will be asked to confirm sending there.',
        blocking: false,
      },
    ]);
    assert.equal(r.needsConfirmation, false);
  });

  test('an event whose body was not kept cannot be resent: NO_BODY', () => {
    assert.throws(() => preflight({ ...source([]), rejected: 'too large' }, body, target), {
      name: 'ResendError',
      code: 'NO_BODY',
      message: "This event's body was not kept (too large), so it cannot be resent.",
    });
  });
});
