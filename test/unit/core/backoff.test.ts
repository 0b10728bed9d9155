import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../src/core/backoff';

test('backoff grows by the factor and is capped', () => {
  const opts = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };
  const delays = [1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, opts, () => 0.99));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
});

test('jitter takes up to its share off the delay, driven by the injected random', () => {
  const opts = { initialMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.5 };
  assert.equal(
    backoffDelay(1, opts, () => 0),
    1000,
  );
  assert.equal(
    backoffDelay(1, opts, () => 0.5),
    750,
  );
  assert.equal(
    backoffDelay(1, opts, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(3, opts, () => 0.25),
    3500,
  );
  assert.equal(
    backoffDelay(10, opts, () => 1),
    5000,
  );
});

test('defaults and odd inputs stay sane', () => {
  assert.equal(
    backoffDelay(1, {}, () => 0),
    DEFAULT_BACKOFF.initialMs,
  );
  assert.equal(backoffDelay(0, { jitter: 0 }), DEFAULT_BACKOFF.initialMs);
  assert.equal(backoffDelay(1000, { jitter: 0 }), DEFAULT_BACKOFF.maxMs);
  assert.equal(
    backoffDelay(1, { initialMs: 100, jitter: 5 }, () => 2),
    0,
  );
});
