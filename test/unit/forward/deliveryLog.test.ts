/**
 * The delivery history on disk: one small `push` record per delivery (not the whole list again),
 * written before `resend` resolves, replayed and compacted on open, and never lost to concurrent logs.
 */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { CapturedEvent, EventPatch } from '../../../src/core/model/event';
import type { DeliveryStore } from '../../../src/core/forward/index';
import type { Delivery } from '../../../src/core/model/delivery';
import { DeliveryLog, createHttpTransport, deliveriesOf, resend } from '../../../src/core/forward/index';
import { EventStore } from '../../../src/core/store';
import { capture, delivery, startHandler, strictGuard, tempStore } from './support';

async function indexLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const text = await fsp.readFile(path.join(dir, 'index.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('delivery log on disk', () => {
  test('when resend resolves, its delivery is in the files (a reader opening the store sees it), one small record per delivery', async () => {
    const ts = await tempStore();
    const h = await startHandler((req) => ({ status: 200, body: `seen ${req.body.toString()}` }));
    const transport = createHttpTransport();
    try {
      const { event, body } = await capture(ts.store, { url: '/durable', headers: [['Content-Type', 'text/plain']], body: 'b' });
      const log = new DeliveryLog(ts.store, { maxPerEvent: 3 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const d = await resend(event, body, h.url, { guard: strictGuard(), transport, log });
        ids.push(d.id);
        // A second process reading the folder now (no lock needed to read) already sees it.
        const reader = await EventStore.open(ts.store.dir, { maxEvents: 1000, readOnly: true });
        assert.deepEqual(
          deliveriesOf(reader.get(event.id)).map((x) => x.id),
          ids.slice(-3),
        );
        await reader.close();
      }
      const lines = await indexLines(ts.store.dir);
      const pushes = lines.filter((l) => l.op === 'push');
      assert.equal(pushes.length, 5);
      assert.deepEqual(
        pushes.map((p) => (p.v as Delivery).id),
        ids,
      );
      assert.ok(pushes.every((p) => p.id === event.id && p.f === 'deliveries' && p.n === 3));
      assert.equal((pushes[4]!.v as Delivery).body, 'seen b');
      assert.deepEqual(
        deliveriesOf(ts.store.get(event.id)).map((x) => x.id),
        ids.slice(-3),
      );
    } finally {
      transport.closeIdleConnections();
      await h.close();
      await ts.close();
    }
  });

  test('a long history is folded into the event when the index is compacted; the newest deliveries stay', async () => {
    const ts = await tempStore();
    const dir = ts.store.dir;
    try {
      const { event } = await capture(ts.store, { url: '/long', headers: [], body: 'x' });
      const other = await capture(ts.store, { url: '/other', headers: [], body: 'y' });
      const log = new DeliveryLog(ts.store, { maxPerEvent: 5 });
      for (let i = 1; i <= 1100; i++) {
        await log.append(event.id, delivery(i));
      }
      await log.append(other.event.id, delivery(9999));
      await ts.store.close();
      // Reopening replays 1,101 push records, then compacts (most lines are dead).
      let store = await EventStore.open(dir, { maxEvents: 1000 });
      assert.deepEqual(
        deliveriesOf(store.get(event.id)).map((d) => d.id),
        ['dlv_1096', 'dlv_1097', 'dlv_1098', 'dlv_1099', 'dlv_1100'],
      );
      assert.deepEqual(
        deliveriesOf(store.get(other.event.id)).map((d) => d.id),
        ['dlv_9999'],
      );
      await store.close();
      const lines = await indexLines(dir);
      assert.deepEqual(
        lines.map((l) => l.op),
        ['add', 'add'],
      );
      store = await EventStore.open(dir, { maxEvents: 1000 });
      assert.deepEqual(
        deliveriesOf(store.get(event.id)).map((d) => d.headers[0]![1]),
        ['1096', '1097', '1098', '1099', '1100'],
      );
      await store.close();
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  test('two logs over one store (a command makes its own) never lose a delivery', async () => {
    const ts = await tempStore();
    try {
      const { event } = await capture(ts.store, { url: '/two', headers: [], body: 'x' });
      const a = new DeliveryLog(ts.store);
      const b = new DeliveryLog(ts.store);
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append(event.id, delivery(i + 1))));
      assert.deepEqual(
        deliveriesOf(ts.store.get(event.id)).map((d) => d.id),
        Array.from({ length: 10 }, (_, i) => `dlv_${i + 1}`),
      );
    } finally {
      await ts.close();
    }
  });

  test('a store without appendTo gets the whole list through update', async () => {
    let event = { id: 'evt_mem' } as CapturedEvent;
    const patches: EventPatch[] = [];
    const store: DeliveryStore = {
      get: (id) => (id === event.id ? event : undefined),
      update: async (_id, patch) => {
        patches.push(patch);
        event = { ...event, ...patch };
        return event;
      },
    };
    const log = new DeliveryLog(store, { maxPerEvent: 2 });
    for (let i = 1; i <= 3; i++) {
      await log.append('evt_mem', delivery(i));
    }
    assert.deepEqual(
      patches.map((p) => deliveriesOf({ ...event, ...p }).map((d) => d.id)),
      [['dlv_1'], ['dlv_1', 'dlv_2'], ['dlv_2', 'dlv_3']],
    );
  });
});
