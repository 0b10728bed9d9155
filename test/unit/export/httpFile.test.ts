import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startRecordingServer } from '../../support/http';
import type { RecordedRequest } from '../../support/http';
import type { CapturedEvent } from '../../../src/core/model/event';
import { canInlineHttpBody, compareText, httpFileText } from '../../../src/core/export/httpFile';
import type { HttpFileOptions } from '../../../src/core/export/httpFile';

function event(over: Partial<CapturedEvent> = {}): CapturedEvent {
  return {
    id: 'evt_000000001aaaaaaaaaa',
    receivedAt: '2026-11-29T12:00:00.000Z',
    method: 'POST',
    url: '/hooks?x=1',
    headers: [
      ['Host', '127.0.0.1:4000'],
      ['Content-Type', 'application/json'],
      ['Content-Length', '2'],
      ['Connection', 'keep-alive'],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ],
    remoteAddress: '127.0.0.1',
    size: 2,
    response: { status: 200, body: '', contentType: 'text/plain' },
    ...over,
  };
}

const options = (over: Partial<HttpFileOptions> = {}): HttpFileOptions => ({
  baseUrl: 'http://127.0.0.1:4000',
  redact: true,
  bodyFileName: (_e, i) => `out.${i + 1}.body.bin`,
  ...over,
});

interface ParsedRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * A small parser with REST Client's rules (src/utils/selector.ts and httpRequestParser.ts of
 * humao.rest-client): requests apart at `^#{3,}` lines, comment lines dropped, blank lines at both
 * ends cut, request line, headers up to the first blank line, body lines joined with LF, a `< path`
 * line read from the file.
 */
