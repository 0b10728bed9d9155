import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../../src/core/classify';
import { groupEvents, matchesFilter, parseFilter } from '../../../src/core/eventQuery';
import type { CapturedEvent } from '../../../src/core/model/event';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('classify', () => {
  const cases: Array<[string, Array<[string, string]>, Buffer, { provider?: string; eventType?: string }]> = [
    [
      'Stripe type',
      [['Stripe-Signature', 't=1,v1=ab']],
      json({ object: 'event', type: 'payment_intent.succeeded' }),
      { provider: 'stripe', eventType: 'payment_intent.succeeded' },
    ],
    [
      'GitHub event + action',
      [
        ['X-GitHub-Event', 'pull_request'],
        ['X-GitHub-Delivery', 'x'],
      ],
      json({ action: 'opened' }),
      { provider: 'github', eventType: 'pull_request.opened' },
    ],
    ['GitHub push (no action)', [['x-github-event', 'push']], json({ ref: 'refs/heads/main' }), { provider: 'github', eventType: 'push' }],
    ['Shopify topic', [['X-Shopify-Topic', 'orders/create']], json({ id: 1 }), { provider: 'shopify', eventType: 'orders/create' }],
    [
      'Slack event_callback',
      [['X-Slack-Signature', 'v0=1']],
      json({ type: 'event_callback', event: { type: 'app_mention' } }),
      { provider: 'slack', eventType: 'app_mention' },
    ],
    [
      'Standard Webhooks type',
      [['webhook-id', 'msg_1']],
      json({ type: 'invoice.paid', data: {} }),
      { provider: 'standard-webhooks', eventType: 'invoice.paid' },
    ],
    [
      'Twilio message status (form)',
      [
        ['X-Twilio-Signature', 'x'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      Buffer.from('MessageSid=SM1&MessageStatus=delivered'),
      { provider: 'twilio', eventType: 'message.delivered' },
    ],
    [
      'HubSpot array',
      [['X-HubSpot-Signature', 'x']],
      json([{ subscriptionType: 'contact.creation' }]),
      { provider: 'hubspot', eventType: 'contact.creation' },
    ],
    ['unknown sender, generic "event" field', [], json({ event: 'user.signup' }), { eventType: 'user.signup' }],
    ['plain text body', [['Content-Type', 'text/plain']], Buffer.from('hello'), {}],
    ['invalid JSON', [], Buffer.from('{"type":'), {}],
  ];
  for (const [name, headers, body, expected] of cases) {
    test(name, () => assert.deepEqual(classify(headers, body), expected));
  }

  test('event types from payloads are cleaned of control and bidi characters and shortened', () => {
    const got = classify([], json({ type: `evil\u202e\u0007${'x'.repeat(300)}` }));
    assert.equal(got.eventType, `evil${'x'.repeat(96)}`);
  });
});

function ev(partial: Partial<CapturedEvent>): CapturedEvent {
  return {
    id: 'evt_1',
    receivedAt: new Date().toISOString(),
    method: 'POST',
    url: '/x',
    headers: [],
    remoteAddress: '',
    size: 0,
    response: { status: 200, body: '', contentType: '' },
    ...partial,
  };
}

describe('filter and groups', () => {
  test('field terms with wildcards and bare words', () => {
    const e = ev({
      provider: 'stripe',
      eventType: 'payment_intent.succeeded',
      url: '/hooks/stripe',
      headers: [['X-Request-Id', 'abc123']],
    });
    assert.ok(matchesFilter(e, parseFilter('provider:stripe type:payment_*')));
    assert.ok(!matchesFilter(e, parseFilter('provider:github')));
    assert.ok(matchesFilter(e, parseFilter('abc123')), 'bare words match header values');
    assert.ok(matchesFilter(e, parseFilter('HOOKS/STRIPE')), 'case-insensitive path match');
    assert.ok(!matchesFilter(e, parseFilter('nothere')));
    assert.ok(matchesFilter(e, parseFilter('nothere'), new Set(['evt_1'])), 'body hits count');
    assert.ok(matchesFilter(e, parseFilter('verdict:unverified')));
    assert.ok(matchesFilter(ev({ verification: { status: 'valid', reason: '', checkedAt: '' } }), parseFilter('verdict:verified')));
    assert.equal(parseFilter('   '), undefined);
  });

  test('groups by time, provider, event type and path, keeping order', () => {
    const now = new Date('2026-11-29T12:00:00');
    const events = [
      ev({ id: 'a', receivedAt: new Date('2026-11-29T11:00:00').toISOString(), provider: 'stripe', url: '/s?x=1' }),
      ev({ id: 'b', receivedAt: new Date('2026-11-28T11:00:00').toISOString(), provider: 'github', url: '/g' }),
      ev({ id: 'c', receivedAt: new Date('2026-11-20T11:00:00').toISOString(), provider: 'stripe', url: '/s?x=2' }),
    ];
    assert.deepEqual(
      groupEvents(events, 'time', now).map((g) => [g.label, g.events.map((e) => e.id)]),
      [
        ['Today', ['a']],
        ['Yesterday', ['b']],
        ['Older', ['c']],
      ],
    );
    assert.deepEqual(
      groupEvents(events, 'provider', now).map((g) => [g.label, g.events.map((e) => e.id)]),
      [
        ['stripe', ['a', 'c']],
        ['github', ['b']],
      ],
    );
    assert.deepEqual(
      groupEvents(events, 'path', now).map((g) => g.label),
      ['/s', '/g'],
    );
    assert.deepEqual(
      groupEvents(events, 'eventType', now).map((g) => g.label),
      ['No event type'],
    );
  });
});
