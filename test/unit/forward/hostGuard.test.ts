// The host guard is the refusal in front of every request that leaves for a host that is not
// loopback: non-http schemes are refused without asking, one question per host even when requests
// race, a no (or a failed prompt) is never remembered, and a yes is remembered once. No network:
// the guard decides before anything is resolved or sent (refusal.test.ts proves that end to end).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HostGuard, TargetError, isLoopbackHost, loopbackOnlyGuard } from '../../../src/core/forward/index';

const refused = (code: string) => (err: unknown) => err instanceof TargetError && err.code === code;

/** A prompt whose answer the test gives later, counting the questions. */
function slowPrompt() {
  const asked: string[] = [];
  let answer: (yes: boolean) => void = () => undefined;
  const confirmHost = (host: string) => {
    asked.push(host);
    return new Promise<boolean>((resolve) => (answer = resolve));
  };
  return { asked, confirmHost, answer: (yes: boolean) => answer(yes) };
}

describe('HostGuard', () => {
  test('a scheme other than http/https is refused without asking, even on localhost', async () => {
    const asked: string[] = [];
    const guard = new HostGuard({ confirmHost: async (h) => (asked.push(h), true) });
    for (const url of ['ftp://localhost/x', 'file:///etc/passwd', 'ws://example.com/']) {
      await assert.rejects(guard.check(new URL(url)), refused('UNSUPPORTED_SCHEME'), url);
    }
    assert.deepEqual(asked, []);
    await guard.check(new URL('https://localhost:8443/'));
    await guard.check(new URL('http://127.0.0.1/'));
    assert.deepEqual(asked, [], 'loopback over http and https passes without a question');
  });

  test('requests racing to one new host share one question; a yes lets all of them go and is saved once', async () => {
    const prompt = slowPrompt();
    const saved: string[][] = [];
    const guard = new HostGuard({ confirmHost: prompt.confirmHost, onDidAllow: (hosts) => saved.push([...hosts]) });
    const checks = [guard.check(new URL('https://Hooks.Example.com/a')), guard.check(new URL('https://hooks.example.com:8443/b'))];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(prompt.asked, ['hooks.example.com']);
    prompt.answer(true);
    await Promise.all(checks);
    assert.deepEqual(saved, [['hooks.example.com']]);
    assert.deepEqual(guard.allowedHosts, ['hooks.example.com']);
    assert.equal(guard.isAllowed(new URL('http://HOOKS.example.com/')), true);
  });

  test('requests racing to one host all fail on one no, and the next request asks again', async () => {
    const prompt = slowPrompt();
    const saved: string[][] = [];
    const guard = new HostGuard({ confirmHost: prompt.confirmHost, onDidAllow: (hosts) => saved.push([...hosts]) });
    const checks = [guard.check(new URL('https://a.example/')), guard.check(new URL('https://a.example/2'))];
    await new Promise((r) => setImmediate(r));
    prompt.answer(false);
    for (const check of checks) {
      await assert.rejects(check, refused('REFUSED_HOST'));
    }
    assert.deepEqual(prompt.asked, ['a.example']);
    const again = guard.check(new URL('https://a.example/3'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(prompt.asked, ['a.example', 'a.example'], 'a no is not remembered');
    prompt.answer(true);
    await again;
    assert.deepEqual(saved, [['a.example']]);
  });

  test('an allow-list given in any case is matched in lower case, without a question', async () => {
    const guard = new HostGuard({ confirmHost: async () => assert.fail('must not ask'), allowed: ['Staging.Example.COM'] });
    assert.deepEqual(guard.allowedHosts, ['staging.example.com']);
    await guard.check(new URL('https://staging.example.com/'));
    assert.equal(guard.isAllowed(new URL('https://other.example.com/')), false);
  });
});

describe('loopbackOnlyGuard (the CLI without --allow-host)', () => {
  test('refuses every other host without a prompt, lets loopback and the given hosts through', async () => {
    // check() only decides: it resolves and connects to nothing, so these names and addresses are never reached.
    const guard = loopbackOnlyGuard(['ci.example.net']);
    await assert.rejects(guard.check(new URL('https://example.com/')), refused('REFUSED_HOST'));
    await assert.rejects(guard.check(new URL('http://10.0.0.1/')), refused('REFUSED_HOST'));
    await guard.check(new URL('http://localhost:3000/'));
    await guard.check(new URL('https://CI.example.net/'));
    await assert.rejects(loopbackOnlyGuard().check(new URL('https://ci.example.net/')), refused('REFUSED_HOST'));
  });
});

describe('isLoopbackHost: the edges of the written forms', () => {
  test('loopback', () => {
    for (const h of [
      '0000:0000:0000:0000:0000:0000:0000:0001',
      '0:0:0:0:0:0:0:0001',
      '::FFFF:127.0.0.1',
      '[::ffff:127.10.200.255]',
      // As a URL's hostname writes them: [::ffff:127.0.0.1] and [::ffff:127.10.200.255].
      '[::ffff:7f00:1]',
      '[::ffff:7f0a:c8ff]',
      '127.0.0.1.',
      'LOCALHOST.',
      'A.B.Localhost',
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
  });

  test('not loopback', () => {
    for (const h of [
      '0:0:0:0:0:0:0:10',
      '1:0:0:0:0:0:0:1',
      '0:0:0:0:0:0:1:1',
      '::ffff:128.0.0.1',
      '::ffff:10.127.0.1',
      '1::ffff:127.0.0.1',
      '[::ffff:8000:1]',
      '[::ffff:a00:1]',
      '[1::ffff:7f00:1]',
      '::127.0.0.1',
      'evillocalhost',
      'localhost.evil',
      '[::2]',
      '1.127.0.0',
      '',
    ]) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });

  test('an IPv4-mapped loopback target passes the guard without asking, as its URL writes it', async () => {
    const url = new URL('http://[::ffff:127.0.0.1]:3000/hooks');
    assert.equal(url.hostname, '[::ffff:7f00:1]');
    assert.equal(isLoopbackHost(url.hostname), true);
    await new HostGuard({ confirmHost: async () => assert.fail('a loopback host is never asked about') }).check(url);
  });
});
