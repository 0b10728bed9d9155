/**
 * The message protocol between the event detail panel's host (src/vscode/detailPanel.ts) and its
 * webview (src/webview/main.ts). Both sides import these types and guards; neither trusts the other:
 * every incoming message goes through a guard before it is used.
 *
 * Everything in a snapshot that came from a request (path, headers, body, ...) is display text only.
 * The webview renders it with text nodes; nothing of it may become markup, an attribute or a URL.
 *
 * No `vscode` and no Node imports here: the webview bundle includes this file.
 */

import { isVerificationStatus, type VerificationStatus } from '../model/verification';

export const PROTOCOL_VERSION = 1;

// ---- the snapshot (view model) -----------------------------------------------------------------

/** A name/value row (header, query parameter, form field) ready for display. */
export interface DisplayPair {
  readonly name: string;
  readonly value: string;
  /** Set when `value` was cut for display; the copy action still copies the whole value. */
  readonly valueTruncated?: boolean;
}

export type { VerificationStatus };

export interface VerificationView {
  readonly provider?: string;
  readonly status: VerificationStatus;
  readonly reason: string;
  readonly hint?: string;
}

export interface DeliveryView {
  /** ISO time of the attempt. */
  readonly at: string;
  readonly target?: string;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs?: number;
}

/** One attempt of the same provider delivery (same delivery id): when it came and what we answered. */
export interface AttemptView {
  readonly eventId: string;
  readonly attempt: number;
  readonly receivedAt: string;
  /** Time since the first attempt, e.g. `+1m 03s`. */
  readonly since: string;
  /** The status we answered with. */
  readonly status: number;
  /** The attempt this panel shows. */
  readonly current: boolean;
}

/** The attempts of this event's delivery, when there are several. */
export interface AttemptsView {
  readonly deliveryId: string;
  readonly rows: readonly AttemptView[];
}

export interface OverviewView {
  readonly method: string;
  /** Path and query as received (display text). */
  readonly url: string;
  readonly receivedAt: string;
  readonly size: number;
  readonly sizeText: string;
  readonly remoteAddress: string;
  readonly provider?: string;
  readonly eventType?: string;
  readonly response: { readonly status: number; readonly contentType: string; readonly body: string; readonly bodyTruncated: boolean };
  /** Set when the receiver answered a provider's endpoint handshake (e.g. a challenge). */
  readonly handshake?: string;
  /** The public URL the sender used, when known. */
  readonly publicUrl?: string;
  /** Why the body was not kept, e.g. `body-too-large`. */
  readonly rejected?: string;
  readonly pinned?: boolean;
}

/** A JSON value as a tree that keeps key order, duplicate keys and numbers as written. */
export type JsonNode =
  | { readonly t: 'object'; readonly entries: ReadonlyArray<readonly [key: string, value: JsonNode]> }
  | { readonly t: 'array'; readonly items: readonly JsonNode[] }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly v: string }
  | { readonly t: 'boolean'; readonly v: boolean }
  | { readonly t: 'null' };

export interface HexRow {
  /** e.g. `00000010` */
  readonly offset: string;
  /** e.g. `7b 22 61 22 ...`, 16 bytes, padded */
  readonly hex: string;
  /** printable ASCII, `.` for the rest */
  readonly ascii: string;
}

export type BodyContent =
  | { readonly kind: 'empty' }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'json-tree'; readonly tree: JsonNode }
  | { readonly kind: 'text'; readonly language: 'json' | 'xml' | 'html' | 'form' | 'plain'; readonly text: string }
  | { readonly kind: 'form'; readonly fields: readonly DisplayPair[] }
  | { readonly kind: 'hex'; readonly rows: readonly HexRow[] };

export interface BodyView {
  /** The detected format, in words, e.g. `JSON`, `Form (urlencoded)`, `Binary`. */
  readonly formatLabel: string;
  /** Content-Type header as received (display text), if any. */
  readonly contentType?: string;
  /** Content-Encoding that was undone for display, e.g. `gzip`. */
  readonly decodedFrom?: string;
  /** Set when decoding failed; the body is shown as received. */
  readonly decodeError?: string;
  /** Bytes stored (as received). */
  readonly storedSize: number;
  /** Bytes after decoding (equals storedSize when not compressed). */
  readonly displaySize: number;
  /** True when the view shows only the first part of the body. */
  readonly truncated: boolean;
  /** Human sentences about what is shown, e.g. why folding is off. */
  readonly notes: readonly string[];
  readonly content: BodyContent;
}

