/**
 * Pure renderers of the event detail view: `render*(snapshot, document)` return DOM nodes and
 * touch nothing else, so tests run them on a jsdom document.
 *
 * Everything from a snapshot is request data and is hostile. It only ever goes into text nodes
 * (`createTextNode`). Attributes are set only from the constants in this file, indexes and
 * validated enum values; no innerHTML, no href/src, no inline style.
 */
import type {
  AttemptsView,
  BodyView,
  DeliveryView,
  DetailSnapshot,
  DisplayPair,
  HexRow,
  JsonNode,
  SectionId,
  VerificationView,
} from '../core/detail/protocol';

/** Every tag these renderers create. */
export const ALLOWED_TAGS = [
  'main',
  'header',
  'h1',
  'h2',
  'h3',
  'p',
  'div',
  'span',
  'section',
  'details',
  'summary',
  'dl',
  'dt',
  'dd',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'button',
  'pre',
  'code',
  'ul',
  'li',
  'strong',
] as const;
export type AllowedTag = (typeof ALLOWED_TAGS)[number];

/** Every attribute these renderers set. Values never come from request data. */
export const ALLOWED_ATTRIBUTES = [
  'class',
  'id',
  'type',
  'data-action',
  'data-index',
  'data-section',
  'aria-label',
  'aria-describedby',
  'aria-live',
  'open',
  'role',
  'scope',
  'title',
] as const;
export type AllowedAttribute = (typeof ALLOWED_ATTRIBUTES)[number];

export type Child = Node | string | undefined | false;

/** Builds an element. String children become text nodes; attributes are typed to the allow-list. */
export function h(
  doc: Document,
  tag: AllowedTag,
  attrs: Partial<Record<AllowedAttribute, string>> = {},
  ...children: Child[]
): HTMLElement {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) {
      el.setAttribute(name, value);
    }
  }
  for (const c of children) {
    if (c === undefined || c === false) {
      continue;
    }
    el.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return el;
}

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

