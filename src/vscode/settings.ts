import * as vscode from 'vscode';
import { DEFAULT_MAX_BODY_SIZE } from '../core/receiverDefaults';
import { TUNNEL_MODES, type TunnelMode } from '../core/tunnel/types';
import { DEFAULT_TARGET } from '../core/forward/target';
import type { ResignMode } from '../core/forward/prepare';
import type { RouteRule } from '../core/forward/routing';

/**
 * The extension's configuration, in one place: every `webhookInspector.*` setting package.json declares
 * has one reader here (raw value → typed value, with the declared default when unset or invalid), all
 * reads go through `setting()` or the grouped readers below, all writes through `updateSetting()`, and
 * `onDidChangeSettings` is the one change event (with the keys that changed).
 */
export const SECTION = 'webhookInspector';

type Config = vscode.WorkspaceConfiguration;

/** One reader per setting in package.json's `contributes.configuration`, keyed without the section. */
export const SETTING_READERS = {
  port: (c: Config) => clampInt(c.get('port'), 0, 0, 65535),
  maxBodySize: (c: Config) => clampInt(c.get('maxBodySize'), DEFAULT_MAX_BODY_SIZE, 0, Number.MAX_SAFE_INTEGER),
  maxEvents: (c: Config) => clampInt(c.get('maxEvents'), 1000, 1, 1_000_000),
  storePath: (c: Config) => text(c, 'storePath'),
  /** Provider handshakes by id; a missing id means on. */
  handshakes: (c: Config): Record<string, boolean> => booleanMap(c.get('handshakes')),
  rateLimitPerMinute: (c: Config) => clampInt(c.get('rateLimitPerMinute'), 0, 0, 1_000_000),
  'tunnel.provider': (c: Config): TunnelMode => oneOf(c.get('tunnel.provider'), TUNNEL_MODES, 'localtunnel'),
  'tunnel.host': (c: Config) => text(c, 'tunnel.host') || 'https://localtunnel.me',
  'tunnel.subdomain': (c: Config) => text(c, 'tunnel.subdomain'),
  'tunnel.externalUrl': (c: Config) => text(c, 'tunnel.externalUrl'),
  'tunnel.cloudflaredPath': (c: Config) => text(c, 'tunnel.cloudflaredPath'),
  /** Seconds; 0 turns the periodic self-test off. */
  'tunnel.selfTestInterval': (c: Config) => clampInt(c.get('tunnel.selfTestInterval'), 30, 0, 86_400),
  'forward.target': (c: Config) => text(c, 'forward.target') || DEFAULT_TARGET,
  'forward.resign': (c: Config): ResignMode => oneOf(c.get('forward.resign'), ['auto', 'always', 'never'] as const, 'auto'),
  'forward.responseMode': (c: Config) => oneOf(c.get('forward.responseMode'), ['immediate', 'proxy'] as const, 'immediate'),
  /** Milliseconds, at least 1000. */
  'forward.timeout': (c: Config) => Math.max(1000, finite(c.get('forward.timeout')) ?? 10_000),
  'forward.onDebugStart': (c: Config) => oneOf(c.get('forward.onDebugStart'), ['none', 'resendLast'] as const, 'none'),
  'forward.maxAttempts': (c: Config) => Math.min(20, Math.max(1, finite(c.get('forward.maxAttempts')) ?? 5)),
  'forward.routes': (c: Config): RouteRule[] => arrayOf(c.get('forward.routes')).filter(isRouteRule),
  'routes.codeLens': (c: Config) => c.get('routes.codeLens') !== false,
  'routes.maxFiles': (c: Config) => Math.min(clampInt(c.get('routes.maxFiles'), 5000, 1, Number.MAX_SAFE_INTEGER), 100_000),
  restoreAfterReload: (c: Config) => c.get('restoreAfterReload') !== false,
  /** The rules as stored; `sanitizeRules` (core/customResponses) checks each before use. */
  responses: (c: Config): unknown[] => arrayOf(c.get('responses')),
  'export.redactCredentials': (c: Config) => c.get('export.redactCredentials') !== false,
} as const satisfies Record<string, (c: Config) => unknown>;

