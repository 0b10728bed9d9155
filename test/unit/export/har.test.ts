import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { harBodyText, harLog, harText } from '../../../src/core/export/har';
import { importInto, parseImport } from '../../../src/core/export/import';
import { EventStore } from '../../../src/core/store';

function event(over: Partial<CapturedEvent> = {}, body: Uint8Array = Buffer.alloc(0)): CapturedEvent {
  return {
    id: 'evt_000000001aaaaaaaaaa',
    receivedAt: '2026-11-29T12:00:00.000Z',
    method: 'POST',
    url: '/hooks/stripe?x=1&y=%20z&x=2',
    headers: [
      ['Host', '127.0.0.1:4000'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
    ],
    remoteAddress: '127.0.0.1',
    size: body.length,
    response: { status: 200, body: '{"received":true}', contentType: 'application/json' },
    ...over,
  };
}

const BASE = 'http://127.0.0.1:4000';

describe('HAR export', () => {
  test('writes a HAR 1.2 log: creator, URL, headers in order, query, postData, sizes, response, cache, timings', () => {
    const body = Buffer.from('{"type":"payment_intent.succeeded","amount":1}');
    const headers: Array<[string, string]> = [
      ['Host', '127.0.0.1:4000'],
      ['X-Dup', 'one'],
      ['content-type', 'application/json'],
      ['x-dup', 'two'],
      ['X-MiXeD-Case', 'v'],
    ];
    const e = event({ headers, eventType: 'payment_intent.succeeded', provider: 'stripe' }, body);
    const har = harLog([{ event: e, body }], { baseUrl: `${BASE}/`, redact: true, version: '1.2.3' });
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.creator, { name: 'Webhook Inspector', version: '1.2.3' });
    assert.equal(har.log.entries.length, 1);
    const entry = har.log.entries[0]!;
    assert.equal(entry.startedDateTime, '2026-11-29T12:00:00.000Z');
    assert.equal(entry.request.method, 'POST');
    assert.equal(entry.request.url, 'http://127.0.0.1:4000/hooks/stripe?x=1&y=%20z&x=2');
    assert.equal(entry.request.httpVersion, 'HTTP/1.1');
    assert.deepEqual(
      entry.request.headers,
      headers.map(([name, value]) => ({ name, value })),
    );
    assert.deepEqual(entry.request.queryString, [
      { name: 'x', value: '1' },
      { name: 'y', value: ' z' },
      { name: 'x', value: '2' },
    ]);
    assert.deepEqual(entry.request.postData, { mimeType: 'application/json', text: body.toString('utf8') });
    assert.equal(entry.request.bodySize, body.length);
    const expectedHeaderBytes = Buffer.byteLength(
      `POST ${e.url} HTTP/1.1\r\n` + headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n',
    );
    assert.equal(entry.request.headersSize, expectedHeaderBytes);
    assert.equal(entry.response.status, 200);
    assert.equal(entry.response.statusText, 'OK');
    assert.deepEqual(entry.response.content, { size: 17, mimeType: 'application/json', text: '{"received":true}' });
    assert.deepEqual(entry.cache, {});
    assert.equal(entry.time, 0);
    assert.deepEqual([entry.timings.send, entry.timings.wait, entry.timings.receive], [0, 0, 0]);
    assert.equal(entry._webhookInspector?.eventType, 'payment_intent.succeeded');
    assert.equal(entry._webhookInspector?.url, e.url);
  });

  test('a body that is not UTF-8 (random bytes) is base64 and decodes to the same bytes', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]), randomBytes(4096)]);
    const e = event({ headers: [['Content-Type', 'application/octet-stream']] }, body);
    const post = harLog([{ event: e, body }], { baseUrl: BASE, redact: false }).log.entries[0]!.request.postData!;
    assert.equal(post.encoding, 'base64');
    assert.deepEqual(Buffer.from(post.text, 'base64'), body);
  });

  test('UTF-8 text stays text, with its BOM and multibyte characters', () => {
    const body = Buffer.from('\uFEFFhéllo wörld ✓ 🚀\n', 'utf8');
    const r = harBodyText(body);
    assert.equal(r.encoding, undefined);
    assert.deepEqual(Buffer.from(r.text, 'utf8'), body);
  });

  test('an empty body has no postData and bodySize 0', () => {
    const entry = harLog([{ event: event(), body: Buffer.alloc(0) }], { baseUrl: BASE, redact: true }).log.entries[0]!;
    assert.equal(entry.request.postData, undefined);
    assert.equal(entry.request.bodySize, 0);
  });

  const credentials: Array<[string, string]> = [
    ['Authorization', 'Bearer sk_live_SECRET1'],
    ['cookie', 'session=SECRET2; theme=dark'],
    ['Set-Cookie', 'id=SECRET3'],
    ['PROXY-AUTHORIZATION', 'Basic SECRET4'],
    ['Stripe-Signature', 't=1,v1=abc'],
  ];

  test('redaction on: credential values become [redacted], everything else stays', () => {
    const e = event({ headers: credentials });
    const text = harText([{ event: e, body: Buffer.alloc(0) }], { baseUrl: BASE, redact: true });
    assert.doesNotMatch(text, /SECRET/);
    const entry = JSON.parse(text).log.entries[0];
    assert.deepEqual(
      entry.request.headers.map((h: { name: string; value: string }) => [h.name, h.value]),
      [
        ['Authorization', '[redacted]'],
        ['cookie', '[redacted]'],
        ['Set-Cookie', '[redacted]'],
        ['PROXY-AUTHORIZATION', '[redacted]'],
        ['Stripe-Signature', 't=1,v1=abc'],
      ],
    );
    assert.deepEqual(entry.request.cookies, [
      { name: 'session', value: '[redacted]' },
      { name: 'theme', value: '[redacted]' },
    ]);
    assert.equal(entry._webhookInspector.redacted, true);
  });

  test('redaction off: credential values are kept', () => {
    const e = event({ headers: credentials });
    const entry = harLog([{ event: e, body: Buffer.alloc(0) }], { baseUrl: BASE, redact: false }).log.entries[0]!;
    assert.deepEqual(
      entry.request.headers.map((h) => [h.name, h.value]),
      credentials,
    );
    assert.deepEqual(entry.request.cookies, [
      { name: 'session', value: 'SECRET2' },
      { name: 'theme', value: 'dark' },
    ]);
    assert.equal(entry._webhookInspector?.redacted, undefined);
  });
});

