// The subject: the product's capture path over a real EventStore in a temp folder: the Receiver
// (express, 127.0.0.1, port 0) answers every 200 only after the event is written (group commit),
// and, with verification on, the Session verifies each event after its answer and records the
// verdict. Like the extension, a consumer copies the Events tree: it listens to store.onDidChange
// through the tree's 200 ms throttle and reads the first page (list(0, 200)) on each refresh.
// Prints {"port":N,...}, then serves RPC from the bench (see the handlers below).
import { mkdtemp, rm } from 'node:fs/promises';
import type * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CapturedEvent } from '../../../src/core/model/event';
import { headerValue } from '../../../src/core/model/event';
import { Receiver } from '../../../src/core/receiver';
import { Session } from '../../../src/core/session';
import { EventStore } from '../../../src/core/store';
import { StaticSecrets } from '../../../src/core/verification';
import { childConfig, epochMs, serveRpc } from '../lib/child';
import { RefreshThrottle } from '../lib/refreshThrottle';
import { BENCH_SECRET } from '../lib/workload';
import { cpuMicros } from './baseline';

const config = childConfig({
  maxEvents: 1_000_000,
  /** 'auto' and 'on': verification on arrival (Session); 'off': the Receiver alone. */
  signatures: 'auto' as 'auto' | 'on' | 'off',
  /** Record arrival → change → refresh times per request (keyed by the x-bench-seq header). */
  instrument: false,
  /** Run the tree-like consumer (throttled list(0, 200)). */
  tree: true,
  /** Diagnostic: give the receiver a store stub that "writes" nothing (isolates the persistence cost; implies signatures off). */
  storeStub: false,
});

/**
 * Diagnostic only (`storeStub: true`): a stand-in whose append resolves at once without touching the
 * disk. It takes over `real.onDidChange`, so the bench's listeners below see its additions.
 */
function stubStore(real: EventStore): EventStore {
  const listeners = new Set<(c: unknown) => void>();
  let n = 0;
  const stub = {
    append: (draft: Omit<CapturedEvent, 'id' | 'receivedAt' | 'pinned'> & { id?: string; receivedAt?: string }) => {
      const event = {
        ...draft,
        id: draft.id ?? `evt_stub${n++}`,
        receivedAt: draft.receivedAt ?? new Date().toISOString(),
      } as CapturedEvent;
      queueMicrotask(() => listeners.forEach((l) => l({ added: [event], removed: [], updated: [], evicted: 0 })));
      return Promise.resolve(event);
    },
    onDidChange: (l: (c: unknown) => void) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
  };
  (real as unknown as { onDidChange: unknown }).onDidChange = stub.onDidChange;
  return stub as unknown as EventStore;
}

