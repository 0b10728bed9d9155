// The secret-leak search of the e2e run: every file under the given folders (VS Code's user data
// with the event store, logs, settings and state databases; the browser profile; the workspace with
// the exported files) is read as bytes and searched for each signing secret in the forms it could
// be written in.
import fs from 'node:fs';
import path from 'node:path';

/** The forms a secret could take in a file: as is, base64, hex, URL-encoded and JSON-escaped. */
export function secretNeedles(secrets) {
  return secrets.flatMap((s) => {
    const forms = new Set([
      s,
      Buffer.from(s).toString('base64').replace(/=+$/, ''),
      Buffer.from(s).toString('hex'),
      encodeURIComponent(s),
      JSON.stringify(s).slice(1, -1),
    ]);
    return [...forms].map((text) => ({ secret: `${s.slice(0, 6)}…`, text }));
  });
}

/**
 * Searches every regular file under `roots` (symlinks not followed) for the needles, as UTF-8 and
 * as UTF-16LE (Chromium's storage keeps some strings that way). Returns what matched and what was read.
 */
export async function findSecrets(roots, needles) {
  const patterns = needles.flatMap((n) => [Buffer.from(n.text, 'utf8'), Buffer.from(n.text, 'utf16le')].map((bytes) => ({ ...n, bytes })));
  const files = [];
  const seen = new Set();
  let bytes = 0;
  const walk = async (dir) => {
    let entries;
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        await walk(p);
      } else if (e.isFile() && !seen.has(p)) {
        seen.add(p);
        let data;
        try {
          data = await fs.promises.readFile(p);
        } catch {
          continue; // removed while walking (logs roll, caches evict)
        }
        bytes += data.length;
        const hits = patterns.filter((x) => data.includes(x.bytes));
        if (hits.length) {
          files.push({ file: p, secrets: [...new Set(hits.map((h) => h.secret))] });
        }
      }
    }
  };
  for (const root of roots) {
    await walk(root);
  }
  return { files, seen, searched: seen.size, bytes };
}
