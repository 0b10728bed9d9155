import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { buildDetailSnapshot, DEFAULT_DETAIL_LIMITS } from '../../../src/core/detail/snapshot';
import { detectFormat, parseMediaType } from '../../../src/core/detail/contentKind';
import { isDetailSnapshot } from '../../../src/core/detail/protocol';
import type { BodyContent, DetailSnapshot } from '../../../src/core/detail/protocol';
import { makeEvent } from './helpers';

function withBody(contentType: string | undefined, body: Buffer, extraHeaders: Array<[string, string]> = []) {
  const headers: Array<[string, string]> = [
    ['Host', 'x'],
    ...(contentType ? [['Content-Type', contentType] as [string, string]] : []),
    ...extraHeaders,
  ];
  return makeEvent({ headers, size: body.length });
}

async function snap(contentType: string | undefined, body: Buffer, extra: Array<[string, string]> = []): Promise<DetailSnapshot> {
  const s = await buildDetailSnapshot(withBody(contentType, body, extra), body);
  assert.ok(isDetailSnapshot(structuredClone(s)), 'the snapshot passes the webview guard after structured cloning');
  return s;
}

function kind(c: BodyContent): string {
  return c.kind === 'text' ? `text:${c.language}` : c.kind;
}

test('detectFormat: declared types, sniffing and binary', () => {
  const cases: Array<[string | undefined, string | Buffer, string]> = [
    ['application/json', '{"a":1}', 'json'],
    ['application/vnd.api+json; charset=utf-8', '[]', 'json'],
    ['application/x-www-form-urlencoded', 'a=1&b=2', 'form'],
    ['application/xml', '<a/>', 'xml'],
    ['text/xml', '<a/>', 'xml'],
    ['image/svg+xml', '<svg><script>alert(1)</script></svg>', 'xml'],
    ['text/html', '<b>x</b>', 'html'],
    ['text/csv', 'a,b\n1,2', 'text'],
    ['text/plain', 'hello', 'text'],
    [undefined, '  {"sniffed": true}', 'json'],
    [undefined, '<?xml version="1.0"?><a/>', 'xml'],
    [undefined, '<!DOCTYPE html><p>', 'html'],
    [undefined, 'token=abc&team_id=T1', 'form'],
    [undefined, 'just words', 'text'],
    ['application/octet-stream', '{"a":1}', 'json'],
    ['application/json', Buffer.from([0x00, 0x01, 0x02, 0xff]), 'binary'],
    ['application/octet-stream', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]), 'binary'],
    [undefined, Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), 'binary'],
    ['text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text'],
    [undefined, '', 'empty'],
  ];
  for (const [ct, body, expected] of cases) {
    assert.equal(detectFormat(typeof body === 'string' ? Buffer.from(body) : body, ct), expected, `${ct} ${String(body).slice(0, 20)}`);
  }
  assert.deepEqual(parseMediaType('Application/Vnd.Api+JSON ; Charset="UTF-8"'), {
    essence: 'application/vnd.api+json',
    type: 'application',
    subtype: 'vnd.api+json',
    suffix: 'json',
    charset: 'utf-8',
  });
  assert.equal(parseMediaType('nonsense'), undefined);
});

test('JSON under the folding limit becomes a tree that keeps order and numbers', async () => {
  const s = await snap('application/json', Buffer.from('{"z":1,"10":[true,null,1.50],"a":{"b":"c"}}'));
  assert.equal(s.body.formatLabel, 'JSON');
  assert.equal(s.body.truncated, false);
  assert.deepEqual(s.body.content, {
    kind: 'json-tree',
    tree: {
      t: 'object',
      entries: [
        ['z', { t: 'number', v: '1' }],
        ['10', { t: 'array', items: [{ t: 'boolean', v: true }, { t: 'null' }, { t: 'number', v: '1.50' }] }],
        ['a', { t: 'object', entries: [['b', { t: 'string', v: 'c' }]] }],
      ],
    },
  });
});

test('invalid JSON declared as JSON is shown as text with a note', async () => {
  const s = await snap('application/json', Buffer.from('{"a":1,}'));
  assert.equal(kind(s.body.content), 'text:plain');
  assert.equal(s.body.formatLabel, 'JSON (invalid)');
  assert.match(s.body.notes.join(' '), /does not parse/);
});

