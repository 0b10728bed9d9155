import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import localtunnel from 'localtunnel';
import { startLtServer } from '../../support/ltServer';
import { createLocaltunnelFactory } from '../../../src/core/tunnel/localtunnelFactory';
import { TunnelOpenError } from '../../../src/core/tunnel/types';
import { activeResources, rawRequest, settleResources, startReceiver, waitFor } from './helpers';

/** A hang becomes a failure, not a stuck run. It is a guard, never what a test checks. */
const LIMIT = { timeout: 60_000 };

test('the protocol: handshake JSON, subdomain rules, public prefix routing', LIMIT, async (t) => {
  const lt = await startLtServer({ maxConnCount: 3 });
  t.after(() => lt.close());
  const fresh = (await (await fetch(`${lt.url}/?new`)).json()) as Record<string, unknown>;
  assert.equal(typeof fresh.id, 'string');
  assert.equal(typeof fresh.port, 'number');
  assert.equal(fresh.max_conn_count, 3);
  assert.equal(fresh.url, `${lt.url}/t/${String(fresh.id)}`);

  const named = (await (await fetch(`${lt.url}/my-hooks`)).json()) as Record<string, unknown>;
  assert.equal(named.id, 'my-hooks');
  // asked again while held: a random id, as the real server does
  const again = (await (await fetch(`${lt.url}/my-hooks`)).json()) as Record<string, unknown>;
  assert.notEqual(again.id, 'my-hooks');

  const bad = await fetch(`${lt.url}/No_Way`);
  assert.equal(bad.status, 403);
  assert.match(((await bad.json()) as { message: string }).message, /Invalid subdomain/);

  lt.refuseNewTunnels = true;
  assert.equal((await fetch(`${lt.url}/?new`)).status, 503);
  assert.equal((await fetch(`${lt.url}/t/unknown-tunnel/x`)).status, 404);
  assert.deepEqual(lt.stats.requestedSubdomains, [null, 'my-hooks', 'my-hooks', 'No_Way', null]);
  assert.equal(lt.stats.tunnelsCreated, 3);
});

test('a public request reaches the local receiver byte-exact through the localtunnel client', LIMIT, async (t) => {
  const baseline = activeResources();
  const lt = await startLtServer({ maxConnCount: 2, graceMs: 10_000 });
  const receiver = await startReceiver();
  const open = createLocaltunnelFactory();
  const conn = await open({ host: lt.url, localPort: receiver.port, localHost: '127.0.0.1', signal: new AbortController().signal });
  t.after(async () => {
    conn.close();
    await lt.close();
    await receiver.close();
  });
  assert.equal(conn.url, lt.publicUrlFor(conn.subdomain));

  const body = randomBytes(64 * 1024);
  const path = new URL(`${conn.url}/hooks/stripe?x=1&y=%20z`).pathname.replace(`/t/${conn.subdomain}`, '');
  assert.equal(path, '/hooks/stripe');
  const head =
    `POST /t/${conn.subdomain}/hooks/stripe?x=1&y=%20z HTTP/1.1\r\n` +
    'Host: hooks.example.test\r\n' +
    'X-Dup: one\r\n' +
    'Content-Type: application/octet-stream\r\n' +
    'x-dup: two\r\n' +
    'X-MiXeD-CaSe: Keep Me\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  const response = await rawRequest(lt.port, head, body);
  assert.match(response, /^HTTP\/1\.1 200 /);
  await waitFor(() => receiver.requests.length === 1, 'the request at the receiver');

  const got = receiver.requests[0];
  assert.equal(got.method, 'POST');
  assert.equal(got.url, '/hooks/stripe?x=1&y=%20z');
  assert.ok(got.body.equals(body), 'body bytes unchanged');
  const sent = [
    'Host',
    'hooks.example.test',
    'X-Dup',
    'one',
    'Content-Type',
    'application/octet-stream',
    'x-dup',
    'two',
    'X-MiXeD-CaSe',
    'Keep Me',
    'Content-Length',
    String(body.length),
    'Connection',
    'close',
  ];
  assert.deepEqual(got.rawHeaders.slice(0, sent.length), sent, 'headers in order, case and duplicates kept');
  assert.deepEqual(got.rawHeaders.slice(sent.length), ['x-forwarded-for', '127.0.0.1', 'x-forwarded-proto', 'http']);

  // and a plain fetch of <url>/any/path?x=1 lands on /any/path?x=1
  const res = await fetch(`${conn.url}/any/path?x=1`, { method: 'POST', body: 'hi' });
  assert.equal(await res.text(), 'ok');
  assert.equal(receiver.requests[1].url, '/any/path?x=1');
  assert.equal(receiver.requests[1].body.toString(), 'hi');

  conn.close();
  await lt.close();
  await receiver.close();
  assert.deepEqual(await settleResources(baseline), {}, 'no sockets, servers or timers left');
});

test('axios override: the stock localtunnel() client (axios handshake) works against the loopback server', LIMIT, async (t) => {
  const requireFromLt = createRequire(require.resolve('localtunnel'));
  const axiosVersion = (requireFromLt('axios/package.json') as { version: string }).version;
  assert.match(axiosVersion, /^1\./, `localtunnel resolves axios ${axiosVersion}`);

  const lt = await startLtServer({ maxConnCount: 2, graceMs: 10_000 });
  const receiver = await startReceiver();
  const client = await localtunnel({ port: receiver.port, host: lt.url, subdomain: 'axios-check' });
  client.on('error', () => undefined);
  t.after(async () => {
    client.close();
    await lt.close();
    await receiver.close();
  });
  assert.equal(client.url, lt.publicUrlFor('axios-check'));
  const res = await fetch(`${client.url}/webhook`, { method: 'POST', body: '{"a":1}' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok');
  assert.equal(receiver.requests[0].body.toString(), '{"a":1}');
});

test('the factory reports server refusals with the server message, retryable or not', LIMIT, async (t) => {
  const lt = await startLtServer();
  t.after(() => lt.close());
  const open = createLocaltunnelFactory();
  const signal = new AbortController().signal;
  await assert.rejects(open({ host: lt.url, subdomain: 'Bad_Name', localPort: 1, localHost: '127.0.0.1', signal }), (err: unknown) => {
    assert.ok(err instanceof TunnelOpenError);
    assert.equal(err.retryable, false);
    assert.equal(err.status, 403);
    assert.match(err.message, /Invalid subdomain/);
    return true;
  });
  lt.refuseNewTunnels = true;
  await assert.rejects(open({ host: lt.url, localPort: 1, localHost: '127.0.0.1', signal }), (err: unknown) => {
    assert.ok(err instanceof TunnelOpenError);
    assert.equal(err.retryable, true);
    assert.equal(err.status, 503);
    return true;
  });
  await assert.rejects(open({ host: 'ftp://x', localPort: 1, localHost: '127.0.0.1', signal }), /must be an http/);
});

test('the factory cancels a hanging handshake on abort', LIMIT, async (t) => {
  const baseline = activeResources();
  const lt = await startLtServer();
  t.after(() => lt.close());
  lt.hang = true;
  const ctl = new AbortController();
  const opening = createLocaltunnelFactory()({ host: lt.url, localPort: 1, localHost: '127.0.0.1', signal: ctl.signal });
  await waitFor(() => lt.stats.requestedSubdomains.length === 1, 'the handshake at the server');
  ctl.abort(new Error('user stopped'));
  await assert.rejects(opening, /user stopped/);
  await lt.close();
  assert.deepEqual(await settleResources(baseline), {});
});
