import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { fixtureBodyExtension, fixtureFileNames, fixtureMetadata } from '../../../src/core/export/fixture';
import { ImportError, importInto, parseImport, pathAndQuery } from '../../../src/core/export/import';
import type { ImportOptions } from '../../../src/core/export/import';
import { EventStore } from '../../../src/core/store';

const NOW = new Date('2026-11-29T13:00:00.000Z');
const opts: ImportOptions = { maxBodyBytes: 1024, now: () => NOW };

function har(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'Chrome', version: '1' }, entries } });
}

function entry(over: Record<string, unknown> = {}, request: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2026-11-29T10:20:30.450+01:00',
    request: {
      method: 'POST',
      url: 'https://example.com:8443/p/a?x=1#frag',
      httpVersion: 'HTTP/2',
      headers: [{ name: 'content-type', value: 'text/plain' }],
      ...request,
    },
    response: { status: 204, content: { size: 0, mimeType: 'text/plain', text: '' } },
    ...over,
  };
}

describe('import: HAR files from other tools', () => {
  test('takes path and query from the URL text, drops HTTP/2 pseudo-headers, normalises the time, classifies', async () => {
    const r = await parseImport(
      har([
        entry(
          {},
          {
            headers: [
              { name: ':method', value: 'POST' },
              { name: ':authority', value: 'example.com' },
              { name: 'X-GitHub-Event', value: 'pull_request' },
              { name: 'content-type', value: 'application/json' },
            ],
            postData: { mimeType: 'application/json', text: '{"action":"opened"}' },
          },
        ),
      ]),
      opts,
    );
    assert.equal(r.format, 'har');
    const [req] = r.requests;
    assert.equal(req!.draft.url, '/p/a?x=1');
    assert.deepEqual(req!.draft.headers, [
      ['X-GitHub-Event', 'pull_request'],
      ['content-type', 'application/json'],
    ]);
    assert.equal(req!.draft.receivedAt, '2026-11-29T09:20:30.450Z');
    assert.equal(req!.draft.eventType, 'pull_request.opened');
    assert.equal(req!.draft.provider, 'github');
    assert.equal(req!.draft.imported, 'har');
    assert.deepEqual(req!.draft.response, { status: 204, body: '', contentType: 'text/plain' });
    assert.deepEqual(req!.body, Buffer.from('{"action":"opened"}'));
  });

  test('path and query are taken as written, never normalised', () => {
    assert.equal(pathAndQuery('http://h:1//a/../b?q=%zz'), '//a/../b?q=%zz');
    assert.equal(pathAndQuery('http://h'), '/');
    assert.equal(pathAndQuery('https://h?x'), '/?x');
    assert.equal(pathAndQuery('/already/a/path?y'), '/already/a/path?y');
  });

  test('a body over the limit is not kept: the event is imported without it, marked body-too-large', async () => {
    const big = randomBytes(2000).toString('base64');
    const r = await parseImport(
      har([entry({}, { postData: { mimeType: 'application/octet-stream', text: big, encoding: 'base64' } })]),
      opts,
    );
    const [req] = r.requests;
    assert.equal(req!.body, undefined);
    assert.equal(req!.draft.rejected, 'body-too-large');
    assert.equal(req!.draft.size, 2000);
    assert.match(r.warnings[0]!, /over the limit of 1024 bytes/);
  });

  test('entries that cannot be read are skipped with a warning each; the rest imports', async () => {
    const r = await parseImport(
      har([
        entry({}, { method: 'BAD METHOD' }),
        'not an entry',
        entry({}, { postData: { mimeType: 'x', text: '%%%not base64', encoding: 'base64' } }),
        entry(
          { startedDateTime: 'yesterday' },
          {
            headers: [
              { name: 'Bad Name', value: 'x' },
              { name: 'Ok', value: 'y' },
            ],
          },
        ),
      ]),
      opts,
    );
    assert.equal(r.requests.length, 1);
    assert.deepEqual(r.requests[0]!.draft.headers, [['Ok', 'y']]);
    assert.equal(r.requests[0]!.draft.receivedAt, NOW.toISOString());
    assert.equal(r.warnings.length, 5, r.warnings.join('\n'));
    assert.match(r.warnings.join('\n'), /Entry 1 was skipped: its method/);
    assert.match(r.warnings.join('\n'), /Entry 2 was skipped: it has no "request"/);
    assert.match(r.warnings.join('\n'), /Entry 3 was skipped: its body says base64 but is not/);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"log": ', /not valid JSON/],
    ['JSON that is neither', '{"hello": 1}', /neither a HAR file .* nor a Webhook Inspector fixture/],
    ['an array', '[1,2]', /neither a HAR file/],
    ['a log without entries', '{"log": {"version": "1.2"}}', /"log\.entries" is missing/],
    ['HAR 2', '{"log": {"version": "2.0", "entries": []}}', /not supported/],
    ['only bad entries', har([entry({}, { url: 42 })]), /No entry of the HAR file could be imported/],
    ['a fixture of another version', '{"fixtureVersion": 7}', /fixture version 7 is not supported/],
    ['a fixture without method', '{"fixtureVersion": 1, "url": "/"}', /no valid "method" and "url"/],
  ];
  for (const [name, text, message] of bad) {
    test(`refuses ${name} with a clear error`, async () => {
      await assert.rejects(parseImport(text, opts), (err: unknown) => err instanceof ImportError && message.test(err.message));
    });
  }
});

describe('import: fixtures saved by "Save as Fixture"', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-fixture-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const captured: CapturedEvent = {
    id: 'evt_fixture1',
    receivedAt: '2026-11-28T08:00:00.000Z',
    method: 'POST',
    url: '/webhooks/github?delivery=1',
    headers: [
      ['Host', '127.0.0.1:4000'],
      ['X-GitHub-Event', 'push'],
      ['content-type', 'application/octet-stream'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
    ],
    remoteAddress: '127.0.0.1',
    size: 9,
    response: { status: 200, body: '{"ok":true}', contentType: 'application/json' },
    provider: 'github',
    eventType: 'push',
  };
  const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0xff, 0x00]);

  async function saveFixture(bytes: Buffer = body): Promise<string> {
    const names = fixtureFileNames(path.join(dir, 'hook.json'), fixtureBodyExtension(captured, bytes));
    await fsp.writeFile(names.bodyPath, bytes);
    const meta = fixtureMetadata(captured, names.bodyFile, createHash('sha256').update(bytes).digest('hex'));
    await fsp.writeFile(names.metadataPath, JSON.stringify(meta, null, 2));
    return names.metadataPath;
  }

  const reader =
    (base: string) =>
    async (name: string, max: number): Promise<Buffer | 'too-large'> => {
      const file = path.join(base, name);
      return (await fsp.stat(file)).size > max ? 'too-large' : fsp.readFile(file);
    };

  test('comes back into a store with the same method, url, headers, body bytes and time', async () => {
    const meta = await saveFixture();
    const r = await parseImport(await fsp.readFile(meta, 'utf8'), { ...opts, readBodyFile: reader(dir) });
    assert.equal(r.format, 'fixture');
    const store = await EventStore.open(path.join(dir, 'store'), { maxEvents: 10 });
    try {
      const [e] = await importInto(store, r);
      assert.equal(e!.method, captured.method);
      assert.equal(e!.url, captured.url);
      assert.deepEqual(e!.headers, captured.headers);
      assert.equal(e!.receivedAt, captured.receivedAt);
      assert.deepEqual(e!.response, captured.response);
      assert.equal(e!.eventType, 'push');
      assert.equal((e as CapturedEvent & { imported?: string }).imported, 'fixture');
      assert.deepEqual(await store.readBody(e!.id), body);
    } finally {
      await store.close();
    }
  });

  test('a body file that was changed is refused (bodySha256)', async () => {
    const meta = await saveFixture();
    const bodyFile = JSON.parse(await fsp.readFile(meta, 'utf8')).bodyFile as string;
    await fsp.writeFile(path.join(dir, bodyFile), 'tampered');
    await assert.rejects(
      parseImport(await fsp.readFile(meta, 'utf8'), { ...opts, readBodyFile: reader(dir) }),
      /does not match the fixture's bodySha256/,
    );
  });

  test('a bodyFile that is a path is refused', async () => {
    const meta = JSON.parse(await fsp.readFile(await saveFixture(), 'utf8'));
    meta.bodyFile = '../../etc/passwd';
    await assert.rejects(
      parseImport(JSON.stringify(meta), { ...opts, readBodyFile: reader(dir) }),
      /must be a file name beside the metadata file/,
    );
  });

  test('a missing body file is a clear error', async () => {
    const meta = JSON.parse(await fsp.readFile(await saveFixture(), 'utf8'));
    meta.bodyFile = 'gone.bin';
    await assert.rejects(
      parseImport(JSON.stringify(meta), { ...opts, readBodyFile: reader(dir) }),
      /body file gone\.bin could not be read/,
    );
  });

  test('a body file over the limit is left out and the event marked body-too-large', async () => {
    const meta = await saveFixture(randomBytes(5000));
    const r = await parseImport(await fsp.readFile(meta, 'utf8'), { ...opts, readBodyFile: reader(dir) });
    assert.equal(r.requests[0]!.body, undefined);
    assert.equal(r.requests[0]!.draft.rejected, 'body-too-large');
    assert.equal(r.warnings.length, 1);
  });
});
