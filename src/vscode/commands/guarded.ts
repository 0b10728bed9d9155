import * as vscode from 'vscode';

/** Wraps a command handler: a thrown error becomes an error message (and a log line), never an unhandled rejection. */
export function guarded<T>(
  fn: (...args: unknown[]) => Promise<T>,
  log?: (message: string) => void,
): (...args: unknown[]) => Promise<T | undefined> {
  return async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      log?.((err as Error).message);
      void vscode.window.showErrorMessage(`Webhook Inspector: ${(err as Error).message}`);
      return undefined;
    }
  };
}

/** Registers a command whose handler runs under `guarded`'s error policy. */
export function registerGuardedCommand(
  id: string,
  fn: (...args: unknown[]) => Promise<unknown>,
  log?: (message: string) => void,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, guarded(fn, log));
}

/** The one wording for an event that was deleted, evicted, or lives in another store folder. */
export function missingEventMessage(eventId: string): string {
  return `The event ${eventId} is no longer in the store: it was deleted, evicted, or the store folder changed.`;
}
