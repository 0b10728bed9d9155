import type * as vscode from 'vscode';
import { Emitter } from '../core/lifecycle';
import type { Logger } from '../core/logger';
import type { SecretSource } from '../core/verification';
import { readState, SECRET_KEY_PREFIX, STATE_KEYS, writeState } from './stateKeys';

/** One signing secret. The value lives only in SecretStorage (and this process's memory). */
export interface SecretEntry {
  readonly value: string;
  /** When set, the secret applies only to requests on this path. */
  readonly path?: string;
  readonly addedAt: string;
}

const secretKey = (provider: string) => `${SECRET_KEY_PREFIX}${provider}`;

export class KeyringError extends Error {
  constructor(action: string, cause: unknown) {
    super(
      `VS Code could not ${action} the system keyring (${(cause as Error)?.message ?? String(cause)}). ` +
        'Secrets are kept only there. Unlock or install a keyring (on Linux: GNOME Keyring or KWallet; or set "password-store" in argv.json with "Preferences: Configure Runtime Arguments"), then try again.',
      { cause },
    );
    this.name = 'KeyringError';
  }
}

/**
 * Signing secrets in SecretStorage, one entry per provider holding a list (rotation: several per
 * provider, optionally bound to a path). Only the list of provider ids is kept in globalState, never a
 * value. A cache serves the synchronous lookups that verification and handshakes need.
 */
export class SecretStore implements SecretSource {
  private readonly cache = new Map<string, SecretEntry[]>();
  private readonly _onDidChange = new Emitter<string>();
  /** Fires with the provider whose secrets changed. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidChangeElsewhere = new Emitter<string>();
  /** Fires with the provider whose secrets another window changed (after `onDidChange`). */
  readonly onDidChangeElsewhere = this._onDidChangeElsewhere.event;

  private readonly subscription: vscode.Disposable;
  /** Providers this window is writing now: their change events are our own. */
  private readonly writing = new Set<string>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
  ) {
    // A secret set or removed in another window of this VS Code applies here too.
    this.subscription = storage.onDidChange((e) => {
      if (e.key.startsWith(SECRET_KEY_PREFIX)) {
        void this.reload(e.key.slice(SECRET_KEY_PREFIX.length));
      }
    });
  }

  /** Reads one provider's secrets again after SecretStorage reported a change; fires only when they differ. */
  private async reload(provider: string): Promise<void> {
    const entries = await this.read(provider);
    if (!entries) {
      return;
    }
    this.changedSinceLoad.add(provider);
    if (this.writing.has(provider) || JSON.stringify(entries) === JSON.stringify(this.cache.get(provider) ?? [])) {
      return; // our own write, already in the cache
    }
    if (entries.length) {
      this.cache.set(provider, entries);
    } else {
      this.cache.delete(provider);
    }
    this.logger.info(`The ${provider} signing secrets changed in another window; re-verifying.`);
    this._onDidChange.fire(provider);
    this._onDidChangeElsewhere.fire(provider);
  }

  private loaded: Promise<void> | undefined;
  /** Providers written here or changed elsewhere since this window opened: the start-up read must not overwrite them. */
  private readonly changedSinceLoad = new Set<string>();

  /**
   * Starts reading every stored secret into memory, all providers at once, and returns at once: activation
   * never waits for the keyring. `onDidChange` fires for each provider that had secrets when they arrive;
   * `whenLoaded()` is for the consumers that must not act before (Start, set/remove, resend, replay).
   * Keyring failures are logged and leave that provider empty.
   */
  load(): Promise<void> {
    this.loaded ??= Promise.all(readState(this.state, STATE_KEYS.secretProviders).map((provider) => this.loadOne(provider))).then(
      () => undefined,
    );
    return this.loaded;
  }

  /** Resolves when the secrets stored before this window opened are in memory (at once when none are). */
  whenLoaded(): Promise<void> {
    return this.load();
  }

  /** One provider's stored entries; undefined (logged) when the keyring fails. */
  private async read(provider: string): Promise<SecretEntry[] | undefined> {
    try {
      const raw = await this.storage.get(secretKey(provider));
      return raw ? (JSON.parse(raw) as SecretEntry[]) : [];
    } catch (err) {
      this.logger.error(new KeyringError('read from', err).message);
      return undefined;
    }
  }

  private async loadOne(provider: string): Promise<void> {
    const entries = await this.read(provider);
    // A write or another window's change that came first is newer than what was stored at start.
    if (entries?.length && !this.changedSinceLoad.has(provider) && !this.writing.has(provider)) {
      this.cache.set(provider, entries);
      this._onDidChange.fire(provider);
    }
  }

  secretsFor(provider: string, path?: string): string[] {
    const entries = this.cache.get(provider) ?? [];
    const bound = path ? entries.filter((e) => e.path === path) : [];
    return [...bound, ...entries.filter((e) => !e.path)].map((e) => e.value);
  }

  list(): Array<{ provider: string; entries: readonly SecretEntry[] }> {
    return [...this.cache].map(([provider, entries]) => ({ provider, entries }));
  }

  has(provider: string): boolean {
    return (this.cache.get(provider)?.length ?? 0) > 0;
  }

  async add(provider: string, value: string, path?: string): Promise<void> {
    await this.whenLoaded(); // the stored list is the one to extend, not an empty cache
    const entries = [...(this.cache.get(provider) ?? [])];
    if (entries.some((e) => e.value === value && e.path === path)) {
      return;
    }
    entries.push({ value, ...(path ? { path } : {}), addedAt: new Date().toISOString() });
    await this.write(provider, entries);
  }

  async remove(provider: string, entry?: SecretEntry): Promise<void> {
    await this.whenLoaded();
    const entries = entry ? (this.cache.get(provider) ?? []).filter((e) => e !== entry) : [];
    await this.write(provider, entries);
  }

  storeHandedOver(provider: string, value: string): void {
    this.add(provider, value).then(
      () => this.logger.info(`Stored the signing secret that ${provider} handed over in its handshake.`),
      (err: Error) => this.logger.error(err.message),
    );
  }

  private async write(provider: string, entries: SecretEntry[]): Promise<void> {
    this.writing.add(provider);
    try {
      await this.writeNow(provider, entries);
    } finally {
      this.writing.delete(provider);
    }
  }

  private async writeNow(provider: string, entries: SecretEntry[]): Promise<void> {
    try {
      if (entries.length) {
        await this.storage.store(secretKey(provider), JSON.stringify(entries));
      } else {
        await this.storage.delete(secretKey(provider));
      }
    } catch (err) {
      throw new KeyringError('write to', err);
    }
    this.changedSinceLoad.add(provider);
    if (entries.length) {
      this.cache.set(provider, entries);
    } else {
      this.cache.delete(provider);
    }
    await writeState(this.state, STATE_KEYS.secretProviders, [...this.cache.keys()]);
    this._onDidChange.fire(provider);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChange.dispose();
    this._onDidChangeElsewhere.dispose();
  }
}

/** `whsec_…9f2c`: enough to tell secrets apart, never the value. */
export function maskSecret(value: string): string {
  const prefix = /^[a-z]+_/i.exec(value)?.[0] ?? '';
  return value.length - prefix.length < 12 ? `${prefix}…` : `${prefix}…${value.slice(-4)}`;
}
