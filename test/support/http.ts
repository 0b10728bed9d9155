import * as http from 'node:http';
import * as net from 'node:net';

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with node:http (no keep-alive), body as bytes. */
export function request(
  url: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders | string[]; body?: Uint8Array | string; agent?: http.Agent } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? 'POST', headers: opts.headers as http.OutgoingHttpHeaders, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Writes raw bytes on a TCP socket and returns everything the server sent back until it closed or
 * went quiet. For requests node:http would not send (exact header case, malformed lines).
 */
export function rawRequest(port: number, data: Uint8Array | string, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.on('data', (c) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    socket.write(data);
  });
}

/**
 * Writes `parts` (possibly none) on a loopback socket and resolves with everything the server sent once it
 * closed the connection. Bounded: a connection left open rejects after `boundMs` instead of hanging the test.
 */
export function untilClosed(port: number, parts: ReadonlyArray<string | Uint8Array>, boundMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection stayed open; got: ${Buffer.concat(chunks).toString('latin1')}`));
    }, boundMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    for (const p of parts) {
      socket.write(p);
    }
  });
}

/** A request as a test server received it: raw header pairs in order, body bytes. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** A loopback server that answers "ok" and records every request in `received`. */
export async function startRecordingServer(): Promise<{ base: string; received: RecordedRequest[]; close: () => Promise<void> }> {
  const received: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      }
      received.push({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
