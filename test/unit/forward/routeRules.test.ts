/**
 * Guards routing rules (routing.ts): a provider rule sees the body (Clerk is told from Svix by it); the
 * event type comes from each documented header and body key; `*` in a path glob stays within one
 * segment; the rule `/` matches every request, also one whose target is not a path.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventType, pathMatches, routeTargets } from '../../../src/core/forward/routing';

const enc = (s: string) => new TextEncoder().encode(s);

describe('routing rules', () => {
  test('a provider rule reads the body: a Clerk event goes to the Clerk route, not the Svix one', () => {
    const event = {
      method: 'POST',
      url: '/clerk',
      headers: [
        ['svix-id', 'msg_1'],
        ['svix-timestamp', '1'],
        ['svix-signature', 'v1,AAAA'],
      ] as Array<[string, string]>,
    };
    const rules = [
      { provider: 'clerk', targets: ['http://127.0.0.1:4001'] },
      { provider: 'svix', targets: ['http://127.0.0.1:4002'] },
    ];
    const body = enc('{"object":"event","type":"user.created","data":{}}');
    assert.deepEqual(routeTargets(event, rules, 'http://127.0.0.1:3000', body), ['http://127.0.0.1:4001']);
  });

  test('the event type from each documented header', () => {
    const typeOf = (name: string, value: string) => eventType({ headers: [[name, value]] });
    assert.equal(typeOf('X-Shopify-Topic', 'orders/create'), 'orders/create');
    assert.equal(typeOf('Shopify-Topic', 'orders/paid'), 'orders/paid');
    assert.equal(typeOf('X-Gitlab-Event', 'Push Hook'), 'Push Hook');
    assert.equal(typeOf('X-Event-Key', 'repo:push'), 'repo:push');
    assert.equal(
      typeOf('X-Twilio-Event-Type', 'com.twilio.messaging.inbound-message.received'),
      'com.twilio.messaging.inbound-message.received',
    );
  });

  test('the event type from each documented body key, the first string one winning', () => {
    const typeOf = (json: string) => eventType({ headers: [] }, enc(json));
    assert.equal(typeOf('{"type":"invoice.paid"}'), 'invoice.paid');
    assert.equal(typeOf('{"event_type":"a.b"}'), 'a.b');
    assert.equal(typeOf('{"eventType":"c.d"}'), 'c.d');
    assert.equal(typeOf('{"event":"e.f"}'), 'e.f');
    assert.equal(typeOf('{"type":{"name":"x"},"event":"g.h"}'), 'g.h');
  });

  test('* in a path glob stays within one segment', () => {
    assert.equal(pathMatches('/hooks/*', '/hooks/a'), true);
    assert.equal(pathMatches('/hooks/*', '/hooks/a/b'), false);
    assert.equal(pathMatches('/hooks/**', '/hooks/a/b'), true);
  });

  test('the rule "/" (or an empty path) matches every request, also OPTIONS * and an absolute-form target', () => {
    for (const pattern of ['/', '']) {
      assert.equal(pathMatches(pattern, '/any/path'), true, pattern);
      assert.equal(pathMatches(pattern, '*'), true, pattern);
      assert.equal(pathMatches(pattern, 'http://example.test/x'), true, pattern);
    }
  });
});
