/** Header hygiene for requests we send on (STYLE.md rule 14). */

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus `expect`, which belongs to one connection too. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * The headers to send on: order, case and duplicates kept; hop-by-hop headers (and those named in
 * `Connection`), `proxy-*`, `host` and `content-length` dropped. The caller adds `host` and a
 * recomputed `content-length`.
 */
export function forwardableHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const named = new Set<string>();
  for (const [k, v] of headers) {
    if (k.toLowerCase() === 'connection') {
      for (const token of v.split(',')) {
        const t = token.trim().toLowerCase();
        if (t) {
          named.add(t);
        }
      }
    }
  }
  const out: Array<[string, string]> = [];
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || lower.startsWith('proxy-') || lower === 'host' || lower === 'content-length') {
      continue;
    }
    out.push([k, v]);
  }
  return out;
}

/**
 * Sets headers in a pair list: an existing header keeps its position and spelling and gets the new
 * value (further duplicates are removed); a new one is appended.
 */
export function replaceHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  set: Readonly<Record<string, string>>,
): Array<[string, string]> {
  const wanted = new Map(Object.entries(set).map(([k, v]) => [k.toLowerCase(), v] as const));
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    const value = wanted.get(lower);
    if (value === undefined) {
      out.push([k, v]);
    } else if (!seen.has(lower)) {
      seen.add(lower);
      out.push([k, value]);
    }
  }
  for (const [k, v] of Object.entries(set)) {
    if (!seen.has(k.toLowerCase())) {
      out.push([k, v]);
    }
  }
  return out;
}
