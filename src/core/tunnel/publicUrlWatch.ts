import type { TunnelMode, TunnelStatus } from './types';

/** A public URL that came online different from the last one: providers still call the old one. */
export interface PublicUrlChange {
  readonly previousUrl: string;
  readonly publicUrl: string;
  readonly mode: TunnelMode;
}

/**
 * Notices when a reconnect or restart yields another public URL (a new localtunnel subdomain, a new
 * cloudflared quick tunnel). Seeded with the URL last seen (e.g. persisted from the previous run), it
 * reports each online URL that differs from the one before; the first URL with no seed is not a change.
 */
export class PublicUrlWatch {
  constructor(private last: string | undefined = undefined) {}

  get lastUrl(): string | undefined {
    return this.last;
  }

  observe(status: TunnelStatus | undefined): PublicUrlChange | undefined {
    if (!status || status.state !== 'online' || !status.publicUrl || status.mode === 'external') {
      return undefined;
    }
    const previous = this.last;
    this.last = status.publicUrl;
    return previous !== undefined && previous !== status.publicUrl
      ? { previousUrl: previous, publicUrl: status.publicUrl, mode: status.mode }
      : undefined;
  }
}
