import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { CURL_SKIPPED_HEADERS, curlCommand } from '../../../src/core/export/curl';
import { curlPathAndQuery } from '../../../src/core/export/curlImport';
import { httpFileText } from '../../../src/core/export/httpFile';
import { detectFormat, ImportError, importInto, parseImport } from '../../../src/core/export/import';
import type { ImportOptions, ImportResult } from '../../../src/core/export/import';
import { splitShellCommands } from '../../../src/core/export/shellWords';
import { EventStore } from '../../../src/core/store';
import { startRecordingServer } from '../../support/http';

const BASE = 'http://127.0.0.1:4000';
const NOW = new Date('2026-11-29T13:00:00.000Z');

let seq = 0;
function event(method: string, url: string, headers: Array<[string, string]>, over: Partial<CapturedEvent> = {}): CapturedEvent {
  seq++;
  return {
    id: `evt_roundtrip${String(seq).padStart(4, '0')}`,
    receivedAt: new Date(Date.UTC(2026, 10, 29, 12, 0, seq, 250)).toISOString(),
    method,
    url,
    // What a receiver records: host, content-length and connection come with every request.
    headers: [['Host', '127.0.0.1:4000'], ...headers, ['Content-Length', '0'], ['Connection', 'keep-alive']],
    remoteAddress: '127.0.0.1',
    size: 0,
    response: { status: 200, body: '', contentType: 'text/plain' },
    ...over,
  };
}

interface Item {
  readonly name: string;
  readonly event: CapturedEvent;
  readonly body: Buffer;
}

const json = (extra: Array<[string, string]> = []): Array<[string, string]> => [['Content-Type', 'application/json'], ...extra];

/** Every kind of request the round trip must keep, body bytes first. */
const ITEMS: Item[] = [
  {
    name: 'JSON body',
    event: event('POST', '/webhooks/stripe?x=1', json([['Stripe-Signature', "t=1,v1=abc'def"]])),
    body: Buffer.from('{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"amount":2000}}'),
  },
  {
    name: 'pretty JSON, several lines, blank line inside',
    event: event('POST', '/multi', json()),
    body: Buffer.from('{\n  "a": [\n    1,\n\n    2\n  ],\n\t"b": "tab"\n}'),
  },
  {
    name: 'form body',
    event: event('POST', '/twilio', [['Content-Type', 'application/x-www-form-urlencoded']]),
    body: Buffer.from('AccountSid=AC123&Body=Hello+world%21&From=%2B15551234567'),
  },
  {
    name: 'form body with a space and non-ASCII (REST Client would encode it)',
    event: event('POST', '/form-raw', [['Content-Type', 'application/x-www-form-urlencoded']]),
    body: Buffer.from('a=hello world&b=é'),
  },
  {
    name: 'empty body, GET',
    event: event('GET', '/ping?q=a%2Fb&r=[]{}&s=%20+&t=%C3%A9&u=a?b&v="x"', [['Accept', '*/*']]),
    body: Buffer.alloc(0),
  },
  { name: 'empty body, DELETE', event: event('DELETE', '/things/42', [['X-Only', '1']]), body: Buffer.alloc(0) },
  {
    name: 'UTF-8 body, PUT',
    event: event('PUT', '/text', [['Content-Type', 'text/plain; charset=utf-8']]),
    body: Buffer.from('héllo ✓ 日本語 🎉'),
  },
  { name: 'body ending with a newline', event: event('POST', '/nl', json()), body: Buffer.from('{"a":1}\n') },
  { name: 'body ending with CRLF', event: event('POST', '/crlf', json()), body: Buffer.from('{"a":1}\r\n') },
  {
    name: 'body with ### lines',
    event: event('POST', '/hashes', [['Content-Type', 'text/markdown']]),
    body: Buffer.from('# Title\n###\nnot a separator\n### also not'),
  },
  {
    name: 'body with comment-like lines and a file reference',
    event: event('POST', '/tricky', [['Content-Type', 'text/plain']]),
    body: Buffer.from('a\n// b\n< ./etc/passwd\n@x = 1\n{{var}}'),
  },
  {
    name: 'binary body',
    event: event('POST', '/bin', [['Content-Type', 'application/octet-stream']]),
    body: Buffer.concat([Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x27, 0x40]), randomBytes(2048)]),
  },
  {
    name: 'duplicate, mixed-case and empty headers',
    event: event('POST', '/dup', [
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
      ['X-DUP', 'c: with colon'],
      ['X-Empty', ''],
      ['content-type', 'application/json'],
      ['User-Agent', 'GitHub-Hookshot/abc'],
    ]),
    body: Buffer.from('{"dup":true}'),
  },
  {
    name: 'body starting with @ (curl would read a file)',
    event: event('POST', '/slack', [['Content-Type', 'text/plain']]),
    body: Buffer.from('@channel deploy done'),
  },
  {
    name: 'shell syntax and quotes in the body',
    event: event('PATCH', '/shell', json()),
    body: Buffer.from(`{"t":"it's $(rm -rf /) \`id\` \\"q\\" $HOME \\\\"}`),
  },
  { name: 'large text body', event: event('POST', '/big', [['Content-Type', 'text/plain']]), body: Buffer.from('z'.repeat(100 * 1024)) },
  { name: 'ndjson', event: event('POST', '/nd', [['Content-Type', 'application/x-ndjson']]), body: Buffer.from('{"a":1}\n{"b":2}') },
  { name: 'no content type', event: event('POST', '/raw', []), body: Buffer.from('plain') },
  { name: 'HEAD', event: event('HEAD', '/head', []), body: Buffer.alloc(0) },
  { name: 'odd path kept as is', event: event('POST', '/a/../b//c/./d?x=/../y', json()), body: Buffer.from('{}') },
];

