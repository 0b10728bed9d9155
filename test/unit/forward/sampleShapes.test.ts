/**
 * What each sample promises about a real delivery from its provider, per ../shared/reference/signatures.md
 * (headers per provider) and agents-and-tunnels.md ("Provider delivery ids"): event-type header or field,
 * a delivery id unique per build, content type and user agent, the body as the provider serialises it,
 * and the facts inside the body that agree with each other (ids, amounts, links, times).
 * Built with the fixed context of sampleFixed.ts; the remaining literals are pinned by sampleGolden.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captureFacts } from '../../../src/core/classify';
import { buildSample, samples, signSample, type SampleRequest } from '../../../src/core/forward/index';
import { FIXED_NOW, FIXED_UNIX, allFixed, buildFixed, headerOf, seededHex, type BuiltSample, type Json } from './sampleFixed';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SECOND_ISO = FIXED_NOW.toISOString().replace(/\.\d{3}Z$/, '');
const STANDARD_KEY = `whsec_${Buffer.from('sample-shapes-key').toString('base64')}`;
const stripeId = (prefix: string) => new RegExp(`^${prefix}[0-9A-Za-z]{24}$`);

/** Content-Type and User-Agent as each provider sends them. */
const AGENTS: Record<string, [string, RegExp]> = {
  stripe: ['application/json; charset=utf-8', /^Stripe\/1\.0 \(\+https:\/\/stripe\.com\/docs\/webhooks\)$/],
  github: ['application/json', /^GitHub-Hookshot\/[0-9a-f]{7}$/],
  shopify: ['application/json', /^Shopify-Captain-Hook$/],
  slack: ['application/json', /^Slackbot 1\.0 \(\+https:\/\/api\.slack\.com\/robots\)$/],
  'standard-webhooks': ['application/json', /\S/],
};

/** Standard Webhooks' `webhook-id` comes with signing (the other providers' ids are in the unsigned sample). */
const asDelivered = (req: SampleRequest) => (req.provider === 'standard-webhooks' ? signSample(req, STANDARD_KEY, FIXED_NOW) : req);

/** The delivery id (agents-and-tunnels.md): a header, or the body's id for Stripe and Slack. */
function deliveryId(req: SampleRequest): string | undefined {
  const json = JSON.parse(Buffer.from(req.body).toString('utf8')) as Json;
  const byProvider: Record<string, () => string | undefined> = {
    stripe: () => json['id'],
    github: () => headerOf(req, 'X-GitHub-Delivery'),
    shopify: () => headerOf(req, 'X-Shopify-Webhook-Id'),
    slack: () => json['event_id'],
    'standard-webhooks': () => headerOf(req, 'webhook-id'),
  };
  return byProvider[req.provider]!();
}

describe('sample shapes: every sample', () => {
  for (const s of allFixed()) {
    test(`${s.info.provider} ${s.info.event}: path, headers, JSON as the provider serialises it`, () => {
      assert.match(s.info.path, /^\/[a-z]/);
      assert.match(s.info.description, /^[A-Z].{10,}/, 'pickers show a description');
      assert.equal(s.req.url, s.info.path);
      assert.equal(s.req.method, 'POST');
      for (const [k, v] of s.req.headers) {
        assert.match(k, /^[A-Za-z][A-Za-z0-9-]*$/);
        assert.notEqual(v.trim(), '', `${k} has a value`);
      }
      const names = s.req.headers.map(([k]) => k.toLowerCase());
      assert.equal(new Set(names).size, names.length, 'no header twice');
      const [type, agent] = AGENTS[s.info.provider]!;
      assert.equal(headerOf(s.req, 'Content-Type'), type);
      assert.match(headerOf(s.req, 'User-Agent') ?? '', agent);
      // Stripe pretty-prints with two spaces; the others send compact JSON.
      assert.equal(s.text, s.info.provider === 'stripe' ? JSON.stringify(s.json, null, 2) : JSON.stringify(s.json));
    });

    test(`${s.info.provider} ${s.info.event}: a delivery id, new on every build, that the receiver reads`, () => {
      const hex = seededHex('twice');
      const [a, b] = [asDelivered(buildFixed(s.info, hex).req), asDelivered(buildFixed(s.info, hex).req)];
      const [idA, idB] = [deliveryId(a), deliveryId(b)];
      assert.ok(idA, 'present');
      assert.notEqual(idA, idB, 'unique per build');
      const random = () => deliveryId(asDelivered(buildSample(s.info.provider, s.info.event)));
      assert.notEqual(random(), random(), 'unique with the real random source');
      assert.equal(captureFacts(a.headers, a.body).deliveryId, idA);
    });
  }
});

