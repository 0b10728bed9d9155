// The receiver's hooks fail safe: an `intercept`, `enrich` or `respond` hook that throws is logged,
// and the request is stored and answered as if the hook were not there. The public URL stored with an
// event comes from the tunnel's base when there is one, and from the receiver's own URL otherwise.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ReceiverHooks } from '../../../src/core/receiver';
import { Receiver } from '../../../src/core/receiver';
import { EventStore } from '../../../src/core/store';
import { request } from '../../support/http';
import { recordingLogger } from '../../support/store';

describe('Receiver hooks and the stored public URL', () => {
  let dir: string;
  let store: EventStore;
  let receiver: Receiver | undefined;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-hooks-'));
    store = await EventStore.open(dir, { maxEvents: 100 });
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
    await store.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  async function start(hooks: ReceiverHooks | undefined, publicBaseUrl?: () => string | undefined) {
    const logger = recordingLogger();
    receiver = new Receiver({ store, port: 0, logger, hooks, publicBaseUrl });
    await receiver.start();
    return { logger, url: receiver.url! };
  }

  /** Posts one body and returns the answer's JSON with the stored event. */
  async function post(base: string, pathName = '/hooks') {
    const res = await request(base + pathName, { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    const json = JSON.parse(res.body.toString()) as { ok?: boolean; id?: string };
    return { res, json, event: json.id ? store.get(json.id) : undefined };
  }

  const logWords = { intercept: 'intercept hook failed', enrich: 'enrich hook failed', respond: 'response hook failed' } as const;
  for (const hook of ['intercept', 'enrich', 'respond'] as const) {
    test(`a throwing ${hook} hook is logged; the request is stored and answered 200`, async () => {
      const hooks: ReceiverHooks = {
        [hook]: () => {
          throw new Error(`${hook} broke`);
        },
      };
      const { logger, url } = await start(hooks);
      const { res, json, event } = await post(url);
      assert.equal(res.status, 200);
      assert.equal(json.ok, true);
      assert.ok(event, 'the event is stored');
      assert.equal(Buffer.from((await store.readBody(event.id))!).toString(), '{"a":1}');
      assert.ok(
        logger.warnings.some((w) => w.includes(logWords[hook]) && w.includes(`${hook} broke`)),
        logger.warnings.join('\n'),
      );
    });
  }

  test('without a tunnel, the stored public URL is the receiver URL plus the path', async () => {
    const { url } = await start(undefined);
    const { event } = await post(url, '/stripe?x=1');
    assert.equal(event?.publicUrl, `${url}/stripe?x=1`);
  });

  test('with a tunnel, the stored public URL is the tunnel base plus the path', async () => {
    const { url } = await start(undefined, () => 'https://abc.example.test');
    const { event } = await post(url, '/stripe');
    assert.equal(event?.publicUrl, 'https://abc.example.test/stripe');
  });

  test('a tunnel base that is not known yet falls back to the receiver URL', async () => {
    const { url } = await start(undefined, () => undefined);
    const { event } = await post(url, '/gh');
    assert.equal(event?.publicUrl, `${url}/gh`);
  });
});
