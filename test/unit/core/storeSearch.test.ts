// EventStore.searchBodies (src/core/store/search.ts) at its edges: where bodies meet in a segment, bytes
// of deleted bodies between live ones, a word across the boundary of two read chunks, bodies listed out
// of offset order, missing files, no words at all.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { draft } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-search-edge-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const sorted = (s: Set<string>) => [...s].sort();

describe('searchBodies', () => {
  test('no words, or only empty ones, find nothing', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    await store.append(draft('/a', 3), Buffer.from('abc'));
    assert.deepEqual(sorted(await store.searchBodies([])), []);
    assert.deepEqual(sorted(await store.searchBodies(['', ''])), []);
    await store.close();
  });

  test('finds a word at the very start of each of several bodies that sit back to back', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const ids = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await store.append(draft(`/${i}`, 8), Buffer.from(`word${'-'.repeat(i + 1)}`))).id);
    }
    const none = await store.append(draft('/none', 0), undefined);
    assert.deepEqual(sorted(await store.searchBodies(['WORD'])), [...ids].sort());
    assert.ok(!(await store.searchBodies(['word'])).has(none.id));
    await store.close();
  });

  test('finds a word only in the last body of a segment, and not in the bytes of a deleted body between live ones', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const a = await store.append(draft('/a', 5), Buffer.from('alpha'));
    const b = await store.append(draft('/b', 6), Buffer.from('secret'));
    const c = await store.append(draft('/c', 5), Buffer.from('gamma'));
    const d = await store.append(draft('/d', 5), Buffer.from('delta'));
    await store.delete([b.id]);
    assert.deepEqual(sorted(await store.searchBodies(['secret'])), []);
    assert.deepEqual(sorted(await store.searchBodies(['delta'])), [d.id]);
    assert.deepEqual(sorted(await store.searchBodies(['a'])), [a.id, c.id, d.id].sort());
    await store.close();
  });

  test('a word is taken literally (no pattern) and matched on UTF-8 bytes', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const a = await store.append(draft('/a', 0), Buffer.from('{"note":"héllo wörld (a.c)"}'));
    await store.append(draft('/b', 0), Buffer.from('{"note":"abc"}'));
    assert.deepEqual(sorted(await store.searchBodies(['WÖRLD'.toLowerCase()])), [a.id]);
    assert.deepEqual(sorted(await store.searchBodies(['a.c'])), [a.id]);
    assert.deepEqual(sorted(await store.searchBodies(['(a.c)'])), [a.id]);
    assert.deepEqual(sorted(await store.searchBodies(['[x'])), []);
    await store.close();
  });

  test('a word across the boundary of two read chunks (4 MiB) is found, with a shorter word next to it', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10, largeBodyThreshold: 8 * 1024 * 1024 });
    const chunk = 4 * 1024 * 1024;
    const word = 'needle-in-the-haystack';
    // The word's last byte is the first byte of the second chunk: the latest place a straddling word can start.
    const body = Buffer.alloc(chunk + 64 * 1024, 0x2e);
    body.write(word, chunk - word.length + 1, 'latin1');
    body.write('q', 10, 'latin1');
    const big = await store.append(draft('/big', body.length), body);
    const small = await store.append(draft('/small', 1), Buffer.from('q'));
    assert.equal(store.bodyFile(big.id), undefined, 'the body is in the segment');
    assert.deepEqual(sorted(await store.searchBodies([word, 'q'])), [big.id]);
    assert.deepEqual(sorted(await store.searchBodies(['q'])), [big.id, small.id].sort());
    await store.close();
  });

  test('bodies listed out of their order in the segment are all searched', async () => {
    // An index written by hand (the earlier form, no checksum) whose events are in reverse offset order.
    await fsp.mkdir(path.join(dir, 'bodies'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'bodies', '000001.seg'), 'one-twothree');
    const event = (id: string) => ({ id, receivedAt: '2026-01-02T03:04:05.000Z', method: 'POST', url: `/${id}`, headers: [], size: 0 });
    const lines = [
      { op: 'add', e: event('evt_c'), b: [1, 7, 5] },
      { op: 'add', e: event('evt_b'), b: [1, 4, 3] },
      { op: 'add', e: event('evt_a'), b: [1, 0, 4] },
    ];
    await fsp.writeFile(path.join(dir, 'index.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const store = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    assert.deepEqual(sorted(await store.searchBodies(['three'])), ['evt_c']);
    assert.deepEqual(sorted(await store.searchBodies(['one'])), ['evt_a']);
    assert.deepEqual(sorted(await store.searchBodies(['two'])), ['evt_b']);
    assert.deepEqual(sorted(await store.searchBodies(['e'])), ['evt_a', 'evt_c']);
    await store.close();
  });

  test('bodies whose files went missing are not found, and the search still answers', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10, largeBodyThreshold: 8, segmentSize: 4 });
    const big = await store.append(draft('/big', 16), Buffer.from('large body match'));
    const small = await store.append(draft('/small', 4), Buffer.from('mat1'));
    const other = await store.append(draft('/other', 4), Buffer.from('mat2'));
    await fsp.rm(store.bodyFile(big.id)!);
    await fsp.rm(path.join(dir, 'bodies', '000001.seg'));
    assert.deepEqual(sorted(await store.searchBodies(['mat'])), [other.id]);
    assert.ok(!(await store.searchBodies(['mat'])).has(small.id));
    await store.close();
  });
});
