import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { interceptCanary } from '../../../src/core/tunnel/canary';
import type { TunnelStatus } from '../../../src/core/tunnel/types';
import type { TunnelSupervisor } from '../../../src/core/tunnel/tunnelSupervisor';

export interface ReceivedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface TestReceiver {
  readonly port: number;
  readonly url: string;
  readonly requests: ReceivedRequest[];
  canaries: number;
  /** When false, canaries are answered like any other request (200 "ok"), as a foreign server would. */
  answerCanaries: boolean;
  close(): Promise<void>;
}

/** A tiny receiver on 127.0.0.1: answers canaries as ours will, records everything else byte for byte. */
export async function startReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: { canaries: number; answerCanaries: boolean } = { canaries: 0, answerCanaries: true };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = receiver.answerCanaries ? interceptCanary({ method: req.method ?? '', url: req.url ?? '' }) : undefined;
      if (reply) {
        receiver.canaries++;
        res.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers });
        res.end(reply.body);
        return;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  });
}

/** A port that was free a moment ago and has nothing listening on it now. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Waits until `predicate` holds. The bound only turns a hang into a readable failure; it is generous
 * on purpose and never the thing under test.
 */
export async function waitFor(predicate: () => boolean, label: string, boundMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > boundMs) {
      throw new Error(`Timed out waiting for: ${label}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Recorder {
  readonly states: string[];
  readonly statuses: TunnelStatus[];
  dispose(): void;
}

export function record(supervisor: TunnelSupervisor): Recorder {
  const states: string[] = [supervisor.state];
  const statuses: TunnelStatus[] = [];
  const a = supervisor.onDidChangeState((s) => states.push(s.state));
  const b = supervisor.onDidChangeStatus((s) => statuses.push(s));
  return {
    states,
    statuses,
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

/** Counts of the resources keeping the event loop alive, e.g. `{ TCPSocketWrap: 2, Timeout: 1 }`. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) {
    counts[r] = (counts[r] ?? 0) + 1;
  }
  return counts;
}

/** Resources now in excess of `baseline` (sockets, servers, timers, DNS requests...). */
export function excessResources(baseline: Record<string, number>): Record<string, number> {
  const now = activeResources();
  const excess: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) {
    if (v > (baseline[k] ?? 0)) {
      excess[k] = v - (baseline[k] ?? 0);
    }
  }
  return excess;
}

/** Waits until nothing is left above the baseline; returns what is left if that never happens. */
export async function settleResources(baseline: Record<string, number>, boundMs = 5000): Promise<Record<string, number>> {
  const start = Date.now();
  for (;;) {
    const excess = excessResources(baseline);
    if (Object.keys(excess).length === 0 || Date.now() - start > boundMs) {
      return excess;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends raw bytes as one HTTP/1.1 request (send `Connection: close`) and resolves with the raw response. */
export function rawRequest(port: number, head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

/** A `random` that plays back a list, then repeats its last value. */
export function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}
