import { isKnob, type KnobWording, verdictHint } from '../knobs';
import { isVerificationStatus } from '../model/verification';
import { decodeForDisplay } from '../bodyDecode';
import type { AttemptRow } from '../delivery/attempts';
import type { CapturedEvent } from '../model/event';
import { eventPath, headerValue } from '../model/event';
import { formatBytes } from '../format';
import { FORMAT_LABELS, declaredFormat, decodeText, detectFormat, parseMediaType } from './contentKind';
import type { BodyFormat } from './contentKind';
import { displayLine, revealControls, truncateText } from './displayText';
import { hexRows } from './hexDump';
import { parseJsonTree, prettyJson } from './json';
import { PROTOCOL_VERSION } from './protocol';
import type {
  BodyContent,
  BodyView,
  DeliveryView,
  DetailSnapshot,
  DisplayPair,
  JsonNode,
  OverviewView,
  VerificationView,
} from './protocol';

/** Every bound the snapshot respects, so a huge or hostile request still gives a small message. */
export interface DetailLimits {
  /** Bytes of body text shown as a preview (pretty JSON, text, XML). */
  readonly previewBytes: number;
  /** JSON folding (a tree) only for bodies up to this size; larger ones get a text preview. */
  readonly jsonTreeMaxBytes: number;
  readonly jsonTreeMaxNodes: number;
  readonly jsonTreeMaxDepth: number;
  /** Forms up to this size are shown as a table. */
  readonly formMaxBytes: number;
  readonly formMaxFields: number;
  /** Bytes of a binary body shown as hex. */
  readonly hexPreviewBytes: number;
  /** Characters of a header, query or form value shown. */
  readonly valueMaxChars: number;
  readonly nameMaxChars: number;
  readonly maxHeaders: number;
  readonly maxQuery: number;
  readonly responseBodyMaxChars: number;
  readonly urlMaxChars: number;
}

export const DEFAULT_DETAIL_LIMITS: DetailLimits = {
  previewBytes: 256 * 1024,
  jsonTreeMaxBytes: 1024 * 1024,
  jsonTreeMaxNodes: 20_000,
  jsonTreeMaxDepth: 100,
  formMaxBytes: 1024 * 1024,
  formMaxFields: 2_000,
  hexPreviewBytes: 16 * 1024,
  valueMaxChars: 8 * 1024,
  nameMaxChars: 512,
  maxHeaders: 500,
  maxQuery: 500,
  responseBodyMaxChars: 4 * 1024,
  urlMaxChars: 4 * 1024,
};

export interface SnapshotOptions {
  /** Whether the host can resend events (the panel then offers it). */
  readonly canResend?: boolean;
  /** How the host names the knobs hints are about (its commands and settings); without it, the core's own hints. */
  readonly wording?: KnobWording;
  /** Provider name from elsewhere (e.g. detection), when the event carries none. */
  readonly provider?: string;
  readonly limits?: Partial<DetailLimits>;
  /** The attempts of this event's delivery (`attemptChain` over the store's events). */
  readonly attempts?: readonly AttemptRow[];
}

/**
 * Optional fields of stored events. Read defensively: the store may hold records written by other
 * versions, so each is checked before it is shown.
 */
interface EventExtras {
  verification?: unknown;
  eventType?: unknown;
  provider?: unknown;
  handshake?: unknown;
  publicUrl?: unknown;
  deliveries?: unknown;
}

function str(x: unknown): x is string {
  return typeof x === 'string';
}

function line(text: string, max: number): string {
  return displayLine(text, max).text;
}

