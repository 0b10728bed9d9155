import * as vscode from 'vscode';

/** Any command handler: typed arguments (as VS Code passes them, unchecked), sync or async. */
export type CommandHandler = (...args: never[]) => unknown;

/**
 * The one error policy of every command: a thrown error becomes an error message (and a log line),
 * never an unhandled rejection; the handler's result is passed through (tests and other extensions use it).
 */
export function guarded<F extends CommandHandler>(
  fn: F,
  log?: (message: string) => void,
): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>> | undefined> {
  return async (...args: Parameters<F>): Promise<Awaited<ReturnType<F>> | undefined> => {
    try {
      return (await fn(...args)) as Awaited<ReturnType<F>>;
    } catch (err) {
      log?.((err as Error).message);
      void vscode.window.showErrorMessage(`Webhook Inspector: ${(err as Error).message}`);
      return undefined;
    }
  };
}

/** Registers a command whose handler runs under `guarded`'s error policy: the only way commands are registered. */
export function registerGuardedCommand(id: string, fn: CommandHandler, log?: (message: string) => void): vscode.Disposable {
  return vscode.commands.registerCommand(id, guarded(fn, log) as (...args: unknown[]) => unknown);
}

/** Registers a table of commands (id → handler) under the same policy; one disposable for all. */
export function registerGuardedCommands(commands: Record<string, CommandHandler>, log?: (message: string) => void): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(commands).map(([id, fn]) => registerGuardedCommand(id, fn, log)));
}

/** The one wording for an event that was deleted, evicted, or lives in another store folder. */
export function missingEventMessage(eventId: string): string {
  return `The event ${eventId} is no longer in the store: it was deleted, evicted, or the store folder changed.`;
}
