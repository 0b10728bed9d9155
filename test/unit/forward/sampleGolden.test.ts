/**
 * Every sample, built with the fixed context of sampleFixed.ts, equals its entry in
 * test/fixtures/forward/samples.golden.json: info, method, path, headers (order and spelling) and the
 * parsed body. The shape tests (sampleShapes.test.ts) say what a sample promises; this file pins the
 * rest (names, amounts, ids, texts), so that an emptied string, object or array in sampleData.ts fails.
 *
 * A deliberate change to a sample: regenerate with
 *   UPDATE_GOLDEN=1 node --import tsx --test test/unit/forward/sampleGolden.test.ts
 * and review the fixture's diff before committing it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXED_NOW, allFixed } from './sampleFixed';

const GOLDEN = join(__dirname, '../../fixtures/forward/samples.golden.json');
const REGENERATE = 'UPDATE_GOLDEN=1 node --import tsx --test test/unit/forward/sampleGolden.test.ts';

const current = allFixed().map(({ info, req, json }) => ({
  info,
  method: req.method,
  url: req.url,
  headers: req.headers.map(([k, v]) => [k, v]),
  body: json,
}));

if (process.env['UPDATE_GOLDEN'] === '1') {
  const doc = { note: `Built by ${REGENERATE}`, now: FIXED_NOW.toISOString(), samples: current };
  writeFileSync(GOLDEN, `${JSON.stringify(doc, null, 2)}\n`);
}

const text = readFileSync(GOLDEN, 'utf8');
const golden = JSON.parse(text) as { now: string; samples: typeof current };

describe('samples against the golden file', () => {
  test('the golden file was built with the same clock and holds the same samples, in order', () => {
    assert.equal(golden.now, FIXED_NOW.toISOString());
    assert.deepEqual(
      golden.samples.map((s) => `${s.info.provider} ${s.info.event}`),
      current.map((s) => `${s.info.provider} ${s.info.event}`),
      `The list of samples changed. If deliberate, regenerate: ${REGENERATE}`,
    );
  });

  for (const [i, sample] of current.entries()) {
    test(`${sample.info.provider} ${sample.info.event} equals its golden entry`, () => {
      assert.deepEqual(
        sample,
        golden.samples[i],
        `The sample differs from test/fixtures/forward/samples.golden.json. If the change is deliberate, regenerate: ${REGENERATE}`,
      );
    });
  }

  test('the golden file holds no secrets, signatures or machine paths', () => {
    const names = golden.samples.flatMap((s) => s.headers.map(([k]) => k!));
    assert.deepEqual(
      names.filter((k) => /signature|hmac|^webhook-|request-timestamp/i.test(k)),
      [],
      'built unsigned',
    );
    assert.doesNotMatch(text, /whsec_|sk_(test|live)_/, 'no signing or API keys');
    assert.ok(!text.includes(process.cwd()), 'no absolute path of this checkout');
    assert.doesNotMatch(text, /"(\/(home|Users|tmp|work|root)\/|[A-Za-z]:\\\\)/, 'no absolute paths');
  });
});
