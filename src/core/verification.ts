import { type CapturedEvent, type EventPatch, headerRecord } from './model/event';
import { type Verification } from './model/verification';
import type { Logger } from './logger';
import { nullLogger } from './logger';
import type { ReceivedRequest, ReplySpec } from './receiver';
import { answerHandshake, detectProvider, type SignedRequest, verifyRequest } from './signatures';
import type { EventStore } from './store';

/** A signature verdict as stored on an event (a `set` record, so it survives restarts). */
export type StoredVerification = Verification;

/**
 * Where signing secrets come from: SecretStorage in the extension, flags and environment in the CLI.
 * Synchronous on purpose (handshakes are answered inside the request): implementations keep a cache.
 */
export interface SecretSource {
  /** Secrets for a provider, most specific first: those bound to `path`, then the provider-wide ones. */
  secretsFor(provider: string, path?: string): string[];
  /** Stores a secret a provider hands over during a handshake (Asana's X-Hook-Secret). */
  storeHandedOver?(provider: string, value: string): void;
}

export interface VerifierOptions {
  store: EventStore;
  secrets: SecretSource;
  logger?: Logger;
  now?: () => Date;
  /** Handshake ids turned off by the user. */
  isHandshakeEnabled?: (id: string) => boolean;
}

export function toSignedRequest(
  event: Pick<CapturedEvent, 'method' | 'url' | 'headers'> & { publicUrl?: string },
  body: Uint8Array,
): SignedRequest {
  return { method: event.method, url: event.publicUrl ?? `http://localhost${event.url}`, headers: headerRecord(event.headers), body };
}

/** Verifies captured events against the configured secrets and records the verdicts in the store. */
export class Verifier {
  private readonly logger: Logger;

  constructor(private readonly options: VerifierOptions) {
    this.logger = options.logger ?? nullLogger;
  }

  /** The verdict for one event (not stored); also for an event about to be stored (the receiver's `enrich` hook). */
  check(
    event: Pick<CapturedEvent, 'method' | 'url' | 'headers' | 'provider'> & { publicUrl?: string },
    body: Uint8Array,
  ): StoredVerification {
    const req = toSignedRequest(event, body);
    const provider = detectProvider(req) ?? event.provider;
    const path = event.url.split('?')[0];
    const secrets = provider ? this.options.secrets.secretsFor(provider, path) : [];
    const result = verifyRequest(req, { secrets, provider, now: this.options.now?.() });
    return {
      provider: result.provider ?? provider,
      status: result.status,
      reason: result.reason,
      ...(result.hint ? { hint: result.hint } : {}),
      ...(result.knob ? { knob: result.knob } : {}),
      ...(result.matchedSecretIndex !== undefined ? { matchedSecretIndex: result.matchedSecretIndex } : {}),
      ...(result.skewSeconds !== undefined ? { skewSeconds: result.skewSeconds } : {}),
      checkedAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
  }

  /** Verifies a stored event and records the verdict on it. */
  async verify(event: CapturedEvent): Promise<StoredVerification | undefined> {
    if (event.rejected) {
      return undefined;
    }
    const store = this.options.store;
    const body = await store.readBody(event.id);
    const verification = this.check(event, body);
    if (store.readOnly || !store.get(event.id)) {
      return verification;
    }
    await store.update(event.id, { verification, ...(verification.provider ? { provider: verification.provider } : {}) });
    this.logger.debug(`Verification of ${event.id}: ${verification.provider ?? 'unknown'} ${verification.status}`);
    return verification;
  }

  /** Re-verifies every stored event (after a secret changed), optionally only one provider's. */
  async verifyAll(provider?: string, onProgress?: (done: number, total: number) => void): Promise<number> {
    const events = this.options.store.list().filter((e) => !e.rejected && (!provider || e.provider === provider));
    let done = 0;
    for (const event of events) {
      try {
        await this.verify(event);
      } catch (err) {
        this.logger.warn(`Could not re-verify ${event.id}: ${(err as Error).message}`);
      }
      onProgress?.(++done, events.length);
    }
    return done;
  }

  /**
   * The receiver's `respond` hook: answers provider handshakes (Slack url_verification, Zoom
   * endpoint.url_validation, Meta hub.challenge, Asana X-Hook-Secret, Dropbox, Twitch, Okta).
   * The handshake is still listed, marked with its id.
   */
  respondToHandshake(req: ReceivedRequest, publicUrl: string | undefined): (ReplySpec & { annotate: EventPatch }) | undefined {
    const signed = toSignedRequest({ ...req, publicUrl: publicUrl ? publicUrl + req.url : undefined }, req.body);
    const answer = answerHandshake(signed, {
      secrets: (provider) => this.options.secrets.secretsFor(provider),
      enabled: this.options.isHandshakeEnabled,
    });
    if (!answer) {
      return undefined;
    }
    if (answer.secretToStore) {
      this.options.secrets.storeHandedOver?.(answer.secretToStore.provider, answer.secretToStore.value);
    }
    if (answer.problem) {
      this.logger.warn(`Handshake ${answer.id}: ${answer.problem}`);
    } else {
      this.logger.info(`Answered the ${answer.provider} handshake (${answer.id}).`);
    }
    const contentType = Object.entries(answer.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    const headers = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    return {
      status: answer.status,
      body: answer.body,
      ...(contentType ? { contentType } : {}),
      headers,
      annotate: { handshake: answer.id, provider: answer.provider, ...(answer.problem ? { handshakeProblem: answer.problem } : {}) },
    };
  }
}

/** A SecretSource over a plain map, for the CLI (`--secret`, environment) and tests. */
export class StaticSecrets implements SecretSource {
  private readonly map = new Map<string, string[]>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [provider, value] of entries) {
      this.add(provider, value);
    }
  }

  add(provider: string, value: string): void {
    const list = this.map.get(provider) ?? [];
    list.push(value);
    this.map.set(provider, list);
  }

  secretsFor(provider: string): string[] {
    return [...(this.map.get(provider) ?? [])];
  }

  storeHandedOver(provider: string, value: string): void {
    this.add(provider, value);
  }

  get providers(): string[] {
    return [...this.map.keys()];
  }
}

/** The environment variable a provider's secret is read from: `standard-webhooks` → `WEBHOOK_INSPECTOR_SECRET_STANDARD_WEBHOOKS`. */
export function secretEnvName(provider: string): string {
  return `WEBHOOK_INSPECTOR_SECRET_${provider.toUpperCase().replace(/-/g, '_')}`;
}

/** `--secret stripe=whsec_…` flags and `WEBHOOK_INSPECTOR_SECRET_STRIPE` variables → secrets. */
export function secretsFromCli(flags: readonly string[], env: NodeJS.ProcessEnv): StaticSecrets {
  const secrets = new StaticSecrets();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      // Never echo the value: it is probably the secret itself, and stderr ends up in CI logs.
      throw new Error('--secret takes PROVIDER=VALUE, e.g. --secret stripe=whsec_… (the value given has no "PROVIDER=" in front).');
    }
    secrets.add(flag.slice(0, eq).trim().toLowerCase(), flag.slice(eq + 1));
  }
  for (const [name, value] of Object.entries(env)) {
    const m = /^WEBHOOK_INSPECTOR_SECRET_([A-Z0-9_]+)$/.exec(name);
    if (m && value) {
      secrets.add(m[1]!.toLowerCase().replace(/_/g, '-'), value);
    }
  }
  return secrets;
}
