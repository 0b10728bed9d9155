/**
 * The sample events' data: for each provider and event, realistic headers (event type, delivery ids,
 * timestamps) and a body, built from a context of time and random ids. Signing and sending are in
 * `samples.ts`.
 */

export interface SampleInfo {
  readonly provider: string;
  readonly event: string;
  readonly description: string;
  /** The path the sample is sent to unless the target names one. */
  readonly path: string;
}

export interface SampleContext {
  now: Date;
  unix: number;
  iso: string;
  hex: (bytes: number) => string;
  /** A Stripe-style id: prefix + 24 base62-ish characters. */
  sid: (prefix: string) => string;
  uuid: () => string;
}

export interface SampleBuilder {
  info: SampleInfo;
  headers(ctx: SampleContext): Array<[string, string]>;
  body(ctx: SampleContext): string;
}

const STRIPE_API_VERSION = '2026-10-28.endive';
const STRIPE_UA = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

function stripeEvent(ctx: SampleContext, type: string, object: Record<string, unknown>, previous?: Record<string, unknown>): string {
  const data: Record<string, unknown> = { object };
  if (previous) {
    data['previous_attributes'] = previous;
  }
  return JSON.stringify(
    {
      id: ctx.sid('evt_'),
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: ctx.unix,
      data,
      livemode: false,
      pending_webhooks: 1,
      request: { id: ctx.sid('req_'), idempotency_key: ctx.uuid() },
      type,
    },
    null,
    2,
  );
}

const stripeHeaders = (): Array<[string, string]> => [
  ['Content-Type', 'application/json; charset=utf-8'],
  ['Cache-Control', 'no-cache'],
  ['User-Agent', STRIPE_UA],
  ['Accept', '*/*; q=0.5, application/xml'],
];