describe('HAR round trip: export, import into a store, equal bytes', () => {
  let dir: string;
  let store: EventStore;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-har-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
  });
  afterEach(async () => {
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('method, path and query, headers (order, case, duplicates), body bytes and time come back equal', async () => {
    const cases: Array<[Partial<CapturedEvent>, Buffer]> = [
      [{ method: 'POST', url: '/bin?a=1' }, Buffer.concat([Buffer.from([0xff, 0x00, 0x80]), randomBytes(2048)])],
      [{ method: 'PUT', url: '/utf8/%C3%A9?q=%zz&q=2' }, Buffer.from('\uFEFF{"name":"héllo ✓"}\r\n', 'utf8')],
      [{ method: 'DELETE', url: '//double//slash/../x' }, Buffer.alloc(0)],
      [{ method: 'PATCH', url: '/gz' }, Buffer.from('1f8b0800000000000003cb48cdc9c95728cf2fca490100c2a99ae50c000000', 'hex')],
    ];
    const originals: CapturedEvent[] = [];
    const items: Array<{ event: CapturedEvent; body: Buffer }> = [];
    for (const [i, [over, body]] of cases.entries()) {
      const headers: Array<[string, string]> = [
        ['Host', 'example.test'],
        ['X-Dup', 'a'],
        ['content-TYPE', 'application/octet-stream'],
        ['x-dup', 'b'],
        ['Authorization', 'Bearer keep-me'],
        ['Empty', ''],
      ];
      const stored = await store.append(
        {
          method: over.method!,
          url: over.url!,
          headers,
          remoteAddress: '127.0.0.1',
          size: body.length,
          response: { status: 202, body: 'ok', contentType: 'text/plain' },
          receivedAt: `2026-11-29T12:00:0${i}.123Z`,
        },
        body,
      );
      originals.push(stored);
      items.push({ event: stored, body: await store.readBody(stored.id) });
    }
    const text = harText(items, { baseUrl: BASE, redact: false });
    const result = await parseImport(text, { maxBodyBytes: 1024 * 1024 });
    assert.equal(result.format, 'har');
    assert.deepEqual(result.warnings, []);
    const imported = await importInto(store, result);
    assert.equal(imported.length, originals.length);
    for (const [i, e] of imported.entries()) {
      const o = originals[i]!;
      assert.notEqual(e.id, o.id, 'a new event');
      assert.equal(e.method, o.method);
      assert.equal(e.url, o.url);
      assert.deepEqual(e.headers, o.headers);
      assert.equal(e.receivedAt, o.receivedAt);
      assert.deepEqual(e.response, o.response);
      assert.equal((e as CapturedEvent & { imported?: string }).imported, 'har');
      assert.deepEqual(await store.readBody(e.id), await store.readBody(o.id));
      assert.equal(e.size, o.size);
    }
  });

  test('with redaction the credential arrives as [redacted] (and nothing else changes)', async () => {
    const body = Buffer.from('{}');
    const e = event(
      {
        headers: [
          ['Authorization', 'Bearer x'],
          ['Content-Type', 'application/json'],
        ],
      },
      body,
    );
    const result = await parseImport(harText([{ event: e, body }], { baseUrl: BASE, redact: true }), { maxBodyBytes: 100 });
    const [r] = result.requests;
    assert.deepEqual(r!.draft.headers, [
      ['Authorization', '[redacted]'],
      ['Content-Type', 'application/json'],
    ]);
    assert.deepEqual(r!.body, body);
  });
});
