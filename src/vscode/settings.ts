import * as vscode from 'vscode';
import { DEFAULT_MAX_BODY_SIZE } from '../core/receiverDefaults';
import { TUNNEL_MODES, type TunnelMode } from '../core/tunnel/types';

/** Every setting the extension reads, typed, with the defaults package.json declares. */
export interface Settings {
  port: number;
  maxBodySize: number;
  maxEvents: number;
  storePath: string;
  rateLimitPerMinute: number;
  tunnel: {
    provider: TunnelMode;
    host: string;
    subdomain: string;
    externalUrl: string;
    cloudflaredPath: string;
    selfTestIntervalSeconds: number;
  };
}

export const SECTION = 'webhookInspector';

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    port: clampInt(c.get<number>('port'), 0, 0, 65535),
    maxBodySize: clampInt(c.get<number>('maxBodySize'), DEFAULT_MAX_BODY_SIZE, 0, Number.MAX_SAFE_INTEGER),
    maxEvents: clampInt(c.get<number>('maxEvents'), 1000, 1, 1_000_000),
    storePath: (c.get<string>('storePath') ?? '').trim(),
    rateLimitPerMinute: clampInt(c.get<number>('rateLimitPerMinute'), 0, 0, 1_000_000),
    tunnel: {
      provider: oneOf(c.get<string>('tunnel.provider'), TUNNEL_MODES, 'localtunnel'),
      host: (c.get<string>('tunnel.host') ?? '').trim() || 'https://localtunnel.me',
      subdomain: (c.get<string>('tunnel.subdomain') ?? '').trim(),
      externalUrl: (c.get<string>('tunnel.externalUrl') ?? '').trim(),
      cloudflaredPath: (c.get<string>('tunnel.cloudflaredPath') ?? '').trim(),
      selfTestIntervalSeconds: clampInt(c.get<number>('tunnel.selfTestInterval'), 30, 0, 86_400),
    },
  };
}

/** Fires with the names (without the section) of the settings that changed. */
export function onDidChangeSettings(listener: (changed: ReadonlyArray<keyof Settings>) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const keys = (['port', 'maxBodySize', 'maxEvents', 'storePath', 'rateLimitPerMinute', 'tunnel'] as const).filter((k) =>
      e.affectsConfiguration(`${SECTION}.${k}`),
    );
    if (keys.length) {
      listener(keys);
    }
  });
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/** Whether the user left a provider handshake on (setting `webhookInspector.handshakes`, all on by default). */
export function isHandshakeEnabled(id: string): boolean {
  const map = vscode.workspace.getConfiguration(SECTION).get<Record<string, boolean>>('handshakes') ?? {};
  return map[id] !== false;
}
