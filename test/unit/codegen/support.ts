/**
 * Deliveries for the codegen tests: the built-in provider samples, varied the way real deliveries
 * differ (fields present in some only, null in some, other event types), signed with the providers'
 * official SDKs where they can sign (Stripe, @octokit/webhooks-methods, standardwebhooks) and with
 * node:crypto where the SDK only verifies (Shopify, Slack), then stored in a real EventStore.
 */
import { createHmac } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { classify } from '../../../src/core/classify';
import { buildSample } from '../../../src/core/forward/samples';
import { EventStore } from '../../../src/core/store';

export const SECRETS = {
  stripe: 'whsec_codegen_test_7Qm2',
  github: 'gh-codegen-secret-Zk41',
  shopify: 'shpss_codegen_secret_Hv93',
  slack: 'slack-codegen-signing-Ue55',
  standard: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
} as const;

export interface Delivery {
  /** A short name for the test's bookkeeping. */
  readonly key: string;
  readonly url: string;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

type Json = Record<string, unknown>;

function sampleJson(provider: string, event: string): { url: string; headers: Array<[string, string]>; json: Json } {
  const s = buildSample(provider, event);
  return { url: s.url, headers: s.headers.map(([k, v]) => [k, v]), json: JSON.parse(Buffer.from(s.body).toString('utf8')) as Json };
}

function obj(x: unknown): Json {
  return x as Json;
}

async function githubSign(secret: string, payload: string): Promise<string> {
  const { sign } = await import('@octokit/webhooks-methods');
  return sign(secret, payload);
}

/** Stripe, GitHub, Shopify, Slack and Standard Webhooks deliveries, signed. */
export async function deliveries(): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const stripe = (key: string, event: string, vary: (j: Json) => void = () => {}): void => {
    const s = sampleJson('stripe', event);
    vary(s.json);
    const body = JSON.stringify(s.json, null, 2);
    const sig = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS.stripe });
    out.push({ key, url: s.url, headers: [...s.headers, ['Stripe-Signature', sig]], body: Buffer.from(body) });
  };
  stripe('pi1', 'payment_intent.succeeded');
  stripe('pi2', 'payment_intent.succeeded', (j) => {
    const pi = obj(obj(j.data).object);
    pi.description = null;
    pi.customer = 'cus_Q1w2E3r4T5y6';
    pi.metadata = { order_id: '1001' };
    delete pi.latest_charge;
    delete obj(j.request).idempotency_key;
  });
  stripe('cs', 'checkout.session.completed');
  stripe('sub', 'customer.subscription.updated');

  const github = async (key: string, vary: (j: Json) => void = () => {}): Promise<void> => {
    const s = sampleJson('github', 'pull_request.opened');
    vary(s.json);
    const body = JSON.stringify(s.json);
    out.push({
      key,
      url: s.url,
      headers: [...s.headers, ['X-Hub-Signature-256', await githubSign(SECRETS.github, body)]],
      body: Buffer.from(body),
    });
  };
  await github('pr-opened');
  await github('pr-closed', (j) => {
    j.action = 'closed';
    const pr = obj(j.pull_request);
    pr.state = 'closed';
    pr.merged = true;
    pr.merged_at = '2026-12-04T13:00:00Z';
    pr.body = null;
  });

  const shopify = (key: string, vary: (j: Json) => void = () => {}): void => {
    const s = sampleJson('shopify', 'orders/create');
    vary(s.json);
    const body = JSON.stringify(s.json);
    const hmac = createHmac('sha256', SECRETS.shopify).update(body).digest('base64');
    out.push({ key, url: s.url, headers: [...s.headers, ['X-Shopify-Hmac-Sha256', hmac]], body: Buffer.from(body) });
  };
  shopify('order1');
  shopify('order2', (j) => {
    j.fulfillment_status = 'fulfilled';
    j.note = 'Leave at the door';
    delete j.customer;
  });

  {
    const s = sampleJson('slack', 'event_callback');
    const body = JSON.stringify(s.json);
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${createHmac('sha256', SECRETS.slack).update(`v0:${ts}:${body}`).digest('hex')}`;
    out.push({
      key: 'slack',
      url: s.url,
      headers: [...s.headers, ['X-Slack-Request-Timestamp', ts], ['X-Slack-Signature', sig]],
      body: Buffer.from(body),
    });
  }
  {
    const s = sampleJson('standard-webhooks', 'user.created');
    const body = JSON.stringify(s.json);
    const id = 'msg_2codegen0test';
    const now = new Date();
    const sig = new StandardWebhook(SECRETS.standard).sign(id, now, body);
    out.push({
      key: 'standard',
      url: s.url,
      headers: [
        ...s.headers,
        ['webhook-id', id],
        ['webhook-timestamp', String(Math.floor(now.getTime() / 1000))],
        ['webhook-signature', sig],
      ],
      body: Buffer.from(body),
    });
  }
  return out;
}

/** A temporary folder with `node_modules` linked to the repo's, so generated code can import zod and the SDKs. */
export async function projectDir(prefix: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  await fsp.symlink(path.resolve(__dirname, '..', '..', '..', 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Stores the deliveries in a real EventStore (classified as the receiver does); returns ids by key. */
export async function storeDeliveries(dir: string, items: readonly Delivery[]): Promise<Map<string, string>> {
  const store = await EventStore.open(dir, { maxEvents: 1000 });
  const ids = new Map<string, string>();
  try {
    for (const d of items) {
      const event = await store.append(
        {
          method: 'POST',
          url: d.url,
          headers: d.headers,
          remoteAddress: '127.0.0.1',
          size: d.body.length,
          response: { status: 200, body: '', contentType: 'text/plain' },
          ...classify(d.headers, d.body),
        },
        d.body,
      );
      ids.set(d.key, event.id);
    }
  } finally {
    await store.close();
  }
  return ids;
}
