/**
 * Guards small pure rules of the forward core: a path route ending in `/` matches that folder only,
 * `?` in a glob is one character within a segment, an unparsable target is refused with a sentence
 * that says what to type (and the guard refuses other schemes), a target without a scheme is read as
 * http, a target with only a query keeps the event's path, the proxy's reply when a failure has no
 * message or is a timeout, the receiver's own headers kept out of the proxy's reply, and `realSleep`
 * returns at once for an already-aborted signal, ends without one, and leaves no listener on a shared one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globMatches, pathMatches } from '../../../src/core/forward/routing';
import { HostGuard, parseTarget, targetPath, TargetError } from '../../../src/core/forward/target';
import { replyFor } from '../../../src/core/forward/proxyReply';
import { realSleep } from '../../../src/core/forward/types';
import type { Delivery } from '../../../src/core/model/delivery';

describe('small rules', () => {
  test('a path route ending in / matches the folder and what is under it, nothing else', () => {
    assert.equal(pathMatches('/hooks/', '/hooks'), true);
    assert.equal(pathMatches('/hooks/', '/hooks/stripe'), true);
    assert.equal(pathMatches('/hooks/', '/other'), false);
    assert.equal(pathMatches('/hooks/', '/hooksx'), false);
  });

  test('? in a glob is exactly one character, never the separator', () => {
    assert.equal(globMatches('a?c', 'abc', '/'), true);
    assert.equal(globMatches('a?c', 'ac', '/'), false);
    assert.equal(globMatches('a?c', 'a/c', '/'), false);
    assert.equal(globMatches('a?c', 'a?c', '/'), true);
  });

  test('a target that is not a URL is refused with INVALID_TARGET and an example to type', () => {
    assert.throws(
      () => parseTarget('http://[bad'),
      (err: unknown) =>
        err instanceof TargetError &&
        err.name === 'TargetError' &&
        err.code === 'INVALID_TARGET' &&
        err.message === '"http://[bad" is not a URL. Use a base URL such as http://localhost:3000 or http://localhost:3000/webhooks.',
    );
  });

  test('a target without a scheme is read as http (with or without a port); one with a scheme but no // is not', () => {
    assert.equal(parseTarget('example.test/hooks').href, 'http://example.test/hooks');
    assert.equal(parseTarget('localhost:4000').href, 'http://localhost:4000/');
    assert.throws(() => parseTarget('ftp:/files/x'), { name: 'TargetError', code: 'UNSUPPORTED_SCHEME' });
  });

  test('the host guard refuses a URL of another scheme, naming it', async () => {
    const guard = new HostGuard({ confirmHost: async () => assert.fail('not asked') });
    await assert.rejects(guard.check(new URL('ftp://127.0.0.1/x')), {
      name: 'TargetError',
      code: 'UNSUPPORTED_SCHEME',
      message: 'Only http: and https: targets are allowed, not ftp:.',
    });
  });

  test("a target with only a query: the event's path with the target's query", () => {
    assert.equal(targetPath(new URL('http://127.0.0.1:3000/?a=1'), '/hook/x?b=2'), '/hook/x?a=1');
  });

  test('proxy reply for a failure without a message: 502 with a default sentence', () => {
    const reply = replyFor({ status: undefined, errorCode: 'ECONNRESET', headers: [], body: '' } as unknown as Delivery);
    assert.equal(reply.status, 502);
    assert.deepEqual(JSON.parse(String(reply.body)), { error: 'handler_unreachable', message: 'The handler did not answer.' });
  });

  test("proxy reply for a timeout: 504 with JSON saying so; the receiver's own headers are never passed back", () => {
    const timeout = replyFor({
      status: undefined,
      errorCode: 'TIMEOUT',
      error: 'No answer in 10 s.',
      headers: [],
      body: '',
    } as unknown as Delivery);
    assert.deepEqual(timeout, {
      status: 504,
      body: JSON.stringify({ error: 'handler_timeout', message: 'No answer in 10 s.' }),
      contentType: 'application/json; charset=utf-8',
    });
    const answered = replyFor({
      status: 200,
      headers: [
        ['Date', 'Sat, 05 Dec 2026 00:00:00 GMT'],
        ['X-Content-Type-Options', 'nosniff'],
        ['X-Request-Id', 'r1'],
      ],
      body: 'ok',
    } as unknown as Delivery);
    assert.deepEqual(answered.headers, { 'x-request-id': 'r1' });
  });

  test('realSleep with an already-aborted signal returns before any timer could fire', async () => {
    const c = new AbortController();
    c.abort();
    const first = await Promise.race([
      realSleep(5000, c.signal).then(() => 'slept'),
      new Promise<string>((resolve) => setImmediate(() => resolve('still waiting'))),
    ]);
    assert.equal(first, 'slept');
  });

  test('realSleep without a signal ends; with a shared signal it leaves no listener behind', async () => {
    await realSleep(1);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void (w.name === 'MaxListenersExceededWarning' && warnings.push(w));
    process.on('warning', onWarning);
    try {
      // The forwarder passes its one stop signal to every retry's wait: Node warns past 10 listeners.
      const stop = new AbortController();
      for (let i = 0; i < 12; i++) {
        await realSleep(1, stop.signal);
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });
});