export interface DetailSnapshot {
  readonly version: typeof PROTOCOL_VERSION;
  readonly eventId: string;
  /** Short title for the panel tab (display text). */
  readonly title: string;
  readonly overview: OverviewView;
  readonly verification?: VerificationView;
  readonly headers: readonly DisplayPair[];
  /** Headers beyond the display limit, not listed. */
  readonly headersOmitted: number;
  readonly query: readonly DisplayPair[];
  readonly queryOmitted: number;
  readonly body: BodyView;
  /** Present only when the event has delivery history. */
  readonly deliveries?: readonly DeliveryView[];
  /** Present only when the provider delivered this event more than once (retries, redeliveries). */
  readonly attempts?: AttemptsView;
  readonly actions: { readonly canResend: boolean; readonly hasBody: boolean };
}

// ---- messages ----------------------------------------------------------------------------------

export type DetailAction = 'openInEditor' | 'openEditableCopy' | 'copyCurl' | 'copyBody' | 'saveFixture' | 'resend' | 'goToHandler';
export const DETAIL_ACTIONS: readonly DetailAction[] = [
  'openInEditor',
  'openEditableCopy',
  'copyCurl',
  'copyBody',
  'saveFixture',
  'resend',
  'goToHandler',
];

/** webview → host */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: DetailAction; readonly eventId: string }
  | { readonly type: 'copyHeader'; readonly eventId: string; readonly index: number }
  | { readonly type: 'copyQuery'; readonly eventId: string; readonly index: number };

/** host → webview */
export type HostMessage =
  | { readonly type: 'snapshot'; readonly snapshot: DetailSnapshot }
  | { readonly type: 'missing'; readonly eventId: string; readonly message: string };

/** What the webview keeps with `setState`: UI state only, never payload. */
export interface DetailUiState {
  readonly eventId?: string;
  /** Ids of the sections the user folded (see SECTION_IDS). */
  readonly collapsed: readonly string[];
}

export const SECTION_IDS = ['overview', 'headers', 'query', 'body', 'deliveries', 'response', 'attempts'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

// ---- guards ------------------------------------------------------------------------------------

const MAX_ID_LENGTH = 200;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isEventId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_ID_LENGTH;
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1_000_000;
}

export function isDetailAction(x: unknown): x is DetailAction {
  return typeof x === 'string' && (DETAIL_ACTIONS as readonly string[]).includes(x);
}

/** Guards what the host receives from the webview. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (!isObject(x)) {
    return false;
  }
  switch (x.type) {
    case 'ready':
      return true;
    case 'action':
      return isDetailAction(x.action) && isEventId(x.eventId);
    case 'copyHeader':
    case 'copyQuery':
      return isEventId(x.eventId) && isIndex(x.index);
    default:
      return false;
  }
}

function isString(x: unknown): x is string {
  return typeof x === 'string';
}

function isOptString(x: unknown): boolean {
  return x === undefined || typeof x === 'string';
}

function isPairs(x: unknown): x is DisplayPair[] {
  return Array.isArray(x) && x.every((p) => isObject(p) && isString(p.name) && isString(p.value));
}

function isHexRows(x: unknown): x is HexRow[] {
  return Array.isArray(x) && x.every((r) => isObject(r) && isString(r.offset) && isString(r.hex) && isString(r.ascii));
}

/** Checks a JSON tree iteratively (no recursion, so a deep tree cannot overflow the stack). */
export function isJsonNode(root: unknown): root is JsonNode {
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!isObject(n)) {
      return false;
    }
    switch (n.t) {
      case 'object':
        if (!Array.isArray(n.entries)) {
          return false;
        }
        for (const e of n.entries) {
          if (!Array.isArray(e) || e.length !== 2 || !isString(e[0])) {
            return false;
          }
          stack.push(e[1]);
        }
        break;
      case 'array':
        if (!Array.isArray(n.items)) {
          return false;
        }
        stack.push(...n.items);
        break;
      case 'string':
      case 'number':
        if (!isString(n.v)) {
          return false;
        }
        break;
      case 'boolean':
        if (typeof n.v !== 'boolean') {
          return false;
        }
        break;
      case 'null':
        break;
      default:
        return false;
    }
  }
  return true;
}

const TEXT_LANGUAGES = ['json', 'xml', 'html', 'form', 'plain'];

