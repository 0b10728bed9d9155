import * as vscode from 'vscode';

/** Wraps a command handler: a thrown error becomes an error message (and a log line), never an unhandled rejection. */
export function guarded<T>(fn: (...args: unknown[]) => Promise<T>, log?: (message: string) => void): (...args: unknown[]) => Promise<T | undefined> {
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
