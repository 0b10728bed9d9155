import { type DeliveryIdentity, deliveryIdentity } from './delivery/deliveryId';
import { sanitizeLabel, truncateText } from './detail/displayText';

/** What can be read about a request cheaply at capture time: who sent it and what it is about. */
export interface Classification {
  provider?: string;
  eventType?: string;
}

/** The classification plus the delivery identity (see `src/core/delivery/deliveryId.ts`): what the receiver stores. */
export type CaptureFacts = Classification & DeliveryIdentity;

/** Bodies above this size are not parsed at capture time (the label falls back to method + path; no body delivery id). */
const PARSE_LIMIT = 1024 * 1024;

type Headers = ReadonlyArray<readonly [string, string]>;

/** Providers recognised by a header that only they send. Signature verification refines this later. */
const PROVIDER_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['stripe-signature', 'stripe'],
  ['x-github-event', 'github'],
  ['x-shopify-topic', 'shopify'],
  ['x-shopify-hmac-sha256', 'shopify'],
  ['x-slack-signature', 'slack'],
  ['svix-id', 'svix'],
  ['webhook-id', 'standard-webhooks'],
  ['x-twilio-signature', 'twilio'],
  ['x-hubspot-signature', 'hubspot'],
  ['x-hubspot-signature-v3', 'hubspot'],
  ['x-square-hmacsha256-signature', 'square'],
  ['paddle-signature', 'paddle'],
  ['x-gitlab-event', 'gitlab'],
  ['x-event-key', 'bitbucket'],
  ['linear-signature', 'linear'],
  ['x-zm-signature', 'zoom'],
  ['x-signature-ed25519', 'discord'],
  ['x-twilio-email-event-webhook-signature', 'sendgrid'],
  ['twitch-eventsub-message-signature', 'twitch'],
  ['x-wc-webhook-topic', 'woocommerce'],
  ['typeform-signature', 'typeform'],
  ['calendly-webhook-signature', 'calendly'],
  ['sentry-hook-resource', 'sentry'],
  ['x-hook-signature', 'asana'],
  ['x-hook-secret', 'asana'],
  ['box-signature-primary', 'box'],
  ['x-zendesk-webhook-signature', 'zendesk'],
  ['x-razorpay-signature', 'razorpay'],
  ['x-cc-webhook-signature', 'coinbase'],
  ['x-vercel-signature', 'vercel'],
  ['x-line-signature', 'line'],
  ['x-event-name', 'lemonsqueezy'],
];

export function detectProviderFromHeaders(headers: Headers): string | undefined {
  return providerOf(lowerCaseHeaders(headers));
}

/** Header names in lower case → the first value sent under that name (what `headerValue` returns). */
function lowerCaseHeaders(headers: Headers): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of headers) {
    const name = k.toLowerCase();
    if (!map.has(name)) {
      map.set(name, v);
    }
  }
  return map;
}

function providerOf(names: ReadonlyMap<string, string>): string | undefined {
  for (const [header, provider] of PROVIDER_HEADERS) {
    if (names.has(header)) {
      return provider;
    }
  }
  const ua = names.get('user-agent') ?? '';
  if (/^Stripe\//.test(ua)) {
    return 'stripe';
  }
  if (names.has('x-hub-signature-256') || names.has('x-hub-signature')) {
    return names.has('x-github-delivery') ? 'github' : undefined;
  }
  return undefined;
}

/**
 * Reads the event type from the headers and, for small bodies, the JSON or form body: Stripe `type`,
 * GitHub `X-GitHub-Event` + `action`, Shopify `X-Shopify-Topic`, Slack `event.type`, Standard
 * Webhooks `type`, Twilio statuses, and the usual fields of other providers.
 */
export function classify(headers: Headers, body: Uint8Array, provider?: string): Classification {
  const names = lowerCaseHeaders(headers);
  return classifyParsed(names, body, provider ?? providerOf(names)).classification;
}

/**
 * `classify`, plus the delivery id and attempt, from one parse of the body (the receiver's call). The
 * header names are lower-cased once per request (a map), not once per lookup.
 */
