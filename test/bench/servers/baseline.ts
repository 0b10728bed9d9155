import type * as http from 'node:http';

/**
 * What both baselines answer: the same status, headers and body length as the receiver's
 * `{"ok":true,"id":"evt_…"}`, so only the work behind the answer differs.
 */
export function answer(res: http.ServerResponse, n: number): void {
  const body = Buffer.from(`{"ok":true,"id":"evt_${n.toString(36).padStart(19, '0')}"}`);
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.length);
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(body);
}

/** The receiver's server settings, copied from src/core/receiver.ts. */
export function tune(server: http.Server): void {
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
}

/** Reads and drops the body, then calls `done` (what "only drains bodies" means). */
export function drain(req: http.IncomingMessage, done: (bytes: number) => void): void {
  let bytes = 0;
  req.on('data', (c: Buffer) => {
    bytes += c.length;
  });
  req.on('end', () => done(bytes));
}

/** CPU time (user + system, all threads incl. libuv's pool) this process has used, µs. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
