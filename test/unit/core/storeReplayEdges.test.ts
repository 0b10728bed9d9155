// Index lines the store cannot use although their checksum is right (src/core/store/replay.ts, records.ts):
// a load skips each with its line number and reason and keeps every other line; and the table-driven CRC-32
// a Node without zlib.crc32 uses is zlib's. Issue #20: the branches the store's mutation runs left uncovered.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { encodeLines, tableCrc32 } from '../../../src/core/store/records';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-replay-edges-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const event = (id: string, url: string) =>
  JSON.stringify({
    id,
    receivedAt: '2026-01-02T03:04:05.000Z',
    method: 'POST',
    url,
    headers: [['Content-Type', 'application/json']],
    remoteAddress: '127.0.0.1',
    size: 0,
    response: { status: 200, body: '{"ok":true}', contentType: 'application/json' },
  });

/** One line of the current form (with its right checksum) from its head, without the newline. */
const line = (head: string) => encodeLines([head]).toString('utf8').slice(0, -1);

async function load(lines: string[]): Promise<{ urls: string[]; warnings: string[] }> {
  await fsp.writeFile(path.join(dir, 'index.jsonl'), lines.join('\n') + '\n');
  const logger = recordingLogger();
  const store = await EventStore.open(dir, { maxEvents: 100, logger });
  try {
    return { urls: store.list().map((e) => e.url), warnings: logger.warnings };
  } finally {
    await store.close();
  }
}

const corrupt = (n: number) => `Event store: skipped a corrupt record on line ${n} of index.jsonl.`;
const noBody = (n: number) => `Event store: skipped a record on line ${n} of index.jsonl whose body is missing or damaged.`;

/**
 * A line whose checksum has a letter that is not a hex digit where a digit was, so that the value read would
 * still be right if that letter counted as 1 (in place of a 1), as -1 (`1g` in place of `0f`) or as 16 (`0g` in
 * place of `10`): only the letter can make it corrupt.
 */
