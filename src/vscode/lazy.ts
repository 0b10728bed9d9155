import * as vscode from 'vscode';
import { registerGuardedCommand } from './commands/guarded';

/**
 * The seams that keep activation small: a feature's module is `import()`ed (a chunk of its own in
 * dist/chunks/, see scripts/extensionBuild.mjs) on its first use, not when the extension activates.
 */

/** Memoises `load`; a failed load is tried again on the next call. */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      loading = load();
      loading.catch(() => (loading = undefined));
    }
    return loading;
  };
}

/**
 * Registers `ids` as stand-ins for a feature's commands. The first run of any of them loads the feature
 * (`load` resolves to its own registration function), swaps the stand-ins for the feature's real
 * registrations and runs the command with the same arguments (a local command: tree nodes and URIs pass
 * as they are). `ids` must be exactly the commands the feature registers: the integration tests run
 * each feature's commands through these stand-ins.
 */
export function registerLazyCommands(ids: readonly string[], load: () => Promise<() => vscode.Disposable>): vscode.Disposable {
  let stubs: vscode.Disposable[] = [];
  let real: vscode.Disposable | undefined;
  let disposed = false;
  const swap = lazy(async () => {
    const register = await load();
    if (!disposed && !real) {
      for (const s of stubs) {
        s.dispose();
      }
      stubs = [];
      real = register();
    }
  });
  stubs = ids.map((id) =>
    registerGuardedCommand(id, async (...args: unknown[]) => {
      await swap();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  return new vscode.Disposable(() => {
    disposed = true;
    for (const s of stubs) {
      s.dispose();
    }
    real?.dispose();
  });
}

/**
 * A CodeLens provider that loads the real one on the first request (a file it applies to was opened).
 * Events and refreshes go through the real provider once it is there.
 */
export class LazyCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private real: (vscode.CodeLensProvider & Partial<vscode.Disposable>) | undefined;
  private sub: vscode.Disposable | undefined;
  private readonly get: () => Promise<vscode.CodeLensProvider & Partial<vscode.Disposable>>;

  constructor(load: () => Promise<vscode.CodeLensProvider & Partial<vscode.Disposable>>) {
    this.get = lazy(async () => {
      const real = await load();
      this.real = real;
      this.sub = real.onDidChangeCodeLenses?.(() => this.changed.fire());
      return real;
    });
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const real = await this.get();
    return (await real.provideCodeLenses(document, token)) ?? [];
  }

  async resolveCodeLens(lens: vscode.CodeLens, token: vscode.CancellationToken): Promise<vscode.CodeLens> {
    const real = await this.get();
    return (await real.resolveCodeLens?.(lens, token)) ?? lens;
  }

  dispose(): void {
    this.sub?.dispose();
    this.real?.dispose?.();
    this.changed.dispose();
  }
}

/**
 * A tree data provider that loads the real one on the first `getChildren` (the view was opened); its
 * elements come from the real provider only, so every other call goes there. Refreshes pass through.
 */
export class LazyTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private real: vscode.TreeDataProvider<T> | undefined;
  private sub: vscode.Disposable | undefined;
  private readonly get: () => Promise<vscode.TreeDataProvider<T>>;

  constructor(load: () => Promise<vscode.TreeDataProvider<T>>) {
    this.get = lazy(async () => {
      const real = await load();
      this.real = real;
      this.sub = real.onDidChangeTreeData?.((e) => this.changed.fire(e));
      return real;
    });
  }

  async getChildren(element?: T): Promise<T[]> {
    const real = await this.get();
    return (await real.getChildren(element)) ?? [];
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.real!.getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.real?.getParent?.(element);
  }

  dispose(): void {
    this.sub?.dispose();
    this.changed.dispose();
  }
}

/** A text document content provider that loads the real one on the first request; change events pass through. */
export class LazyContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private sub: vscode.Disposable | undefined;
  private readonly get: () => Promise<vscode.TextDocumentContentProvider>;

  constructor(load: () => Promise<vscode.TextDocumentContentProvider>) {
    this.get = lazy(async () => {
      const real = await load();
      this.sub = real.onDidChange?.((uri) => this.changed.fire(uri));
      return real;
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    return (await (await this.get()).provideTextDocumentContent(uri, token)) ?? '';
  }

  dispose(): void {
    this.sub?.dispose();
    this.changed.dispose();
  }
}
