// Event ids (src/core/store/ids.ts): the first id a process makes is drawn at random, whatever its clock
// says, even a clock just past the epoch (a test clock); only later ids of the same millisecond count up
// from the one before. This file makes the process's first id: keep every other test out of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newEventId } from '../../../src/core/store/ids';

test('the first id of a process, at 1 ms after the epoch, has a random suffix; the next one of that ms counts up', () => {
  const first = newEventId(new Date(1));
  const second = newEventId(new Date(1));
  assert.match(first, /^evt_000000001[0-9a-f]{10}$/);
  const suffix = (id: string) => Number.parseInt(id.slice(-10), 16);
  // Drawn from 2^39 values: 1 (what "one more than the last id of this millisecond" would give) has a chance of 2^-39.
  assert.notEqual(suffix(first), 1);
  assert.ok(suffix(first) < 2 ** 39);
  assert.equal(suffix(second), suffix(first) + 1);
});
