/**
 * `external` mode: the user runs their own tunnel (ngrok, cloudflared, port forwarding) and gives its
 * public URL. Nothing is opened; the URL is only self-tested, periodically, and the state says whether it
 * reaches this receiver.
 */
import type { Timers } from './schedule';
import { untilAborted } from './schedule';
import type { SelfTestResult, TunnelStatus } from './types';

export interface ExternalModeDeps {
  /** The URL as the user set it. */
  readonly rawUrl: string | undefined;
  /** 0: test once (and on `selfTestNow()`), not periodically. */
  readonly selfTestIntervalMs: number;
  readonly timers: Timers;
  /** Where `selfTestNow()` aims from now on. */
  setTarget(url: string, signal: AbortSignal): void;
  update(signal: AbortSignal, patch: Partial<TunnelStatus>): void;
  selfTest(url: string, signal: AbortSignal): Promise<boolean>;
}

/** Runs until the signal aborts. */
export async function runExternal(deps: ExternalModeDeps, signal: AbortSignal): Promise<void> {
  const url = normaliseExternalUrl(deps.rawUrl);
  if (typeof url !== 'string') {
    deps.update(signal, { state: 'offline', reason: url.error, publicUrl: undefined });
    await untilAborted(signal);
    return;
  }
  deps.setTarget(url, signal);
  deps.update(signal, { state: 'starting', publicUrl: url, reason: undefined });
  while (!signal.aborted) {
    await deps.selfTest(url, signal);
    if (deps.selfTestIntervalMs > 0) {
      await deps.timers.sleep(deps.selfTestIntervalMs, signal);
    } else {
      await untilAborted(signal);
    }
  }
}

/** The state a self-test result gives in `external` mode: online, or offline with what to check. */
export function externalVerdict(result: SelfTestResult): Partial<TunnelStatus> {
  return result.ok
    ? { state: 'online', reason: undefined }
    : { state: 'offline', reason: `Self-test failed: ${result.error}. Check that your tunnel forwards to this receiver.` };
}

export function normaliseExternalUrl(raw: string | undefined): string | { error: string } {
  if (!raw || !raw.trim()) {
    return { error: 'Tunnel mode is "external" but no public URL is set.' };
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: `The external public URL "${raw}" is not a valid URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `The external public URL must be http: or https:, not "${url.protocol}".` };
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
