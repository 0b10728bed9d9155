/**
 * The agent tools (one implementation, two adapters: the MCP server in the CLI and the VS Code
 * language-model tools). Each tool takes checked input and returns plain JSON: captured content only in
 * named fields (never in prose), sizes bounded, every configured secret removed. What a payload says
 * never changes what a tool does: targets come from the caller's input and pass the host guard.
 */
import { type CapturedEvent, eventPath } from '../model/event';
import {
  buildSample,
  DEFAULT_TARGET,
  type DeliveryLog,
  isLoopbackHost,
  loopbackOnlyGuard,
  parseTarget,
  preflight,
  resend,
  type ResignMode,
  samples,
  sendSample,
  type Transport,
} from '../forward';
import type { EventStore } from '../store';
import { type SecretSource, Verifier } from '../verification';
import { filterOf, matchesFilter, parseSince } from './eventFilter';
import { SecretRedactor } from './redact';
import { answerOf, asToolError, deliverySummary, DELIVERIES_SHOWN, summarize, utf8Prefix, verificationOf } from './results';
import { AgentToolError, type AgentToolName, toolSpec, UNTRUSTED_NOTE, validateInput } from './spec';

export interface ReceiverInfo {
  readonly running: boolean;
  readonly url?: string;
  readonly publicUrl?: string;
  readonly tunnel?: { readonly mode: string; readonly state: string; readonly reason?: string };
}

export interface AgentToolsContext {
  /** The store to read (the MCP server's is read-only and follows the writer with `refresh`). */
  store(): Promise<EventStore>;
  secrets: SecretSource;
  /** Every configured secret value, so that none reaches a result. */
  knownSecrets(): Iterable<string>;
  /** Hosts other than loopback that requests may go to (`--allow-host`, the workspace's confirmed hosts). */
  allowedHosts(): Iterable<string>;
  /** How the user allows a refused host, said in the refusal. */
  allowHint(host: string): string;
  /** The target when the caller names none. Default http://localhost:3000. */
  defaultTarget?(): string;
  /** Re-signing when the caller does not say. Default `auto`. */
  resignDefault?(): ResignMode;
  receiver(): Promise<ReceiverInfo>;
  /** Records resends on the event, where the store can be written. */
  deliveryLog?(store: EventStore): DeliveryLog | undefined;
  transport?: Transport;
  /** How often a waiting call looks for new events in a store another process writes. Default 200 ms. */
  pollMs?: number;
  now?: () => Date;
}

export type { EventSummary } from './results';

export interface CallOptions {
  signal?: AbortSignal;
  /** Called about every 5 s while `wait_for_event` waits (MCP progress notifications). */
  onProgress?(elapsedSeconds: number, totalSeconds: number): void;
}

export class AgentTools {
  constructor(private readonly ctx: AgentToolsContext) {}

  /** Runs a tool. Throws `AgentToolError` (one line) for bad input or a refused action. */
  async call(name: AgentToolName, rawInput: unknown, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const spec = toolSpec(name);
    if (!spec) {
      throw new AgentToolError(`There is no tool "${String(name).slice(0, 40)}".`);
    }
    const input = validateInput(spec, rawInput);
    const redactor = new SecretRedactor(this.ctx.knownSecrets());
    let result: Record<string, unknown>;
    switch (name) {
      case 'list_events':
        result = await this.listEvents(input);
        break;
      case 'get_event':
        result = await this.getEvent(input, redactor);
        break;
      case 'wait_for_event':
        result = await this.waitForEvent(input, options);
        break;
      case 'verify_event':
        result = await this.verifyEvent(input);
        break;
      case 'resend_event':
        result = await this.resendEvent(input);
        break;
      case 'send_sample_event':
        result = await this.sendSampleEvent(input);
        break;
      case 'receiver_status':
        result = await this.receiverStatus();
        break;
    }
    return redactor.deep(result);
  }

  // ---- reading ----------------------------------------------------------------------------------

  private async freshStore(): Promise<EventStore> {
    const store = await this.ctx.store();
    await store.refresh();
    return store;
  }