export type SettingKey = keyof typeof SETTING_READERS;
export type SettingValue<K extends SettingKey> = ReturnType<(typeof SETTING_READERS)[K]>;
export const SETTING_KEYS = Object.keys(SETTING_READERS) as SettingKey[];

/** The typed value of one setting (its default when unset or invalid). */
export function setting<K extends SettingKey>(key: K): SettingValue<K> {
  return SETTING_READERS[key](vscode.workspace.getConfiguration(SECTION)) as SettingValue<K>;
}

/** Writes one setting (undefined removes it at that level). */
export async function updateSetting<K extends SettingKey>(
  key: K,
  value: SettingValue<K> | undefined,
  target: vscode.ConfigurationTarget,
): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, target);
}

/** Opens the Settings editor at one setting. */
export function openSetting(key: SettingKey): void {
  void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${key}`);
}

/** What changed in one configuration change: our keys, and whether any under a prefix (`tunnel`, `forward`). */
export interface SettingsChange {
  readonly keys: readonly SettingKey[];
  affects(prefix: SettingKey | 'tunnel' | 'forward' | 'routes'): boolean;
}

/** The one change event: fires when any `webhookInspector.*` setting changed, with the keys that did. */
export function onDidChangeSettings(listener: (change: SettingsChange) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const keys = SETTING_KEYS.filter((k) => e.affectsConfiguration(`${SECTION}.${k}`));
    if (keys.length) {
      listener({ keys, affects: (prefix) => keys.some((k) => k === prefix || k.startsWith(`${prefix}.`)) });
    }
  });
}

// ---- grouped readers --------------------------------------------------------------------------------

/** The receiver's and the tunnel's settings, read together when the receiver starts. */
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

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const r = SETTING_READERS;
  return {
    port: r.port(c),
    maxBodySize: r.maxBodySize(c),
    maxEvents: r.maxEvents(c),
    storePath: r.storePath(c),
    rateLimitPerMinute: r.rateLimitPerMinute(c),
    tunnel: {
      provider: r['tunnel.provider'](c),
      host: r['tunnel.host'](c),
      subdomain: r['tunnel.subdomain'](c),
      externalUrl: r['tunnel.externalUrl'](c),
      cloudflaredPath: r['tunnel.cloudflaredPath'](c),
      selfTestIntervalSeconds: r['tunnel.selfTestInterval'](c),
    },
  };
}

export interface ForwardSettings {
  target: string;
  resign: ResignMode;
  responseMode: 'immediate' | 'proxy';
  timeoutMs: number;
  maxAttempts: number;
  routes: RouteRule[];
}

/** The `forward.*` settings used by resending and live forwarding. */
export function readForwardSettings(): ForwardSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const r = SETTING_READERS;
  return {
    target: r['forward.target'](c),
    resign: r['forward.resign'](c),
    responseMode: r['forward.responseMode'](c),
    timeoutMs: r['forward.timeout'](c),
    maxAttempts: r['forward.maxAttempts'](c),
    routes: r['forward.routes'](c),
  };
}

/** Whether the user left a provider handshake on (setting `webhookInspector.handshakes`, all on by default). */
export function isHandshakeEnabled(id: string): boolean {
  return setting('handshakes')[id] !== false;
}

// ---- validation -------------------------------------------------------------------------------------

function text(c: Config, key: string): string {
  const value = c.get<unknown>(key);
  return typeof value === 'string' ? value.trim() : '';
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? [...(value as unknown[])] : [];
}

function booleanMap(value: unknown): Record<string, boolean> {
  const map: Record<string, boolean> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'boolean') {
        map[k] = v;
      }
    }
  }
  return map;
}

function isRouteRule(r: unknown): r is RouteRule {
  return typeof r === 'object' && r !== null && Array.isArray((r as { targets?: unknown }).targets);
}
