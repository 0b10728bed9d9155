// SecretStore's start-up read: all providers at once, in the background, and consumers that wait for it.
// SecretStorage is VS Code's; this stand-in keeps values in a Map and holds every get() until the test
// releases it, which is what a slow keyring does (the extension-host suite runs the real one).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { nullLogger } from '../../../src/core/logger';
import { SecretStore } from '../../../src/vscode/secrets';

class HeldSecretStorage {
  readonly values = new Map<string, string>();
  readonly pending: Array<{ key: string; release: () => void }> = [];
  private readonly listeners = new Set<(e: vscode.SecretStorageChangeEvent) => void>();
  failKeys = new Set<string>();

  get(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        key,
        release: () => (this.failKeys.has(key) ? reject(new Error('keyring locked')) : resolve(this.values.get(key))),
      });
    });
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.fire(key);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.fire(key);
  }
  onDidChange = (fn: (e: vscode.SecretStorageChangeEvent) => void) => {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  };
  releaseAll(): void {
    for (const p of this.pending.splice(0)) {
      p.release();
    }
  }
  private fire(key: string): void {
    for (const l of this.listeners) {
      l({ key });
    }
  }
}

class MapMemento {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string, fallback?: T): T {
    return (this.values.has(key) ? this.values.get(key) : fallback) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
}

const entry = (value: string) => JSON.stringify([{ value, addedAt: '2026-01-01T00:00:00.000Z' }]);

async function setUp(providers: Record<string, string>, errors: string[] = []) {
  const storage = new HeldSecretStorage();
  const state = new MapMemento();
  for (const [p, v] of Object.entries(providers)) {
    storage.values.set(`webhookInspector.secret.${p}`, entry(v));
  }
  await state.update('webhookInspector.secretProviders', Object.keys(providers));
  const logger = { ...nullLogger, error: (m: string) => errors.push(m) };
  const store = new SecretStore(storage as unknown as vscode.SecretStorage, state as unknown as vscode.Memento, logger);
  return { storage, state, store };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SecretStore start-up read', () => {
  test('load() asks the keyring for every provider at once and does not wait for the answers', async () => {
    const { storage, store } = await setUp({ github: 'gh-secret', stripe: 'whsec_stripe', shopify: 'shop-secret' });
    let settled = false;
    void store.load().then(() => (settled = true));
    await tick();
    assert.deepEqual(storage.pending.map((p) => p.key).sort(), [
      'webhookInspector.secret.github',
      'webhookInspector.secret.shopify',
      'webhookInspector.secret.stripe',
    ]);
    assert.equal(settled, false, 'nothing answered yet');
    assert.deepEqual(store.secretsFor('github'), [], 'consumers see no secret until it arrives');
    const changed: string[] = [];
    store.onDidChange((p) => changed.push(p));
    storage.releaseAll();
    await store.whenLoaded();
    assert.equal(settled, true);
    assert.deepEqual(store.secretsFor('github'), ['gh-secret']);
    assert.deepEqual(store.secretsFor('stripe'), ['whsec_stripe']);
    assert.deepEqual(changed.sort(), ['github', 'shopify', 'stripe'], 'onDidChange tells the view each provider that arrived');
  });

  test('add() during the read waits for it and extends the stored list instead of replacing it', async () => {
    const { storage, state, store } = await setUp({ github: 'old-secret' });
    void store.load();
    await tick();
    const adding = store.add('github', 'new-secret');
    await tick();
    assert.equal(storage.values.get('webhookInspector.secret.github'), entry('old-secret'), 'nothing written before the read ended');
    storage.releaseAll();
    await adding;
    assert.deepEqual(store.secretsFor('github'), ['old-secret', 'new-secret']);
    const stored = JSON.parse(storage.values.get('webhookInspector.secret.github')!) as Array<{ value: string }>;
    assert.deepEqual(
      stored.map((e) => e.value),
      ['old-secret', 'new-secret'],
    );
    assert.deepEqual(state.get('webhookInspector.secretProviders'), ['github']);
  });

  test('a change made in another window while the read is under way wins over the older value', async () => {
    const { storage, store } = await setUp({ stripe: 'whsec_old' });
    void store.load();
    await tick();
    const first = storage.pending.splice(0);
    // Another window replaces the secret: SecretStorage reports the change, this window reads it again.
    await storage.store('webhookInspector.secret.stripe', entry('whsec_new'));
    await tick();
    storage.releaseAll(); // the reload's read answers first…
    await tick();
    for (const p of first) {
      p.release(); // …then the start-up read, which saw the old value
    }
    await store.whenLoaded();
    assert.deepEqual(store.secretsFor('stripe'), ['whsec_new']);
  });

  test('a keyring failure for one provider is logged and leaves the others loaded', async () => {
    const errors: string[] = [];
    const { storage, store } = await setUp({ github: 'gh', stripe: 'whsec_x' }, errors);
    storage.failKeys.add('webhookInspector.secret.github');
    void store.load();
    await tick();
    storage.releaseAll();
    await store.whenLoaded();
    assert.deepEqual(store.secretsFor('github'), []);
    assert.deepEqual(store.secretsFor('stripe'), ['whsec_x']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /could not read from the system keyring \(keyring locked\)/);
  });

  test('with no stored secrets, whenLoaded() resolves without asking the keyring', async () => {
    const { storage, store } = await setUp({});
    await store.whenLoaded();
    assert.equal(storage.pending.length, 0);
  });
});