export const BUILDERS: SampleBuilder[] = [
  {
    info: { provider: 'stripe', event: 'payment_intent.succeeded', description: 'A payment of $20.00 succeeded', path: '/webhooks/stripe' },
    headers: stripeHeaders,
    body: (ctx) => {
      const pi = ctx.sid('pi_');
      return stripeEvent(ctx, 'payment_intent.succeeded', {
        id: pi,
        object: 'payment_intent',
        amount: 2000,
        amount_capturable: 0,
        amount_received: 2000,
        capture_method: 'automatic_async',
        client_secret: `${pi}_secret_${ctx.hex(12)}`,
        confirmation_method: 'automatic',
        created: ctx.unix - 2,
        currency: 'usd',
        customer: null,
        description: '(created by Webhook Inspector sample)',
        latest_charge: ctx.sid('ch_'),
        livemode: false,
        metadata: {},
        payment_method: ctx.sid('pm_'),
        payment_method_types: ['card'],
        status: 'succeeded',
      });
    },
  },
  {
    info: { provider: 'stripe', event: 'checkout.session.completed', description: 'A Checkout Session was paid', path: '/webhooks/stripe' },
    headers: stripeHeaders,
    body: (ctx) =>
      stripeEvent(ctx, 'checkout.session.completed', {
        id: ctx.sid('cs_test_'),
        object: 'checkout.session',
        amount_subtotal: 3000,
        amount_total: 3000,
        cancel_url: 'https://example.com/cancel',
        created: ctx.unix - 60,
        currency: 'usd',
        customer: ctx.sid('cus_'),
        customer_details: { email: 'jenny.rosen@example.com', name: 'Jenny Rosen', address: { country: 'US', postal_code: '94103' } },
        expires_at: ctx.unix + 86340,
        livemode: false,
        metadata: {},
        mode: 'payment',
        payment_intent: ctx.sid('pi_'),
        payment_status: 'paid',
        status: 'complete',
        success_url: 'https://example.com/success',
      }),
  },
  {
    info: {
      provider: 'stripe',
      event: 'customer.subscription.updated',
      description: 'A subscription moved to another price',
      path: '/webhooks/stripe',
    },
    headers: stripeHeaders,
    body: (ctx) => {
      const sub = ctx.sid('sub_');
      return stripeEvent(
        ctx,
        'customer.subscription.updated',
        {
          id: sub,
          object: 'subscription',
          billing_cycle_anchor: ctx.unix - 864000,
          cancel_at_period_end: false,
          collection_method: 'charge_automatically',
          created: ctx.unix - 864000,
          currency: 'usd',
          customer: ctx.sid('cus_'),
          items: {
            object: 'list',
            data: [
              {
                id: ctx.sid('si_'),
                object: 'subscription_item',
                current_period_end: ctx.unix + 1728000,
                current_period_start: ctx.unix - 864000,
                price: {
                  id: 'price_pro_monthly',
                  object: 'price',
                  currency: 'usd',
                  recurring: { interval: 'month', interval_count: 1 },
                  unit_amount: 4900,
                },
                quantity: 1,
                subscription: sub,
              },
            ],
            has_more: false,
            url: `/v1/subscription_items?subscription=${sub}`,
          },
          livemode: false,
          metadata: {},
          status: 'active',
        },
        { items: { data: [{ price: { id: 'price_basic_monthly', unit_amount: 1900 } }] } },
      );
    },
  },
  {
    info: { provider: 'github', event: 'push', description: 'One commit pushed to main', path: '/webhooks/github' },
    headers: (ctx) => githubHeaders(ctx, 'push'),
    body: (ctx) => {
      const before = ctx.hex(20);
      const after = ctx.hex(20);
      const commit = {
        id: after,
        tree_id: ctx.hex(20),
        distinct: true,
        message: 'Fix webhook signature check',
        timestamp: ctx.iso.replace(/\.\d{3}Z$/, 'Z'),
        url: `https://github.com/octo-org/octo-repo/commit/${after}`,
        author: { name: 'Mona Lisa Octocat', email: 'mona@example.com', username: 'monalisa' },
        committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
        added: [],
        removed: [],
        modified: ['src/webhooks.ts'],
      };
      return JSON.stringify({
        ref: 'refs/heads/main',
        before,
        after,
        repository: githubRepo(),
        pusher: { name: 'monalisa', email: 'mona@example.com' },
        sender: githubUser(),
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `https://github.com/octo-org/octo-repo/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
        commits: [commit],
        head_commit: commit,
      });
    },
  },
  {
    info: { provider: 'github', event: 'pull_request.opened', description: 'A pull request was opened', path: '/webhooks/github' },
    headers: (ctx) => githubHeaders(ctx, 'pull_request'),
    body: (ctx) =>
      JSON.stringify({
        action: 'opened',
        number: 42,
        pull_request: {
          url: 'https://api.github.com/repos/octo-org/octo-repo/pulls/42',
          id: 2_100_000_042,
          node_id: 'PR_kwDOAbCdEf5_AAAA',
          html_url: 'https://github.com/octo-org/octo-repo/pull/42',
          number: 42,
          state: 'open',
          locked: false,
          title: 'Retry failed webhook deliveries',
          user: githubUser(),
          body: 'Adds exponential backoff.',
          created_at: ctx.iso.replace(/\.\d{3}Z$/, 'Z'),
          updated_at: ctx.iso.replace(/\.\d{3}Z$/, 'Z'),
          draft: false,
          head: { label: 'monalisa:retries', ref: 'retries', sha: ctx.hex(20) },
          base: { label: 'octo-org:main', ref: 'main', sha: ctx.hex(20) },
          merged: false,
          mergeable: null,
          commits: 3,
          additions: 120,
          deletions: 8,
          changed_files: 4,
        },
        repository: githubRepo(),
        sender: githubUser(),
      }),
  },
  {
    info: { provider: 'shopify', event: 'orders/create', description: 'An order for two items was placed', path: '/webhooks/shopify' },
    headers: (ctx) => [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Shopify-Captain-Hook'],
      ['X-Shopify-Topic', 'orders/create'],
      ['X-Shopify-Shop-Domain', 'inspector-sample.myshopify.com'],
      ['X-Shopify-API-Version', '2025-10'],
      ['X-Shopify-Webhook-Id', ctx.uuid()],
      ['X-Shopify-Event-Id', ctx.uuid()],
      ['X-Shopify-Triggered-At', ctx.iso],
    ],
    body: (ctx) =>
      JSON.stringify({
        id: 5_800_000_000_001,
        admin_graphql_api_id: 'gid://shopify/Order/5800000000001',
        name: '#1001',
        order_number: 1001,
        email: 'jon@example.com',
        created_at: ctx.iso.replace(/\.\d{3}Z$/, '+00:00'),
        currency: 'USD',
        current_total_price: '58.00',
        subtotal_price: '50.00',
        total_tax: '8.00',
        total_price: '58.00',
        financial_status: 'paid',
        fulfillment_status: null,
        test: true,
        customer: { id: 7_100_000_000_001, email: 'jon@example.com', first_name: 'Jon', last_name: 'Snow' },
        line_items: [
          {
            id: 14_000_000_000_001,
            name: 'Aviator sunglasses',
            price: '30.00',
            quantity: 1,
            sku: 'SUNG-01',
            product_id: 8_000_000_001,
            variant_id: 45_000_000_001,
          },
          {
            id: 14_000_000_000_002,
            name: 'Mid-century lounger',
            price: '10.00',
            quantity: 2,
            sku: 'LNG-02',
            product_id: 8_000_000_002,
            variant_id: 45_000_000_002,
          },
        ],
      }),
  },
  {
    info: {
      provider: 'slack',
      event: 'event_callback',
      description: 'The app was mentioned in a channel (app_mention)',
      path: '/slack/events',
    },
    headers: () => [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'Slackbot 1.0 (+https://api.slack.com/robots)'],
      ['Accept', '*/*'],
    ],
    body: (ctx) =>
      JSON.stringify({
        token: 'XXYYZZ',
        team_id: 'T0001ABCD',
        context_team_id: 'T0001ABCD',
        api_app_id: 'A0001ABCD',
        event: {
          type: 'app_mention',
          user: 'U0001ABCD',
          text: '<@U0002BOT> what is the status of order 1001?',
          ts: `${ctx.unix}.000200`,
          channel: 'C0001ABCD',
          event_ts: `${ctx.unix}.000200`,
        },
        type: 'event_callback',
        event_id: `Ev${ctx.hex(5).toUpperCase()}`,
        event_time: ctx.unix,
        authorizations: [{ enterprise_id: null, team_id: 'T0001ABCD', user_id: 'U0002BOT', is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
        event_context: `4-${ctx.hex(16)}`,
      }),
  },
  {
    info: {
      provider: 'standard-webhooks',
      event: 'user.created',
      description: 'A Standard Webhooks message (webhook-id / -timestamp / -signature)',
      path: '/webhooks',
    },
    headers: () => [
      ['content-type', 'application/json'],
      ['user-agent', 'Webhook-Inspector-Sample/1.0'],
    ],
    body: (ctx) =>
      JSON.stringify({
        type: 'user.created',
        timestamp: ctx.iso,
        data: { id: `usr_${ctx.hex(8)}`, email: 'ada@example.com', name: 'Ada Lovelace', created_at: ctx.iso },
      }),
  },
];

function githubHeaders(ctx: SampleContext, event: string): Array<[string, string]> {
  return [
    ['Content-Type', 'application/json'],
    ['User-Agent', 'GitHub-Hookshot/8e03811'],
    ['Accept', '*/*'],
    ['X-GitHub-Delivery', ctx.uuid()],
    ['X-GitHub-Event', event],
    ['X-GitHub-Hook-ID', '512345678'],
    ['X-GitHub-Hook-Installation-Target-ID', '700000001'],
    ['X-GitHub-Hook-Installation-Target-Type', 'repository'],
  ];
}

function githubUser(): Record<string, unknown> {
  return {
    login: 'monalisa',
    id: 1_000_001,
    node_id: 'MDQ6VXNlcjEwMDAwMDE=',
    type: 'User',
    site_admin: false,
    html_url: 'https://github.com/monalisa',
  };
}

function githubRepo(): Record<string, unknown> {
  return {
    id: 700_000_001,
    node_id: 'R_kgDOAbCdEf',
    name: 'octo-repo',
    full_name: 'octo-org/octo-repo',
    private: false,
    owner: { login: 'octo-org', id: 2_000_001, type: 'Organization' },
    html_url: 'https://github.com/octo-org/octo-repo',
    default_branch: 'main',
  };
}
