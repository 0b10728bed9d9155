import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { BodyFiles } from './bodies';
import type { Entry } from './entry';

/** Bytes read from a segment at a time (one buffer, reused). */
const CHUNK = 4 * 1024 * 1024;

/** The bodies of one segment: parallel arrays, sorted by offset. */
interface SegmentBodies {
  ids: string[];
  starts: number[];
  ends: number[];
}

/**
 * Ids of the events whose body contains every word, ignoring ASCII case. Reads each segment file once, in
 * chunks into one reused buffer, and looks for each word with a case-insensitive literal pattern over the
 * chunk's bytes (as latin1 text: a byte a character, so positions are byte offsets). Within a body, the
 * first occurrence of a word is enough: the search goes on after that body.
 */
export async function searchBodies(entries: ReadonlyMap<string, Entry>, bodies: BodyFiles, words: readonly string[]): Promise<Set<string>> {
  const needles = words.filter(Boolean).map((w) => Buffer.from(w, 'utf8').toString('latin1'));
  const hits = new Set<string>();
  if (needles.length === 0) {
    return hits;
  }
  const patterns = needles.map((n) => new RegExp(n.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'gi'));
  const longest = Math.max(...needles.map((n) => n.length));
  const bySegment = new Map<number, SegmentBodies>();
  const files: Array<{ id: string; file: string }> = [];
  for (const [id, entry] of entries) {
    const b = entry.body;
    if (!b) {
      continue;
    }
    if ('file' in b) {
      files.push({ id, file: b.file });
      continue;
    }
    let seg = bySegment.get(b[0]);
    if (!seg) {
      bySegment.set(b[0], (seg = { ids: [], starts: [], ends: [] }));
    }
    seg.ids.push(id);
    seg.starts.push(b[1]);
    seg.ends.push(b[1] + b[2]);
  }
  const chunk = Buffer.allocUnsafe(Math.max(CHUNK, longest * 2));
  for (const [seg, list] of bySegment) {
    sortByStart(list);
    const found = patterns.map(() => new Uint8Array(list.ids.length));
    let fh: FileHandle;
    try {
      fh = await fsp.open(bodies.segmentPath(seg), 'r');
    } catch {
      continue;
    }
    try {
      // Chunks overlap by one needle less a byte, so a match across a chunk boundary is seen whole.
      for (let base = list.starts[0] ?? 0, last = list.ends[list.ends.length - 1] ?? 0; base < last;) {
        const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, last - base), base);
        if (bytesRead === 0) {
          break;
        }
        const text = chunk.toString('latin1', 0, bytesRead);
        patterns.forEach((re, j) => markMatches(re, text, base, list, found[j]!));
        if (base + bytesRead >= last) {
          break;
        }
        base += Math.max(1, bytesRead - (longest - 1));
      }
    } finally {
      await fh.close();
    }
    list.ids.forEach((id, k) => found.every((f) => f[k]) && hits.add(id));
  }
  for (const { id, file } of files) {
    const text = (await fsp.readFile(bodies.filePath(file)).catch(() => Buffer.alloc(0))).toString('latin1');
    if (patterns.every((re) => ((re.lastIndex = 0), re.test(text)))) {
      hits.add(id);
    }
  }
  return hits;
}

/** Marks the bodies in which `re` matches `text` (the bytes from `base` on), one match a body at most. */
function markMatches(re: RegExp, text: string, base: number, list: SegmentBodies, found: Uint8Array): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = base + m.index;
    const k = owner(list, at, m[0].length);
    if (k === -1) {
      re.lastIndex = m.index + 1;
      continue;
    }
    found[k] = 1;
    // The rest of this body cannot add anything for this word.
    re.lastIndex = Math.max(m.index + 1, list.ends[k]! - base);
  }
}

/** The body whose range holds the whole match at `at`, by binary search; -1 for none. */
function owner(list: SegmentBodies, at: number, length: number): number {
  let lo = 0;
  let hi = list.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at < list.starts[mid]!) {
      hi = mid - 1;
    } else if (at >= list.ends[mid]!) {
      lo = mid + 1;
    } else {
      return at + length <= list.ends[mid]! ? mid : -1;
    }
  }
  return -1;
}

function sortByStart(list: SegmentBodies): void {
  const { starts } = list;
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i++) {
    sorted = starts[i - 1]! <= starts[i]!;
  }
  if (sorted) {
    return;
  }
  const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  list.ids = order.map((i) => list.ids[i]!);
  list.starts = order.map((i) => list.starts[i]!);
  list.ends = order.map((i) => list.ends[i]!);
}
