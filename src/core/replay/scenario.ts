/**
 * Scenario files (`<name>.scenario.json`): a selection of captured requests, in order, with the gaps
 * between them, to commit next to the code and replay in CI. Byte-exact: bodies are kept as UTF-8
 * text when they are valid UTF-8 (readable diffs), else as base64 (`bodyEncoding: "base64"`).
 *
 * Never a secret: signing secrets are never captured, so they cannot be in a scenario; signature
 * headers are kept (useless without the secret) and renewed at replay time from the secrets the user
 * has. Headers that carry a credential themselves (`Authorization`, `Cookie`, GitLab's
 * `X-Gitlab-Token`, which is the secret token in clear) are left out and named in `droppedHeaders`.
 * `assertNoSecrets` also checks the file text against the secrets at hand before it is written.
 */
import type { CapturedEvent } from '../model/event';

export const SCENARIO_VERSION = 1;
export const SCENARIO_KIND = 'webhook-inspector.scenario';
/** Suggested file name ending and folder (relative to the workspace). */
export const SCENARIO_SUFFIX = '.scenario.json';
export const SCENARIO_FOLDER = '.webhooks';

export interface ScenarioEvent {
  /** The provider, so re-signing works at replay time. */
  provider?: string;
  eventType?: string;
  deliveryId?: string;
  method: string;
  /** Path and query, exactly as received. */
  url: string;
  /** Header pairs as received (order, case, duplicates), credential headers left out. */
  headers: Array<[string, string]>;
  /** The body: UTF-8 text, or base64 when `bodyEncoding` is `"base64"`. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** Milliseconds since the previous event arrived (0 for the first). */
  gapMs: number;
  /** Names of headers left out because they carry a credential. */
  droppedHeaders?: string[];
}

export interface Scenario {
  kind: typeof SCENARIO_KIND;
  version: typeof SCENARIO_VERSION;
  name: string;
  createdAt: string;
  events: ScenarioEvent[];
}

/** Headers never written to a scenario: they are credentials, not signatures. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-gitlab-token']);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Builds a scenario from events in received order (oldest first) and their bodies. */
export function buildScenario(
  name: string,
  events: ReadonlyArray<{ event: CapturedEvent; body: Uint8Array }>,
  now: Date = new Date(),
): Scenario {
  let previous: number | undefined;
  const out: ScenarioEvent[] = events.map(({ event, body }) => {
    if (event.rejected) {
      throw new ScenarioError(`${event.id} has no body (${event.rejected}): it cannot be part of a scenario.`);
    }
    const t = Date.parse(event.receivedAt);
    const gapMs = previous === undefined || !Number.isFinite(t) ? 0 : Math.max(0, t - previous);
    previous = Number.isFinite(t) ? t : previous;
    const dropped = event.headers.filter(([k]) => isSecretHeader(k)).map(([k]) => k);
    const text = utf8OrUndefined(body);
    return {
      ...(event.provider ? { provider: event.provider } : {}),
      ...(event.eventType ? { eventType: event.eventType } : {}),
      ...(event.deliveryId ? { deliveryId: event.deliveryId } : {}),
      method: event.method,
      url: event.url,
      headers: event.headers.filter(([k]) => !isSecretHeader(k)).map(([k, v]) => [k, v]),
      body: text ?? Buffer.from(body).toString('base64'),
      bodyEncoding: text === undefined ? 'base64' : 'utf8',
      gapMs,
      ...(dropped.length ? { droppedHeaders: dropped } : {}),
    };
  });
  return { kind: SCENARIO_KIND, version: SCENARIO_VERSION, name, createdAt: now.toISOString(), events: out };
}

/** The file text (pretty JSON, newline at the end). */
export function serializeScenario(scenario: Scenario): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

/**
 * Throws when a secret value (or its base64 form) appears in the text. The message names the
 * provider, never the value.
 */
export function assertNoSecrets(text: string, secrets: ReadonlyArray<{ provider: string; value: string }>): void {
  for (const { provider, value } of secrets) {
    const v = value.trim();
    if (v.length < 6) {
      continue; // too short to tell apart from ordinary text
    }
    if (text.includes(v) || text.includes(Buffer.from(v, 'utf8').toString('base64'))) {
      throw new ScenarioError(
        `The scenario would contain the ${provider} signing secret, so it was not written. Leave out the events that carry it.`,
      );
    }
  }
}

