/**
 * Delivery identity: the provider's id for one logical delivery (a retry keeps it) and the attempt
 * number where a header says it. Read at capture time from the headers and, for small bodies, the
 * JSON body the classifier already parsed (see `classify.ts`). One table per source, so adding a
 * provider is one row; sources are cited in `test/unit/core/deliveryId.test.ts`.
 */

export interface DeliveryIdentity {
  /** The provider's id for this logical delivery, e.g. GitHub's `X-GitHub-Delivery` GUID or Stripe's `evt_…`. */
  deliveryId?: string;
  /** The attempt number a header states (1 = first delivery), e.g. Slack `X-Slack-Retry-Num` + 1. */
  attempt?: number;
}

type HeaderLookup = (name: string) => string | undefined;

/**
 * Headers that carry a delivery id, checked in this order. `when` limits a generic-sounding header
 * to the provider that sends it (Bitbucket's `X-Request-UUID` is a common name elsewhere too).
 */
const ID_HEADERS: ReadonlyArray<{ header: string; provider: string; when?: (provider: string | undefined, h: HeaderLookup) => boolean }> = [
  { header: 'x-github-delivery', provider: 'github' },
  { header: 'x-shopify-webhook-id', provider: 'shopify' },
  { header: 'linear-delivery', provider: 'linear' },
  { header: 'x-gitlab-event-uuid', provider: 'gitlab' },
  { header: 'i-twilio-idempotency-token', provider: 'twilio' },
  // Standard Webhooks; Svix, Clerk and Resend send `webhook-id` or its older name `svix-id`.
  { header: 'webhook-id', provider: 'standard-webhooks' },
  { header: 'svix-id', provider: 'svix' },
  { header: 'x-request-uuid', provider: 'bitbucket', when: (p, h) => p === 'bitbucket' || h('x-event-key') !== undefined },
];

/** Body fields that carry a delivery id, per provider (the body must be a JSON object). */
const ID_FIELDS: ReadonlyArray<{
  provider: string;
  field: string;
  when: (provider: string | undefined, json: Record<string, unknown>) => boolean;
}> = [
  // Stripe: the Event object's `id` (`evt_…`); a retry sends the same Event.
  { provider: 'stripe', field: 'id', when: (p, j) => p === 'stripe' || (j.object === 'event' && /^evt_/.test(String(j.id))) },
  // Slack Events API: `event_id` on the outer `event_callback` envelope.
  { provider: 'slack', field: 'event_id', when: (p, j) => p === 'slack' || j.type === 'event_callback' },
  { provider: 'square', field: 'event_id', when: (p) => p === 'square' },
  { provider: 'paddle', field: 'event_id', when: (p) => p === 'paddle' },
  // Intercom: a `notification_event` whose `id` is `notif_…`.
  { provider: 'intercom', field: 'id', when: (p, j) => p === 'intercom' || j.type === 'notification_event' },
];

/** Headers that state the attempt number: name → attempt from its value. */
const ATTEMPT_HEADERS: ReadonlyArray<{ header: string; toAttempt: (n: number) => number }> = [
  // Slack counts retries: `X-Slack-Retry-Num: 1` is the second attempt.
  { header: 'x-slack-retry-num', toAttempt: (n) => n + 1 },
];

/** Delivery ids are labels and map keys: printable, trimmed, at most this long. */
const MAX_ID_LENGTH = 200;

/**
 * The delivery identity of a request. `json` is the parsed body when it was small enough to parse
 * (undefined otherwise); `provider` the classifier's guess.
 */
export function deliveryIdentity(h: HeaderLookup, json: unknown, provider: string | undefined): DeliveryIdentity {
  const out: DeliveryIdentity = {};
  const id = fromHeaders(h, provider) ?? fromBody(json, provider);
  if (id) {
    out.deliveryId = id;
  }
  for (const { header, toAttempt } of ATTEMPT_HEADERS) {
    const raw = h(header)?.trim();
    if (raw && /^\d{1,6}$/.test(raw)) {
      out.attempt = toAttempt(Number(raw));
      break;
    }
  }
  return out;
}

function fromHeaders(h: HeaderLookup, provider: string | undefined): string | undefined {
  for (const row of ID_HEADERS) {
    const value = clean(h(row.header));
    if (value && (!row.when || row.when(provider, h))) {
      return value;
    }
  }
  return undefined;
}

function fromBody(json: unknown, provider: string | undefined): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return undefined;
  }
  const obj = json as Record<string, unknown>;
  for (const row of ID_FIELDS) {
    if (row.when(provider, obj)) {
      const value = obj[row.field];
      const id = clean(typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
      if (id) {
        return id;
      }
    }
  }
  return undefined;
}

function clean(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const s = value.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return s ? s.slice(0, MAX_ID_LENGTH) : undefined;
}

/** Providers with a delivery id (for docs and tests): header rows, then body rows. */
export const DELIVERY_ID_SOURCES: ReadonlyArray<{ provider: string; source: string }> = [
  ...ID_HEADERS.map((r) => ({ provider: r.provider, source: `header ${r.header}` })),
  ...ID_FIELDS.map((r) => ({ provider: r.provider, source: `body ${r.field}` })),
];
