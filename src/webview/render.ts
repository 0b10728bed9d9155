/**
 * Pure renderers of the event detail view: `render*(snapshot, document)` return DOM nodes and
 * touch nothing else, so tests run them on a jsdom document.
 *
 * Everything from a snapshot is request data and is hostile. It only ever goes into text nodes
 * (`createTextNode`, see `dom.ts`). Attributes are set only from the constants in `dom.ts`, indexes and
 * validated enum values; no innerHTML, no href/src, no inline style.
 */
import type { AttemptsView, DeliveryView, DetailSnapshot, SectionId, VerificationView } from '../core/detail/protocol';
import type { Child } from './dom';
import { button, dataTable, formatTime, h, pairTable, tableBody } from './dom';
import { renderBody } from './renderBody';

export { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, h } from './dom';
export type { AllowedAttribute, AllowedTag, Child } from './dom';
export { renderBody, renderHex, renderJsonTree } from './renderBody';

export interface RenderOptions {
  /** Sections the user folded. */
  readonly collapsed?: ReadonlySet<string>;
}

/** A foldable section: `<details>` with an `<h2>` in its summary. */
function section(doc: Document, id: SectionId, heading: string, options: RenderOptions, ...children: Child[]): HTMLElement {
  const open = !options.collapsed?.has(id);
  return h(
    doc,
    'details',
    { class: `section section-${id}`, 'data-section': id, ...(open ? { open: '' } : {}) },
    h(doc, 'summary', { class: 'section-summary' }, h(doc, 'h2', { class: 'section-title' }, heading)),
    h(doc, 'div', { class: 'section-body' }, ...children),
  );
}

/** The whole view. */
export function renderDetail(snapshot: DetailSnapshot, doc: Document, options: RenderOptions = {}): HTMLElement {
  const main = h(doc, 'main', { class: 'detail' });
  main.appendChild(renderHeader(snapshot, doc));
  main.appendChild(renderActions(snapshot, doc));
  main.appendChild(section(doc, 'overview', 'Overview', options, renderOverview(snapshot, doc)));
  // Retries right after the overview: the attempt chain is what a user looks at a repeat for.
  if (snapshot.attempts) {
    main.appendChild(
      section(doc, 'attempts', `Provider attempts (${snapshot.attempts.rows.length})`, options, renderAttempts(snapshot.attempts, doc)),
    );
  }
  main.appendChild(
    section(doc, 'headers', `Headers (${snapshot.headers.length + snapshot.headersOmitted})`, options, renderHeaders(snapshot, doc)),
  );
  if (snapshot.query.length > 0) {
    main.appendChild(
      section(doc, 'query', `Query parameters (${snapshot.query.length + snapshot.queryOmitted})`, options, renderQuery(snapshot, doc)),
    );
  }
  main.appendChild(section(doc, 'body', 'Body', options, renderBody(snapshot, doc)));
  main.appendChild(section(doc, 'response', 'Our response', options, renderResponse(snapshot, doc)));
  if (snapshot.deliveries && snapshot.deliveries.length > 0) {
    main.appendChild(
      section(doc, 'deliveries', `Delivery history (${snapshot.deliveries.length})`, options, renderDeliveries(snapshot.deliveries, doc)),
    );
  }
  return main;
}

export function renderHeader(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  const o = snapshot.overview;
  return h(
    doc,
    'header',
    { class: 'title-bar' },
    h(doc, 'h1', { class: 'title' }, h(doc, 'span', { class: 'method' }, o.method), ' ', h(doc, 'span', { class: 'url' }, o.url)),
    h(
      doc,
      'p',
      { class: 'subtitle' },
      o.eventType && h(doc, 'span', { class: 'badge badge-type' }, o.eventType),
      o.provider && h(doc, 'span', { class: 'badge badge-provider' }, o.provider),
      snapshot.verification &&
        h(doc, 'span', { class: `badge verdict-badge verdict-${snapshot.verification.status}` }, verdictLabel(snapshot.verification)),
      h(doc, 'span', { class: `badge status-badge ${statusClass(o.response.status)}` }, `answered ${o.response.status}`),
      o.rejected && h(doc, 'span', { class: 'badge badge-warning' }, 'body not kept'),
      o.pinned && h(doc, 'span', { class: 'badge' }, 'pinned'),
    ),
  );
}

export function renderActions(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  const hasBody = snapshot.actions.hasBody;
  return h(
    doc,
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Event actions' },
    hasBody && button(doc, 'openInEditor', 'Open Body in Editor'),
    hasBody && button(doc, 'openEditableCopy', 'Open Editable Copy'),
    button(doc, 'copyCurl', 'Copy as cURL'),
    hasBody && button(doc, 'copyBody', 'Copy Body'),
    button(doc, 'saveFixture', 'Save as Fixture'),
    snapshot.actions.canResend && button(doc, 'resend', 'Resend'),
    button(doc, 'goToHandler', 'Go to Handler'),
  );
}

function verdictLabel(v: VerificationView): string {
  switch (v.status) {
    case 'valid':
      return 'signature valid';
    case 'invalid':
      return 'signature invalid';
    case 'no-signature':
      return 'no signature';
    case 'no-secret':
      return 'no secret set';
    case 'stale':
      return 'timestamp too old';
    case 'malformed':
      return 'signature malformed';
    default:
      return 'not verifiable';
  }
}

function statusClass(status: number): string {
  return status >= 200 && status < 300 ? 'status-ok' : status >= 400 ? 'status-error' : 'status-other';
}

