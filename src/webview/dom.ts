/**
 * The DOM builder every renderer uses: tags and attributes from fixed allow-lists, request data only
 * ever in text nodes. Runs in the browser (and on jsdom in tests): no Node imports.
 */
import type { DisplayPair } from '../core/detail/protocol';

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

export function button(doc: Document, action: string, label: string, extra: Partial<Record<AllowedAttribute, string>> = {}): HTMLElement {
  return h(doc, 'button', { type: 'button', class: 'action', 'data-action': action, ...extra }, label);
}

/** A table with a header row of column headings (`scope="col"`) over `body`. */
export function dataTable(
  doc: Document,
  attrs: Partial<Record<AllowedAttribute, string>>,
  headings: readonly string[],
  body: HTMLElement,
): HTMLElement {
  const head = h(doc, 'tr', {}, ...headings.map((label) => h(doc, 'th', { scope: 'col' }, label)));
  return h(doc, 'table', attrs, h(doc, 'thead', {}, head), body);
}

/** A `<tbody>` with one row a item, each cell from `cells` (strings become text nodes). */
export function tableBody<T>(
  doc: Document,
  items: readonly T[],
  cells: (item: T) => Child[],
  rowAttrs: (item: T) => Partial<Record<AllowedAttribute, string>> = () => ({}),
): HTMLElement {
  const body = h(doc, 'tbody');
  for (const item of items) {
    body.appendChild(h(doc, 'tr', rowAttrs(item), ...cells(item).map((c) => h(doc, 'td', {}, c))));
  }
  return body;
}

export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toLocaleString()} (${iso})`;
}

export function pairTable(
  doc: Document,
  pairs: readonly DisplayPair[],
  kind: 'header' | 'query' | 'form',
  copyAction?: string,
): HTMLElement {
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
