import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { buildDetailSnapshot } from '../../../src/core/detail/snapshot';
import type { DetailSnapshot, JsonNode } from '../../../src/core/detail/protocol';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, renderDetail, renderJsonTree, renderMissing } from '../../../src/webview/render';
import { HOSTILE, RTL, makeEvent } from './helpers';

function newDocument(): Document {
  return new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
}

/** Values an attribute may have: constants, indexes and enum-derived class names; never request text. */
const ATTRIBUTE_VALUE = /^[a-z0-9 _-]*$/i;

function assertSafeDom(root: Element, payloads: readonly string[]): void {
  const tags = new Set<string>(ALLOWED_TAGS);
  const attrs = new Set<string>(ALLOWED_ATTRIBUTES);
  const all = [root, ...root.querySelectorAll('*')];
  for (const el of all) {
    assert.ok(tags.has(el.tagName.toLowerCase()), `unexpected element <${el.tagName}>`);
    for (const a of el.attributes) {
      assert.ok(attrs.has(a.name), `unexpected attribute ${a.name} on <${el.tagName}>`);
      assert.ok(!a.name.startsWith('on'), `event handler attribute ${a.name}`);
      assert.ok(a.name !== 'href' && a.name !== 'src' && a.name !== 'style' && a.name !== 'srcdoc');
      assert.match(a.value, ATTRIBUTE_VALUE, `attribute ${a.name}="${a.value.slice(0, 80)}" is not a constant`);
      for (const p of payloads) {
        assert.ok(!a.value.includes(p), `payload in attribute ${a.name}`);
      }
    }
  }
  // No element was made from payload text: the serialised markup has only escaped `<`.
  const html = root.outerHTML;
  for (const bad of ['<script', '<img', '<svg', '<iframe', '<style', '<a ', '<b ', '<textarea']) {
    assert.ok(!html.toLowerCase().includes(bad), `markup contains ${bad}`);
  }
}