  private async listEvents(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const store = await this.freshStore();
    const filter = filterOf(input, store);
    const since = input.since === undefined ? undefined : parseSince(String(input.since));
    const verdict = input.verdict as string | undefined;
    const text = input.text === undefined ? '' : String(input.text).toLowerCase();
    const bodyHits = text ? await store.searchBodies([text]) : undefined;
    const matching = store.list().filter((e) => {
      if (!matchesFilter(e, filter)) {
        return false;
      }
      if (since !== undefined && Date.parse(e.receivedAt) < since) {
        return false;
      }
      if (verdict && (e.verification?.status ?? 'unchecked') !== verdict) {
        return false;
      }
      if (text && !bodyHits!.has(e.id) && !`${e.url}\n${e.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}`.toLowerCase().includes(text)) {
        return false;
      }
      return true;
    });
    return { events: matching.slice(0, input.limit as number).map(summarize), total: matching.length, notice: UNTRUSTED_NOTE };
  }

  private async eventOf(store: EventStore, id: unknown): Promise<CapturedEvent> {
    const event = store.get(String(id));
    if (!event) {
      throw new AgentToolError(`No event with id "${String(id).slice(0, 100)}". list_events gives the ids.`);
    }
    return event;
  }

  private async getEvent(input: Record<string, unknown>, redactor: SecretRedactor): Promise<Record<string, unknown>> {
    const store = await this.freshStore();
    const event = await this.eventOf(store, input.id);
    const max = input.maxBodyBytes as number;
    const full = event.rejected ? Buffer.alloc(0) : await store.readBody(event.id);
    const cleaned = redactor.bytes(full);
    const cut = cleaned.bytes.subarray(0, max);
    const text = utf8Prefix(cut, cleaned.bytes.length > max);
    return {
      id: event.id,
      receivedAt: event.receivedAt,
      method: event.method,
      url: event.url,
      provider: event.provider ?? null,
      eventType: event.eventType ?? null,
      headers: event.headers.map(([k, v]) => [k, v]),
      body: {
        encoding: text === undefined ? 'base64' : 'utf8',
        text: text ?? cut.toString('base64'),
        size: event.size,
        truncated: cleaned.bytes.length > max,
        ...(cleaned.redacted ? { redacted: true } : {}),
        ...(event.rejected ? { rejected: event.rejected } : {}),
      },
      verification: event.verification ? verificationOf(event.verification) : null,
      responseStatus: event.response.status,
      deliveries: (event.deliveries ?? []).slice(-DELIVERIES_SHOWN).map(deliverySummary),
      notice: UNTRUSTED_NOTE,
    };
  }

  private async waitForEvent(input: Record<string, unknown>, options: CallOptions): Promise<Record<string, unknown>> {
    const store = await this.freshStore();
    const filter = filterOf(input, store);
    const total = input.timeoutSeconds as number;
    const started = Date.now();
    const event = await new Promise<CapturedEvent | undefined>((resolve) => {
      const timers: Array<ReturnType<typeof setTimeout>> = [];
      const done = (e: CapturedEvent | undefined) => {
        sub.dispose();
        timers.forEach((t) => clearTimeout(t));
        clearInterval(poll);
        clearInterval(progress);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(e);
      };
      const sub = store.onDidChange((change) => {
        const hit = change.added.find((e) => matchesFilter(e, filter));
        if (hit) {
          done(hit);
        }
      });
      const onAbort = () => done(undefined);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const poll = setInterval(() => void store.refresh().catch(() => undefined), this.ctx.pollMs ?? 200);
      const progress = setInterval(() => options.onProgress?.(Math.round((Date.now() - started) / 1000), total), 5000);
      timers.push(setTimeout(() => done(undefined), total * 1000));
      if (options.signal?.aborted) {
        onAbort();
      }
    });
    return { event: event ? summarize(store.get(event.id) ?? event) : null, timedOut: !event, notice: UNTRUSTED_NOTE };
  }

  private async verifyEvent(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const store = await this.freshStore();
    const event = await this.eventOf(store, input.id);
    if (event.rejected) {
      throw new AgentToolError(`Event ${event.id} has no body to verify: it was not kept (${event.rejected}).`);
    }
    const body = await store.readBody(event.id);
    const verdict = new Verifier({ store, secrets: this.ctx.secrets, ...(this.ctx.now ? { now: this.ctx.now } : {}) }).check(event, body);
    const provider = verdict.provider;
    return {
      verification: {
        provider: provider ?? null,
        status: verdict.status,
        reason: verdict.reason,
        hint: verdict.hint ?? null,
        diagnostics: {
          secretsConfigured: provider ? this.ctx.secrets.secretsFor(provider, eventPath(event)).length : 0,
          matchedSecretIndex: verdict.matchedSecretIndex ?? null,
          skewSeconds: verdict.skewSeconds ?? null,
          signatureHeaders: event.headers
            .map(([k]) => k)
            .filter((k) => /signature|hmac|webhook-(id|timestamp)|-timestamp$|x-hook-secret/i.test(k)),
          atCapture: event.verification?.status ?? null,
          checkedAt: verdict.checkedAt,
        },
      },
    };
  }