// ---- SIGNATURE VERIFICATION ON ARRIVAL: the switch ------------------------------------------------
// 'auto'/'on': the product's capture path, `Session` (src/core/session.ts): Receiver + store + the
// Verifier, which after each answer reads the body back, verifies it (src/core/signatures) with the
// configured secret and records the verdict on the event (store.update). The bench's GitHub-style
// requests are signed with BENCH_SECRET, so every verdict should be "valid".
// 'off': the bare Receiver over the store, capture only.
function createCapture(store: EventStore): {
  receiver: Receiver;
  verification: string;
  onVerified?: (l: (e: CapturedEvent) => void) => void;
} {
  if (config.signatures === 'off' || config.storeStub) {
    return { receiver: new Receiver({ store, port: 0 }), verification: config.storeStub ? 'off (store stub)' : 'off (--signatures off)' };
  }
  const session = new Session({ store, port: 0, secrets: new StaticSecrets([['github', BENCH_SECRET]]) });
  return {
    receiver: session.receiver,
    verification: 'on (Session: Verifier after each answer)',
    onVerified: (l) => session.onDidProcess(l),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wi-bench-subject-'));
  const store = await EventStore.open(dir, { maxEvents: config.maxEvents });
  const verifyCounts: Record<string, number> = {};
  let verified = 0;
  let armed: { target: number; verifiedTarget: number; reachedAt?: number; verifiedAt?: number; listed?: number } | undefined;
  const capture = createCapture(config.storeStub ? stubStore(store) : store);
  const receiver = capture.receiver;
  capture.onVerified?.((event) => {
    verified++;
    if (armed && armed.verifiedAt === undefined && verified >= armed.verifiedTarget) {
      armed.verifiedAt = epochMs();
    }
    const status = event.verification?.status ?? 'none';
    verifyCounts[status] = (verifyCounts[status] ?? 0) + 1;
  });
  await receiver.start();
  let captured = 0;
  receiver.onDidCapture(() => {
    captured++;
  });
  // ---- end of the switch --------------------------------------------------------------------------

  // Arrival times, taken when node:http has parsed the request head ('request' event, before express).
  const arrivals = new Map<string, number>();
  let arrivalSource = 'off';
  if (config.instrument) {
    const server = (receiver as unknown as { server?: http.Server }).server;
    if (server) {
      arrivalSource = "node:http 'request' event";
      server.prependListener('request', (req: http.IncomingMessage) => {
        const seq = req.headers['x-bench-seq'];
        if (typeof seq === 'string') {
          arrivals.set(seq, performance.now());
        }
      });
    } else {
      arrivalSource = 'unavailable (Receiver.server is private and was not found)';
    }
  }

  let changes = 0;
  let added = 0;
  const changeLatencies: number[] = [];
  const refreshLatencies: number[] = [];
  const changeTimes: number[] = [];
  const refreshTimes: number[] = [];
  let awaitingRefresh: number[] = [];
  let firstPageLength = 0;
  const throttle = new RefreshThrottle(() => {
    const now = performance.now();
    refreshTimes.push(now);
    // What the tree's getChildren does on a refresh.
    firstPageLength = store.list(0, 200).length;
    void store.size;
    for (const a of awaitingRefresh) {
      refreshLatencies.push(now - a);
    }
    awaitingRefresh = [];
  });

  store.onDidChange((change) => {
    const now = performance.now();
    changes++;
    added += change.added.length;
    if (config.instrument) {
      changeTimes.push(now);
      for (const e of change.added) {
        const seq = headerValue(e, 'x-bench-seq');
        const a = seq === undefined ? undefined : arrivals.get(seq);
        if (a !== undefined && seq !== undefined) {
          arrivals.delete(seq);
          changeLatencies.push(now - a);
          awaitingRefresh.push(a);
        }
      }
    }
    if (config.tree) {
      throttle.schedule();
    }
    if (armed && armed.reachedAt === undefined && added >= armed.target) {
      armed.listed = store.list().length;
      armed.reachedAt = epochMs();
    }
  });

  process.stdout.write(
    `${JSON.stringify({ port: receiver.port, kind: 'subject', dir, verification: capture.verification, verifying: !!capture.onVerified, arrivalSource })}\n`,
  );

  const stats = () => ({
    size: store.size,
    added,
    changes,
    captured,
    refreshes: throttle.refreshCount,
    firstPageLength,
    verified,
    verifyCounts: { ...verifyCounts },
    rss: process.memoryUsage().rss,
    cpuMicros: cpuMicros(),
  });

  serveRpc(
    {
      stats,
      /** Waits until no event was added for `quietMs` (in-flight requests are written), then reports stats. */
      settle: async (args) => {
        const { quietMs = 150, timeoutMs = 15_000 } = (args ?? {}) as { quietMs?: number; timeoutMs?: number };
        const until = Date.now() + timeoutMs;
        let last = -1;
        // Also wait for verification on arrival to catch up, so its backlog does not run into the next measurement.
        while (Date.now() < until) {
          if (added === last && (!capture.onVerified || verified >= captured)) {
            break;
          }
          last = added;
          await new Promise((r) => setTimeout(r, quietMs));
        }
        return stats();
      },
      /** Burst: remember the moment `added` (and the listed length) reaches `target`. */
      arm: (args) => {
        const a = args as { target: number; verifiedTarget?: number };
        armed = { target: a.target, verifiedTarget: a.verifiedTarget ?? Number.POSITIVE_INFINITY };
        return stats();
      },
      armResult: async (args) => {
        const a = armed;
        if (!a) {
          throw new Error('not armed');
        }
        // Both moments are stamped by the listeners; this only waits for them (or the timeout).
        const timeoutMs = (args as { timeoutMs?: number } | undefined)?.timeoutMs ?? 30_000;
        const until = Date.now() + timeoutMs;
        while (Date.now() < until && (a.reachedAt === undefined || (capture.onVerified && a.verifiedAt === undefined))) {
          await new Promise((r) => setTimeout(r, 5));
        }
        armed = undefined;
        return { reachedAt: a.reachedAt, verifiedAt: a.verifiedAt, listed: a.listed, ...stats() };
      },
      /** Capture-to-UI: start a fresh sample. */
      latencyStart: () => {
        arrivals.clear();
        changeLatencies.length = refreshLatencies.length = changeTimes.length = refreshTimes.length = 0;
        awaitingRefresh = [];
        return stats();
      },
      latencyCollect: async () => {
        // Let the trailing refresh fire.
        await new Promise((r) => setTimeout(r, 300));
        return {
          changeLatencies: [...changeLatencies],
          refreshLatencies: [...refreshLatencies],
          changeTimes: [...changeTimes],
          refreshTimes: [...refreshTimes],
          unmatchedArrivals: arrivals.size,
          ...stats(),
        };
      },
      /** Durability: stop the receiver, close the store and count what a fresh open finds on disk. */
      reopen: async () => {
        await receiver.stop();
        await store.close();
        const again = await EventStore.open(dir, { maxEvents: config.maxEvents });
        const size = again.size;
        await again.close();
        return { sizeOnDisk: size };
      },
    },
    async () => {
      throttle.dispose();
      await receiver.stop().catch(() => undefined);
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  );
}

main().catch((err) => {
  process.stderr.write(`subject: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
