// The built CLI (dist/cli.js) prints a sender's text through the one sanitiser, and tells binary
// bodies from text with the same rule as the detail panel (looksLikeText in core).
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { looksLikeText } from '../../../src/core/detail/contentKind';
import { EventStore } from '../../../src/core/store';
import { runCliOnce } from '../../support/cli';
import { draft } from '../../support/store';
import { ANY_RARE, RARE } from '../../support/rareCharacters';

describe('CLI output: rare characters and binary bodies', () => {
  let dir: string;
  const ids = new Map<string, string>();
  const bodies: Array<[string, Buffer]> = [
    ['plain JSON', Buffer.from('{"a":"b"}')],
    ['UTF-8 text', Buffer.from('héllo 😀 wörld')],
    ['valid UTF-8 with a NUL byte', Buffer.from('{"a":"b\u0000c"}')],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['valid UTF-8, mostly control characters', Buffer.from('\u0001\u0002\u0003\u0004\u0005\u0006 text')],
  ];

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-cli-rare-'));
    const store = await EventStore.open(dir, { maxEvents: 100 });
    for (const [name, ch] of RARE) {
      const e = await store.append(
        { ...draft(`/hook${ch}/x`, 2), eventType: `invoice${ch}.paid`, headers: [['X-Note', `a${ch}b`]] },
        Buffer.from('ok'),
      );
      ids.set(name, e.id);
    }
    for (const [name, body] of bodies) {
      const e = await store.append(draft(`/body/${bodies.findIndex(([n]) => n === name)}`, body.length), body);
      ids.set(name, e.id);
    }
    await store.close();
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('events: no rare character reaches the terminal; each shows as U+FFFD', async () => {
    const { code, stdout } = await runCliOnce(['events', '--store', dir]);
    assert.equal(code, 0);
    const lines = stdout.split('\n').filter((l) => l.includes('/hook'));
    assert.equal(lines.length, RARE.length, stdout);
    for (const line of lines) {
      assert.doesNotMatch(line, ANY_RARE, JSON.stringify(line));
      assert.match(line, /\/hook\uFFFD\/x .* invoice\uFFFD\.paid /u);
    }
  });

  for (const [name] of RARE) {
    test(`show: ${name} in the path, event type and a header value is printed as U+FFFD`, async () => {
      const { code, stdout } = await runCliOnce(['show', ids.get(name)!, '--store', dir]);
      assert.equal(code, 0);
      assert.doesNotMatch(stdout, ANY_RARE, JSON.stringify(stdout));
      assert.ok(stdout.includes('POST /hook\uFFFD/x\n'), stdout);
      assert.ok(stdout.includes('event type: invoice\uFFFD.paid\n'), stdout);
      assert.ok(stdout.includes('X-Note: a\uFFFDb\n'), stdout);
    });
  }

  for (const [name, body] of bodies) {
    test(`show: ${name} is ${looksLikeText(body) ? 'text' : 'binary'}, as the panel's rule says`, async () => {
      const { code, stdout } = await runCliOnce(['show', ids.get(name)!, '--store', dir]);
      assert.equal(code, 0);
      const shownAsBinary = /of binary data; use --json for base64>/.test(stdout);
      assert.equal(shownAsBinary, !looksLikeText(body), stdout);
    });
  }
});
