import * as vscode from 'vscode';
import type { SessionStatus } from '../core/session';
import type { EventStore } from '../core/store';
import { Disposable } from '../core/lifecycle';

/** An event to listen to (vscode's and core's Emitter events both fit). */
type On<T> = (listener: (e: T) => unknown) => { dispose(): unknown };

/**
 * What the view's keys are computed from: the controller, the Events tree and the secrets, described by
 * shape so that this module (which their owners import for the key names) imports none of them.
 */
export interface ViewKeySources {
  readonly controller: {
    readonly status: SessionStatus;
    readonly onDidChangeStatus: On<unknown>;
    readonly onDidChangeStore: On<EventStore>;
  };
  readonly tree: {
    counts(): { shown: number; total: number } | undefined;
    readonly filter: unknown;
    readonly onDidChangeTreeData: On<unknown>;
    refreshMessage(): void;
  };
  readonly secrets: { has(provider: string): boolean; readonly onDidChange: On<unknown> };
}

/** The context keys set by their owners (`when` clauses in package.json name them): one list of names. */
export const CONTEXT_KEYS = {
  /** The receiver runs (set by the controller). */
  running: 'webhookInspector.running',
  /** Live forwarding is on (set by the forwarding service). */
  forwarding: 'webhookInspector.forwarding',
  /** The Events view has a filter (set by the tree). */
  filtered: 'webhookInspector.filtered',
  /** The active editor is an editable copy of a body (Send Request). */
  isEditableCopy: 'webhookInspector.isEditableCopy',
} as const;

/** Sets one context key. */
export function setContextKey(key: (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS], value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}

/** The context keys the Events view's welcome content and buttons depend on, set from this one place. */
export const VIEW_KEYS = {
  /** Running with a tunnel that is offline or reconnecting. */
  tunnelFailed: 'webhookInspector.tunnelFailed',
  /** The store is shown read-only: another window or `webhook-inspector listen` holds its lock. */
  storeReadOnly: 'webhookInspector.storeReadOnly',
  /** A filter is set, there are events, and none matches. */
  filterEmpty: 'webhookInspector.filterEmpty',
  /** A provider whose events arrive has no signing secret (the value is the provider id). */
  missingSecret: 'webhookInspector.missingSecret',
} as const;

export interface ViewState {
  readonly tunnelFailed: boolean;
  readonly storeReadOnly: boolean;
  readonly filterEmpty: boolean;
  readonly missingSecret: string | undefined;
}

/** How many of the newest events are looked at for a provider sending without a secret. */
const RECENT = 100;

/** The view's state from what the controller, store, tree and secrets say (pure, for tests too). */
export function viewState(
  status: SessionStatus,
  store: EventStore | undefined,
  counts: { shown: number; total: number } | undefined,
  filtered: boolean,
  hasSecret: (provider: string) => boolean,
): ViewState {
  const t = status.tunnel;
  let missingSecret: string | undefined;
  for (const e of store?.list(0, RECENT) ?? []) {
    const provider = e.verification?.provider ?? e.provider;
    if (e.verification?.status === 'no-secret' && provider && !hasSecret(provider)) {
      missingSecret = provider;
      break;
    }
  }
  return {
    tunnelFailed: status.state === 'running' && !!t && t.mode !== 'none' && (t.state === 'offline' || t.state === 'reconnecting'),
    storeReadOnly: !!store?.readOnly,
    filterEmpty: filtered && !!counts && counts.total > 0 && counts.shown === 0,
    missingSecret,
  };
}

export class ViewContextKeys extends Disposable {
  private current: ViewState = { tunnelFailed: false, storeReadOnly: false, filterEmpty: false, missingSecret: undefined };
  private store: EventStore | undefined;
  private storeListener: vscode.Disposable | undefined;
  /** What was last set, by key (read by the extension-host tests). */
  readonly values: Record<string, unknown> = {};

  constructor(
    private readonly controller: ViewKeySources['controller'],
    private readonly tree: ViewKeySources['tree'],
    private readonly secrets: ViewKeySources['secrets'],
  ) {
    super();
    this._register(controller.onDidChangeStatus(() => this.update()));
    this._register(
      controller.onDidChangeStore((store) => {
        this.store = store;
        // Verdicts are recorded on the store: a provider may start or stop lacking a secret.
        this.storeListener?.dispose();
        this.storeListener = store.onDidChange(() => this.update());
        this.update();
      }),
    );
    this._register({ dispose: () => this.storeListener?.dispose() });
    this._register(tree.onDidChangeTreeData(() => this.update()));
    this._register(secrets.onDidChange(() => this.update()));
    for (const [name, key] of Object.entries(VIEW_KEYS)) {
      this.set(key, this.current[name as keyof ViewState]);
    }
  }

  get state(): ViewState {
    return this.current;
  }

  update(): void {
    const next = viewState(this.controller.status, this.store, this.tree.counts(), !!this.tree.filter, (p) => this.secrets.has(p));
    for (const [name, key] of Object.entries(VIEW_KEYS)) {
      const k = name as keyof ViewState;
      if (next[k] !== this.current[k]) {
        this.set(key, next[k]);
      }
    }
    const changed = next.missingSecret !== this.current.missingSecret || next.tunnelFailed !== this.current.tunnelFailed;
    this.current = next;
    if (changed) {
      this.tree.refreshMessage();
    }
  }

  /** Lines for the view's message while events are listed (welcome content shows only in an empty view). */
  messages(): string[] {
    const parts: string[] = [];
    const t = this.controller.status.tunnel;
    if (this.current.tunnelFailed && t) {
      parts.push(`Tunnel ${t.state}${t.reason ? `: ${t.reason}` : ''}`);
    }
    if (this.current.missingSecret) {
      parts.push(
        `${this.current.missingSecret} is sending, but no signing secret is set: its signatures are not checked (use the key button above).`,
      );
    }
    return parts;
  }

  private set(key: string, value: unknown): void {
    this.values[key] = value ?? false;
    void vscode.commands.executeCommand('setContext', key, value ?? false);
  }
}