function textNodes(root: Node): string[] {
  const out: string[] = [];
  const walker = root.ownerDocument!.createTreeWalker(root, 4 /* SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    out.push(n.nodeValue ?? '');
  }
  return out;
}

async function hostileSnapshot(): Promise<DetailSnapshot> {
  const headers: Array<[string, string]> = [['Host', '127.0.0.1']];
  HOSTILE.forEach((p, i) => headers.push([`X-Evil-${i}`, p], [p, `name-${i}`]));
  headers.push(['X-Rtl', RTL], ['X-Huge', 'A'.repeat(1024 * 1024)], ['Content-Type', 'application/json']);
  const query = HOSTILE.map((p, i) => `q${i}=${encodeURIComponent(p)}&${encodeURIComponent(p)}=v${i}`).join('&');
  const bodyObject: Record<string, unknown> = {};
  HOSTILE.forEach((p, i) => {
    bodyObject[p] = p;
    bodyObject[`arr${i}`] = [p, { [p]: p }];
  });
  bodyObject.rtl = RTL;
  bodyObject.long = 'L'.repeat(300_000);
  const body = Buffer.from(JSON.stringify(bodyObject));
  const event = makeEvent({
    method: 'POST',
    url: `/${HOSTILE[0]}/${encodeURI(HOSTILE[1])}/javascript:alert(1)?${query}`,
    headers,
    size: body.length,
    remoteAddress: HOSTILE[4],
    response: { status: 200, body: HOSTILE[6], contentType: HOSTILE[1] },
    eventType: HOSTILE[0],
    provider: HOSTILE[2],
    verification: { provider: HOSTILE[3], status: 'invalid', reason: HOSTILE[1], hint: HOSTILE[4], checkedAt: '2026-01-02T03:04:05.000Z' },
    handshake: HOSTILE[5],
    publicUrl: `https://x.loca.lt/${HOSTILE[9]}`,
    deliveries: [{ at: HOSTILE[0], target: HOSTILE[2], status: 500, error: HOSTILE[8] }],
  });
  return buildDetailSnapshot(event, body, { canResend: true });
}

test('hostile path, headers, query, body, event type and verdict render only as text', async () => {
  const snapshot = await hostileSnapshot();
  const doc = newDocument();
  const root = renderDetail(snapshot, doc);
  doc.body.appendChild(root);
  assertSafeDom(root, [...HOSTILE, 'javascript:', 'data:text/html', 'alert(']);
  const text = textNodes(root).join('\n');
  // The payloads are shown, as text.
  for (const p of HOSTILE) {
    assert.ok(text.includes(p), `payload not shown as text: ${p}`);
  }
  assert.ok(text.includes('user\u27e6U+202E\u27e7gnp.exe\u27e6U+202C\u27e7'), 'RTL override made visible');
  assert.ok(!text.includes('\u202e'), 'no raw RTL override in the view');
  // The JSON body folded as a tree, with keys shown as text.
  assert.ok(root.querySelector('.json details.json-node[open] > summary'));
  assert.ok(root.querySelectorAll('.json .json-key').length > HOSTILE.length);
  // Scripts never became elements anywhere in the document.
  assert.equal(
    doc.querySelectorAll('script, img, svg, iframe, style, a, object, embed, link, meta, base, form, input, textarea').length,
    0,
  );
});

test('hostile text, XML, SVG and HTML bodies stay text', async () => {
  for (const [ct, body] of [
    ['text/html', `<html><body>${HOSTILE.join('')}</body></html>`],
    ['image/svg+xml', HOSTILE[8]],
    ['application/xml', `<?xml version="1.0"?><a>${HOSTILE.join('')}</a>`],
    ['text/plain', `${RTL}\n${'x'.repeat(1024 * 1024)}`],
    [
      'application/x-www-form-urlencoded',
      HOSTILE.map((p, i) => `${encodeURIComponent(p)}=${encodeURIComponent(HOSTILE[(i + 1) % HOSTILE.length]!)}`).join('&'),
    ],
  ] as const) {
    const b = Buffer.from(body);
    const snapshot = await buildDetailSnapshot(makeEvent({ headers: [['Content-Type', ct]], size: b.length }), b);
    const doc = newDocument();
    const root = renderDetail(snapshot, doc);
    assertSafeDom(root, HOSTILE);
    const text = textNodes(root).join('');
    assert.ok(text.includes(HOSTILE[8].slice(0, 30)) || ct === 'text/plain', `${ct} body not shown as text`);
  }
});

test('binary bodies render as a hex table', async () => {
  const body = Buffer.from([0x3c, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74, 0x3e, 0x00, 0xff]);
  const snapshot = await buildDetailSnapshot(
    makeEvent({ headers: [['Content-Type', 'application/octet-stream']], size: body.length }),
    body,
  );
  const root = renderDetail(snapshot, newDocument());
  assertSafeDom(root, []);
  const rows = root.querySelectorAll('table.hex tbody tr');
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.querySelector('.hex-ascii')!.textContent, '<script>..');
  assert.equal(rows[0]!.querySelector('.hex-offset')!.textContent, '00000000');
});

test('actions are real buttons; Resend only when the command exists; copy buttons per header', async () => {
  const event = makeEvent({
    headers: [
      ['A', '1'],
      ['B', '2'],
    ],
    url: '/p?x=1',
  });
  const body = Buffer.from('{"a":1}');
  const withResend = renderDetail(await buildDetailSnapshot(event, body, { canResend: true }), newDocument());
  const without = renderDetail(await buildDetailSnapshot(event, body, { canResend: false }), newDocument());
  const actions = (root: Element) => [...root.querySelectorAll('.actions button')].map((b) => b.getAttribute('data-action'));
  assert.deepEqual(actions(withResend), [
    'openInEditor',
    'openEditableCopy',
    'copyCurl',
    'copyBody',
    'saveFixture',
    'resend',
    'goToHandler',
  ]);
  assert.deepEqual(actions(without), ['openInEditor', 'openEditableCopy', 'copyCurl', 'copyBody', 'saveFixture', 'goToHandler']);
  for (const b of withResend.querySelectorAll('button')) {
    assert.equal(b.getAttribute('type'), 'button');
    assert.ok((b.textContent ?? '').trim().length > 0, 'every button has a visible label');
  }
  const copies = [...withResend.querySelectorAll('button[data-action="copyHeader"]')];
  assert.deepEqual(
    copies.map((b) => b.getAttribute('data-index')),
    ['0', '1'],
  );
  // Each copy button is described by its header's name cell.
  const describedBy = copies[1]!.getAttribute('aria-describedby')!;
  assert.equal(withResend.querySelector(`#${describedBy}`)!.textContent, 'B');
  assert.equal(withResend.querySelectorAll('button[data-action="copyQuery"]').length, 1);
  // Headings for every section, inside <summary> so sections fold with the keyboard.
  assert.deepEqual(
    [...withResend.querySelectorAll('details.section > summary > h2')].map((h) => h.textContent),
    ['Overview', 'Headers (2)', 'Query parameters (1)', 'Body', 'Our response'],
  );
});

test('a truncated body offers to open the full body; folded sections stay folded', async () => {
  const body = Buffer.from('y'.repeat(400 * 1024));
  const snapshot = await buildDetailSnapshot(makeEvent({ headers: [['Content-Type', 'text/plain']], size: body.length }), body);
  const root = renderDetail(snapshot, newDocument(), { collapsed: new Set(['headers']) });
  const open = [...root.querySelectorAll('.body button[data-action="openInEditor"]')];
  assert.equal(open.length, 1);
  assert.equal(open[0]!.textContent, 'Open full body in editor');
  assert.equal(root.querySelector('details[data-section="headers"]')!.hasAttribute('open'), false);
  assert.equal(root.querySelector('details[data-section="body"]')!.hasAttribute('open'), true);
});

test('no delivery section without history; verdict with reason and hint when present', async () => {
  const plain = renderDetail(await buildDetailSnapshot(makeEvent(), Buffer.alloc(0)), newDocument());
  assert.equal(plain.querySelector('[data-section="deliveries"]'), null);
  assert.equal(plain.querySelector('.verdict'), null);
  const verified = renderDetail(
    await buildDetailSnapshot(
      makeEvent({
        verification: {
          provider: 'github',
          status: 'valid',
          reason: 'Signature matches.',
          hint: 'Nothing to do.',
          checkedAt: '2026-01-01T00:00:00Z',
        },
        deliveries: [{ at: '2026-01-01T00:00:00Z', status: 200 }],
      }),
      Buffer.alloc(0),
    ),
    newDocument(),
  );
  assert.equal(verified.querySelector('.verdict.verdict-valid .verdict-reason')!.textContent, 'Signature matches.');
  assert.equal(verified.querySelector('.verdict .verdict-hint')!.textContent, 'Nothing to do.');
  assert.ok(verified.querySelector('[data-section="deliveries"] table.deliveries'));
});

test('the JSON tree keeps order, shows raw numbers and folds each container', () => {
  const doc = newDocument();
  const el = renderJsonTree(
    {
      t: 'object',
      entries: [
        ['b', { t: 'number', v: '1.50' }],
        ['a', { t: 'array', items: [{ t: 'string', v: 'x' }, { t: 'object', entries: [] }, { t: 'null' }] }],
      ],
    },
    doc,
  );
  assert.equal(el.textContent, '{ 2 keys "b": 1.50,"a": [ 3 items "x",{},null]}');
  assert.equal(el.querySelectorAll('details.json-node').length, 2);
});

test('a deep JSON tree renders (iteratively) with one <details> per level', () => {
  let node: JsonNode = { t: 'null' };
  for (let i = 0; i < 300; i++) {
    node = { t: 'array', items: [node] };
  }
  const el = renderJsonTree(node, newDocument());
  assert.equal(el.querySelectorAll('details').length, 300);
});

test('missing events render a message as text', () => {
  const root = renderMissing(HOSTILE[0], newDocument());
  assertSafeDom(root, HOSTILE);
  assert.ok(root.textContent!.includes(HOSTILE[0]));
});