function button(doc: Document, action: string, label: string, extra: Partial<Record<AllowedAttribute, string>> = {}): HTMLElement {
  return h(doc, 'button', { type: 'button', class: 'action', 'data-action': action, ...extra }, label);
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

function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toLocaleString()} (${iso})`;
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

function pairTable(doc: Document, pairs: readonly DisplayPair[], kind: 'header' | 'query' | 'form', copyAction?: string): HTMLElement {
  const head = h(
    doc,
    'tr',
    {},
    h(doc, 'th', { scope: 'col' }, 'Name'),
    h(doc, 'th', { scope: 'col' }, 'Value'),
    copyAction && h(doc, 'th', { scope: 'col', class: 'copy-col' }, h(doc, 'span', { class: 'visually-hidden' }, 'Copy')),
  );
  const body = h(doc, 'tbody');
  pairs.forEach((p, i) => {
    const nameId = `${kind}-name-${i}`;
    body.appendChild(
      h(
        doc,
        'tr',
        {},
        h(doc, 'td', { class: 'pair-name', id: nameId }, h(doc, 'code', {}, p.name)),
        h(doc, 'td', { class: 'pair-value' }, h(doc, 'code', {}, p.value)),
        copyAction &&
          h(
            doc,
            'td',
            { class: 'copy-col' },
            button(doc, copyAction, 'Copy', { 'data-index': String(i), 'aria-describedby': nameId, title: 'Copy the value' }),
          ),
      ),
    );
  });
  return h(doc, 'table', { class: `pairs pairs-${kind}` }, h(doc, 'thead', {}, head), body);
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

export function renderBody(snapshot: DetailSnapshot, doc: Document): HTMLElement {
  const b: BodyView = snapshot.body;
  const meta = [b.formatLabel, b.contentType ? `content-type ${b.contentType}` : 'no content-type', `${b.storedSize} bytes`];
  if (b.decodedFrom) {
    meta.push(`decompressed from ${b.decodedFrom} to ${b.displaySize} bytes`);
  }
  const container = h(doc, 'div', { class: 'body' }, h(doc, 'p', { class: 'body-meta' }, meta.join(' · ')));
  for (const note of b.notes) {
    container.appendChild(h(doc, 'p', { class: 'note' }, note));
  }
  if (b.truncated && snapshot.actions.hasBody) {
    container.appendChild(h(doc, 'p', {}, button(doc, 'openInEditor', 'Open full body in editor')));
  }
  const c = b.content;
  switch (c.kind) {
    case 'empty':
      container.appendChild(h(doc, 'p', { class: 'muted' }, 'No body.'));
      break;
    case 'rejected':
      container.appendChild(h(doc, 'p', { class: 'warning' }, c.reason));
      break;
    case 'json-tree':
      container.appendChild(renderJsonTree(c.tree, doc));
      break;
    case 'text':
      container.appendChild(h(doc, 'pre', { class: `body-text lang-${c.language}` }, h(doc, 'code', {}, c.text)));
      break;
    case 'form':
      container.appendChild(c.fields.length ? pairTable(doc, c.fields, 'form') : h(doc, 'p', { class: 'muted' }, 'No fields.'));
      break;
    case 'hex':
      container.appendChild(renderHex(c.rows, doc));
      break;
  }
  return container;
}

export function renderHex(rows: readonly HexRow[], doc: Document): HTMLElement {
  const body = h(doc, 'tbody');
  for (const r of rows) {
    body.appendChild(
      h(
        doc,
        'tr',
        {},
        h(doc, 'td', { class: 'hex-offset' }, r.offset),
        h(doc, 'td', { class: 'hex-bytes' }, r.hex),
        h(doc, 'td', { class: 'hex-ascii' }, r.ascii),
      ),
    );
  }
  return h(
    doc,
    'table',
    { class: 'hex', 'aria-label': 'Hex dump of the body' },
    h(
      doc,
      'thead',
      {},
      h(
        doc,
        'tr',
        {},
        h(doc, 'th', { scope: 'col' }, 'Offset'),
        h(doc, 'th', { scope: 'col' }, 'Hex'),
        h(doc, 'th', { scope: 'col' }, 'ASCII'),
      ),
    ),
    body,
  );
}

function countLabel(node: JsonNode): string {
  if (node.t === 'object') {
    return node.entries.length === 1 ? '1 key' : `${node.entries.length} keys`;
  }
  if (node.t === 'array') {
    return node.items.length === 1 ? '1 item' : `${node.items.length} items`;
  }
  return '';
}

function scalar(doc: Document, node: JsonNode): HTMLElement {
  switch (node.t) {
    case 'string':
      return h(doc, 'span', { class: 'json-string' }, `"${node.v}"`);
    case 'number':
      return h(doc, 'span', { class: 'json-number' }, node.v);
    case 'boolean':
      return h(doc, 'span', { class: 'json-boolean' }, String(node.v));
    default:
      return h(doc, 'span', { class: 'json-null' }, 'null');
  }
}

/**
 * A JSON tree with folding: each object and array is a `<details>` (keyboard-operable, native), and
 * scalars are lines. Built without recursion so any depth is safe.
 */
export function renderJsonTree(root: JsonNode, doc: Document): HTMLElement {
  const top = h(doc, 'div', { class: 'json', role: 'tree', 'aria-label': 'JSON body' });
  const stack: Array<{ node: JsonNode; key: string | undefined; parent: HTMLElement; last: boolean }> = [
    { node: root, key: undefined, parent: top, last: true },
  ];
  while (stack.length) {
    const { node, key, parent, last } = stack.pop()!;
    const keyNodes: Child[] =
      key === undefined ? [] : [h(doc, 'span', { class: 'json-key' }, `"${key}"`), h(doc, 'span', { class: 'json-punct' }, ': ')];
    const comma = last ? undefined : h(doc, 'span', { class: 'json-punct' }, ',');
    if (node.t !== 'object' && node.t !== 'array') {
      parent.appendChild(h(doc, 'div', { class: 'json-line', role: 'treeitem' }, ...keyNodes, scalar(doc, node), comma));
      continue;
    }
    const [open, close] = node.t === 'object' ? ['{', '}'] : ['[', ']'];
    const size = node.t === 'object' ? node.entries.length : node.items.length;
    if (size === 0) {
      parent.appendChild(
        h(doc, 'div', { class: 'json-line', role: 'treeitem' }, ...keyNodes, h(doc, 'span', { class: 'json-punct' }, open + close), comma),
      );
      continue;
    }
    const children = h(doc, 'div', { class: 'json-children', role: 'group' });
    parent.appendChild(
      h(
        doc,
        'details',
        { class: 'json-node', open: '', role: 'treeitem' },
        h(
          doc,
          'summary',
          { class: 'json-summary' },
          ...keyNodes,
          h(doc, 'span', { class: 'json-punct' }, open),
          h(doc, 'span', { class: 'json-count' }, ` ${countLabel(node)} `),
        ),
        children,
        h(doc, 'div', { class: 'json-close' }, h(doc, 'span', { class: 'json-punct' }, close), comma),
      ),
    );
    // Push in reverse so children come off the stack, and are appended, in order.
    if (node.t === 'object') {
      for (let k = node.entries.length - 1; k >= 0; k--) {
        const [childKey, child] = node.entries[k]!;
        stack.push({ node: child, key: childKey, parent: children, last: k === node.entries.length - 1 });
      }
    } else {
      for (let k = node.items.length - 1; k >= 0; k--) {
        stack.push({ node: node.items[k]!, key: undefined, parent: children, last: k === node.items.length - 1 });
      }
    }
  }
  return top;
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
  const body = h(doc, 'tbody');
  for (const d of deliveries) {
    body.appendChild(
      h(
        doc,
        'tr',
        {},
        h(doc, 'td', {}, formatTime(d.at)),
        h(doc, 'td', {}, d.target ?? ''),
        h(doc, 'td', {}, d.status === undefined ? '' : String(d.status)),
        h(doc, 'td', {}, d.error ?? (d.durationMs === undefined ? '' : `${d.durationMs} ms`)),
      ),
    );
  }
  return h(
    doc,
    'table',
    { class: 'deliveries' },
    h(
      doc,
      'thead',
      {},
      h(
        doc,
        'tr',
        {},
        h(doc, 'th', { scope: 'col' }, 'When'),
        h(doc, 'th', { scope: 'col' }, 'Target'),
        h(doc, 'th', { scope: 'col' }, 'Status'),
        h(doc, 'th', { scope: 'col' }, 'Result'),
      ),
    ),
    body,
  );
}

/** The provider's attempts of this delivery: when each came, the time since the first, what we answered. */
export function renderAttempts(attempts: AttemptsView, doc: Document): HTMLElement {
  const body = h(doc, 'tbody');
  for (const a of attempts.rows) {
    body.appendChild(
      h(
        doc,
        'tr',
        a.current ? { class: 'current', 'aria-label': 'this event' } : {},
        h(doc, 'td', {}, `${a.attempt}${a.current ? ' (this one)' : ''}`),
        h(doc, 'td', {}, formatTime(a.receivedAt)),
        h(doc, 'td', {}, a.since),
        h(doc, 'td', {}, String(a.status)),
        h(doc, 'td', {}, a.eventId),
      ),
    );
  }
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
    h(
      doc,
      'table',
      { class: 'deliveries' },
      h(
        doc,
        'thead',
        {},
        h(
          doc,
          'tr',
          {},
          h(doc, 'th', { scope: 'col' }, 'Attempt'),
          h(doc, 'th', { scope: 'col' }, 'Received'),
          h(doc, 'th', { scope: 'col' }, 'Since first'),
          h(doc, 'th', { scope: 'col' }, 'We answered'),
          h(doc, 'th', { scope: 'col' }, 'Event'),
        ),
      ),
      body,
    ),
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
