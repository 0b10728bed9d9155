// A stand-in for `cloudflared tunnel --url http://127.0.0.1:PORT --no-autoupdate --metrics 127.0.0.1:PORT2`.
//
// It prints to stderr what cloudflared 2025.8 prints for a quick tunnel (zerolog console lines
// `<time> INF …`; the URL in the AsciiBox of cmd/cloudflared/tunnel/quick_tunnel.go; then
// `Registered tunnel connection connIndex=0 … protocol=quic`), serves `GET /quicktunnel`
// (`{"hostname":"…"}`) and `GET /ready` (`{"status":200,"readyConnections":1,…}`) on the metrics
// address, and really proxies: the public side is an HTTP server on 127.0.0.1 that forwards every
// request, bytes and raw header pairs as received, to the --url origin, adding the forwarding headers
// cloudflared adds. The public URL it reports is therefore `http://127.0.0.1:<port>` where the real one
// is `https://<random-words>.trycloudflare.com`. Nothing leaves loopback.
//
// FAKE_CLOUDFLARED_SCENARIO:
//   ok (default)   box line, metrics, proxy
//   metrics-only   no box line: the URL is only in /quicktunnel
//   log-only       no metrics server: the URL is only in the box, readiness only in the log
//   rate-limit     what cloudflared prints when trycloudflare.com answers 429 / error 1015; exits 1
// FAKE_CLOUDFLARED_EXIT_AFTER_MS  exit 1 this long after the tunnel is up (a crash)
// FAKE_CLOUDFLARED_RECORD         a file: one JSON line {pid, ppid, argv} per start is appended
import { appendFileSync } from 'node:fs';
import * as http from 'node:http';

const args = process.argv.slice(2);
const scenario = process.env.FAKE_CLOUDFLARED_SCENARIO || 'ok';
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (process.env.FAKE_CLOUDFLARED_RECORD) {
  appendFileSync(process.env.FAKE_CLOUDFLARED_RECORD, `${JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: args })}\n`);
}
const log = (level, msg) => process.stderr.write(`${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} ${level} ${msg}\n`);

if (args[0] !== 'tunnel' || !flag('--url')) {
  log('ERR', 'fake cloudflared only knows `tunnel --url URL`');
  process.exit(2);
}
const origin = new URL(flag('--url'));
const metrics = flag('--metrics');

log(
  'INF',
  'Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee.',
);
log('INF', 'Requesting new quick Tunnel on trycloudflare.com...');

if (scenario === 'rate-limit') {
  log(
    'ERR',
    'Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character \'e\' looking for beginning of value" status_code="429 Too Many Requests"',
  );
  process.stderr.write("failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value\n");
  process.exit(1);
}

const proxy = http.createServer((req, res) => {
  const remote = req.socket.remoteAddress ?? '127.0.0.1';
  const headers = [...req.rawHeaders, 'Cf-Connecting-Ip', remote, 'X-Forwarded-For', remote, 'X-Forwarded-Proto', 'https'];
  const out = http.request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
    answer.pipe(res);
  });
  out.on('error', (err) => {
    log('ERR', `Request failed error="${err.message}" originService=${origin.href}`);
    res.writeHead(502).end();
  });
  req.pipe(out);
});
proxy.listen(0, '127.0.0.1', () => {
  const publicHost = `127.0.0.1:${proxy.address().port}`;
  const url = `http://${publicHost}`;
  const line = 'Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):';
  const width = Math.max(line.length, url.length);
  const border = `+${'-'.repeat(width + 4)}+`;
  if (scenario !== 'metrics-only') {
    for (const l of [border, `|  ${line.padEnd(width)}  |`, `|  ${url.padEnd(width)}  |`, border]) {
      log('INF', l);
    }
  }
  log('INF', 'Version 2025.8.1 (Checksum 0000000000000000000000000000000000000000000000000000000000000000)');
  if (metrics && scenario !== 'log-only') {
    const [mhost, mport] = metrics.split(':');
    const server = http.createServer((req, res) => {
      const json = (o) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      if (req.url === '/quicktunnel') {
        json({ hostname: publicHost });
      } else if (req.url === '/ready') {
        json({ status: 200, readyConnections: 1, connectorId: '00000000-0000-4000-8000-000000000000' });
      } else {
        res.writeHead(404).end('404 page not found\n');
      }
    });
    server.listen(Number(mport), mhost, () => log('INF', `Starting metrics server on ${metrics}/metrics`));
  }
  setTimeout(() => {
    log(
      'INF',
      'Registered tunnel connection connIndex=0 connection=00000000-0000-4000-8000-000000000000 event=0 ip=127.0.0.1 location=loopback protocol=quic',
    );
    const exitAfter = Number(process.env.FAKE_CLOUDFLARED_EXIT_AFTER_MS || 0);
    if (exitAfter > 0) {
      setTimeout(() => {
        log('ERR', 'Connection terminated error="fake cloudflared: simulated crash" connIndex=0');
        process.exit(1);
      }, exitAfter);
    }
  }, 50);
});

// Like real cloudflared (2025.8: cmd/cloudflared/tunnel/signal.go), it ends gracefully on SIGTERM and
// SIGINT and does NOT watch its parent or its stdin: a parent killed with SIGKILL would leave it
// running. Webhook Inspector therefore starts it under a watchdog (src/core/tunnel/watchdog.ts).
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    log('INF', `Initiating graceful shutdown due to signal ${sig === 'SIGTERM' ? 'terminated' : 'interrupt'} ...`);
    process.exit(0);
  });
}