export function captureFacts(headers: Headers, body: Uint8Array): CaptureFacts {
  const names = lowerCaseHeaders(headers);
  const provider = providerOf(names);
  const { classification, json, h } = classifyParsed(names, body, provider);
  return { ...classification, ...deliveryIdentity(h, json, provider) };
}

function classifyParsed(
  names: ReadonlyMap<string, string>,
  body: Uint8Array,
  provider: string | undefined,
): { classification: Classification; json: unknown; h: (name: string) => string | undefined } {
  // Every name looked up below is lower case already.
  const h = (name: string) => names.get(name);
  const json = body.length <= PARSE_LIMIT ? parseJson(body) : undefined;
  const form = json === undefined && body.length <= PARSE_LIMIT ? parseForm(body, h('content-type')) : undefined;
  const eventType = clean(fromHeaders(h, json) ?? fromBody(provider, json, form));
  return { classification: { ...(provider ? { provider } : {}), ...(eventType ? { eventType } : {}) }, json, h };
}

function fromHeaders(h: (name: string) => string | undefined, json: unknown): string | undefined {
  const github = h('x-github-event');
  if (github) {
    const action = str(get(json, 'action'));
    return action ? `${github}.${action}` : github;
  }
  return (
    h('x-shopify-topic') ??
    h('x-gitlab-event') ??
    h('x-event-key') ??
    h('x-wc-webhook-topic') ??
    h('twitch-eventsub-subscription-type') ??
    h('x-event-name') ??
    h('linear-event') ??
    sentry(h, json) ??
    h('x-event-type') ??
    h('x-webhook-event')
  );
}

function sentry(h: (name: string) => string | undefined, json: unknown): string | undefined {
  const resource = h('sentry-hook-resource');
  if (!resource) {
    return undefined;
  }
  const action = str(get(json, 'action'));
  return action ? `${resource}.${action}` : resource;
}

function fromBody(provider: string | undefined, json: unknown, form: URLSearchParams | undefined): string | undefined {
  if (form) {
    const messageStatus = form.get('MessageStatus') ?? form.get('SmsStatus');
    if (messageStatus) {
      return `message.${messageStatus}`;
    }
    const callStatus = form.get('CallStatus');
    if (callStatus) {
      return `call.${callStatus}`;
    }
    const payload = form.get('payload');
    if (payload) {
      return str(get(parseJson(Buffer.from(payload)), 'type'));
    }
    return undefined;
  }
  if (json === undefined) {
    return undefined;
  }
  if (Array.isArray(json)) {
    // HubSpot and SendGrid send arrays of events.
    const first = json[0];
    return str(get(first, 'subscriptionType')) ?? str(get(first, 'event'));
  }
  const type = get(json, 'type');
  if (type === 'event_callback' || provider === 'slack') {
    return str(get(get(json, 'event'), 'type')) ?? str(type);
  }
  return (
    str(type) ??
    str(get(json, 'event_type')) ??
    str(get(json, 'eventType')) ??
    str(get(get(json, 'meta'), 'event_name')) ??
    str(get(get(json, 'event-data'), 'event')) ??
    str(get(get(json, 'event'), 'type')) ??
    str(get(json, 'event')) ??
    str(get(json, 'topic')) ??
    str(get(json, 'trigger')) ??
    lineEvent(json) ??
    (typeof get(json, 'object_kind') === 'string' ? str(get(json, 'object_kind')) : undefined)
  );
}

function lineEvent(json: unknown): string | undefined {
  const events = get(json, 'events');
  return Array.isArray(events) ? str(get(events[0], 'type')) : undefined;
}

function parseJson(body: Uint8Array): unknown {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) {
    i++;
  }
  if (body[i] !== 0x7b && body[i] !== 0x5b) {
    return undefined;
  }
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseForm(body: Uint8Array, contentType: string | undefined): URLSearchParams | undefined {
  if (!contentType || !/application\/x-www-form-urlencoded/i.test(contentType)) {
    return undefined;
  }
  return new URLSearchParams(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}

function get(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Event types become labels: keep them short and free of control characters. */
function clean(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  // Stored, and matched by forward.routes: cut at 100 units (never inside a surrogate pair), no ellipsis.
  const s = truncateText(sanitizeLabel(value, Infinity, { strip: true }).trim(), 100).text;
  return s || undefined;
}