export function readVerification(event: CapturedEvent, wording?: KnobWording): VerificationView | undefined {
  const v = (event as unknown as EventExtras).verification as Record<string, unknown> | undefined;
  if (typeof v !== 'object' || v === null || !isVerificationStatus(v.status) || !str(v.reason)) {
    return undefined;
  }
  const view: VerificationView = {
    status: v.status,
    reason: line(v.reason, 2000),
    ...(str(v.provider) && v.provider ? { provider: line(v.provider, 200) } : {}),
  };
  const knob = v.knob === undefined || isKnob(v.knob) ? v.knob : undefined;
  const hint = wording
    ? verdictHint(
        { status: v.status, knob, provider: str(v.provider) ? v.provider : undefined, hint: str(v.hint) ? v.hint : undefined },
        wording,
      )
    : v.hint;
  return str(hint) && hint ? { ...view, hint: line(hint, 2000) } : view;
}

function readDeliveries(event: CapturedEvent): DeliveryView[] | undefined {
  const d = (event as unknown as EventExtras).deliveries;
  if (!Array.isArray(d) || d.length === 0) {
    return undefined;
  }
  const out: DeliveryView[] = [];
  for (const item of d.slice(-100)) {
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    const r = item as Record<string, unknown>;
    const at = str(r.at) ? r.at : str(r.sentAt) ? r.sentAt : undefined;
    if (!at) {
      continue;
    }
    out.push({
      at: line(at, 64),
      ...(str(r.target) ? { target: line(r.target, 2000) } : {}),
      ...(typeof r.status === 'number' ? { status: r.status } : {}),
      ...(str(r.error) ? { error: line(r.error, 2000) } : {}),
      ...(typeof r.durationMs === 'number' ? { durationMs: r.durationMs } : {}),
    });
  }
  return out.length ? out : undefined;
}

function pair(name: string, value: string, limits: DetailLimits): DisplayPair {
  const v = displayLine(value, limits.valueMaxChars);
  return { name: line(name, limits.nameMaxChars), value: v.text, ...(v.truncated ? { valueTruncated: true } : {}) };
}

/** Query parameters of an event's URL, in order, duplicates kept. */
export function queryPairs(url: string): Array<[string, string]> {
  const q = url.indexOf('?');
  if (q === -1) {
    return [];
  }
  return [...new URLSearchParams(url.slice(q + 1))];
}

/** The title of the detail panel tab. */
export function detailTitle(event: Pick<CapturedEvent, 'method' | 'url'>): string {
  return line(`${event.method} ${eventPath(event)}`, 60);
}

/** Builds the view model of one event. Pure apart from decompression (which is bounded). */
export async function buildDetailSnapshot(event: CapturedEvent, body: Uint8Array, options: SnapshotOptions = {}): Promise<DetailSnapshot> {
  const limits: DetailLimits = { ...DEFAULT_DETAIL_LIMITS, ...options.limits };
  const extras = event as unknown as EventExtras;
  const verification = readVerification(event, options.wording);
  const providerRaw = verification?.provider ?? (str(extras.provider) && extras.provider ? extras.provider : undefined) ?? options.provider;
  const eventType = str(extras.eventType) && extras.eventType ? line(extras.eventType, 200) : undefined;
  const responseBody = truncateText(event.response.body ?? '', limits.responseBodyMaxChars);

  const overview: OverviewView = {
    method: line(event.method, 64),
    url: line(event.url, limits.urlMaxChars),
    receivedAt: line(event.receivedAt, 64),
    size: event.size,
    sizeText: formatBytes(event.size),
    remoteAddress: line(event.remoteAddress || 'unknown', 200),
    ...(providerRaw ? { provider: line(providerRaw, 200) } : {}),
    ...(eventType ? { eventType } : {}),
    response: {
      status: event.response.status,
      contentType: line(event.response.contentType ?? '', 200),
      body: revealControls(responseBody.text, true),
      bodyTruncated: responseBody.truncated,
    },
    ...(str(extras.handshake) && extras.handshake ? { handshake: line(extras.handshake, 500) } : {}),
    ...(str(extras.publicUrl) && extras.publicUrl ? { publicUrl: line(extras.publicUrl, limits.urlMaxChars) } : {}),
    ...(event.rejected ? { rejected: line(event.rejected, 200) } : {}),
    ...(event.pinned ? { pinned: true } : {}),
  };

  const headers = event.headers.slice(0, limits.maxHeaders).map(([k, v]) => pair(k, v, limits));
  const allQuery = queryPairs(event.url);
  const query = allQuery.slice(0, limits.maxQuery).map(([k, v]) => pair(k, v, limits));
  const deliveries = readDeliveries(event);

  return {
    version: PROTOCOL_VERSION,
    eventId: event.id,
    title: detailTitle(event),
    overview,
    ...(verification ? { verification } : {}),
    headers,
    headersOmitted: Math.max(0, event.headers.length - headers.length),
    query,
    queryOmitted: Math.max(0, allQuery.length - query.length),
    body: await buildBodyView(event, body, limits, options.wording),
    ...(deliveries ? { deliveries } : {}),
    ...(options.attempts && options.attempts.length > 1 && event.deliveryId
      ? {
          attempts: {
            deliveryId: line(event.deliveryId, 200),
            rows: options.attempts.map((a) => ({
              eventId: a.id,
              attempt: a.attempt,
              receivedAt: a.receivedAt,
              since: a.since,
              status: a.status,
              current: a.current,
            })),
          },
        }
      : {}),
    actions: { canResend: !!options.canResend, hasBody: body.length > 0 },
  };
}