async function parseHttpFile(text: string, dir: string): Promise<ParsedRequest[]> {
  const lines = text.split(/\r?\n/);
  const blocks: string[][] = [[]];
  for (const l of lines) {
    if (/^#{3,}/.test(l)) {
      blocks.push([]);
    } else if (!/^\s*(#|\/\/)/.test(l)) {
      blocks[blocks.length - 1]!.push(l);
    }
  }
  const out: ParsedRequest[] = [];
  for (const block of blocks) {
    while (block.length && block[0]!.trim() === '') {
      block.shift();
    }
    while (block.length && block[block.length - 1]!.trim() === '') {
      block.pop();
    }
    if (!block.length) {
      continue;
    }
    const m = /^(\S+)\s+(\S+)(?:\s+HTTP\/\S+)?$/.exec(block.shift()!.trim());
    assert.ok(m, 'a request line');
    const headers: Array<[string, string]> = [];
    while (block.length && block[0]!.trim() !== '') {
      const h = block.shift()!.trim();
      const colon = h.indexOf(':');
      headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
    }
    block.shift();
    let body: Buffer;
    const ref = block.length === 1 ? /^<\s+(.+?)\s*$/.exec(block[0]!) : null;
    if (ref) {
      body = await fsp.readFile(path.resolve(dir, ref[1]!));
    } else {
      body = Buffer.from(block.join('\n'), 'utf8');
    }
    const url = new URL(m[2]!);
    out.push({ method: m[1]!, url: url.pathname + url.search, headers, body });
  }
  return out;
}

describe('.http export (REST Client format)', () => {
  test('request line with the full URL, headers as received minus host/content-length/hop-by-hop, blank line, body', () => {
    const r = httpFileText([{ event: event(), body: Buffer.from('{}') }], options());
    assert.equal(
      r.text,
      [
        '# evt_000000001aaaaaaaaaa · 2026-11-29T12:00:00.000Z',
        'POST http://127.0.0.1:4000/hooks?x=1 HTTP/1.1',
        'Content-Type: application/json',
        'X-Dup: a',
        'x-dup: b',
        '',
        '{}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(r.bodyFiles, []);
  });

  test('an empty body writes no blank line and no body', () => {
    const r = httpFileText([{ event: event({ method: 'GET', headers: [['Accept', '*/*']] }), body: Buffer.alloc(0) }], options());
    assert.match(r.text, /^GET http:\/\/127\.0\.0\.1:4000\/hooks\?x=1 HTTP\/1\.1\nAccept: \*\/\*\n$/m);
    assert.ok(!r.text.includes('\n\n'));
  });

  test('several events become one file, requests apart by ###', () => {
    const r = httpFileText(
      [
        { event: event({ id: 'evt_a' }), body: Buffer.from('{"n":1}') },
        { event: event({ id: 'evt_b', method: 'PUT' }), body: Buffer.from('{"n":2}') },
      ],
      options(),
    );
    assert.equal(r.text.match(/^###$/gm)?.length, 1);
    assert.match(r.text, /\{"n":1\}\n\n###\n\n# evt_b/);
  });

  test('a binary body is saved beside the file and referenced with < ./name', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0x00]), randomBytes(512)]);
    const r = httpFileText([{ event: event(), body }], options());
    assert.match(r.text, /\n\n< \.\/out\.1\.body\.bin\n$/);
    assert.equal(r.bodyFiles.length, 1);
    assert.equal(r.bodyFiles[0]!.name, 'out.1.body.bin');
    assert.deepEqual(Buffer.from(r.bodyFiles[0]!.bytes), body);
  });

  test('bodies REST Client would change are not inlined', () => {
    const json = 'application/json';
    assert.equal(canInlineHttpBody(Buffer.from('{\n  "a": 1\n}'), json), true, 'pretty JSON inline');
    assert.equal(canInlineHttpBody(Buffer.from('héllo ✓'), 'text/plain'), true, 'UTF-8 inline');
    const refused = [
      '{"a":1}\n',
      '{"a":1}\r\n',
      'a\n# not a comment',
      'a\n// nor this',
      'a\n###',
      'x={{token}}',
      '< ./etc/passwd',
      'a\n```js',
      '\n{}',
      '\uFEFF{}',
      'a\tb\u0001',
    ];
    for (const body of refused) {
      assert.equal(canInlineHttpBody(Buffer.from(body, 'utf8'), json), false, JSON.stringify(body));
    }
    assert.equal(canInlineHttpBody(Buffer.from('a=1\n&b=2'), 'application/x-www-form-urlencoded'), false);
    assert.equal(canInlineHttpBody(Buffer.from([0xc3, 0x28]), 'text/plain'), false, 'invalid UTF-8');
  });

  test('credentials are redacted when asked, kept otherwise', () => {
    const headers: Array<[string, string]> = [
      ['authorization', 'Bearer SECRET'],
      ['Cookie', 'a=SECRET'],
      ['X-Other', 'visible'],
    ];
    const on = httpFileText([{ event: event({ headers }), body: Buffer.alloc(0) }], options({ redact: true })).text;
    assert.doesNotMatch(on, /SECRET/);
    assert.match(on, /^authorization: \[redacted\]$/m);
    assert.match(on, /^Cookie: \[redacted\]$/m);
    assert.match(on, /^X-Other: visible$/m);
    const off = httpFileText([{ event: event({ headers }), body: Buffer.alloc(0) }], options({ redact: false })).text;
    assert.match(off, /^authorization: Bearer SECRET$/m);
  });

  test('compare text: request line, headers as received, blank line, pretty body', () => {
    assert.equal(
      compareText(
        event({
          headers: [
            ['A', '1'],
            ['a', '2'],
          ],
        }),
        '{\n  "x": 1\n}\n',
      ),
      'POST /hooks?x=1 HTTP/1.1\nA: 1\na: 2\n\n{\n  "x": 1\n}\n',
    );
    assert.match(compareText(event({ rejected: 'body-too-large' }), ''), /\(body not kept: body-too-large\)$/);
  });
});

describe('.http round trip: parsed back and sent to a real server, the request arrives unchanged', () => {
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  let base: string;
  let dir: string;
  let received: RecordedRequest[];
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-http-'));
    server = await startRecordingServer();
    ({ base, received } = server);
  });
  after(async () => {
    await server.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('method, path and query, headers in order, and body bytes (inline text, multi-line JSON, binary file, empty)', async () => {
    const items: Array<{ event: CapturedEvent; body: Buffer }> = [
      { event: event({ id: 'evt_1', url: '/a/b?q=1&q=2' }), body: Buffer.from('{"type":"x","text":"héllo ✓"}') },
      { event: event({ id: 'evt_2', method: 'PUT', url: '/multi' }), body: Buffer.from('{\n  "a": [\n    1,\n    2\n  ]\n}') },
      {
        event: event({ id: 'evt_3', method: 'PATCH', url: '/bin' }),
        body: Buffer.concat([Buffer.from([0, 0xff, 0x0d, 0x0a]), randomBytes(4096)]),
      },
      { event: event({ id: 'evt_4', method: 'POST', url: '/trailing' }), body: Buffer.from('{"a":1}\r\n') },
      { event: event({ id: 'evt_5', method: 'DELETE', url: '/empty', headers: [['X-Only', '1']] }), body: Buffer.alloc(0) },
    ];
    const result = httpFileText(items, options({ baseUrl: base, redact: false, bodyFileName: (_e, i) => `hooks.${i + 1}.body.bin` }));
    await fsp.writeFile(path.join(dir, 'hooks.http'), result.text);
    for (const f of result.bodyFiles) {
      await fsp.writeFile(path.join(dir, f.name), f.bytes);
    }
    assert.equal(result.bodyFiles.length, 2, 'binary and trailing-CRLF bodies go to files');

    const parsed = await parseHttpFile(await fsp.readFile(path.join(dir, 'hooks.http'), 'utf8'), dir);
    assert.equal(parsed.length, items.length);
    received.length = 0;
    for (const p of parsed) {
      await new Promise<void>((resolve, reject) => {
        // Raw header pairs keep order and duplicates; with them node adds no Host, so send it as REST Client does.
        const headers = [['Host', new URL(base).host], ...p.headers].flat();
        const req = http.request(`${base}${p.url}`, { method: p.method, headers }, (res) => {
          assert.equal(res.statusCode, 200);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(p.body);
      });
    }
    assert.equal(received.length, items.length);
    for (const [i, { event: e, body }] of items.entries()) {
      const got = received[i]!;
      assert.equal(got.method, e.method);
      assert.equal(got.url, e.url);
      assert.deepEqual(got.body, body, `body of ${e.id}`);
      const kept = e.headers.filter(([k]) => !['host', 'content-length', 'connection'].includes(k.toLowerCase()));
      const sent = got.headers.filter(([k]) => !['host', 'content-length', 'connection', 'transfer-encoding'].includes(k.toLowerCase()));
      assert.deepEqual(sent, kept, `headers of ${e.id}`);
    }
  });
});
