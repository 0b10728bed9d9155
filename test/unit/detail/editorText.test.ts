import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { bodyForEditor } from '../../../src/core/detail/editorText';
import { makeEvent } from './helpers';

function ev(ct: string | undefined, extra: Array<[string, string]> = []) {
  return makeEvent({ headers: [...(ct ? [['Content-Type', ct] as [string, string]] : []), ...extra] });
}

test('JSON opens pretty-printed, in order, with the json language', async () => {
  const b = await bodyForEditor(ev('application/json'), Buffer.from('{"z":1,"a":[1,2]}'));
  assert.equal(b.text, '{\n  "z": 1,\n  "a": [\n    1,\n    2\n  ]\n}\n');
  assert.equal(b.language, 'json');
  assert.equal(b.extension, 'json');
});

test('invalid JSON opens as received, as plain text', async () => {
  const b = await bodyForEditor(ev('application/json'), Buffer.from('{"a":'));
  assert.equal(b.text, '{"a":');
  assert.equal(b.language, 'plaintext');
});

test('languages follow the content type; forms are plain text; HTML is html (editors never run it)', async () => {
  assert.equal((await bodyForEditor(ev('application/xml'), Buffer.from('<a/>'))).language, 'xml');
  assert.equal((await bodyForEditor(ev('text/html'), Buffer.from('<p>x</p>'))).language, 'html');
  const form = await bodyForEditor(ev('application/x-www-form-urlencoded'), Buffer.from('a=1&b=2'));
  assert.equal(form.language, 'plaintext');
  assert.equal(form.text, 'a=1&b=2');
});

test('binary opens as a hex dump; gzip is decompressed first', async () => {
  const bin = await bodyForEditor(ev('application/octet-stream'), Buffer.from([0, 1, 2, 0x41]));
  assert.equal(bin.text, '00000000  00 01 02 41                                       |...A|\n');
  assert.equal(bin.language, 'plaintext');
  const gz = await bodyForEditor(ev('application/json', [['Content-Encoding', 'gzip']]), gzipSync('{"a":1}'));
  assert.equal(gz.text, '{\n  "a": 1\n}\n');
  assert.deepEqual(gz.notes, ['decompressed from gzip']);
});

test('a large binary body gives a bounded hex dump', async () => {
  const b = await bodyForEditor(ev('application/octet-stream'), Buffer.alloc(100_000, 0), { maxTextBytes: 1 << 20, maxHexBytes: 1024 });
  assert.equal(b.text.split('\n').length, 1024 / 16 + 2);
  assert.match(b.text, /98976 more bytes not shown/);
});
