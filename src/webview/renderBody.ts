/** The body section: meta line, notes, and the body as a JSON tree, text, form fields or a hex dump. */
import type { BodyView, DetailSnapshot, HexRow, JsonNode } from '../core/detail/protocol';
import type { Child } from './dom';
import { button, dataTable, h, pairTable } from './dom';

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
  return dataTable(doc, { class: 'hex', 'aria-label': 'Hex dump of the body' }, ['Offset', 'Hex', 'ASCII'], body);
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