  private async receiverStatus(): Promise<Record<string, unknown>> {
    const store = await this.freshStore();
    const r = await this.ctx.receiver();
    return {
      running: r.running,
      url: r.url ?? null,
      publicUrl: r.publicUrl ?? null,
      tunnel: r.tunnel ? { mode: r.tunnel.mode, state: r.tunnel.state, ...(r.tunnel.reason ? { reason: r.tunnel.reason } : {}) } : null,
      eventCount: store.size,
      store: store.dir,
    };
  }

  // ---- sending ----------------------------------------------------------------------------------

  /** The target URL, refused (before anything is sent or resolved) unless loopback or allowed. */
  checkedTarget(raw: unknown): URL {
    const text = raw === undefined ? (this.ctx.defaultTarget?.() ?? DEFAULT_TARGET) : String(raw);
    let url: URL;
    try {
      url = parseTarget(text);
    } catch (err) {
      throw new AgentToolError((err as Error).message);
    }
    const host = url.hostname.toLowerCase();
    const allowed = new Set([...this.ctx.allowedHosts()].map((h) => h.toLowerCase()));
    if (!isLoopbackHost(host) && !allowed.has(host)) {
      throw new AgentToolError(`Refused: ${host} is not this machine, and only loopback targets are allowed. ${this.ctx.allowHint(host)}`);
    }
    return url;
  }

  private guard() {
    return loopbackOnlyGuard(this.ctx.allowedHosts());
  }

  private async resendEvent(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const target = this.checkedTarget(input.target);
    const store = await this.freshStore();
    const event = await this.eventOf(store, input.id);
    if (event.rejected) {
      throw new AgentToolError(`Event ${event.id} cannot be resent: its body was not kept (${event.rejected}).`);
    }
    const body = await store.readBody(event.id);
    const provider = event.verification?.provider ?? event.provider;
    const resign: ResignMode = input.resign === true ? 'always' : input.resign === false ? 'never' : (this.ctx.resignDefault?.() ?? 'auto');
    const signing = { resign, ...(provider ? { provider, secrets: this.ctx.secrets.secretsFor(provider, eventPath(event)) } : {}) };
    const guard = this.guard();
    const warnings = preflight(event, body, target, { ...signing, guard }).warnings.map((w) => w.message);
    const log = this.ctx.deliveryLog?.(store);
    try {
      const delivery = await resend(event, body, target.href, {
        ...signing,
        guard,
        // The user approved the call (VS Code's confirmation, the MCP client's tool approval); warnings go back with the answer.
        confirmed: true,
        ...(log ? { log } : {}),
        ...(this.ctx.transport ? { transport: this.ctx.transport } : {}),
      });
      return { ...answerOf(delivery), warnings, recorded: !!log };
    } catch (err) {
      throw asToolError(err);
    }
  }

  private async sendSampleEvent(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const provider = String(input.provider);
    if (!samples.some((s) => s.provider === provider)) {
      throw new AgentToolError(
        `No samples for provider "${provider.slice(0, 64)}". Providers with samples: ${[...new Set(samples.map((s) => s.provider))].join(', ')}.`,
      );
    }
    const target = this.checkedTarget(input.target);
    const secret = this.ctx.secrets.secretsFor(provider)[0];
    let request;
    try {
      request = buildSample(provider, String(input.type), secret ? { secret } : {});
    } catch (err) {
      throw new AgentToolError((err as Error).message);
    }
    try {
      const delivery = await sendSample(request, target.href, {
        guard: this.guard(),
        ...(secret ? { secret } : {}),
        ...(this.ctx.transport ? { transport: this.ctx.transport } : {}),
      });
      return {
        ...answerOf(delivery),
        signed: !!secret,
        warnings: secret ? [] : [`No ${provider} signing secret is configured: the sample was sent unsigned.`],
      };
    } catch (err) {
      throw asToolError(err);
    }
  }
}
