import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { captureFacts } from '../../../src/core/classify';
import { toEventJson } from '../../../src/core/eventJson';
import type { EventDraft } from '../../../src/core/store';
import { EventStore } from '../../../src/core/store';

/** A GitHub delivery as the receiver would store it (provider and delivery id from `captureFacts`). */
function github(guid: string, extra: Array<[string, string]> = []): { draft: EventDraft; body: Buffer } {
  const body = Buffer.from('{"action":"opened"}');
  const headers: Array<[string, string]> = [
    ['X-GitHub-Event', 'issues'],
    ['X-GitHub-Delivery', guid],
    ['X-Hub-Signature-256', 'sha256=00'],
    ...extra,
  ];
  return {
    draft: {
      method: 'POST',
      url: '/gh',
      headers,
      remoteAddress: '127.0.0.1',
      size: body.length,
      response: { status: 500, body: '', contentType: 'text/plain' },
      ...captureFacts(headers, body),
    },
    body,
  };
}

describe('duplicate flags', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-dup-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('a repeat is flagged with the first attempt and its number, never dropped, and the flags survive a restart', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const a = github('g-1');
    const first = await store.append(a.draft, a.body);
    // Two repeats and another delivery in one batch (one event-loop turn).
    const [second, other, third] = await Promise.all([
      store.append(a.draft, a.body),
      store.append(github('g-2').draft, a.body),
      store.append(a.draft, a.body),
    ]);
    assert.equal(store.size, 4, 'nothing is dropped');
    assert.equal(first.deliveryId, 'g-1');
    assert.equal(first.duplicateOf, undefined);
    assert.equal(second!.duplicateOf, first.id);
    assert.equal(second!.attempt, 2);
    assert.equal(third!.duplicateOf, first.id);
    assert.equal(third!.attempt, 3);
    assert.equal(other!.duplicateOf, undefined);
    const json = await toEventJson(store, third!);
    assert.equal(json.deliveryId, 'g-1');
    assert.equal(json.duplicateOf, first.id);
    assert.equal(json.attempt, 3);
    assert.equal((await toEventJson(store, first)).duplicateOf, undefined);
    await store.close();

    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.get(third!.id)?.duplicateOf, first.id, 'the flag is stored with the event');
    assert.equal(reopened.get(second!.id)?.attempt, 2);
    // The map is rebuilt at load: a new repeat after the restart still points at the first attempt.
    const fourth = await reopened.append(a.draft, a.body);
    assert.equal(fourth.duplicateOf, first.id);
    assert.equal(fourth.attempt, 4);
    const fresh = await reopened.append(github('g-3').draft, a.body);
    assert.equal(fresh.duplicateOf, undefined);
    await reopened.close();
  });

  test('a header-stated attempt wins; the provider is part of the key', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const body = Buffer.from('{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}');
    const slack = (extra: Array<[string, string]>): EventDraft => {
      const headers: Array<[string, string]> = [['X-Slack-Signature', 'v0=00'], ['X-Slack-Request-Timestamp', '1'], ...extra];
      return {
        method: 'POST',
        url: '/slack',
        headers,
        remoteAddress: '127.0.0.1',
        size: body.length,
        response: { status: 200, body: '', contentType: 'text/plain' },
        ...captureFacts(headers, body),
      };
    };
    const first = await store.append(slack([]), body);
    const retry = await store.append(slack([['X-Slack-Retry-Num', '3']]), body);
    assert.equal(retry.duplicateOf, first.id);
    assert.equal(retry.attempt, 4);
    // Same id from another provider: not a repeat.
    const gh = github('Ev1');
    assert.equal((await store.append(gh.draft, gh.body)).duplicateOf, undefined);
    await store.close();
  });

  test('eviction: retries keep naming the evicted first attempt while any attempt is stored; then the chain is forgotten', async () => {
    const store = await EventStore.open(dir, { maxEvents: 2 });
    const a = github('g-ev');
    const first = await store.append(a.draft, a.body);
    const second = await store.append(a.draft, a.body);
    const third = await store.append(a.draft, a.body); // evicts `first`
    assert.equal(store.get(first.id), undefined);
    assert.equal(third.duplicateOf, first.id, 'the retry still names the first attempt');
    assert.equal(third.attempt, 3);
    assert.equal(store.get(second.id)?.duplicateOf, first.id);
    await store.close();
    // After a restart too.
    const reopened = await EventStore.open(dir, { maxEvents: 2 });
    const fourth = await reopened.append(a.draft, a.body);
    assert.equal(fourth.duplicateOf, first.id);
    assert.equal(fourth.attempt, 4);
    // Two other deliveries push every attempt of g-ev out: the next g-ev is a first attempt again.
    await reopened.append(github('x').draft, a.body);
    await reopened.append(github('y').draft, a.body);
    const again = await reopened.append(a.draft, a.body);
    assert.equal(again.duplicateOf, undefined);
    await reopened.close();
  });
});
