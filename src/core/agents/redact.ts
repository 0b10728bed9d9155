/**
 * Keeps signing secrets out of tool results. A secret can reach a result through captured content
 * (Asana hands its secret over in the `X-Hook-Secret` header of its handshake) or through a handler's
 * answer. Bodies are cleaned as bytes before they are encoded; every string of a result is then
 * cleaned of the secret as text, base64 and hex.
 */

export const REDACTED = '[secret redacted]';
/** Shorter secrets would blot out ordinary text; they are not searched for. */
const MIN_SECRET_LENGTH = 4;

export class SecretRedactor {
  private readonly forms: string[];
  private readonly raw: Buffer[];

  constructor(secrets: Iterable<string>) {
    const unique = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))];
    this.raw = unique.map((s) => Buffer.from(s, 'utf8'));
    const forms = new Set<string>();
    for (const s of unique) {
      const b = Buffer.from(s, 'utf8');
      forms.add(s);
      forms.add(b.toString('base64'));
      forms.add(b.toString('base64url'));
      forms.add(b.toString('hex'));
      forms.add(b.toString('hex').toUpperCase());
    }
    // Longest first, so a longer form is not left half replaced by a shorter one inside it.
    this.forms = [...forms].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.raw.length === 0;
  }

  /** The bytes with every secret replaced; `redacted` tells whether anything was. */
  bytes(buf: Buffer): { bytes: Buffer; redacted: boolean } {
    let out = buf;
    let redacted = false;
    for (const secret of this.raw) {
      let at = out.indexOf(secret);
      if (at === -1) {
        continue;
      }
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(out.subarray(from, at), Buffer.from(REDACTED));
        from = at + secret.length;
        at = out.indexOf(secret, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
      redacted = true;
    }
    return { bytes: out, redacted };
  }

  text(s: string): string {
    let out = s;
    for (const form of this.forms) {
      if (out.includes(form)) {
        out = out.split(form).join(REDACTED);
      }
    }
    return out;
  }

  /** A copy of a JSON value with every string (and key) cleaned. */
  deep<T>(value: T): T {
    if (this.empty) {
      return value;
    }
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        return this.text(v);
      }
      if (Array.isArray(v)) {
        return v.map(walk);
      }
      if (v && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), walk(x)]));
      }
      return v;
    };
    return walk(value) as T;
  }
}
