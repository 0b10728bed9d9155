/**
 * Parsing a forward target and an event's path (target.ts), for inputs a user or a sender really gives:
 * a target typed with spaces around it, a bare host whose query holds a URL, a URL with only a user name,
 * an event path whose query holds a URL, and an IPv6 address that merely starts like mapped loopback.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLoopbackHost, parseTarget, requestPathOf } from '../../../src/core/forward/target';

describe('target parsing', () => {
  test('spaces around a typed target are ignored', () => {
    assert.equal(parseTarget('  localhost:3000  ').href, 'http://localhost:3000/');
  });

  test('a bare host is read as http even when its query holds a URL', () => {
    assert.equal(
      parseTarget('localhost:3000/hook?next=https://example.test/').href,
      'http://localhost:3000/hook?next=https://example.test/',
    );
  });

  test('a user name alone in the URL is refused like a password', () => {
    assert.throws(() => parseTarget('http://user@localhost:3000'), { code: 'INVALID_TARGET' });
  });

  test('an event path whose query holds a URL keeps the whole path and query', () => {
    assert.equal(requestPathOf('/hooks?next=http://example.test/y'), '/hooks?next=http://example.test/y');
  });

  test('an IPv6 address that only starts like mapped loopback in hex is not loopback', () => {
    assert.equal(isLoopbackHost('[::ffff:7f00:1]'), true);
    assert.equal(isLoopbackHost('[::ffff:7f00:1:2]'), false);
  });
});
