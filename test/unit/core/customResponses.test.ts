import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { type CustomResponseRule, matchCustomResponse, sanitizeRules } from '../../../src/core/customResponses';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { request } from '../../support/http';

test('rules match by path prefix or glob, provider and method; bad rules are dropped', () => {
  const rules = sanitizeRules([
    { path: '/hooks/stripe', provider: 'stripe', status: 500 },
    { path: '/hooks/*/retry', status: 503 },
    { path: '/hooks', method: 'PUT', status: 201 },
    { path: 'no-slash', status: 200 },
    { path: '/bad-status', status: 42 },
    'nonsense',
  ]);
  assert.equal(rules.length, 3);
  assert.equal(matchCustomResponse(rules, { method: 'POST', url: '/hooks/stripe/x?y=1' }, 'stripe')?.status, 500);
  assert.equal(matchCustomResponse(rules, { method: 'POST', url: '/hooks/stripe' }, 'github'), undefined);
  assert.equal(matchCustomResponse(rules, { method: 'POST', url: '/hooks/github/retry' }, undefined)?.status, 503);
  assert.equal(matchCustomResponse(rules, { method: 'PUT', url: '/hooks/a' }, undefined)?.status, 201);
  assert.equal(matchCustomResponse(rules, { method: 'POST', url: '/hooks/a' }, undefined), undefined);
});

test('the receiver answers with the custom status, headers, body and delay; the event is stored and marked', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-custom-'));
  const store = await EventStore.open(dir, { maxEvents: 100 });
  let rules: CustomResponseRule[] = [
    { path: '/flaky', status: 503, body: '{"error":"try later"}', headers: { 'retry-after': '7' }, delayMs: 300 },
  ];
  const session = new Session({ store, port: 0, responses: () => rules });
  try {
    const url = (await session.start()).url!;
    const started = Date.now();
    const res = await request(`${url}/flaky/x`, { body: 'payload' });
    const waited = Date.now() - started;
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '7');
    assert.equal(res.body.toString(), '{"error":"try later"}');
    // A lower bound set by the delay itself (setTimeout never fires early): not a speed threshold.
    assert.ok(waited >= 250, `the answer waited for the delay (${waited} ms)`);
    const event = store.list()[0]!;
    assert.equal(event.response.status, 503, 'the response given is recorded');
    assert.equal((event as unknown as { customResponse?: string }).customResponse, '/flaky');
    assert.equal((await store.readBody(event.id)).toString(), 'payload', 'stored like any event');
    rules = [];
    assert.equal((await request(`${url}/flaky/x`, { body: 'p' })).status, 200, 'rule changes apply at once');
  } finally {
    await session.stop();
    session.dispose();
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
