/**
 * Untrusted payload text in generated code: string literals, keys, comments and names stay inert.
 * The generated test for a hostile event is checked by Node's own parser and by evaluating its
 * header table, which must give back exactly the captured values.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { commentText, jsString, literalKey, typeKey, typeNameProblem } from '../../../src/core/codegen/codeText';
import { generateTest } from '../../../src/core/codegen';
import type { CapturedEvent } from '../../../src/core/model/event';

const NASTY = 'a"b\'c`d${e}\\f\u2028g\u2029h\ni*/j<!--k</script>';

describe('codeText', () => {
  it('jsString round-trips any text as a JS literal, line separators escaped', () => {
    const lit = jsString(NASTY);
    assert.doesNotMatch(lit, /[\u2028\u2029\n]/);
    assert.equal(vm.runInNewContext(lit), NASTY);
  });

  it('keys: identifiers bare, others quoted, __proto__ computed in literals', () => {
    assert.equal(typeKey('amount'), 'amount');
    assert.equal(typeKey('content-type'), '"content-type"');
    assert.equal(literalKey('__proto__'), '["__proto__"]');
    const obj = vm.runInNewContext(`({ ${literalKey('__proto__')}: 1, ${literalKey(NASTY)}: 2 })`) as Record<string, number>;
    assert.deepEqual([...Object.keys(obj)], ['__proto__', NASTY]);
  });

  it('comments keep only harmless characters', () => {
    const c = commentText(NASTY);
    assert.doesNotMatch(c, /[\n\u2028\u2029]|\*\//);
    assert.ok(commentText('x'.repeat(500)).length <= 120);
  });

  it('type names: identifiers only, no reserved words', () => {
    assert.equal(typeNameProblem('StripeEvent'), undefined);
    assert.match(typeNameProblem('my type') ?? '', /not a valid type name/);
    assert.match(typeNameProblem('interface') ?? '', /reserved word/);
    assert.match(typeNameProblem('1abc') ?? '', /not a valid type name/);
  });

  it('a generated test for a hostile event parses, and its header table holds the captured values exactly', async () => {
    const event: CapturedEvent = {
      id: 'evt_hostile',
      receivedAt: new Date().toISOString(),
      method: 'POST',
      url: `/in?q=${encodeURIComponent(NASTY)}&r="*/`,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Note', NASTY.replace(/[\n\u2028\u2029]/g, ' ')],
        ['X-Event-Type', '*/ process.exit(7) /*'],
      ],
      remoteAddress: '127.0.0.1',
      size: 2,
      response: { status: 200, body: '', contentType: 'text/plain' },
      eventType: `type */ ${NASTY}`,
    };
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-codetext-'));
    try {
      for (const framework of ['node', 'jest'] as const) {
        const gen = generateTest({ event, body: Buffer.from('{}'), framework, dependencies: new Set() });
        assert.match(gen.testFile, /^[a-z0-9-]+\.test\.(mjs|cjs)$/);
        const file = path.join(dir, gen.testFile);
        await fsp.writeFile(file, gen.testText);
        const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
        assert.equal(check.status, 0, check.stderr);
        const table = /const HEADERS = (\[[\s\S]*?\n\]);/.exec(gen.testText)?.[1];
        assert.ok(table);
        assert.deepEqual(JSON.parse(JSON.stringify(vm.runInNewContext(table))), event.headers, '(copied out of the vm realm)');
        const url = /const HANDLER_URL = process\.env\.WEBHOOK_HANDLER_URL \?\? (".*");/.exec(gen.testText)?.[1];
        assert.equal(vm.runInNewContext(url ?? ''), `http://localhost:3000${event.url}`);
      }
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