const only = (provider: string): BuiltSample[] => allFixed().filter((s) => s.info.provider === provider);

describe('sample shapes: Stripe events', () => {
  /** The object each event type carries (Stripe API reference, "Types of events"). */
  const OBJECT: Record<string, [string, string]> = {
    'payment_intent.succeeded': ['payment_intent', 'pi_'],
    'checkout.session.completed': ['checkout.session', 'cs_test_'],
    'customer.subscription.updated': ['subscription', 'sub_'],
  };
  for (const { info, json } of only('stripe')) {
    test(`${info.event}: an Event whose type and object fit`, () => {
      assert.equal(json['type'], info.event);
      assert.equal(json['object'], 'event');
      assert.match(json['id'], stripeId('evt_'));
      assert.match(json['api_version'], /^\d{4}-\d{2}-\d{2}\.[a-z]+$/);
      assert.equal(json['created'], FIXED_UNIX);
      assert.equal(json['livemode'], false);
      assert.equal(json['pending_webhooks'], 1);
      assert.match(json['request'].id, stripeId('req_'));
      assert.match(json['request'].idempotency_key, UUID4);
      const obj = json['data'].object as Json;
      const [object, prefix] = OBJECT[info.event]!;
      assert.equal(obj['object'], object);
      assert.match(obj['id'], new RegExp(`^${prefix}`));
      assert.equal(obj['livemode'], false);
      assert.equal(obj['currency'], 'usd');
      assert.deepEqual(obj['metadata'], {});
      assert.ok(obj['created'] < json['created'], 'the object existed before the event');
      // Only `*.updated` events carry the changed fields' old values.
      assert.equal('previous_attributes' in json['data'], info.event.endsWith('.updated'));
    });
  }

  test('payment_intent.succeeded: the $20.00 of the description, received in full', () => {
    const [{ info, json }] = only('stripe');
    const pi = json['data'].object as Json;
    assert.equal(info.description, `A payment of $${(pi['amount'] / 100).toFixed(2)} succeeded`);
    assert.equal(pi['status'], 'succeeded');
    assert.equal(pi['amount_received'], pi['amount']);
    assert.equal(pi['amount_capturable'], 0);
    assert.match(pi['client_secret'], new RegExp(`^${pi['id']}_secret_[0-9a-f]{24}$`));
    assert.match(pi['latest_charge'], stripeId('ch_'));
    assert.match(pi['payment_method'], stripeId('pm_'));
    assert.deepEqual(pi['payment_method_types'], ['card']);
  });

  test('checkout.session.completed: a paid one-off payment with a customer', () => {
    const cs = only('stripe')[1]!.json['data'].object as Json;
    assert.deepEqual([cs['status'], cs['payment_status'], cs['mode']], ['complete', 'paid', 'payment']);
    assert.ok(cs['amount_total'] >= cs['amount_subtotal'] && cs['amount_subtotal'] > 0);
    assert.ok(cs['expires_at'] > FIXED_UNIX, 'expires after the event');
    assert.match(cs['customer'], stripeId('cus_'));
    assert.match(cs['payment_intent'], stripeId('pi_'));
    assert.match(cs['customer_details'].email, /^[^@\s]+@[^@\s]+$/);
    assert.match(cs['success_url'], /^https:\/\//);
    assert.match(cs['cancel_url'], /^https:\/\//);
  });

  test('customer.subscription.updated: one item, moved from another price', () => {
    const { json } = only('stripe')[2]!;
    const sub = json['data'].object as Json;
    const [item] = sub['items'].data as Json[];
    assert.equal(sub['items'].object, 'list');
    assert.equal(sub['items'].url, `/v1/subscription_items?subscription=${sub['id']}`);
    assert.equal(item!['subscription'], sub['id']);
    assert.match(item!['id'], stripeId('si_'));
    assert.match(sub['customer'], stripeId('cus_'));
    assert.equal(item!['price'].currency, sub['currency']);
    assert.equal(item!['object'], 'subscription_item');
    assert.ok(item!['current_period_start'] < FIXED_UNIX && FIXED_UNIX < item!['current_period_end'], 'now is in the period');
    assert.equal(item!['price'].object, 'price');
    assert.equal(item!['price'].recurring.interval, 'month');
    const old = json['data'].previous_attributes.items.data[0].price as Json;
    assert.notEqual(old['id'], item!['price'].id);
    assert.notEqual(old['unit_amount'], item!['price'].unit_amount);
    assert.equal(sub['status'], 'active');
  });
});

describe('sample shapes: GitHub, Shopify, Slack, Standard Webhooks', () => {
  for (const { info, req, json } of only('github')) {
    test(`github ${info.event}: event header, hook target and repository links`, () => {
      const [event, action] = info.event.split('.');
      assert.equal(headerOf(req, 'X-GitHub-Event'), event);
      assert.equal(json['action'], action);
      assert.match(headerOf(req, 'X-GitHub-Delivery')!, UUID4);
      assert.match(headerOf(req, 'X-GitHub-Hook-ID')!, /^\d+$/);
      assert.equal(headerOf(req, 'X-GitHub-Hook-Installation-Target-Type'), 'repository');
      const repo = json['repository'] as Json;
      assert.equal(headerOf(req, 'X-GitHub-Hook-Installation-Target-ID'), String(repo['id']));
      assert.equal(repo['full_name'], `${repo['owner'].login}/${repo['name']}`);
      assert.equal(repo['html_url'], `https://github.com/${repo['full_name']}`);
      assert.equal(json['sender'].html_url, `https://github.com/${json['sender'].login}`);
    });
  }

  test('github push: one commit to main, linked and timed like GitHub', () => {
    const { json } = only('github')[0]!;
    const repo = json['repository'] as Json;
    assert.equal(json['ref'], `refs/heads/${repo['default_branch']}`);
    assert.match(json['before'], /^[0-9a-f]{40}$/);
    assert.equal(json['commits'].length, 1);
    assert.deepEqual(json['head_commit'], json['commits'][0]);
    const commit = json['head_commit'] as Json;
    assert.equal(commit['id'], json['after']);
    assert.equal(commit['distinct'], true, 'new to the branch');
    for (const who of [commit['author'], commit['committer']]) {
      assert.match(who.email, /^[^@\s]+@[^@\s]+$/);
      assert.match(who.name, /\S/);
    }
    assert.equal(commit['author'].username, json['sender'].login);
    assert.match(commit['tree_id'], /^[0-9a-f]{40}$/);
    assert.equal(commit['url'], `${repo['html_url']}/commit/${json['after']}`);
    assert.equal(json['compare'], `${repo['html_url']}/compare/${json['before'].slice(0, 12)}...${json['after'].slice(0, 12)}`);
    assert.equal(commit['timestamp'], `${SECOND_ISO}Z`, 'seconds, no milliseconds');
    assert.equal(json['pusher'].name, json['sender'].login);
    assert.deepEqual([json['created'], json['deleted'], json['forced']], [false, false, false]);
    assert.equal(commit['added'].length + commit['removed'].length + commit['modified'].length, 1);
  });

  test('github pull_request.opened: an open pull request, numbered and linked', () => {
    const { json } = only('github')[1]!;
    const pr = json['pull_request'] as Json;
    assert.equal(pr['number'], json['number']);
    assert.equal(pr['html_url'], `${json['repository'].html_url}/pull/${json['number']}`);
    assert.equal(pr['url'], `https://api.github.com/repos/${json['repository'].full_name}/pulls/${json['number']}`);
    assert.deepEqual([pr['state'], pr['merged'], pr['draft']], ['open', false, false]);
    assert.equal(pr['user'].login, json['sender'].login);
    assert.equal(pr['created_at'], `${SECOND_ISO}Z`);
    assert.equal(pr['updated_at'], pr['created_at']);
    assert.equal(pr['base'].ref, json['repository'].default_branch);
    assert.match(pr['head'].sha, /^[0-9a-f]{40}$/);
  });

  test('shopify orders/create: topic and ids in headers; the order adds up', () => {
    const [{ info, req, json }] = only('shopify') as [BuiltSample];
    assert.equal(headerOf(req, 'X-Shopify-Topic'), info.event);
    assert.match(headerOf(req, 'X-Shopify-Shop-Domain')!, /^[a-z0-9-]+\.myshopify\.com$/);
    assert.match(headerOf(req, 'X-Shopify-API-Version')!, /^\d{4}-(01|04|07|10)$/);
    assert.match(headerOf(req, 'X-Shopify-Webhook-Id')!, UUID4);
    assert.match(headerOf(req, 'X-Shopify-Event-Id')!, UUID4);
    assert.notEqual(headerOf(req, 'X-Shopify-Event-Id'), headerOf(req, 'X-Shopify-Webhook-Id'));
    assert.equal(headerOf(req, 'X-Shopify-Triggered-At'), FIXED_NOW.toISOString());
    assert.equal(json['admin_graphql_api_id'], `gid://shopify/Order/${json['id']}`);
    assert.equal(json['name'], `#${json['order_number']}`);
    assert.equal(json['created_at'], `${SECOND_ISO}+00:00`);
    const lines = json['line_items'] as Json[];
    assert.equal(lines.length, 2, 'two items');
    const subtotal = lines.reduce((sum, l) => sum + Number(l['price']) * l['quantity'], 0);
    assert.equal(json['subtotal_price'], subtotal.toFixed(2));
    assert.equal(json['total_price'], (subtotal + Number(json['total_tax'])).toFixed(2));
    assert.equal(json['current_total_price'], json['total_price']);
    assert.equal(json['customer'].email, json['email']);
    assert.match(json['currency'], /^[A-Z]{3}$/, 'ISO 4217, upper case as Shopify sends it');
    assert.equal(json['test'], true);
  });

  test('slack event_callback: an app_mention of the installed bot', () => {
    const [{ info, json }] = only('slack') as [BuiltSample];
    assert.equal(json['type'], info.event);
    const ev = json['event'] as Json;
    assert.equal(ev['type'], 'app_mention');
    const [auth] = json['authorizations'] as Json[];
    assert.ok(ev['text'].startsWith(`<@${auth!['user_id']}>`), 'mentions the bot user');
    assert.equal(auth!['is_bot'], true);
    assert.deepEqual([json['context_team_id'], auth!['team_id']], [json['team_id'], json['team_id']]);
    assert.match(json['event_id'], /^Ev[0-9A-Z]{8,}$/);
    assert.equal(json['event_time'], FIXED_UNIX);
    assert.match(ev['ts'], new RegExp(`^${FIXED_UNIX}\\.\\d{6}$`));
    assert.equal(ev['event_ts'], ev['ts']);
    assert.match(ev['channel'], /^C/);
    assert.match(ev['user'], /^U/);
    assert.match(json['api_app_id'], /^A/);
  });

  test('standard-webhooks user.created: type, timestamp and data; id and timestamp headers once signed', () => {
    const [{ info, req, json }] = only('standard-webhooks') as [BuiltSample];
    assert.equal(json['type'], info.event);
    assert.equal(json['timestamp'], FIXED_NOW.toISOString());
    assert.match(json['data'].id, /^usr_[0-9a-f]{16}$/);
    assert.equal(json['data'].created_at, json['timestamp']);
    const signed = signSample(req, STANDARD_KEY, FIXED_NOW);
    assert.match(headerOf(signed, 'webhook-id')!, /^msg_/);
    assert.equal(headerOf(signed, 'webhook-timestamp'), String(FIXED_UNIX));
  });

  test('Stripe-style ids stay prefix + 24 characters when the random source returns nothing', () => {
    const req = buildSample('stripe', samples[0]!.event, { now: FIXED_NOW, randomHex: () => '' });
    assert.equal(JSON.parse(Buffer.from(req.body).toString())['id'], `evt_3${'0'.repeat(23)}`);
  });
});
