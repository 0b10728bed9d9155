import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { captureFacts } from '../../../src/core/classify';
import { buildSample } from '../../../src/core/forward/samples';

type Pairs = Array<[string, string]>;
const enc = (s: string) => new TextEncoder().encode(s);
const facts = (headers: Pairs, body = '') => captureFacts(headers, enc(body));

describe('delivery ids per provider', () => {
  it('GitHub: X-GitHub-Delivery (docs.github.com "Webhook events and payloads": a redelivery keeps the GUID)', () => {
    const sample = buildSample('github', 'push', { secret: 'gh' });
    const guid = sample.headers.find(([k]) => k.toLowerCase() === 'x-github-delivery')?.[1];
    assert.ok(guid);
    const f = captureFacts(sample.headers, sample.body);
    assert.equal(f.provider, 'github');
    assert.equal(f.deliveryId, guid);
  });

  it('Standard Webhooks: webhook-id, on a request signed by the standardwebhooks SDK', () => {
    const body = '{"type":"invoice.paid","data":{}}';
    const wh = new StandardWebhook(Buffer.from('sekrit-key-bytes').toString('base64'));
    const ts = new Date('2026-03-01T12:00:00Z');
    const sig = wh.sign('msg_2LJxyz', ts, body);
    const f = facts(
      [
        ['webhook-id', 'msg_2LJxyz'],
        ['webhook-timestamp', String(ts.getTime() / 1000)],
        ['webhook-signature', sig],
      ],
      body,
    );
    assert.equal(f.provider, 'standard-webhooks');
    assert.equal(f.deliveryId, 'msg_2LJxyz');
  });

  it('Svix, Clerk and Resend: svix-id (older name) and webhook-id, on a request signed by the svix SDK', () => {
    const body = '{"type":"user.created","data":{"id":"user_1"}}';
    const wh = new SvixWebhook('whsec_' + Buffer.from('another-key').toString('base64'));
    const ts = new Date('2026-03-01T12:00:00Z');
    const sig = wh.sign('msg_svix1', ts, body);
    const f = facts(
      [
        ['svix-id', 'msg_svix1'],
        ['svix-timestamp', String(ts.getTime() / 1000)],
        ['svix-signature', sig],
      ],
      body,
    );
    assert.equal(f.provider, 'svix');
    assert.equal(f.deliveryId, 'msg_svix1');
    // Resend and newer Svix senders use the Standard Webhooks names.
    assert.equal(
      facts(
        [
          ['webhook-id', 'msg_resend'],
          ['webhook-signature', 'v1,AAAA'],
        ],
        '{"type":"email.sent"}',
      ).deliveryId,
      'msg_resend',
    );
  });

  it('Shopify: X-Shopify-Webhook-Id (shopify.dev "Ignore duplicate webhooks")', () => {
    const sample = buildSample('shopify', 'orders/create', { secret: 's' });
    const id = sample.headers.find(([k]) => k.toLowerCase() === 'x-shopify-webhook-id')?.[1];
    assert.ok(id);
    assert.equal(captureFacts(sample.headers, sample.body).deliveryId, id);
  });

  it('Stripe: the Event id from the body, on a request signed by the stripe SDK', () => {
    const body = JSON.stringify({ id: 'evt_1Nabc', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_test' });
    const f = facts(
      [
        ['Stripe-Signature', header],
        ['Content-Type', 'application/json; charset=utf-8'],
      ],
      body,
    );
    assert.equal(f.provider, 'stripe');
    assert.equal(f.deliveryId, 'evt_1Nabc');
  });

  it('Slack: event_id from the body, attempt from X-Slack-Retry-Num (api.slack.com/apis/events-api "Retries")', () => {
    const sample = buildSample('slack', 'event_callback', { secret: 's' });
    const eventId = (JSON.parse(Buffer.from(sample.body).toString('utf8')) as { event_id: string }).event_id;
    assert.ok(eventId);
    const first = captureFacts(sample.headers, sample.body);
    assert.equal(first.deliveryId, eventId);
    assert.equal(first.attempt, undefined);
    const retry = captureFacts([...sample.headers, ['X-Slack-Retry-Num', '2'], ['X-Slack-Retry-Reason', 'http_timeout']], sample.body);
    assert.equal(retry.deliveryId, eventId);
    assert.equal(retry.attempt, 3, 'retry number 2 is the third attempt');
  });

  it('Linear: Linear-Delivery', () => {
    assert.equal(
      facts(
        [
          ['Linear-Signature', 'ab'],
          ['Linear-Delivery', '234d1a4e-b617-4388-90fe-adc3633d6b72'],
          ['Linear-Event', 'Issue'],
        ],
        '{"action":"create"}',
      ).deliveryId,
      '234d1a4e-b617-4388-90fe-adc3633d6b72',
    );
  });

  it('Twilio: I-Twilio-Idempotency-Token', () => {
    const f = facts(
      [
        ['X-Twilio-Signature', 'abc='],
        ['I-Twilio-Idempotency-Token', 'c2a4-idem'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      'MessageStatus=sent',
    );
    assert.equal(f.provider, 'twilio');
    assert.equal(f.deliveryId, 'c2a4-idem');
  });

  it('Square and Paddle: event_id from the body', () => {
    assert.equal(
      facts([['x-square-hmacsha256-signature', 'x']], '{"merchant_id":"M","type":"payment.updated","event_id":"6a8f5f28-54a1"}').deliveryId,
      '6a8f5f28-54a1',
    );
    assert.equal(
      facts([['Paddle-Signature', 'ts=1;h1=ab']], '{"event_id":"evt_01h8","event_type":"transaction.paid"}').deliveryId,
      'evt_01h8',
    );
    // Without the provider's header, an `event_id` field means nothing.
    assert.equal(facts([], '{"event_id":"x"}').deliveryId, undefined);
  });

  it('Intercom: the notification id from the body', () => {
    assert.equal(
      facts([['X-Hub-Signature', 'sha1=ab']], '{"type":"notification_event","id":"notif_ccd8a4d0","topic":"conversation.user.created"}')
        .deliveryId,
      'notif_ccd8a4d0',
    );
  });

  it('GitLab: X-Gitlab-Event-UUID; Bitbucket: X-Request-UUID only with Bitbucket headers', () => {
    assert.equal(
      facts(
        [
          ['X-Gitlab-Event', 'Push Hook'],
          ['X-Gitlab-Event-UUID', '13792a34-cac6-4fda'],
        ],
        '{"object_kind":"push"}',
      ).deliveryId,
      '13792a34-cac6-4fda',
    );
    assert.equal(
      facts(
        [
          ['X-Event-Key', 'repo:push'],
          ['X-Request-UUID', 'a1b2-c3d4'],
        ],
        '{}',
      ).deliveryId,
      'a1b2-c3d4',
    );
    assert.equal(
      facts([['X-Request-UUID', 'a1b2-c3d4']], '{}').deliveryId,
      undefined,
      'a generic X-Request-UUID alone is not a delivery id',
    );
  });

  it('no delivery id for an unknown sender; ids are cleaned and bounded; large bodies are not parsed', () => {
    assert.deepEqual(facts([['Content-Type', 'application/json']], '{"id":"evt_1"}'), {});
    assert.equal(
      facts([
        ['X-GitHub-Event', 'ping'],
        ['X-GitHub-Delivery', ` a\u202eb\u0007${'x'.repeat(300)} `],
      ]).deliveryId,
      `ab${'x'.repeat(198)}`,
    );
    const big = JSON.stringify({ id: 'evt_big', object: 'event', pad: 'x'.repeat(1024 * 1024) });
    assert.equal(facts([['Stripe-Signature', 't=1,v1=ab']], big).deliveryId, undefined);
    assert.equal(
      facts(
        [
          ['X-Slack-Signature', 'v0=ab'],
          ['X-Slack-Retry-Num', 'soon'],
        ],
        '{"type":"event_callback","event_id":"Ev1"}',
      ).attempt,
      undefined,
    );
  });
});
