import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexDumpText, hexRows } from '../../../src/core/detail/hexDump';

test('hexRows: offset, two groups of eight, printable ASCII', () => {
  const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0x0a, 0x00, 0xff, 0x41, 0x20, 0x7e, 0x7f, 0x80, 0x09, 0x42]);
  const rows = hexRows(bytes);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], { offset: '00000000', hex: '7b 22 61 22 3a 31 7d 0a  00 ff 41 20 7e 7f 80 09', ascii: '{"a":1}...A ~...' });
  assert.equal(rows[1]!.offset, '00000010');
  assert.equal(rows[1]!.hex, '42' + ' '.repeat(3 * 15 + 1 - 0));
  assert.equal(rows[1]!.hex.length, rows[0]!.hex.length);
  assert.equal(rows[1]!.ascii, 'B');
});

test('hexRows covers every byte exactly once, up to maxBytes', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
  const rows = hexRows(bytes, 500);
  assert.equal(rows.length, Math.ceil(500 / 16));
  const back = Buffer.from(rows.map((r) => r.hex.replace(/\s+/g, '')).join(''), 'hex');
  assert.deepEqual(back, bytes.subarray(0, 500));
  assert.equal(rows.at(-1)!.offset, (496).toString(16).padStart(8, '0'));
});

test('hexDumpText matches `hexdump -C` and says what it left out', () => {
  // Lines as printed by `printf 'hello, world\nabcd' | hexdump -C`.
  assert.equal(
    hexDumpText(Buffer.from('hello, world\nabcd')),
    '00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 61 62 63  |hello, world.abc|\n' +
      '00000010  64                                                |d|\n',
  );
  assert.equal(
    hexDumpText(Buffer.from('hello, world\n'), 4),
    '00000000  68 65 6c 6c                                       |hell|\n… 9 more bytes not shown (13 in all)\n',
  );
  assert.equal(hexDumpText(Buffer.alloc(0)), '\n');
});