/** What the exported file can carry: the headers minus host, content-length and hop-by-hop ones. */
function carried(e: CapturedEvent): Array<[string, string]> {
  return e.headers.filter(([k]) => !CURL_SKIPPED_HEADERS.has(k.toLowerCase())).map(([k, v]) => [k, v]);
}

const reader =
  (dir: string) =>
  async (ref: string, max: number): Promise<Buffer | 'too-large'> => {
    const file = path.resolve(dir, ref);
    return (await fsp.stat(file)).size > max ? 'too-large' : fsp.readFile(file);
  };

function options(dir: string, fileName: string, over: Partial<ImportOptions> = {}): ImportOptions {
  return { maxBodyBytes: 1024 * 1024, now: () => NOW, fileName, readReferencedFile: reader(dir), ...over };
}

function assertSameRequests(result: ImportResult, items: readonly Item[], format: 'http' | 'curl'): void {
  assert.equal(result.format, format);
  assert.equal(result.requests.length, items.length, `warnings: ${result.warnings.join(' | ')}`);
  for (const [i, { name, event: e, body }] of items.entries()) {
    const got = result.requests[i]!;
    assert.equal(got.draft.method, e.method, `${name}: method`);
    assert.equal(got.draft.url, e.url, `${name}: path and query`);
    assert.deepEqual(got.draft.headers, carried(e), `${name}: headers`);
    const bytes = got.body ?? Buffer.alloc(0);
    assert.ok(bytes.equals(body), `${name}: body bytes (${bytes.length} vs ${body.length})`);
    assert.equal(got.draft.size, body.length, `${name}: size`);
    assert.equal(got.draft.imported, format);
    assert.equal(got.draft.rejected, undefined);
  }
}

