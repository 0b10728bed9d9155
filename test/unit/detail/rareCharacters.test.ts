// Rare characters in every surface that shows a sender's text as a label: the one sanitiser
// (sanitizeLabel), the Events tree row (label, description, tooltip), the detail panel (which shows
// them as visible markers instead), and event types from classify. The CLI is in cli/rareCharacters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as SnapshotModule from '../../../src/core/detail/snapshot';
import type * as TreeModule from '../../../src/vscode/eventsTree';
import { classify } from '../../../src/core/classify';
import { detectFormat } from '../../../src/core/detail/contentKind';
import { revealControls, sanitizeLabel } from '../../../src/core/detail/displayText';
import type { CapturedEvent } from '../../../src/core/model/event';
import { ANY_RARE, RARE } from '../../support/rareCharacters';
import { installVscodeMock } from './vscodeMock';

installVscodeMock();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { eventTreeItem } = require('../../../src/vscode/eventsTree') as typeof TreeModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildDetailSnapshot } = require('../../../src/core/detail/snapshot') as typeof SnapshotModule;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function event(fields: Partial<CapturedEvent> & Record<string, unknown>): CapturedEvent {
  return {
    id: 'evt_rare',
    receivedAt: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    url: '/hook',
    headers: [],
    remoteAddress: '127.0.0.1',
    size: 0,
    response: { status: 200, body: '{}', contentType: 'application/json' },
    ...fields,
  } as CapturedEvent;
}

/** Every string anywhere in a value (the snapshot the panel renders). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}

function tooltipText(item: { tooltip?: unknown }): string {
  return (item.tooltip as { texts: string[] }).texts.join(' ');
}

describe('sanitizeLabel', () => {
  for (const [name, ch] of RARE) {
    test(`${name} becomes U+FFFD, or is dropped with strip`, () => {
      assert.equal(sanitizeLabel(`pay${ch}ment`), 'pay\uFFFDment');
      assert.equal(sanitizeLabel(`pay${ch}ment`, Infinity, { strip: true }), 'payment');
    });
  }

  test('other C0 controls and DEL are replaced too; ordinary text, tabs excepted, stays', () => {
    assert.equal(sanitizeLabel('a\tb\nc\rd\u001be\u007ff'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
    assert.equal(sanitizeLabel('charge.succeeded 🎉 é 中文'), 'charge.succeeded 🎉 é 中文');
  });

  test('a lone surrogate half becomes U+FFFD; a pair stays', () => {
    assert.equal(sanitizeLabel('a\ud83db'), 'a\uFFFDb');
    assert.equal(sanitizeLabel('a\ude00b'), 'a\uFFFDb');
    assert.equal(sanitizeLabel('a\ud83d\ude00b'), 'a\ud83d\ude00b');
  });

  test('a cut never splits a surrogate pair, at any cut point, and respects max', () => {
    const text = 'ab😀c😀😀d😀';
    for (let max = 1; max <= text.length + 1; max++) {
      const out = sanitizeLabel(text, max);
      assert.ok(out.length <= max, `max ${max}: ${JSON.stringify(out)} is ${out.length} long`);
      assert.doesNotMatch(out, LONE_SURROGATE, `max ${max}: ${JSON.stringify(out)}`);
      if (max < text.length) {
        assert.ok(out.endsWith('…'), `max ${max}: ends with an ellipsis`);
      }
    }
    assert.equal(sanitizeLabel('ab😀cd', 4), 'ab…', 'the pair that does not fit goes whole');
    assert.equal(sanitizeLabel('ab😀cd', 5), 'ab😀…');
  });
});

describe('Events tree row', () => {
  for (const [name, ch] of RARE) {
    test(`${name} in the path and event type: not in the label, description or tooltip`, () => {
      const item = eventTreeItem(
        event({ url: `/hook${ch}/x`, eventType: `invoice${ch}.paid`, provider: 'stripe' }),
        new Date('2026-01-01T00:01:00Z'),
      );
      for (const [where, text] of [
        ['label', String(item.label)],
        ['description', String(item.description)],
        ['tooltip', tooltipText(item)],
      ] as const) {
        assert.doesNotMatch(text, ANY_RARE, `${where}: ${JSON.stringify(text)}`);
        assert.ok(text.includes('\uFFFD'), `${where} shows where the character was: ${JSON.stringify(text)}`);
      }
    });
  }

  test('a long event type is cut before a surrogate pair, not through it', () => {
    const type = 'x'.repeat(78) + '😀😀';
    const label = String(eventTreeItem(event({ eventType: type })).label);
    assert.ok(label.length <= 80);
    assert.doesNotMatch(label, LONE_SURROGATE);
    assert.equal(label, 'x'.repeat(78) + '…');
  });
});

describe('detail panel snapshot', () => {
  for (const [name, ch] of RARE) {
    test(`${name} is shown as a visible marker in the title, path and event type`, async () => {
      const snap = await buildDetailSnapshot(event({ url: `/hook${ch}/x`, eventType: `invoice${ch}.paid` }), new Uint8Array(0));
      const marker = revealControls(ch);
      assert.notEqual(marker, ch);
      const texts = stringsIn(snap);
      assert.deepEqual(
        texts.filter((t) => ANY_RARE.test(t)),
        [],
        'no raw character anywhere in the snapshot',
      );
      assert.ok(snap.title.includes(marker), snap.title);
      assert.ok(snap.overview.eventType?.includes(marker), snap.overview.eventType);
      assert.ok(
        texts.some((t) => t.includes(`/hook${marker}/x`)),
        'the path shows the marker',
      );
    });
  }

  test('a long path in the title is cut before a surrogate pair', async () => {
    const snap = await buildDetailSnapshot(event({ url: '/' + 'p'.repeat(53) + '😀😀😀' }), new Uint8Array(0));
    assert.doesNotMatch(snap.title, LONE_SURROGATE);
  });
});

describe('event type from classify', () => {
  for (const [name, ch] of RARE) {
    test(`${name} is dropped from the event type`, () => {
      const c = classify([['X-GitHub-Event', `push${ch}`]], Buffer.from(JSON.stringify({ action: `opened${ch}` })));
      assert.equal(c.eventType, 'push.opened');
    });
  }

  test('an event type of only such characters is no event type', () => {
    assert.equal(classify([['X-Event-Type', '\u202e\u2066\u0000 ']], new Uint8Array(0)).eventType, undefined);
  });

  test('a long event type is cut to 100 units without splitting a surrogate pair', () => {
    const c = classify([['X-Event-Type', 'e'.repeat(98) + '😀😀']], new Uint8Array(0));
    assert.ok(c.eventType!.length <= 100);
    assert.doesNotMatch(c.eventType!, LONE_SURROGATE);
    assert.ok(c.eventType!.startsWith('e'.repeat(98)));
  });
});

describe('binary detection (one rule: looksLikeText, used by the panel and the CLI)', () => {
  test('valid UTF-8 with a NUL byte is binary, whatever the declared type', () => {
    const body = Buffer.from('{"a":"b\u0000c"}');
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(body), 'the sample is valid UTF-8');
    for (const type of ['application/json', 'text/plain; charset=utf-8', undefined]) {
      assert.equal(detectFormat(body, type), 'binary', String(type));
    }
    assert.equal(detectFormat(Buffer.from('{"a":"b"}'), 'application/json'), 'json', 'the same body without the NUL is JSON');
  });
});
