import type { HexRow } from './protocol';

const BYTES_PER_ROW = 16;

function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** One row per 16 bytes of the first `maxBytes` bytes: offset, hex (two groups of 8), printable ASCII. */
export function hexRows(bytes: Uint8Array, maxBytes = bytes.length): HexRow[] {
  const end = Math.min(bytes.length, Math.max(0, maxBytes));
  const rows: HexRow[] = [];
  for (let off = 0; off < end; off += BYTES_PER_ROW) {
    const hex: string[] = [];
    let ascii = '';
    for (let i = 0; i < BYTES_PER_ROW; i++) {
      const at = off + i;
      if (i === 8) {
        hex.push('');
      }
      if (at < end) {
        hex.push(hexByte(bytes[at]!));
        ascii += asciiChar(bytes[at]!);
      } else {
        hex.push('  ');
      }
    }
    rows.push({ offset: off.toString(16).padStart(8, '0'), hex: hex.join(' '), ascii });
  }
  return rows;
}

/**
 * A `hexdump -C` style text of the first `maxBytes` bytes, e.g.
 * `00000000  7b 22 61 22 3a 31 7d 0a  00 ff                    |{"a":1}...|`.
 * Ends with a line saying how many bytes were left out, if any.
 */
export function hexDumpText(bytes: Uint8Array, maxBytes = bytes.length): string {
  const lines = hexRows(bytes, maxBytes).map((r) => `${r.offset}  ${r.hex}  |${r.ascii}|`);
  const shown = Math.min(bytes.length, Math.max(0, maxBytes));
  if (shown < bytes.length) {
    lines.push(`… ${bytes.length - shown} more bytes not shown (${bytes.length} in all)`);
  }
  return lines.join('\n') + '\n';
}
