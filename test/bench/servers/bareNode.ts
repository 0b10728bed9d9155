// Baseline: a bare node:http server on 127.0.0.1 that only drains bodies and answers 200.
// Prints {"port":N}, then serves RPC (`stats`, `close`) from the bench.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../lib/child';
import { answer, cpuMicros, drain, tune } from './baseline';

let requests = 0;
let bytes = 0;
const server = http.createServer({ requireHostHeader: false }, (req, res) => {
  drain(req, (n) => {
    bytes += n;
    answer(res, ++requests);
  });
});
tune(server);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, kind: 'bare-node' })}\n`);
});

serveRpc({ stats: () => ({ requests, bytes, cpuMicros: cpuMicros() }) }, () => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