/** The body part of a snapshot: decoded when compressed, bounded by `limits`. */
export async function buildBodyView(
  event: CapturedEvent,
  body: Uint8Array,
  limits: DetailLimits = DEFAULT_DETAIL_LIMITS,
  wording?: KnobWording,
): Promise<BodyView> {
  const contentTypeRaw = headerValue(event, 'content-type');
  const contentType = contentTypeRaw === undefined ? undefined : line(contentTypeRaw, 500);
  const base = { ...(contentType !== undefined ? { contentType } : {}), storedSize: body.length };

  if (event.rejected) {
    return {
      ...base,
      formatLabel: 'Not kept',
      displaySize: 0,
      truncated: false,
      notes: [],
      content: {
        kind: 'rejected',
        reason:
          event.rejected === 'body-too-large'
            ? `The body (${formatBytes(event.size)}) was over the receiver's size limit and was not kept.${wording ? ` ${wording({ knob: 'maxBodySize' })}` : ''}`
            : `The body was not kept (${line(event.rejected, 200)}).`,
      },
    };
  }

  // Decode no more than any view needs: a gzip bomb costs at most this much memory.
  const need = Math.max(limits.previewBytes, limits.jsonTreeMaxBytes, limits.formMaxBytes, limits.hexPreviewBytes) + 1;
  const decoded = await decodeForDisplay(
    Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    headerValue(event, 'content-encoding'),
    need,
  );
  const bytes = decoded.bytes;
  const notes: string[] = [];
  if (decoded.decodedFrom) {
    notes.push(
      `Decompressed from ${line(decoded.decodedFrom, 100)} (${formatBytes(body.length)} as received) for display; copies and fixtures keep the bytes as received.`,
    );
  }
  if (decoded.error) {
    notes.push(line(decoded.error, 500));
  }
  const partial = decoded.truncated || bytes.length >= need;
  const format = detectFormat(bytes, contentTypeRaw);
  const charset = parseMediaType(contentTypeRaw)?.charset;
  const { content, truncated, label } = bodyContent(
    format,
    bytes,
    charset,
    partial,
    declaredFormat(contentTypeRaw) === format,
    limits,
    notes,
  );
  return {
    ...base,
    formatLabel: label,
    ...(decoded.decodedFrom ? { decodedFrom: line(decoded.decodedFrom, 100) } : {}),
    ...(decoded.error ? { decodeError: line(decoded.error, 500) } : {}),
    displaySize: bytes.length,
    truncated,
    notes,
    content,
  };
}

