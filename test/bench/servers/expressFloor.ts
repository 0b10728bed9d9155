// Baseline: express's own floor, configured as the receiver configures it (no x-powered-by, no
// etag, same node:http settings), with one middleware that only drains the body and answers 200.
import express from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../lib/child';
import { answer, cpuMicros, drain, tune } from './baseline';

let requests = 0;
let bytes = 0;
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use((req, res) => {
  drain(req, (n) => {
    bytes += n;
    answer(res, ++requests);
  });
});
const server = http.createServer({ requireHostHeader: false }, app);
tune(server);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, kind: 'express-floor' })}\n`);
});

serveRpc({ stats: () => ({ requests, bytes, cpuMicros: cpuMicros() }) }, () => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