function notHexLines(): string[] {
  const found: string[] = [];
  for (const [pattern, replace] of [
    [/"c":"([0-9a-f]*)1/, (_: string, before: string) => `"c":"${before}g`],
    [/"c":"([0-9a-f]{6})([0-8])f"/, (_: string, before: string, d: string) => `"c":"${before}${Number(d) + 1}g"`],
    [/"c":"([0-9a-f]*?)([1-9a-f])0/, (_: string, before: string, d: string) => `"c":"${before}${(parseInt(d, 16) - 1).toString(16)}g`],
  ] as const) {
    for (let i = 0; ; i++) {
      const l = line(`{"op":"add","id":"evt_c","e":${event('evt_c', `/c${i}`)}`);
      if (pattern.test(l)) {
        found.push(l.replace(pattern, replace as (...args: string[]) => string));
        break;
      }
    }
  }
  return found;
}

test('well-checksummed lines the store cannot use are skipped, each with its line number and reason; the rest load', async () => {
  const notHex = notHexLines();
  const lines = [
    line(`{"op":"add","id":"evt_a","e":${event('evt_a', '/a')}`),
    '', // a blank line: no record, but it counts in the line numbers
    line(`{"op":"add","id":"evt_n","q":1`), // an add without its event
    line(`{"op":"add","id":"ev\\q","e":${event('evt_q', '/q')}`), // an id that is not valid JSON (\q)
    line(`{"op":"add","id":"evt_t","b":[1,2],"e":${event('evt_t', '/t')}`), // a body location of two numbers
    line(`{"op":"add","id":"evt_f","d":[1],"e":${event('evt_f', '/f')}`), // delivery facts of one item
    line(`{"op":"add","id":"evt_m","b":[9,0,1],"e":${event('evt_m', '/m')}`), // a body segment that is not there
    // Body locations that are not three numbers between commas in brackets (none is read as a location
    // of segment 0, which is not there: that would be skipped as a missing body instead).
    line(`{"op":"add","id":"evt_s","b":[0;0;1;,"e":${event('evt_s', '/s')}`),
    line(`{"op":"add","id":"evt_e","b":[,0,1],"e":${event('evt_e', '/e')}`),
    line(`{"op":"add","id":"evt_b","e":${event('evt_b', '/b')}`),
    ...notHex,
    // An id with a control character (JSON would have escaped it).
    line(`{"op":"add","id":"evt_\u0001","e":${event('evt_\u0001', '/control')}`),
    // An add without an event of its own, then a line of no known form whose `,"e":` the first must not borrow
    // (the two together, across the newline, would read as one JSON head).
    line(`{"op":"add","id":"evt_n","x":{"y":1`),
    ',"w":2,"e":{}',
    // Lines of the earlier form (no checksum): an operation the store does not know, an add without a method,
    // an add without an event.
    JSON.stringify({ op: 'zap', id: 'evt_a' }),
    JSON.stringify({ op: 'add', e: { id: 'evt_l', url: '/l', headers: [] } }),
    JSON.stringify({ op: 'add' }),
    // The same id added again moves to the end, with what the later line says.
    line(`{"op":"add","id":"evt_a","e":${event('evt_a', '/a-again')}`),
  ];
  const { urls, warnings } = await load(lines);
  assert.deepEqual(urls, ['/a-again', '/b']);
  assert.deepEqual(warnings, [
    ...[3, 4, 5, 6].map(corrupt),
    noBody(7),
    ...[8, 9, 11, 12, 13, 14, 15, 16].map(corrupt),
    ...[17, 18, 19].map(noBody),
  ]);
});

test('a line without a checksum is read whole, even when it leads with an id as the current form does', async () => {
  const legacy = JSON.stringify({ op: 'add', id: 'evt_k', e: JSON.parse(event('evt_k', '/k')) as unknown });
  assert.ok(legacy.startsWith('{"op":"add","id":"evt_k","e":{'));
  const { urls, warnings } = await load([legacy]);
  assert.deepEqual(urls, ['/k']);
  assert.deepEqual(warnings, []);
});

test('body locations and delivery facts of the wrong shape are corrupt, told apart from a body that is missing', async () => {
  const add = (id: string, fields: string) => line(`{"op":"add","id":"${id}",${fields},"e":${event(id, `/${id}`)}`);
  const { urls, warnings } = await load([
    add('evt_1', '"b":[1,-1,2]'),
    add('evt_2', '"b":[1.5,0,1]'),
    add('evt_3', '"b":{"file":7}'),
    add('evt_4', '"b":null'),
    add('evt_5', '"d":["github","x",1]'),
    add('evt_6', '"d":[null,5,1,null]'),
    add('evt_7', '"d":{"length":4,"1":"s"}'),
    add('evt_8', '"b":{"file":"gone.bin"}'),
    // Of the earlier form: not a record, an event whose id is not a string.
    'null',
    JSON.stringify({ op: 'add', e: { id: 7, method: 'POST', url: '/n', headers: [] } }),
    add('evt_v', '"b":[1,0,0]'),
  ]);
  assert.deepEqual(urls, []);
  assert.deepEqual(warnings, [...[1, 2, 3, 4, 5, 6, 7].map(corrupt), ...[8, 9, 10, 11].map(noBody)]);
});

test('set, push, del and clear apply; those for an event not there or of the wrong shape change nothing, and none is skipped', async () => {
  const rec = (r: object) => line(JSON.stringify(r).slice(0, -1));
  await fsp.writeFile(
    path.join(dir, 'index.jsonl'),
    [
      line(`{"op":"add","id":"evt_a","e":${event('evt_a', '/a')}`),
      line(`{"op":"add","id":"evt_b","e":${event('evt_b', '/b')}`),
      line(`{"op":"add","id":"evt_c","e":${event('evt_c', '/c')}`),
      rec({ op: 'set', id: 'evt_a', p: { eventType: 'push' } }),
      rec({ op: 'set', id: 'evt_gone', p: { eventType: 'x' } }),
      rec({ op: 'set', id: 'evt_b', p: 'xy' }),
      rec({ op: 'set', id: 'evt_b', p: null }),
      rec({ op: 'push', id: 'evt_a', f: 'deliveries', v: { at: 1 }, n: 5 }),
      rec({ op: 'push', id: 'evt_gone', f: 'deliveries', v: { at: 2 }, n: 5 }),
      rec({ op: 'push', id: 'evt_b', f: 5, v: 1, n: 5 }),
      rec({ op: 'push', id: 'evt_b', f: 'deliveries', v: 1, n: 'x' }),
      rec({ op: 'del', id: 'evt_gone' }),
      rec({ op: 'del', id: 'evt_c' }),
    ].join('\n') + '\n',
  );
  const logger = recordingLogger();
  const store = await EventStore.open(dir, { maxEvents: 100, logger });
  try {
    assert.deepEqual(logger.warnings, []);
    assert.deepEqual(
      store.list().map((e) => e.url),
      ['/b', '/a'],
    );
    const a = store.get('evt_a') as unknown as Record<string, unknown>;
    assert.equal(a.eventType, 'push');
    assert.deepEqual(a.deliveries, [{ at: 1 }]);
    const b = store.get('evt_b') as unknown as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(b).filter((k) => !['id', 'receivedAt', 'method', 'url', 'headers', 'remoteAddress', 'size', 'response'].includes(k)),
      [],
      'nothing added to evt_b',
    );
  } finally {
    await store.close();
  }
});

test('a clear removes every event added before it, and only those', async () => {
  const { urls, warnings } = await load([
    line(`{"op":"add","id":"evt_a","e":${event('evt_a', '/a')}`),
    line('{"op":"clear"'),
    line(`{"op":"add","id":"evt_d","e":${event('evt_d', '/d')}`),
  ]);
  assert.deepEqual(urls, ['/d']);
  assert.deepEqual(warnings, []);
});