test('a 10 MB JSON body gives a bounded, pretty-printed preview', async () => {
  const items = Array.from({ length: 150_000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'], nested: { ok: true } }));
  const body = Buffer.from(JSON.stringify(items));
  assert.ok(body.length > 10 * 1024 * 1024, `body is ${body.length} bytes`);
  const s = await snap('application/json', body);
  const c = s.body.content;
  assert.equal(c.kind, 'text');
  assert.ok(c.kind === 'text' && Buffer.byteLength(c.text) <= DEFAULT_DETAIL_LIMITS.previewBytes);
  assert.ok(c.kind === 'text' && c.text.startsWith('[\n  {\n    "id": 0,\n    "name": "item-0",'));
  assert.equal(s.body.truncated, true);
  assert.match(s.body.notes.join(' '), /Folding is off/);
  assert.match(s.body.notes.join(' '), /Showing the first 256 KB pretty-printed/);
  assert.ok(Buffer.byteLength(JSON.stringify(s)) < 600 * 1024, 'the whole message stays small');
});

test('JSON with too many values falls back to a text preview', async () => {
  const body = Buffer.from(JSON.stringify(Array.from({ length: 30_000 }, (_, i) => i)));
  const s = await snap('application/json', body);
  assert.equal(kind(s.body.content), 'text:json');
  assert.match(s.body.notes.join(' '), /more than 20000 values/);
});

test('a gzip body is decoded for display and says so; so is brotli', async () => {
  const json = '{"compressed":true}';
  const s = await snap('application/json', gzipSync(json), [['Content-Encoding', 'gzip']]);
  assert.equal(s.body.decodedFrom, 'gzip');
  assert.equal(s.body.displaySize, json.length);
  assert.equal(s.body.content.kind, 'json-tree');
  assert.match(s.body.notes[0]!, /Decompressed from gzip/);
  const b = await snap('text/plain', brotliCompressSync('hello brotli'), [['Content-Encoding', 'br']]);
  assert.deepEqual(b.body.content, { kind: 'text', language: 'plain', text: 'hello brotli' });
});

test('a gzip bomb is decoded only as far as the view needs', async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
  const s = await snap('text/plain', bomb, [['Content-Encoding', 'gzip']]);
  assert.ok(s.body.displaySize <= DEFAULT_DETAIL_LIMITS.jsonTreeMaxBytes + 1);
  assert.equal(s.body.truncated, true);
});

test('a body with a broken encoding is shown as received with the error', async () => {
  const s = await snap('application/octet-stream', Buffer.from('not gzip at all'), [['Content-Encoding', 'gzip']]);
  assert.ok(s.body.decodeError);
  assert.equal(s.body.decodedFrom, undefined);
});

test('form bodies become a table, in order, duplicates kept', async () => {
  const s = await snap('application/x-www-form-urlencoded', Buffer.from('a=1&b=hello+world&a=2&c=%E2%9C%93&empty='));
  assert.deepEqual(s.body.content, {
    kind: 'form',
    fields: [
      { name: 'a', value: '1' },
      { name: 'b', value: 'hello world' },
      { name: 'a', value: '2' },
      { name: 'c', value: '✓' },
      { name: 'empty', value: '' },
    ],
  });
});

test('XML, HTML and text are shown as text', async () => {
  assert.equal(kind((await snap('application/xml', Buffer.from('<a>1</a>'))).body.content), 'text:xml');
  assert.equal(kind((await snap('text/html', Buffer.from('<script>x</script>'))).body.content), 'text:html');
  assert.equal(kind((await snap('text/plain', Buffer.from('hi'))).body.content), 'text:plain');
  const latin = await snap('text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  assert.deepEqual(latin.body.content, { kind: 'text', language: 'plain', text: 'café' });
});

test('binary bodies get a bounded hex preview', async () => {
  const body = randomBytes(40_000);
  body[0] = 0;
  const s = await snap('application/octet-stream', body);
  const c = s.body.content;
  assert.equal(c.kind, 'hex');
  if (c.kind === 'hex') {
    assert.equal(c.rows.length, DEFAULT_DETAIL_LIMITS.hexPreviewBytes / 16);
    assert.equal(c.rows[0]!.hex.slice(0, 2), '00');
    assert.deepEqual(
      Buffer.from(c.rows.map((r) => r.hex.replace(/\s+/g, '')).join(''), 'hex'),
      body.subarray(0, DEFAULT_DETAIL_LIMITS.hexPreviewBytes),
    );
  }
  assert.equal(s.body.truncated, true);
});

test('long text bodies are cut at the preview size', async () => {
  const body = Buffer.from('x'.repeat(1024 * 1024));
  const s = await snap('text/plain', body);
  assert.ok(s.body.content.kind === 'text' && s.body.content.text.length === DEFAULT_DETAIL_LIMITS.previewBytes);
  assert.equal(s.body.truncated, true);
});

test('empty and rejected bodies', async () => {
  const empty = await snap('application/json', Buffer.alloc(0));
  assert.deepEqual(empty.body.content, { kind: 'empty' });
  assert.equal(empty.actions.hasBody, false);
  const rejected = await buildDetailSnapshot(makeEvent({ rejected: 'body-too-large', size: 30_000_000 }), Buffer.alloc(0));
  assert.equal(rejected.body.content.kind, 'rejected');
  const reason = rejected.body.content.kind === 'rejected' ? rejected.body.content.reason : '';
  assert.match(reason, /over the receiver's size limit and was not kept\.$/);
  assert.doesNotMatch(reason, /webhookInspector/, 'the core names no setting');
  // The host words the knob: the VS Code panel names its setting.
  const worded = await buildDetailSnapshot(makeEvent({ rejected: 'body-too-large', size: 30_000_000 }), Buffer.alloc(0), {
    wording: ({ knob }) => `[set ${knob}]`,
  });
  assert.match(worded.body.content.kind === 'rejected' ? worded.body.content.reason : '', /not kept\. \[set maxBodySize\]$/);
});

test('overview, headers as received, query parameters', async () => {
  const event = makeEvent({
    url: '/hook?b=2&a=1&a=%20x&flag',
    headers: [
      ['Host', 'h'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
    ],
    remoteAddress: '::1',
  });
  const s = await buildDetailSnapshot(event, Buffer.alloc(0), { canResend: true });
  assert.deepEqual(
    s.headers.map((h) => [h.name, h.value]),
    [
      ['Host', 'h'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
    ],
  );
  assert.deepEqual(
    s.query.map((q) => [q.name, q.value]),
    [
      ['b', '2'],
      ['a', '1'],
      ['a', ' x'],
      ['flag', ''],
    ],
  );
  assert.equal(s.overview.remoteAddress, '::1');
  assert.equal(s.overview.method, 'POST');
  assert.equal(s.title, 'POST /hook');
  assert.equal(s.actions.canResend, true);
  assert.equal(s.verification, undefined);
  assert.equal(s.deliveries, undefined);
  assert.equal(s.overview.provider, undefined);
});

test('later fields slot in when present: verdict, provider, event type, deliveries', async () => {
  const event = makeEvent({
    verification: {
      provider: 'stripe',
      status: 'invalid',
      reason: 'No signature matched.',
      hint: 'Check the secret.',
      checkedAt: '2026-01-02T03:04:05.000Z',
    },
    handshake: 'Answered the CRC challenge.',
    publicUrl: 'https://abc.loca.lt/webhooks/stripe?x=1',
    eventType: 'payment_intent.succeeded',
    deliveries: [{ at: '2026-01-02T03:04:06.000Z', target: 'http://localhost:3000/hook', status: 500, durationMs: 12 }, { bogus: true }],
  });
  const s = await buildDetailSnapshot(event, Buffer.alloc(0));
  assert.deepEqual(s.verification, { provider: 'stripe', status: 'invalid', reason: 'No signature matched.', hint: 'Check the secret.' });
  assert.equal(s.overview.provider, 'stripe');
  assert.equal(s.overview.eventType, 'payment_intent.succeeded');
  assert.equal(s.overview.handshake, 'Answered the CRC challenge.');
  assert.equal(s.overview.publicUrl, 'https://abc.loca.lt/webhooks/stripe?x=1');
  assert.deepEqual(s.deliveries, [{ at: '2026-01-02T03:04:06.000Z', target: 'http://localhost:3000/hook', status: 500, durationMs: 12 }]);
  const bad = await buildDetailSnapshot(makeEvent({ verification: { status: 'pwned', reason: 1 } }), Buffer.alloc(0));
  assert.equal(bad.verification, undefined);
});

test('huge and hostile header values are cut and made visible', async () => {
  const event = makeEvent({
    headers: [
      ['X-Big', 'v'.repeat(1024 * 1024)],
      ['X-Ctl', 'a\u0000b\u001b[31mc\u202Ed'],
    ],
  });
  const s = await buildDetailSnapshot(event, Buffer.alloc(0));
  assert.equal(s.headers[0]!.valueTruncated, true);
  assert.ok(s.headers[0]!.value.length < DEFAULT_DETAIL_LIMITS.valueMaxChars + 100);
  assert.equal(s.headers[1]!.value, 'a\u2400b\u241b[31mc\u27e6U+202E\u27e7d');
});