/** A malformed scenario file: the message names the entry and the field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** Parses and checks a scenario file's text. Throws `ScenarioError` naming the entry index and field. */
export function parseScenario(text: string, fileName = 'the scenario'): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${fileName} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) {
    throw new ScenarioError(`${fileName}: expected a JSON object with "version" and "events".`);
  }
  if (raw.version !== SCENARIO_VERSION) {
    throw new ScenarioError(`${fileName}: field "version" must be ${SCENARIO_VERSION}, not ${JSON.stringify(raw.version)}.`);
  }
  if (!Array.isArray(raw.events)) {
    throw new ScenarioError(`${fileName}: field "events" must be an array.`);
  }
  const events = raw.events.map((e: unknown, i: number) => parseEntry(e, i, fileName));
  return {
    kind: SCENARIO_KIND,
    version: SCENARIO_VERSION,
    name: typeof raw.name === 'string' ? raw.name : '',
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '',
    events,
  };
}

function parseEntry(e: unknown, i: number, fileName: string): ScenarioEvent {
  const where = (field: string) => `${fileName}: events[${i}].${field}`;
  if (!isObject(e)) {
    throw new ScenarioError(`${fileName}: events[${i}] must be an object.`);
  }
  const str = (field: string, required: boolean): string | undefined => {
    const v = e[field];
    if (v === undefined && !required) {
      return undefined;
    }
    if (typeof v !== 'string') {
      throw new ScenarioError(`${where(field)} must be a string${required ? ' (required)' : ''}.`);
    }
    return v;
  };
  const method = str('method', true)!;
  if (!/^[A-Za-z]{1,20}$/.test(method)) {
    throw new ScenarioError(`${where('method')} must be an HTTP method such as POST, not ${JSON.stringify(method)}.`);
  }
  const url = str('url', true)!;
  if (!url.startsWith('/') || /[\s\u0000-\u001f]/.test(url)) {
    throw new ScenarioError(`${where('url')} must be a path (and query) starting with "/", without spaces.`);
  }
  if (!Array.isArray(e.headers)) {
    throw new ScenarioError(`${where('headers')} must be an array of [name, value] pairs.`);
  }
  const headers = e.headers.map((h: unknown, j: number): [string, string] => {
    if (
      !Array.isArray(h) ||
      h.length !== 2 ||
      typeof h[0] !== 'string' ||
      typeof h[1] !== 'string' ||
      !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h[0]) ||
      /[\r\n\u0000]/.test(h[1])
    ) {
      throw new ScenarioError(
        `${where(`headers[${j}]`)} must be a [name, value] pair of strings (a valid header name, no line breaks in the value).`,
      );
    }
    return [h[0], h[1]];
  });
  const body = str('body', true)!;
  const bodyEncoding = e.bodyEncoding ?? 'utf8';
  if (bodyEncoding !== 'utf8' && bodyEncoding !== 'base64') {
    throw new ScenarioError(`${where('bodyEncoding')} must be "utf8" or "base64", not ${JSON.stringify(bodyEncoding)}.`);
  }
  if (bodyEncoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(body.replace(/\s+/g, ''))) {
    throw new ScenarioError(`${where('body')} is not valid base64 (bodyEncoding is "base64").`);
  }
  const gapMs = e.gapMs ?? 0;
  if (typeof gapMs !== 'number' || !Number.isFinite(gapMs) || gapMs < 0) {
    throw new ScenarioError(`${where('gapMs')} must be a number of milliseconds, 0 or more.`);
  }
  const provider = str('provider', false);
  const eventType = str('eventType', false);
  const deliveryId = str('deliveryId', false);
  return {
    ...(provider ? { provider } : {}),
    ...(eventType ? { eventType } : {}),
    ...(deliveryId ? { deliveryId } : {}),
    method: method.toUpperCase(),
    url,
    headers,
    body,
    bodyEncoding,
    gapMs,
  };
}

/** The body bytes of a scenario entry. */
export function scenarioBody(entry: Pick<ScenarioEvent, 'body' | 'bodyEncoding'>): Buffer {
  return entry.bodyEncoding === 'base64' ? Buffer.from(entry.body, 'base64') : Buffer.from(entry.body, 'utf8');
}

/** A file name from what the user typed: `checkout` → `checkout.scenario.json`. */
export function scenarioFileName(name: string): string {
  const base =
    name
      .trim()
      .replace(/\.scenario\.json$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '') || 'scenario';
  return `${base}${SCENARIO_SUFFIX}`;
}

function utf8OrUndefined(body: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    // Round-trips only when re-encoding gives the same bytes (it does for valid UTF-8 without a BOM quirk).
    return Buffer.from(text, 'utf8').equals(Buffer.from(body)) ? text : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