test('a pin in the head of an add is known before the event is parsed: eviction passes it over', async () => {
  const pinnedEvent = JSON.stringify({ ...(JSON.parse(event('evt_p', '/p')) as object), pinned: true });
  await fsp.writeFile(
    path.join(dir, 'index.jsonl'),
    [line(`{"op":"add","id":"evt_p","p":1,"e":${pinnedEvent}`), line(`{"op":"add","id":"evt_q","e":${event('evt_q', '/q')}`)].join('\n') +
      '\n',
  );
  const store = await EventStore.open(dir, { maxEvents: 2 });
  try {
    await store.append(
      {
        method: 'POST',
        url: '/new',
        headers: [],
        remoteAddress: '127.0.0.1',
        size: 0,
        response: { status: 200, body: '', contentType: 'text/plain' },
      },
      undefined,
    );
    assert.deepEqual(
      store.list().map((e) => e.url),
      ['/new', '/p'],
    );
  } finally {
    await store.close();
  }
});

test('a line whose checksum tail does not end in `"}` is of no known form: corrupt, even when the digits match', async () => {
  const good = line(`{"op":"add","id":"evt_g","e":${event('evt_g', '/g')}`);
  const { urls, warnings } = await load([
    `${good.slice(0, -1)} `, // the closing brace replaced
    `${good.slice(0, -2)} }`, // the closing quote replaced
    good,
  ]);
  assert.deepEqual(urls, ['/g']);
  assert.deepEqual(warnings, [corrupt(1), corrupt(2)]);
});

test('a skipped line past the first 8 MiB read is reported with its own line number', async () => {
  const filler = line(`{"op":"del","id":"${'x'.repeat(1000)}"`);
  const lines = Array.from({ length: 9000 }, () => filler);
  lines.push('not a record');
  lines.push(line(`{"op":"add","id":"evt_z","e":${event('evt_z', '/z')}`));
  assert.ok(lines.join('\n').length > 8 * 1024 * 1024);
  const { urls, warnings } = await load(lines);
  assert.deepEqual(urls, ['/z']);
  assert.deepEqual(warnings, [corrupt(9001)]);
});

test('ids with escapes or bytes outside ASCII are read through JSON: each event is found by its id', async () => {
  await fsp.writeFile(
    path.join(dir, 'index.jsonl'),
    [
      line(`{"op":"add","id":"evt_\\u00e9","e":${event('evt_\u00e9', '/escaped')}`),
      line(`{"op":"add","id":"evt_ü","e":${event('evt_ü', '/utf8')}`),
    ].join('\n') + '\n',
  );
  const logger = recordingLogger();
  const store = await EventStore.open(dir, { maxEvents: 100, logger });
  try {
    assert.equal(store.get('evt_\u00e9')?.url, '/escaped');
    assert.equal(store.get('evt_ü')?.url, '/utf8');
    assert.deepEqual(logger.warnings, []);
  } finally {
    await store.close();
  }
});

test('a load of lines of the current form parses no JSON: each event is parsed when first asked for, once', async () => {
  const writer = await EventStore.open(dir, { maxEvents: 100 });
  for (let i = 0; i < 20; i++) {
    await writer.append(draft(`/${i}`, i % 2), i % 2 ? Buffer.from('b') : undefined);
  }
  await writer.close();
  const parse = JSON.parse;
  let parses = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    parses++;
    return parse(...args) as unknown;
  }) as typeof JSON.parse;
  try {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    try {
      assert.equal(store.size, 20);
      assert.equal(parses, 0, 'the heads (id, body location) are read without JSON.parse');
      assert.equal(store.list().length, 20);
      store.list();
      assert.equal(parses, 20);
    } finally {
      await store.close();
    }
  } finally {
    JSON.parse = parse;
  }
});

test('no heads make no bytes', () => {
  assert.equal(encodeLines([]).length, 0);
});

test('the table-driven CRC-32 is zlib’s: the check value, text as UTF-8, and random bytes of every length to 300', () => {
  assert.equal(tableCrc32('123456789'), 0xcbf43926);
  assert.equal(tableCrc32(''), 0);
  assert.equal(tableCrc32('é€😀'), tableCrc32(Buffer.from('é€😀', 'utf8')));
  const native = (zlib as unknown as { crc32: (data: string | Uint8Array) => number }).crc32;
  assert.equal(typeof native, 'function', 'this Node has zlib.crc32, the oracle');
  assert.equal(tableCrc32('é€😀'), native('é€😀'));
  for (let n = 0; n <= 300; n++) {
    const bytes = randomBytes(n);
    assert.equal(tableCrc32(bytes), native(bytes), `${n} random bytes`);
  }
});
