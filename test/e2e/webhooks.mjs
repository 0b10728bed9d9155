// Sample deliveries the e2e test sends, shaped like the real providers' (headers and bodies).
// Signed variants (Stripe-Signature, X-Hub-Signature-256) go here when the verification steps land.
import { createHmac, randomUUID } from 'node:crypto';

export function stripePaymentSucceeded() {
  const created = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: 'evt_3QxE2e2eTestPaymentOk',
    object: 'event',
    api_version: '2025-03-31.basil',
    created,
    type: 'payment_intent.succeeded',
    livemode: false,
    data: { object: { id: 'pi_3QxE2e2eTest', object: 'payment_intent', amount: 2000, currency: 'usd', status: 'succeeded' } },
  });
  return {
    name: 'stripe',
    path: '/webhooks/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
    body,
    // A row shows this event if it has one of these texts: method + path today, the event type later.
    rowTexts: ['payment_intent.succeeded', 'POST /webhooks/stripe'],
  };
}

export function githubPush() {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    repository: { id: 1296269, full_name: 'octo-org/shop-backend', private: true },
    pusher: { name: 'octocat' },
    commits: [{ id: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', message: 'Handle refunds' }],
  });
  return {
    name: 'github',
    path: '/webhooks/github',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e0001',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '4242',
    },
    body,
    rowTexts: ['push', 'POST /webhooks/github'],
  };
}

/** A few more, for the README screenshots. */
export function moreSamples() {
  return [
    {
      name: 'shopify',
      path: '/webhooks/shopify',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'example.myshopify.com' },
      body: JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '199.65', currency: 'USD' }),
      rowTexts: ['orders/create', 'POST /webhooks/shopify'],
    },
    {
      name: 'github-pr',
      path: '/webhooks/github',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/e2e0001',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
      },
      body: JSON.stringify({
        action: 'opened',
        number: 42,
        pull_request: { title: 'Add refunds' },
        repository: { full_name: 'octo-org/shop-backend' },
      }),
      rowTexts: ['pull_request', 'POST /webhooks/github'],
    },
    {
      name: 'stripe-invoice',
      path: '/webhooks/stripe',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      body: JSON.stringify({
        id: 'evt_1QxE2e2eInvoicePaid',
        object: 'event',
        type: 'invoice.paid',
        data: { object: { id: 'in_1QxE2e2e', amount_paid: 4900 } },
      }),
      rowTexts: ['invoice.paid', 'POST /webhooks/stripe'],
    },
  ];
}

/** A Stripe-shaped event whose JSON body is about `bytes` long (a report with many line items). */
export function largeStripeEvent(bytes) {
  const items = [];
  let size = 0;
  for (let i = 0; size < bytes - 400; i++) {
    const item = {
      id: `il_${String(i).padStart(8, '0')}`,
      object: 'line_item',
      amount: 100 + (i % 997),
      currency: 'usd',
      description: `Seat license ${i} for the large report test`,
      metadata: { row: i },
    };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  const body = JSON.stringify({
    id: 'evt_1QxE2e2eLargeReport',
    object: 'event',
    type: 'reporting.report_run.succeeded',
    data: { object: { id: 'frr_e2e_large', object: 'reporting.report_run', lines: items } },
  });
  return {
    name: 'large',
    path: '/webhooks/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
    body,
    // Bodies over 1 MB are not parsed to find the event type (classification is bounded): the row
    // reads method + path and the size.
    rowTexts: ['· 10 MB', 'reporting.report_run.succeeded'],
  };
}

/** POSTs a sample to the receiver; returns status and body text. */
export async function deliver(baseUrl, sample) {
  // The public URL may have a path (the loopback tunnel's is http://127.0.0.1:PORT/t/<id>): append to it.
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${sample.path}`, {
    method: 'POST',
    headers: sample.headers,
    body: sample.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Secrets the test sets through "Set Signing Secret…" and signs with (test values, not real ones). */
export const STRIPE_SECRET = 'whsec_e2eTestSecretForWebhookInspector0001';
export const GITHUB_SECRET = 'e2e-github-webhook-secret-0001';

/** A Stripe delivery signed the way Stripe signs: Stripe-Signature: t=<unix>,v1=HMAC-SHA256(secret, "t.body"). */
export function stripeSignedCheckout(secret = STRIPE_SECRET) {
  const t = Math.floor(Date.now() / 1000);
  return signedStripe(
    'stripe-signed',
    t,
    {
      id: 'evt_1QxE2e2eSignedCheckout',
      object: 'event',
      type: 'checkout.session.completed',
      created: t,
      data: { object: { id: 'cs_test_e2e', object: 'checkout.session', amount_total: 4900, currency: 'usd' } },
    },
    secret,
  );
}

/** A signed `payment_intent.succeeded` for the route CodeLens step (non-ASCII text, so "the exact bytes" means something). */
export function stripeSignedPayment(secret = STRIPE_SECRET) {
  const t = Math.floor(Date.now() / 1000);
  return signedStripe(
    'stripe-route-lens',
    t,
    {
      id: 'evt_1QxE2e2eRouteLens',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: t,
      data: { object: { id: 'pi_e2e_lens', amount: 2000, currency: 'eur', description: 'Café crème ×2 — «merci»' } },
    },
    secret,
  );
}

function signedStripe(name, t, event, secret) {
  const body = JSON.stringify(event);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return {
    name,
    path: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': `t=${t},v1=${v1}`,
    },
    body,
    rowTexts: [event.type],
  };
}

/** A GitHub delivery signed the way GitHub signs: X-Hub-Signature-256: sha256=HMAC-SHA256(secret, body). */
export function githubSignedRelease(secret = GITHUB_SECRET) {
  const body = JSON.stringify({
    action: 'published',
    release: { tag_name: 'v1.2.0', name: 'v1.2.0' },
    repository: { full_name: 'octo-org/shop-backend' },
  });
  return {
    name: 'github-signed',
    path: '/webhooks/github',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e0001',
      'x-github-event': 'release',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
    rowTexts: ['release.published', 'release'],
  };
}

/**
 * A user's webhook handler on 127.0.0.1: it checks the Stripe signature with the official SDK, as
 * `stripe.webhooks.constructEvent` does in real handlers, and remembers what it accepted.
 */
export async function startStripeHandler(secret) {
  const { default: Stripe } = await import('stripe');
  const http = await import('node:http');
  const accepted = [];
  const rejected = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks);
        const event = new Stripe('sk_test_e2e').webhooks.constructEvent(body, String(req.headers['stripe-signature']), secret);
        accepted.push({ path: req.url, type: event.type, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: event.type }));
      } catch (err) {
        rejected.push({ path: req.url, error: err.message });
        res.writeHead(400).end(err.message);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    accepted,
    rejected,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
