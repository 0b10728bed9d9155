import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDetailSnapshot, isHostMessage, isJsonNode, isWebviewMessage, toUiState } from '../../../src/core/detail/protocol';
import { buildDetailSnapshot } from '../../../src/core/detail/snapshot';
import { makeEvent } from './helpers';

test('isWebviewMessage accepts the protocol and nothing else', () => {
  const good = [
    { type: 'ready' },
    { type: 'action', action: 'copyCurl', eventId: 'evt_1' },
    { type: 'action', action: 'resend', eventId: 'evt_1' },
    { type: 'copyHeader', eventId: 'evt_1', index: 0 },
    { type: 'copyQuery', eventId: 'evt_1', index: 3 },
  ];
  for (const m of good) {
    assert.equal(isWebviewMessage(m), true, JSON.stringify(m));
  }
  const bad = [
    null,
    'ready',
    [],
    { type: 'Ready' },
    { type: 'action', action: 'runCommand', eventId: 'evt_1' },
    { type: 'action', action: 'copyCurl' },
    { type: 'action', action: 'copyCurl', eventId: '' },
    { type: 'action', action: 'copyCurl', eventId: 'x'.repeat(1000) },
    { type: 'copyHeader', eventId: 'evt_1', index: -1 },
    { type: 'copyHeader', eventId: 'evt_1', index: 1.5 },
    { type: 'copyHeader', eventId: 'evt_1', index: '0' },
    { type: 'executeCommand', command: 'workbench.action.terminal.new' },
    { type: 'action', action: '__proto__', eventId: 'evt_1' },
  ];
  for (const m of bad) {
    assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
  }
});

test('isHostMessage accepts real snapshots (after cloning) and rejects damaged ones', async () => {
  const snapshot = await buildDetailSnapshot(
    makeEvent({ headers: [['Content-Type', 'application/json']] }),
    Buffer.from('{"a":[1,{"b":null}]}'),
  );
  assert.equal(isHostMessage(structuredClone({ type: 'snapshot', snapshot })), true);
  assert.equal(isHostMessage({ type: 'missing', eventId: 'evt_1', message: 'gone' }), true);
  assert.equal(isDetailSnapshot({ ...snapshot, version: 2 }), false);
  assert.equal(isDetailSnapshot({ ...snapshot, headers: [{ name: 1, value: 'x' }] }), false);
  assert.equal(isDetailSnapshot({ ...snapshot, body: { ...snapshot.body, content: { kind: 'html', html: '<b>' } } }), false);
  assert.equal(isDetailSnapshot({ ...snapshot, verification: { status: 'hacked', reason: '' } }), false);
  assert.equal(isDetailSnapshot({ ...snapshot, actions: { canResend: 'yes', hasBody: true } }), false);
  assert.equal(isHostMessage({ type: 'snapshot' }), false);
  assert.equal(isHostMessage({ type: 'eval', code: 'alert(1)' }), false);
});

test('isJsonNode checks every node, iteratively', () => {
  assert.equal(isJsonNode({ t: 'object', entries: [['a', { t: 'array', items: [{ t: 'number', v: '1' }] }]] }), true);
  assert.equal(isJsonNode({ t: 'object', entries: [['a', { t: 'array', items: [{ t: 'number', v: 1 }] }]] }), false);
  assert.equal(isJsonNode({ t: 'string', v: 'x', extra: '<script>' }), true);
  assert.equal(isJsonNode({ t: 'markup', v: 'x' }), false);
  let deep: unknown = { t: 'null' };
  for (let i = 0; i < 100_000; i++) {
    deep = { t: 'array', items: [deep] };
  }
  assert.equal(isJsonNode(deep), true);
});

test('toUiState keeps only known UI state', () => {
  assert.deepEqual(toUiState(undefined), { collapsed: [] });
  assert.deepEqual(toUiState({ eventId: 'evt_1', collapsed: ['headers', 'bogus', 3], body: 'secret' }), {
    eventId: 'evt_1',
    collapsed: ['headers'],
  });
  assert.deepEqual(toUiState({ eventId: 42, collapsed: 'headers' }), { collapsed: [] });
});