function isBodyContent(x: unknown): x is BodyContent {
  if (!isObject(x)) {
    return false;
  }
  switch (x.kind) {
    case 'empty':
      return true;
    case 'rejected':
      return isString(x.reason);
    case 'json-tree':
      return isJsonNode(x.tree);
    case 'text':
      return isString(x.text) && TEXT_LANGUAGES.includes(x.language as string);
    case 'form':
      return isPairs(x.fields);
    case 'hex':
      return isHexRows(x.rows);
    default:
      return false;
  }
}

function isBodyView(x: unknown): x is BodyView {
  return (
    isObject(x) &&
    isString(x.formatLabel) &&
    isOptString(x.contentType) &&
    isOptString(x.decodedFrom) &&
    isOptString(x.decodeError) &&
    typeof x.storedSize === 'number' &&
    typeof x.displaySize === 'number' &&
    typeof x.truncated === 'boolean' &&
    Array.isArray(x.notes) &&
    x.notes.every(isString) &&
    isBodyContent(x.content)
  );
}

function isOverview(x: unknown): x is OverviewView {
  if (!isObject(x)) {
    return false;
  }
  const r = x.response;
  return (
    isString(x.method) &&
    isString(x.url) &&
    isString(x.receivedAt) &&
    typeof x.size === 'number' &&
    isString(x.sizeText) &&
    isString(x.remoteAddress) &&
    isOptString(x.provider) &&
    isOptString(x.eventType) &&
    isOptString(x.handshake) &&
    isOptString(x.publicUrl) &&
    isOptString(x.rejected) &&
    isObject(r) &&
    typeof r.status === 'number' &&
    isString(r.contentType) &&
    isString(r.body) &&
    typeof r.bodyTruncated === 'boolean'
  );
}

function isVerification(x: unknown): x is VerificationView {
  return isObject(x) && isVerificationStatus(x.status) && isString(x.reason) && isOptString(x.provider) && isOptString(x.hint);
}

function isAttempts(x: unknown): x is AttemptsView {
  return (
    isObject(x) &&
    isString(x.deliveryId) &&
    Array.isArray(x.rows) &&
    x.rows.every(
      (r) =>
        isObject(r) &&
        isString(r.eventId) &&
        typeof r.attempt === 'number' &&
        isString(r.receivedAt) &&
        isString(r.since) &&
        typeof r.status === 'number' &&
        typeof r.current === 'boolean',
    )
  );
}

function isDeliveries(x: unknown): x is DeliveryView[] {
  return (
    Array.isArray(x) &&
    x.every(
      (d) =>
        isObject(d) &&
        isString(d.at) &&
        isOptString(d.target) &&
        isOptString(d.error) &&
        (d.status === undefined || typeof d.status === 'number') &&
        (d.durationMs === undefined || typeof d.durationMs === 'number'),
    )
  );
}

export function isDetailSnapshot(x: unknown): x is DetailSnapshot {
  return (
    isObject(x) &&
    x.version === PROTOCOL_VERSION &&
    isEventId(x.eventId) &&
    isString(x.title) &&
    isOverview(x.overview) &&
    (x.verification === undefined || isVerification(x.verification)) &&
    isPairs(x.headers) &&
    typeof x.headersOmitted === 'number' &&
    isPairs(x.query) &&
    typeof x.queryOmitted === 'number' &&
    isBodyView(x.body) &&
    (x.deliveries === undefined || isDeliveries(x.deliveries)) &&
    (x.attempts === undefined || isAttempts(x.attempts)) &&
    isObject(x.actions) &&
    typeof x.actions.canResend === 'boolean' &&
    typeof x.actions.hasBody === 'boolean'
  );
}

/** Guards what the webview receives from the host. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (!isObject(x)) {
    return false;
  }
  switch (x.type) {
    case 'snapshot':
      return isDetailSnapshot(x.snapshot);
    case 'missing':
      return isEventId(x.eventId) && isString(x.message);
    default:
      return false;
  }
}

/** Reads UI state back from `getState()` or a serializer, dropping anything unexpected. */
export function toUiState(x: unknown): DetailUiState {
  if (!isObject(x)) {
    return { collapsed: [] };
  }
  const collapsed = Array.isArray(x.collapsed)
    ? x.collapsed.filter((s): s is string => isString(s) && (SECTION_IDS as readonly string[]).includes(s))
    : [];
  return isEventId(x.eventId) ? { eventId: x.eventId, collapsed } : { collapsed };
}
