/**
 * Types for the one localtunnel 2.0.2 module we load directly: the `Tunnel` client class behind the
 * package's `localtunnel()` function. Only what `localtunnelFactory.ts` uses is declared. `_init` and
 * `_getInfo` are private in localtunnel; we replace `_init` (its handshake, which retries forever and
 * cannot be cancelled) with our own, and the pinned version is covered by the tests.
 */
declare module 'localtunnel/lib/Tunnel' {
  import { EventEmitter } from 'node:events';

  interface LocaltunnelInfo {
    readonly name: string;
    readonly url: string;
  }

  class Tunnel extends EventEmitter {
    constructor(opts: { host: string; port: number; subdomain?: string; local_host?: string });
    clientId?: string;
    url?: string;
    closed: boolean;
    _init(cb: (err: Error | null, info?: LocaltunnelInfo) => void): void;
    _getInfo(body: unknown): LocaltunnelInfo;
    open(cb: (err?: Error) => void): void;
    close(): void;
  }

  export = Tunnel;
}
