// Test-only preload (node --require): host names listed in WI_TEST_LOOPBACK_NAMES (comma-separated)
// resolve to 127.0.0.1. A request to such a name, were one made, would land on a loopback listener of
// the test, never on another machine: tests use it to prove that a non-loopback target is refused
// before anything is sent (the listener must see no connection).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for node --require */
const dns = require('node:dns');

const names = new Set(
  (process.env.WI_TEST_LOOPBACK_NAMES || '')
    .split(',')
    .filter(Boolean)
    .map((n) => n.toLowerCase()),
);
const lookup = dns.lookup;
dns.lookup = function loopbackLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  if (typeof hostname === 'string' && names.has(hostname.toLowerCase())) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return {};
  }
  return lookup.apply(this, arguments);
};
