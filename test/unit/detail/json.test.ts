import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonTree, prettyJson } from '../../../src/core/detail/json';
import type { JsonNode } from '../../../src/core/detail/protocol';

const LIMITS = { maxNodes: 1_000_000, maxDepth: 1000 };

/** Back to a plain value (last duplicate key wins, like JSON.parse). */
function toValue(n: JsonNode): unknown {
  switch (n.t) {
    case 'object':
      return Object.fromEntries(n.entries.map(([k, v]) => [k, toValue(v)]));
    case 'array':
      return n.items.map(toValue);
    case 'number':
      return Number(n.v);
    case 'string':
    case 'boolean':
      return n.v;
    default:
      return null;
  }
}

const VALID = [
  '{}',
  '[]',
  '0',
  '-1.5e+10',
  '"x"',
  'true',
  'null',
  ' { "a" : [1, 2, {"b": null}], "c": "d\\n\\u00e9\\"\\\\\\/", "e": false } ',
  '[[[[[]]]]]',
  '{"emoji":"😀","rtl":"\u202e","nul":"\\u0000"}',
  '[1,-0,0.5,1E3,2e-2]',
];

test('parseJsonTree agrees with JSON.parse on valid JSON', () => {
  for (const text of VALID) {
    const r = parseJsonTree(text, LIMITS);
    assert.ok(r.ok, text);
    assert.deepEqual(toValue(r.tree), JSON.parse(text), text);
  }
});

const INVALID = [
  '',
  '{',
  '[1,]',
  '{"a":1,}',
  '{a:1}',
  "'x'",
  '01',
  '1.',
  '.5',
  '"\u0001"',
  '"\\x"',
  'nul',
  '[1 2]',
  '{"a" 1}',
  '{} {}',
  '"abc',
  '[',
  '-',
  '"\\u12G4"',
];

test('parseJsonTree rejects what JSON.parse rejects', () => {
  for (const text of INVALID) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse accepts ${JSON.stringify(text)}`);
    const r = parseJsonTree(text, LIMITS);
    assert.equal(r.ok, false, JSON.stringify(text));
    if (!r.ok) {
      assert.equal(r.reason, 'invalid');
    }
  }
});

test('parseJsonTree keeps key order, duplicate keys and numbers as written', () => {
  const r = parseJsonTree('{"b":1,"2":2,"a":1.50,"a":9007199254740993}', LIMITS);
  assert.ok(r.ok);
  assert.deepEqual(r.tree, {
    t: 'object',
    entries: [
      ['b', { t: 'number', v: '1' }],
      ['2', { t: 'number', v: '2' }],
      ['a', { t: 'number', v: '1.50' }],
      ['a', { t: 'number', v: '9007199254740993' }],
    ],
  });
});

test('parseJsonTree is bounded: node count and depth, without stack overflow', () => {
  const deep = '['.repeat(50_000) + ']'.repeat(50_000);
  const d = parseJsonTree(deep, { maxNodes: 1_000_000, maxDepth: 100 });
  assert.equal(d.ok, false);
  assert.equal(!d.ok && d.reason, 'too-deep');
  const wide = JSON.stringify(Array.from({ length: 5000 }, (_, i) => i));
  const w = parseJsonTree(wide, { maxNodes: 1000, maxDepth: 100 });
  assert.equal(!w.ok && w.reason, 'too-many-nodes');
  const ok = parseJsonTree(deep, { maxNodes: 1_000_000, maxDepth: 1_000_000 });
  assert.ok(ok.ok, 'iterative parse handles 50k levels');
});

test('prettyJson matches JSON.stringify(…, 2) on canonical documents', () => {
  const docs = [
    { a: 1, b: [1, 2, { c: 'x, y: {z}' }], d: {}, e: [], f: null, g: 'quote " and \\ and \n' },
    [],
    [[], {}, [[1]]],
    'plain',
    { nested: { deeper: { deepest: [true, false] } } },
  ];
  for (const doc of docs) {
    const compact = JSON.stringify(doc);
    assert.equal(prettyJson(compact).text, JSON.stringify(doc, null, 2));
    // Already-indented input comes out the same.
    assert.equal(prettyJson(JSON.stringify(doc, null, 4)).text, JSON.stringify(doc, null, 2));
  }
});

test('prettyJson stops at maxChars and says so', () => {
  const big = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ i, s: 'x'.repeat(20) })));
  const r = prettyJson(big, 10_000);
  assert.equal(r.truncated, true);
  assert.equal(r.text.length, 10_000);
  assert.ok(r.text.startsWith('[\n  {\n    "i": 0,'));
  const small = prettyJson('{"a":1}', 10_000);
  assert.equal(small.truncated, false);
});

test('prettyJson keeps numbers and order as written', () => {
  assert.equal(prettyJson('{"b":1.50,"2":1e400}').text, '{\n  "b": 1.50,\n  "2": 1e400\n}');
});
