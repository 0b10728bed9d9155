/**
 * Where a request goes. The target comes only from settings or user input, never from the event:
 * the event contributes its path and query, sent verbatim on the request line of the target's origin.
 */
import { isIP } from 'node:net';

export const DEFAULT_TARGET = 'http://localhost:3000';

/** The target cannot be used at all (bad URL, scheme other than http/https). */
export class TargetError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_TARGET' | 'UNSUPPORTED_SCHEME' | 'REFUSED_HOST',
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Parses a target base URL. `localhost:3000` and `:3000` are read as `http://…`. Only `http:`/`https:`. */
export function parseTarget(target: string = DEFAULT_TARGET): URL {
  let text = target.trim();
  if (text.startsWith(':')) {
    text = `localhost${text}`;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && /^[^/:]+(:\d+)?(\/|$)/.test(text)) {
    text = `http://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(
      `"${target}" is not a URL. Use a base URL such as ${DEFAULT_TARGET} or http://localhost:3000/webhooks.`,
      'INVALID_TARGET',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetError(`Only http: and https: targets are allowed, not ${url.protocol} ("${target}").`, 'UNSUPPORTED_SCHEME');
  }
  if (url.username || url.password) {
    throw new TargetError(`The target "${url.host}" must not carry a user name or password in its URL.`, 'INVALID_TARGET');
  }
  return url;
}

/** Path and query of an event URL as received; an absolute-form request line keeps only its path and query. */
export function requestPathOf(eventUrl: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(eventUrl);
  const rest = m ? m[1]! : eventUrl;
  const noFragment = rest.split('#')[0]!;
  return noFragment.startsWith('/') ? noFragment : `/${noFragment}`;
}

/**
 * The path and query sent to `target` for an event received on `eventUrl`: the event's, unless the
 * target names a path other than `/`; then the target's path, with the target's query if it has one,
 * else the event's query.
 */
export function targetPath(target: URL, eventUrl: string): string {
  const original = requestPathOf(eventUrl);
  if (target.pathname === '/' || target.pathname === '') {
    return target.search ? `${original.split('?')[0]}${target.search}` : original;
  }
  const q = original.indexOf('?');
  return target.pathname + (target.search || (q >= 0 ? original.slice(q) : ''));
}

/** The full URL shown and recorded for a request (origin + verbatim path). */
export function displayUrl(origin: URL, path: string): string {
  return `${origin.protocol}//${origin.host}${path}`;
}

/** `localhost` (and `*.localhost`), 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) {
    return true;
  }
  if (isIP(h) === 4) {
    return h.startsWith('127.');
  }
  if (isIP(h) === 6) {
    if (h === '::1' || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(h)) {
      return true;
    }
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) {
      return mapped[1]!.startsWith('127.');
    }
    // A URL's hostname writes the mapped address in hex: [::ffff:127.0.0.1] becomes [::ffff:7f00:1].
    return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
  }
  return false;
}

export interface HostGuardOptions {
  /** Asks the user whether requests may go to `host`; called once per host until it says yes. */
  confirmHost(host: string): Promise<boolean>;
  /** Hosts allowed before (the extension persists them per workspace). */
  allowed?: Iterable<string>;
  /** Called with the full allow-list after a host was added, so it can be persisted. */
  onDidAllow?(hosts: readonly string[]): void;
}

/**
 * Loopback targets pass silently; any other host needs the user's yes once, then it is remembered.
 * Hosts are compared by host name (lower case, without port).
 */
export class HostGuard {
  private readonly allowed: Set<string>;
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(private readonly options: HostGuardOptions) {
    this.allowed = new Set([...(options.allowed ?? [])].map((h) => h.toLowerCase()));
  }

  /** Whether a request to `url` would go out without asking. */
  isAllowed(url: URL): boolean {
    return isLoopbackHost(url.hostname) || this.allowed.has(url.hostname.toLowerCase());
  }

  get allowedHosts(): readonly string[] {
    return [...this.allowed];
  }

  /** Resolves when requests to `url` may go out; throws a `TargetError` when the user said no. */
  async check(url: URL): Promise<void> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TargetError(`Only http: and https: targets are allowed, not ${url.protocol}.`, 'UNSUPPORTED_SCHEME');
    }
    if (this.isAllowed(url)) {
      return;
    }
    const host = url.hostname.toLowerCase();
    let pending = this.asking.get(host);
    if (!pending) {
      pending = this.options.confirmHost(host).catch(() => false);
      this.asking.set(host, pending);
    }
    const yes = await pending;
    this.asking.delete(host);
    if (!yes) {
      throw new TargetError(
        `Sending to ${host} was not confirmed. Only localhost is allowed without asking; confirm the host to send there.`,
        'REFUSED_HOST',
      );
    }
    if (!this.allowed.has(host)) {
      this.allowed.add(host);
      this.options.onDidAllow?.(this.allowedHosts);
    }
  }
}

/** A guard that allows loopback only and refuses every other host without asking (the CLI without `--allow-host`). */
export function loopbackOnlyGuard(allowed: Iterable<string> = []): HostGuard {
  return new HostGuard({ confirmHost: async () => false, allowed });
}
