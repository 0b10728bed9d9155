import * as http from 'node:http';
import * as net from 'node:net';

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with node:http (no keep-alive), body as bytes. */
export function request(url: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders | string[]; body?: Uint8Array | string; agent?: http.Agent } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'POST', headers: opts.headers as http.OutgoingHttpHeaders, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
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
