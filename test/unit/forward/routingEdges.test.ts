/**
 * Routing rules read an event's type and provider the way each provider sends them (routing.ts): every
 * topic header on its own, the body keys in their order of precedence, a provider known only from its body
 * (Mailgun signs inside the payload), `*` kept within one path segment. And the proxy's reply to the provider
 * (proxyReply.ts): the timeout's JSON error, and an answer's content type kept apart from its other headers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventType, pathMatches, routeTargets } from '../../../src/core/forward/routing';
import { replyFor } from '../../../src/core/forward/proxyReply';
import type { Delivery } from '../../../src/core/model/delivery';

const enc = (s: string) => new TextEncoder().encode(s);

describe('routing edges', () => {
  test('each topic header alone names the event type', () => {
    for (const header of ['X-Shopify-Topic', 'Shopify-Topic', 'X-Gitlab-Event', 'X-Event-Key', 'X-Twilio-Event-Type']) {
      assert.equal(eventType({ headers: [[header, 'the/topic']] }), 'the/topic', header);
    }
  });

  test("the body's type keys, in order: type, event_type, eventType, event; only string values count", () => {
    assert.equal(eventType({ headers: [] }, enc('{"event":"d","eventType":"c","event_type":"b","type":"a"}')), 'a');
    assert.equal(eventType({ headers: [] }, enc('{"event":"d","eventType":"c","event_type":"b"}')), 'b');
    assert.equal(eventType({ headers: [] }, enc('{"event":"d","eventType":"c"}')), 'c');
    assert.equal(eventType({ headers: [] }, enc('{"event":"d"}')), 'd');
    assert.equal(eventType({ headers: [] }, enc('{"type":7,"event":{"type":"x"},"event_type":"b"}')), 'b');
    assert.equal(eventType({ headers: [] }, enc('{"type":7}')), undefined);
  });

  test('a provider rule matches a provider known only from its body (Mailgun), and works without a body', () => {
    const mailgun = enc(JSON.stringify({ signature: { timestamp: '1700000000', token: 't', signature: 'ab' }, 'event-data': {} }));
    const event = { method: 'POST', url: '/hooks', headers: [['Content-Type', 'application/json']] as Array<[string, string]> };
    const rules = [{ provider: 'mailgun', targets: ['http://127.0.0.1:1/mg'] }];
    assert.deepEqual(routeTargets(event, rules, 'http://127.0.0.1:1/default', mailgun), ['http://127.0.0.1:1/mg']);
    assert.deepEqual(routeTargets(event, rules, 'http://127.0.0.1:1/default'), ['http://127.0.0.1:1/default']);
  });

  test('* in a path rule stays within one segment', () => {
    assert.equal(pathMatches('/hooks/*', '/hooks/stripe'), true);
    assert.equal(pathMatches('/hooks/*', '/hooks/stripe/extra'), false);
    assert.equal(pathMatches('/hooks/**', '/hooks/stripe/extra'), true);
  });
});

describe('proxy reply edges', () => {
  const failed = (errorCode: string) =>
    ({ status: undefined, errorCode, error: 'Took too long.', headers: [], body: '' }) as unknown as Delivery;

  test('a timeout is a 504 with a JSON error naming it; other failures are 502', () => {
    const timeout = replyFor(failed('TIMEOUT'));
    assert.equal(timeout.status, 504);
    assert.equal(timeout.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(String(timeout.body)), { error: 'handler_timeout', message: 'Took too long.' });
    const refused = replyFor(failed('ECONNREFUSED'));
    assert.equal(refused.status, 502);
    assert.equal(refused.contentType, 'application/json; charset=utf-8');
  });

  test("an answer's content type becomes the reply's content type; its other headers stay headers, except those the receiver sets itself", () => {
    const answer = {
      status: 201,
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-Handler', 'one'],
        ['Date', 'Sat, 05 Dec 2026 00:00:00 GMT'],
        ['X-Content-Type-Options', 'nosniff'],
      ],
      body: 'made',
    } as unknown as Delivery;
    const reply = replyFor(answer);
    assert.equal(reply.contentType, 'text/plain');
    assert.deepEqual(reply.headers, { 'x-handler': 'one' });
    assert.equal(reply.body, 'made');
  });
});
