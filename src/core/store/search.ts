import { promises as fsp } from 'node:fs';
import type { BodyFiles } from './bodies';
import type { Entry } from './types';

interface Range {
  id: string;
  offset: number;
  end: number;
}

/**
 * Ids of the events whose body contains every word, ignoring ASCII case. Reads each segment file
 * once and finds all occurrences in one pass, so the cost stays close to a linear scan of the bytes.
 */
export async function searchBodies(entries: ReadonlyMap<string, Entry>, bodies: BodyFiles, words: readonly string[]): Promise<Set<string>> {
  const needles = words.filter(Boolean).map((w) => Buffer.from(w, 'utf8').toString('latin1').toLowerCase());
  const hits = new Set<string>();
  if (needles.length === 0) {
    return hits;
  }
  const bySegment = new Map<number, Range[]>();
  const files: Array<{ id: string; file: string }> = [];
  for (const [id, entry] of entries) {
    const b = entry.body;
    if (!b) {
      continue;
    }
    if ('file' in b) {
      files.push({ id, file: b.file });
    } else {
      let list = bySegment.get(b[0]);
      if (!list) {
        bySegment.set(b[0], (list = []));
      }
      list.push({ id, offset: b[1], end: b[1] + b[2] });
    }
  }
  for (const [seg, list] of bySegment) {
    let text: string;
    try {
      text = (await fsp.readFile(bodies.segmentPath(seg))).toString('latin1').toLowerCase();
    } catch {
      continue;
    }
    list.sort((a, b) => a.offset - b.offset);
    const counts = new Map<string, number>();
    for (const needle of needles) {
      const found = new Set<string>();
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
        const owner = findOwner(list, at, needle.length);
        if (owner) {
          found.add(owner);
        }
      }
      for (const id of found) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    for (const [id, n] of counts) {
      if (n === needles.length) {
        hits.add(id);
      }
    }
  }
  for (const { id, file } of files) {
    const text = (await fsp.readFile(bodies.filePath(file)).catch(() => Buffer.alloc(0))).toString('latin1').toLowerCase();
    if (needles.every((n) => text.includes(n))) {
      hits.add(id);
    }
  }
  return hits;
}

/** The event whose body range [offset, end) holds the match at `at` (binary search over sorted ranges). */
function findOwner(list: readonly Range[], at: number, length: number): string | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid]!;
    if (at < r.offset) {
      hi = mid - 1;
    } else if (at >= r.end) {
      lo = mid + 1;
    } else {
      return at + length <= r.end ? r.id : undefined;
    }
  }
  return undefined;
}
