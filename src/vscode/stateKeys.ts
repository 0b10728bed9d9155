import type * as vscode from 'vscode';
import type { GroupBy } from '../core/eventQuery';

/** One memento key: where it lives, its name (a contract: renaming it forgets what users had) and its value when unset. */
export interface StateKey<T> {
  readonly scope: 'workspace' | 'global';
  readonly name: string;
  readonly fallback: T;
}

function key<T>(scope: StateKey<T>['scope'], name: string, fallback: T): StateKey<T> {
  return { scope, name, fallback };
}

/** Every workspaceState and globalState key the extension keeps, in one place. */
export const STATE_KEYS = {
  /** The tunnel subdomain this workspace had last time, asked for again so pasted URLs keep working. */
  lastSubdomain: key<string | undefined>('workspace', 'webhookInspector.lastSubdomain', undefined),
  /** The last public URL, so a restart can say "the public URL changed". */
  lastPublicUrl: key<string | undefined>('workspace', 'webhookInspector.lastPublicUrl', undefined),
  /** Whether the receiver ran when the window closed or reloaded (restoreAfterReload). */
  wasRunning: key('workspace', 'webhookInspector.wasRunning', false),
  /** Non-loopback forward hosts the user allowed in this workspace. */
  allowedForwardHosts: key<string[]>('workspace', 'webhookInspector.allowedForwardHosts', []),
  /** Targets used lately by Resend To…, newest first. */
  recentTargets: key<string[]>('workspace', 'webhookInspector.recentTargets', []),
  /** Whether live forwarding is on. */
  forwardLive: key('workspace', 'webhookInspector.forwardLive', false),
  /** The Events view's grouping. */
  groupBy: key<GroupBy>('workspace', 'webhookInspector.groupBy', 'none'),
  /** The providers that have a signing secret in SecretStorage (ids only, never a secret). */
  secretProviders: key<string[]>('global', 'webhookInspector.secretProviders', []),
} as const;

/** SecretStorage keys: this prefix and the provider id (the secret itself lives only there). */
export const SECRET_KEY_PREFIX = 'webhookInspector.secret.';

/** The mementos of the extension context, as the state helpers need them. */
export interface StateMementos {
  readonly workspaceState: vscode.Memento;
  readonly globalState: vscode.Memento;
}

function memento(m: StateMementos | vscode.Memento, k: StateKey<unknown>): vscode.Memento {
  return 'workspaceState' in m ? (k.scope === 'workspace' ? m.workspaceState : m.globalState) : m;
}

/** Reads a key from the context's mementos (or from the one memento given). */
export function readState<T>(m: StateMementos | vscode.Memento, k: StateKey<T>): T {
  return memento(m, k).get<T>(k.name, k.fallback);
}

/** Writes a key to the context's mementos (or to the one memento given). */
export function writeState<T>(m: StateMementos | vscode.Memento, k: StateKey<T>, value: T): Thenable<void> {
  return memento(m, k).update(k.name, value);
}