function bodyContent(
  format: BodyFormat,
  bytes: Buffer,
  charset: string | undefined,
  partial: boolean,
  declared: boolean,
  limits: DetailLimits,
  notes: string[],
): { content: BodyContent; truncated: boolean; label: string } {
  const label = FORMAT_LABELS[format];
  const textPreview = (language: 'json' | 'xml' | 'html' | 'form' | 'plain', pretty = false) => {
    const max = limits.previewBytes;
    // JSON is UTF-8 (RFC 8259): pretty-print the first `max` bytes as bytes, output bounded too.
    const shown = pretty ? prettyJson(bytes.subarray(0, max), max) : truncateText(decodeText(bytes, charset, max), max);
    const truncated = bytes.length > max || shown.truncated || partial;
    if (truncated) {
      notes.push(`Showing the first ${formatBytes(max)}${pretty ? ' pretty-printed' : ''}. Open the body in an editor to see all of it.`);
    }
    return { content: { kind: 'text', language, text: revealControls(shown.text, true) } as BodyContent, truncated };
  };

  switch (format) {
    case 'empty':
      return { content: { kind: 'empty' }, truncated: false, label };
    case 'binary': {
      const max = limits.hexPreviewBytes;
      const truncated = bytes.length > max || partial;
      if (truncated) {
        notes.push(
          `Showing the first ${formatBytes(Math.min(max, bytes.length))} as hex. Open the body in an editor for a longer hex dump.`,
        );
      }
      return { content: { kind: 'hex', rows: hexRows(bytes, max) }, truncated, label };
    }
    case 'json': {
      if (partial || bytes.length > limits.jsonTreeMaxBytes) {
        notes.push(`Folding is off for JSON bodies over ${formatBytes(limits.jsonTreeMaxBytes)}.`);
        return { ...textPreview('json', true), label };
      }
      const text = decodeText(bytes, charset);
      const tree = parseJsonTree(text, { maxNodes: limits.jsonTreeMaxNodes, maxDepth: limits.jsonTreeMaxDepth });
      if (tree.ok) {
        return { content: { kind: 'json-tree', tree: revealTree(tree.tree) }, truncated: false, label };
      }
      if (tree.reason === 'invalid') {
        if (declared) {
          notes.push(`The body is declared as JSON but does not parse: ${tree.message}. Shown as text.`);
        }
        return { ...textPreview('plain'), label: declared ? 'JSON (invalid)' : FORMAT_LABELS.text };
      }
      notes.push(`Folding is off: the JSON has ${tree.message}.`);
      return { ...textPreview('json', true), label };
    }
    case 'form': {
      if (partial || bytes.length > limits.formMaxBytes) {
        return { ...textPreview('form'), label };
      }
      const fields: DisplayPair[] = [];
      let count = 0;
      for (const [k, v] of new URLSearchParams(decodeText(bytes, charset))) {
        if (count++ < limits.formMaxFields) {
          fields.push(pair(k, v, limits));
        }
      }
      if (count > fields.length) {
        notes.push(`Showing the first ${fields.length} of ${count} fields.`);
      }
      return { content: { kind: 'form', fields }, truncated: count > fields.length, label };
    }
    case 'xml':
      return { ...textPreview('xml'), label };
    case 'html':
      return { ...textPreview('html'), label };
    default:
      return { ...textPreview('plain'), label };
  }
}

/** Copies a JSON tree with control and bidi characters in keys and strings made visible. Iterative. */
function revealTree(root: JsonNode): JsonNode {
  type N = JsonNode;
  const map = new Map<N, N>();
  // Post-order without recursion: children are copied before their parent.
  const order: N[] = [];
  const stack: N[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    if (n.t === 'object') {
      for (const [, v] of n.entries) {
        stack.push(v);
      }
    } else if (n.t === 'array') {
      stack.push(...n.items);
    }
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    let copy: N;
    switch (n.t) {
      case 'object':
        copy = { t: 'object', entries: n.entries.map(([key, v]) => [revealControls(key), map.get(v)!] as const) };
        break;
      case 'array':
        copy = { t: 'array', items: n.items.map((v) => map.get(v)!) };
        break;
      case 'string':
        copy = { t: 'string', v: revealControls(n.v) };
        break;
      default:
        copy = n;
    }
    map.set(n, copy);
  }
  return map.get(root)!;
}