function row(doc: Document, label: string, ...value: Child[]): Node[] {
  return [h(doc, 'dt', {}, label), h(doc, 'dd', {}, ...value)];
}

export function renderOverview(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  const o = snapshot.overview;
  const dl = h(doc, 'dl', { class: 'overview' });
  const rows: Node[][] = [
    o.provider ? row(doc, 'Provider', o.provider) : [],
    o.eventType ? row(doc, 'Event type', h(doc, 'code', {}, o.eventType)) : [],
    row(doc, 'Event id', h(doc, 'code', {}, snapshot.eventId)),
    row(doc, 'Received', formatTime(o.receivedAt)),
    row(doc, 'Request', h(doc, 'code', {}, `${o.method} ${o.url}`)),
    row(doc, 'Size', `${o.sizeText} (${o.size} bytes)`),
    row(doc, 'Source address', o.remoteAddress),
    o.publicUrl ? row(doc, 'Public URL', h(doc, 'code', {}, o.publicUrl)) : [],
    o.handshake ? row(doc, 'Handshake', o.handshake) : [],
    snapshot.verification ? row(doc, 'Signature', renderVerification(snapshot.verification, doc)) : [],
    row(doc, 'Response', `${o.response.status}${o.response.contentType ? ` · ${o.response.contentType}` : ''}`),
    o.rejected ? row(doc, 'Body', `not kept (${o.rejected})`) : [],
  ];
  for (const nodes of rows) {
    for (const n of nodes) {
      dl.appendChild(n);
    }
  }
  return dl;
}

export function renderVerification(v: VerificationView, doc: Document): HTMLElement {
  return h(
    doc,
    'div',
    { class: `verdict verdict-${v.status}`, role: 'status' },
    h(doc, 'strong', { class: 'verdict-label' }, verdictLabel(v)),
    v.provider && h(doc, 'span', { class: 'verdict-provider' }, ` (${v.provider})`),
    h(doc, 'p', { class: 'verdict-reason' }, v.reason),
    v.hint && h(doc, 'p', { class: 'verdict-hint' }, v.hint),
  );
}

export function renderHeaders(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  return h(
    doc,
    'div',
    { class: 'headers' },
    snapshot.headers.length === 0
      ? h(doc, 'p', { class: 'muted' }, 'No headers.')
      : pairTable(doc, snapshot.headers, 'header', 'copyHeader'),
    snapshot.headersOmitted > 0 &&
      h(doc, 'p', { class: 'muted' }, `${snapshot.headersOmitted} more headers not shown. Copy as cURL or Save as Fixture includes them.`),
  );
}

export function renderQuery(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  return h(
    doc,
    'div',
    { class: 'query' },
    pairTable(doc, snapshot.query, 'query', 'copyQuery'),
    snapshot.queryOmitted > 0 && h(doc, 'p', { class: 'muted' }, `${snapshot.queryOmitted} more parameters not shown.`),
  );
}

export function renderResponse(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  const r = snapshot.overview.response;
  return h(
    doc,
    'div',
    { class: 'response' },
    h(doc, 'p', {}, `Status ${r.status}${r.contentType ? ` · ${r.contentType}` : ''}`),
    r.body ? h(doc, 'pre', { class: 'body-text' }, h(doc, 'code', {}, r.body)) : h(doc, 'p', { class: 'muted' }, 'Empty response body.'),
    r.bodyTruncated && h(doc, 'p', { class: 'muted' }, 'Response body cut for display.'),
  );
}

export function renderDeliveries(deliveries: readonly DeliveryView[], doc: Document): HTMLElement {
  const body = tableBody(doc, deliveries, (d) => [
    formatTime(d.at),
    d.target ?? '',
    d.status === undefined ? '' : String(d.status),
    d.error ?? (d.durationMs === undefined ? '' : `${d.durationMs} ms`),
  ]);
  return dataTable(doc, { class: 'deliveries' }, ['When', 'Target', 'Status', 'Result'], body);
}

/** The provider's attempts of this delivery: when each came, the time since the first, what we answered. */
export function renderAttempts(attempts: AttemptsView, doc: Document): HTMLElement {
  const body = tableBody(
    doc,
    attempts.rows,
    (a) => [`${a.attempt}${a.current ? ' (this one)' : ''}`, formatTime(a.receivedAt), a.since, String(a.status), a.eventId],
    (a) => (a.current ? { class: 'current', 'aria-label': 'this event' } : {}),
  );
  return h(
    doc,
    'div',
    { class: 'attempts' },
    h(
      doc,
      'p',
      { class: 'muted' },
      `Delivery id ${attempts.deliveryId}. Answer with a custom response (e.g. 500) to watch the provider's retry schedule here.`,
    ),
    dataTable(doc, { class: 'deliveries' }, ['Attempt', 'Received', 'Since first', 'We answered', 'Event'], body),
  );
}

/** Shown before the first snapshot arrives. */
export function renderLoading(doc: Document): HTMLElement {
  return h(doc, 'main', { class: 'detail' }, h(doc, 'p', { class: 'muted', role: 'status', 'aria-live': 'polite' }, 'Loading event…'));
}

/** Shown when the event is gone (deleted, or the store changed). */
export function renderMissing(message: string, doc: Document): HTMLElement {
  return h(
    doc,
    'main',
    { class: 'detail' },
    h(doc, 'h1', { class: 'title' }, 'Event not available'),
    h(doc, 'p', { role: 'status' }, message),
  );
}