describe('.http and cURL: export, re-import, and the bytes are equal', () => {
  let dir: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-roundtrip-'));
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function exportHttp(items: readonly Item[], file: string): Promise<{ text: string; bodyFiles: number }> {
    const result = httpFileText(items, {
      baseUrl: BASE,
      redact: false,
      bodyFileName: (_e, i) => `${path.basename(file, '.http')}.${i + 1}.body.bin`,
    });
    await fsp.writeFile(path.join(dir, file), result.text);
    for (const f of result.bodyFiles) {
      await fsp.writeFile(path.join(dir, f.name), f.bytes);
    }
    return { text: result.text, bodyFiles: result.bodyFiles.length };
  }

  async function exportCurl(items: readonly Item[], file: string, multiline = true): Promise<string> {
    const commands: string[] = [];
    for (const { event: e, body } of items) {
      const bodyFilePath = path.join(dir, `${e.id} 'quoted' $(x).body`);
      const curl = curlCommand(e, body, { baseUrl: BASE, bodyFilePath, multiline });
      if (curl.needsBodyFile) {
        await fsp.writeFile(bodyFilePath, body);
      }
      commands.push(curl.command);
    }
    const text = `#!/bin/sh\n# exported by a test\n${commands.join('\n\n')}\n`;
    await fsp.writeFile(path.join(dir, file), text);
    return text;
  }

  test('.http: every request comes back with method, path and query, headers, body bytes and time', async () => {
    const exported = await exportHttp(ITEMS, 'all.http');
    // Newline and CRLF endings, ### lines, comment/reference lines, binary, the raw form, ndjson.
    assert.equal(exported.bodyFiles, 7, 'the bodies that cannot be inline go to files');
    const result = await parseImport(await fsp.readFile(path.join(dir, 'all.http')), options(dir, 'all.http'));
    assertSameRequests(result, ITEMS, 'http');
    for (const [i, { event: e }] of ITEMS.entries()) {
      assert.equal(result.requests[i]!.draft.receivedAt, e.receivedAt, 'the time from the comment above the request');
    }
    // The only warnings are about header values REST Client would read as variables: none here.
    assert.deepEqual(result.warnings, []);
  });

  test('.http: bodies the exporter inlines are written inline (so the test covers the inline reading)', async () => {
    const inline = [
      'JSON body',
      'pretty JSON, several lines, blank line inside',
      'form body',
      'UTF-8 body, PUT',
      'shell syntax and quotes in the body',
      'body starting with @ (curl would read a file)',
    ];
    const { text } = await exportHttp(ITEMS, 'check.http');
    for (const name of inline) {
      const body = ITEMS.find((i) => i.name === name)!.body.toString('utf8');
      assert.ok(text.includes(`\n\n${body}\n`), `${name} is inline`);
    }
    for (const name of [
      'body ending with a newline',
      'body with ### lines',
      'binary body',
      'ndjson',
      'form body with a space and non-ASCII (REST Client would encode it)',
    ]) {
      assert.ok(!text.includes(ITEMS.find((i) => i.name === name)!.body.toString('utf8')), `${name} is in a file`);
    }
  });

  test('.http: one request per file, and a file saved with CRLF line endings, read the same', async () => {
    for (const item of ITEMS) {
      await exportHttp([item], 'one.http');
      const result = await parseImport(await fsp.readFile(path.join(dir, 'one.http')), options(dir, 'one.http'));
      assertSameRequests(result, [item], 'http');
    }
    const { text } = await exportHttp(ITEMS, 'crlf.http');
    const result = await parseImport(text.replace(/\n/g, '\r\n'), options(dir, 'crlf.http'));
    assertSameRequests(result, ITEMS, 'http');
  });

  test('cURL: a file of our commands comes back request by request, byte for byte', async () => {
    await exportCurl(ITEMS, 'all.sh');
    const result = await parseImport(await fsp.readFile(path.join(dir, 'all.sh')), options(dir, 'all.sh'));
    assertSameRequests(result, ITEMS, 'curl');
    assert.deepEqual(result.warnings, []);
    assert.equal(result.requests[0]!.draft.receivedAt, NOW.toISOString(), 'a command has no time: the time of the import');
  });

  test('cURL: single-line commands, one at a time, and the content alone (no file name) tells the format', async () => {
    for (const item of ITEMS) {
      const text = await exportCurl([item], 'one.txt', false);
      const result = await parseImport(text, options(dir, ''));
      assertSameRequests(result, [item], 'curl');
    }
  });

  test('what the import reads from a command is what the real curl sends', async () => {
    const server = await startRecordingServer();
    const { base, received } = server;
    try {
      const commands: string[] = [];
      for (const { event: e, body } of ITEMS) {
        const bodyFilePath = path.join(dir, `${e.id}.sent.body`);
        const curl = curlCommand(e, body, { baseUrl: base, bodyFilePath });
        if (curl.needsBodyFile) {
          await fsp.writeFile(bodyFilePath, body);
        }
        commands.push(`${curl.command} \\\n  --silent --show-error --fail --output /dev/null`);
      }
      const script = `set -e\n${commands.join('\n')}\n`;
      await fsp.writeFile(path.join(dir, 'sent.sh'), script);
      await new Promise<void>((resolve, reject) =>
        execFile('/bin/sh', [path.join(dir, 'sent.sh')], (err, _out, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(),
        ),
      );
      const imported = await parseImport(script, options(dir, 'sent.sh'));
      assert.deepEqual(
        received.map((r) => r.url),
        ITEMS.map((i) => i.event.url),
      );
      assert.equal(imported.requests.length, ITEMS.length);
      // The import keeps none of the --silent… options' effects, and curl adds host and content-length.
      const wire = (h: Array<[string, string]>) => h.filter(([k]) => !['host', 'content-length'].includes(k.toLowerCase()));
      for (const [i, sent] of received.entries()) {
        const got = imported.requests[i]!;
        assert.equal(got.draft.method, sent.method, ITEMS[i]!.name);
        assert.equal(got.draft.url, sent.url, ITEMS[i]!.name);
        assert.deepEqual(got.draft.headers, wire(sent.headers), ITEMS[i]!.name);
        assert.ok((got.body ?? Buffer.alloc(0)).equals(sent.body), ITEMS[i]!.name);
        assert.ok(sent.body.equals(ITEMS[i]!.body), `${ITEMS[i]!.name}: curl sent the original bytes`);
      }
    } finally {
      await server.close();
    }
  });

  test('the exporter sends an @ body with --data-raw and keeps --data-binary for the rest', () => {
    const at = ITEMS.find((i) => i.name.startsWith('body starting with @'))!;
    assert.match(curlCommand(at.event, at.body, { baseUrl: BASE, bodyFilePath: '/x' }).command, /--data-raw '@channel deploy done'/);
    const plain = ITEMS[0]!;
    assert.match(curlCommand(plain.event, plain.body, { baseUrl: BASE, bodyFilePath: '/x' }).command, /--data-binary '\{"id"/);
  });

  test('imported into a real store, the stored bodies equal the originals', async () => {
    await exportHttp(ITEMS, 'store.http');
    await exportCurl(ITEMS, 'store.sh');
    const store = await EventStore.open(path.join(dir, 'store'), { maxEvents: 100 });
    try {
      for (const file of ['store.http', 'store.sh']) {
        const result = await parseImport(await fsp.readFile(path.join(dir, file)), options(dir, file));
        const events = await importInto(store, result);
        assert.equal(events.length, ITEMS.length);
        for (const [i, { name, event: e, body }] of ITEMS.entries()) {
          const stored = await store.readBody(events[i]!.id);
          assert.ok(stored.equals(body), `${file}: ${name}`);
          assert.equal(events[i]!.url, e.url);
          assert.deepEqual(events[i]!.headers, carried(e));
          assert.equal((events[i] as CapturedEvent & { imported?: string }).imported, file.endsWith('.sh') ? 'curl' : 'http');
        }
      }
    } finally {
      await store.close();
    }
  });

  test('a body over the limit is left out and the event marked body-too-large, in both formats', async () => {
    const big = ITEMS.find((i) => i.name === 'large text body')!;
    const small = ITEMS[0]!;
    await exportHttp([small, big], 'limit.http');
    await exportCurl([small, big], 'limit.sh');
    for (const file of ['limit.http', 'limit.sh']) {
      const result = await parseImport(await fsp.readFile(path.join(dir, file)), options(dir, file, { maxBodyBytes: 1000 }));
      assert.equal(result.requests.length, 2);
      assert.ok(result.requests[0]!.body?.equals(small.body));
      assert.equal(result.requests[1]!.body, undefined);
      assert.equal(result.requests[1]!.draft.rejected, 'body-too-large');
      assert.equal(result.warnings.length, 1, result.warnings.join(' | '));
      assert.match(result.warnings[0]!, /over the limit of 1000 bytes/);
    }
  });
});

describe('.http files written by hand (REST Client syntax)', () => {
  const opts = (over: Partial<ImportOptions> = {}): ImportOptions => ({ maxBodyBytes: 1024, now: () => NOW, ...over });

  test('variables, a request line without method, query lines, comments, and the blank lines at the end', async () => {
    const text = [
      '@host = https://api.example.com:8443',
      '@token = abc',
      '@auth = Bearer {{token}}',
      '',
      '// a comment',
      '{{host}}/items',
      '  ?page=2',
      '  &sort=desc',
      '',
      '###',
      '# @name create',
      'POST {{host}}/items HTTP/1.1',
      'Authorization: {{auth}}',
      'Content-Type: application/json',
      'X-Request: {{$guid}}',
      '',
      '{"name": "{{token}}"}',
      '',
      '',
      '### trailing words on a delimiter line',
      'POST /form HTTP/1.1',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'a=1',
      '&b=2',
      'c=3',
    ].join('\n');
    const r = await parseImport(text, opts());
    assert.equal(r.format, 'http');
    assert.equal(r.requests.length, 3);
    const [get, post, form] = r.requests;
    assert.equal(get!.draft.method, 'GET');
    assert.equal(get!.draft.url, '/items?page=2&sort=desc');
    assert.equal(get!.body, undefined);
    assert.equal(post!.draft.url, '/items');
    assert.deepEqual(post!.draft.headers, [
      ['Authorization', 'Bearer abc'],
      ['Content-Type', 'application/json'],
      ['X-Request', '{{$guid}}'],
    ]);
    assert.deepEqual(post!.body, Buffer.from('{"name": "abc"}'));
    assert.deepEqual(form!.body, Buffer.from('a=1&b=2\nc=3'));
    assert.equal(r.warnings.length, 1);
    assert.match(
      r.warnings[0]!,
      /^Request 2 \(line 12\): \{\{\$guid\}\} is a REST Client variable this file does not define; imported as written\.$/,
    );
  });

  test('a mixed body joins text and file lines; multipart with CRLF', async () => {
    const files: Record<string, Buffer> = { 'part.bin': Buffer.from([0, 1, 2]) };
    const readReferencedFile = async (ref: string) => {
      const f = files[ref.replace(/^\.\//, '')];
      if (!f) {
        throw new Error('ENOENT: no such file');
      }
      return f;
    };
    const text = 'POST http://x/up\nContent-Type: multipart/form-data; boundary=b\n\n--b\n< ./part.bin\n--b--';
    const r = await parseImport(text, opts({ readReferencedFile }));
    assert.deepEqual(r.requests[0]!.body, Buffer.concat([Buffer.from('--b\r\n'), files['part.bin']!, Buffer.from('\r\n--b--')]));
  });

  test('requests that cannot be read are skipped with a warning each; the rest is imported', async () => {
    const text = [
      'POST http://x/ok HTTP/1.1',
      'X-Good: 1',
      'bad header line',
      'Bad Name: 2',
      '',
      'body',
      '###',
      'POST http://x/missing',
      '',
      '< ./missing.bin',
      '###',
      'NOT A REQUEST',
    ].join('\n');
    const readReferencedFile = async () => {
      throw new Error('ENOENT: no such file or directory');
    };
    const r = await parseImport(text, opts({ readReferencedFile, fileName: 'x.http' }));
    assert.equal(r.requests.length, 1);
    assert.deepEqual(r.requests[0]!.draft.headers, [['X-Good', '1']]);
    assert.deepEqual(r.requests[0]!.body, Buffer.from('body'));
    assert.deepEqual(
      r.warnings.map((w) => w.replace(/\(line \d+\)/, '(line n)')),
      [
        'Request 1 (line n): the line "bad header line" is not a header (Name: value) and was left out.',
        'Request 1 (line n): the header "Bad Name" is not valid HTTP and was left out.',
        'Request 2 (line n) was skipped: its body file "./missing.bin" could not be read (ENOENT: no such file or directory).',
        'Request 3 (line n) was skipped: its first line "NOT A REQUEST" is not a request line (METHOD URL [HTTP/1.1]).',
      ],
    );
  });

  test('a file reference without a reader, and a .http file without requests, are clear errors', async () => {
    await assert.rejects(
      parseImport('POST http://x/a\n\n< ./body.bin', opts()),
      (err: unknown) =>
        err instanceof ImportError &&
        /No request of the \.http file could be imported\. .*"\.\/body\.bin", which cannot be read here/.test(err.message),
    );
    await assert.rejects(
      parseImport('# only a comment\n\n###\n', opts({ fileName: 'empty.http' })),
      (err: unknown) =>
        err instanceof ImportError &&
        /holds no request: expected a request line like "POST https:\/\/host\/path HTTP\/1\.1"/.test(err.message),
    );
  });
});

describe('cURL commands written by hand or copied from a browser', () => {
  const files: Record<string, Buffer> = { 'f.txt': Buffer.from('a\r\nb\nc\n'), 'raw.bin': Buffer.from([0x00, 0x0d, 0x0a, 0xff]) };
  const readReferencedFile = async (ref: string) => {
    const f = files[ref];
    if (!f) {
      throw new Error('ENOENT');
    }
    return f;
  };
  const opts = (over: Partial<ImportOptions> = {}): ImportOptions => ({ maxBodyBytes: 1024, now: () => NOW, readReferencedFile, ...over });
  const one = async (command: string) => {
    const r = await parseImport(command, opts());
    assert.equal(r.requests.length, 1, r.warnings.join(' | '));
    return { ...r.requests[0]!, warnings: r.warnings };
  };

  // The expected bytes below are what curl 7.88 sent to a test server for the same commands.
  test('-d reads @file without CR and LF, --data-binary keeps them, several data options join with &, a form type is added', async () => {
    const a = await one('curl http://h/a -d @f.txt');
    assert.deepEqual(a.body, Buffer.from('abc'));
    assert.equal(a.draft.method, 'POST');
    assert.deepEqual(a.draft.headers, [['Content-Type', 'application/x-www-form-urlencoded']]);
    const b = await one('curl http://h/b --data-binary @raw.bin -H "Content-Type: application/octet-stream"');
    assert.deepEqual(b.body, files['raw.bin']);
    assert.deepEqual(b.draft.headers, [['Content-Type', 'application/octet-stream']]);
    const c = await one("curl -d 'a' --data-binary 'b' --data-raw '@c' http://h/h");
    assert.deepEqual(c.body, Buffer.from('a&b&@c'));
  });

  test('--data-urlencode as curl encodes it; -G moves the data to the query', async () => {
    const e = await one(
      `curl http://h/b --data-urlencode 'x=a b&c/é~' --data-urlencode '=q r' --data-urlencode 'plain text' --data-urlencode 'n@f.txt'`,
    );
    assert.equal(e.body!.toString('latin1'), 'x=a+b%26c%2F%C3%A9~&q+r&plain+text&n=a%0D%0Ab%0Ac%0A');
    const g = await one(`curl 'http://h/d?z=0' -G --data-urlencode 'a=1 2' -d 'b=2'`);
    assert.equal(g.draft.method, 'GET');
    assert.equal(g.draft.url, '/d?z=0&a=1+2&b=2');
    assert.equal(g.body, undefined);
    assert.deepEqual(g.draft.headers, []);
  });

  test('-u, -A, -e and -b become headers where curl sends them, before the -H ones; Name; and Name: as curl reads them', async () => {
    const r = await one(`curl -u 'us:pw' -A agent -e ref -b 'a=1' -H 'X-C: c' -H 'X;' -H 'Y:' -H 'W' -H 'Accept:' http://h/g`);
    assert.deepEqual(r.draft.headers, [
      ['Authorization', 'Basic dXM6cHc='],
      ['User-Agent', 'agent'],
      ['Referer', 'ref'],
      ['Cookie', 'a=1'],
      ['X-C', 'c'],
      ['X', ''],
    ]);
    assert.match(r.warnings[0]!, /the header "W" has no colon; curl does not send it/);
    const j = await one(`curl http://h/e --json '{"a":1}' --json '{"b":2}'`);
    assert.deepEqual(j.body, Buffer.from('{"a":1}{"b":2}'));
    assert.deepEqual(j.draft.headers, [
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json'],
    ]);
  });

  test("a browser-style command: $'…' quoting, --data-raw, --compressed, short option clusters, a prompt and a pipe", async () => {
    const command = [
      "$ curl 'https://example.com/hooks?a=1#frag' \\",
      "  -H 'accept: application/json' \\",
      "  -H $'x-note: it\\'s \\u2713' \\",
      '  -sSL -XPUT --compressed \\',
      '  --data-raw $\'{"text":"line1\\\\nline2",\\n"b":"\\xc3\\xa9"}\' | jq . > out.json 2>/dev/null',
    ].join('\n');
    const r = await one(command);
    assert.equal(r.draft.method, 'PUT');
    assert.equal(r.draft.url, '/hooks?a=1');
    assert.deepEqual(r.draft.headers, [
      ['accept', 'application/json'],
      ['x-note', "it's ✓"],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ]);
    assert.deepEqual(r.body, Buffer.from('{"text":"line1\\nline2",\n"b":"é"}'));
  });

  test('dot segments go unless --path-as-is; a URL without scheme; --url; -I', async () => {
    assert.equal((await one("curl 'http://h/f/./x/../y?q=/../z'")).draft.url, '/f/y?q=/../z');
    assert.equal((await one("curl --path-as-is 'http://h/f/./x/../y'")).draft.url, '/f/./x/../y');
    assert.equal((await one("curl 'localhost:4000?x=1'")).draft.url, '/?x=1');
    assert.equal((await one('curl --url http://h/u -X DELETE')).draft.method, 'DELETE');
    assert.equal((await one('curl -I http://h/head')).draft.method, 'HEAD');
    assert.equal(curlPathAndQuery('http://h', false), '/');
    assert.equal(curlPathAndQuery('http://h/a/b/../../../c', false), '/c');
  });

  test('several commands in one file: newlines, ; and &&; other commands are ignored with a warning', async () => {
    const r = await parseImport('set -e\ncurl http://h/1; curl http://h/2 && curl -X POST http://h/3 -d x\necho done\n', opts());
    assert.equal(r.format, 'curl');
    assert.deepEqual(
      r.requests.map((q) => `${q.draft.method} ${q.draft.url}`),
      ['GET /1', 'GET /2', 'POST /3'],
    );
    assert.deepEqual(r.warnings, [
      'Line 1: "set" is not a curl command; it was ignored.',
      'Line 3: "echo" is not a curl command; it was ignored.',
    ]);
  });

  test('an unknown option skips its command with a warning that names it; alone, it is an error', async () => {
    const r = await parseImport('curl --frobnicate http://h/bad\ncurl http://h/good', opts());
    assert.deepEqual(
      r.requests.map((q) => q.draft.url),
      ['/good'],
    );
    assert.deepEqual(r.warnings, [
      'Command 1 (line 1) was skipped: the option --frobnicate is not one the import knows, and it may change the request.',
    ]);
    await assert.rejects(
      parseImport('curl -Q x http://h/', opts()),
      (err: unknown) =>
        err instanceof ImportError &&
        err.message ===
          'No request of the cURL file could be imported. Command 1 (line 1) was skipped: the option -Q is not one the import knows, and it may change the request.',
    );
    await assert.rejects(
      parseImport('curl -F a=1 http://h/', opts()),
      /the option -F is not supported \(multipart forms \(-F\) are built by curl\)/,
    );
  });

  test('an unterminated quote, a shell expansion, a missing body file and a missing URL are clear errors', async () => {
    await assert.rejects(
      parseImport("curl -d 'abc http://h/", opts()),
      (err: unknown) => err instanceof ImportError && /a single quote \('\) opened on line 1 is never closed/.test(err.message),
    );
    await assert.rejects(parseImport('curl -d "{\\"a\\":1}" "http://h/x', opts()), /a double quote \("\) opened on line 1 is never closed/);
    await assert.rejects(
      parseImport('curl -H "Authorization: Bearer $TOKEN" http://h/', opts()),
      /the shell expansion "\$T…" inside double quotes cannot be evaluated here/,
    );
    await assert.rejects(
      parseImport('curl --data-binary @gone.bin http://h/', opts()),
      /its body file "gone\.bin" could not be read \(ENOENT\)/,
    );
    await assert.rejects(
      parseImport('curl --data-binary @gone.bin http://h/', opts({ readReferencedFile: undefined })),
      /its body is in the file "gone\.bin", which cannot be read here/,
    );
    await assert.rejects(parseImport('curl -s -X POST', opts()), /Command 1 \(line 1\) was skipped: it has no URL\./);
    await assert.rejects(parseImport('curl http://h/ -d @-', opts()), /@- reads the body from standard input/);
  });

  test('the shell splitter: quotes, escapes, continuations, comments and redirections', () => {
    const words = (s: string) =>
      splitShellCommands(Buffer.from(s, 'utf8').toString('latin1')).map((c) => c.words.map((w) => w.toString('utf8')));
    assert.deepEqual(words(`a 'b c'"d e"\\ f $'\\t' # comment\ng\\\nh`), [['a', 'b cd e f', '\t'], ['gh']]);
    assert.deepEqual(words(`echo "a \\$ \\" \\\\ \\x" 'it'"'"'s'`), [['echo', 'a $ " \\ \\x', "it's"]]);
    assert.deepEqual(words('curl x > out 2>&1 | tee y; curl z'), [
      ['curl', 'x'],
      ['curl', 'z'],
    ]);
    // The bytes bash gives for the same word (printf '%s' $'…' | od).
    assert.deepEqual(
      splitShellCommands("$'\\xff\\0101\\101\\u2713\\cA'").map((c) => [...c.words[0]!]),
      [[0xff, 0x08, 0x31, 0x41, 0xe2, 0x9c, 0x93, 0x01]],
    );
  });
});

describe('import: the format is told from the content, then the extension', () => {
  test('JSON, cURL and .http by content; the extension when the content says nothing', () => {
    assert.equal(detectFormat('  {"log": {}}', 'x.txt'), 'json');
    assert.equal(detectFormat('#!/bin/sh\n# c\ncurl http://x/', 'x.txt'), 'curl');
    assert.equal(detectFormat("/usr/bin/curl 'http://x/'"), 'curl');
    assert.equal(detectFormat('# evt\nPOST http://x/ HTTP/1.1\n', 'x.txt'), 'http');
    assert.equal(detectFormat('@h = http://x\n\nGET {{h}}/a'), 'http');
    assert.equal(detectFormat('# nothing yet', 'empty.http'), 'http');
    assert.equal(detectFormat('# nothing yet', 'empty.sh'), 'curl');
    assert.equal(detectFormat('not json', 'x.har'), 'json');
  });

  test('garbage text is refused with a message that says what Import reads', async () => {
    for (const garbage of ['hello world\nthis is not a request', '', '\u0000\u0001binary', 'GET without a url']) {
      await assert.rejects(
        parseImport(garbage, { maxBodyBytes: 1024, fileName: 'notes.txt' }),
        (err: unknown) =>
          err instanceof ImportError &&
          err.message ===
            'The file is not in a format Import reads. Import reads HAR files and fixtures (JSON), .http files in the REST Client format (requests like "POST https://host/path HTTP/1.1", apart by ###) and cURL commands (starting with "curl").',
      );
    }
  });
});
