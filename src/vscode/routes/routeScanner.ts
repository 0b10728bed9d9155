import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/lifecycle';
import type { Logger } from '../../core/logger';
import {
  DEFAULT_EXCLUDES,
  MAX_SOURCE_BYTES,
  RouteIndex,
  scanFiles,
  SOURCE_GLOB,
  type RouteDefinition,
  type ScanResult,
} from '../../core/routes';
import { onDidChangeSettings, setting } from '../settings';
import { vscodeWording } from '../wording';

export interface RouteScanSettings {
  enabled: boolean;
  maxFiles: number;
  timeBudgetMs: number;
}

export function readRouteSettings(): RouteScanSettings {
  return { enabled: setting('routes.codeLens'), maxFiles: setting('routes.maxFiles'), timeBudgetMs: 20_000 };
}

/** `files.exclude` and `search.exclude` (the entries set to `true`) plus folders never worth scanning, as one glob. */
export function excludeGlob(): string {
  const patterns = new Set(DEFAULT_EXCLUDES);
  for (const section of ['files.exclude', 'search.exclude']) {
    const map = vscode.workspace.getConfiguration().get<Record<string, unknown>>(section) ?? {};
    for (const [glob, on] of Object.entries(map)) {
      // `{ when: … }` entries depend on siblings; braces cannot nest inside the `{a,b}` below.
      if (on === true && !/[{}]/.test(glob)) {
        patterns.add(glob);
      }
    }
  }
  return `{${[...patterns].join(',')}}`;
}

/**
 * The workspace's webhook routes, found in the background: `workspace.findFiles` with the user's
 * excludes, at most `routes.maxFiles` files and a time budget (a log line when cut), read and matched
 * in short slices (`scanFiles`), then kept current by a file watcher (changes debounced).
 */
export class RouteScanner extends Disposable {
  readonly index = new RouteIndex();
  private readonly _onDidChange = this._register(new Emitter<void>());
  /** Fires when routes were added, changed or removed. */
  readonly onDidChange = this._onDidChange.event;
  private scanning: Promise<ScanResult | undefined> | undefined;
  private cancel: AbortController | undefined;
  private readonly dirty = new Set<string>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private lastResult: ScanResult | undefined;

  constructor(private readonly logger: Logger) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(SOURCE_GLOB));
    const touch = (uri: vscode.Uri) => this.touched(uri);
    this._register(watcher.onDidCreate(touch));
    this._register(watcher.onDidChange(touch));
    this._register(
      watcher.onDidDelete((uri) => {
        this.dirty.delete(uri.toString());
        const before = this.index.version;
        this.index.delete(uri.toString());
        if (this.index.version !== before) {
          this._onDidChange.fire();
        }
      }),
    );
    // Unsaved edits count too: a lens follows the route while you type.
    this._register(
      vscode.workspace.onDidChangeTextDocument(
        (e) => e.document.uri.scheme === 'file' && e.contentChanges.length && this.touched(e.document.uri),
      ),
    );
    this._register(onDidChangeSettings((change) => change.affects('routes') && void this.rescan()));
    // VS Code's own excludes (not ours): the scan honours them too.
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) {
          void this.rescan();
        }
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()));
    this._register({ dispose: () => (this.cancel?.abort(), this.debounce && clearTimeout(this.debounce)) });
  }

  get result(): ScanResult | undefined {
    return this.lastResult;
  }

  /** The scan, started on first call; later calls wait for the same one. */
  ready(): Promise<ScanResult | undefined> {
    this.scanning ??= this.scan();
    return this.scanning;
  }

  /** Drops what is known and scans again. */
  rescan(): Promise<ScanResult | undefined> {
    this.cancel?.abort();
    this.scanning = this.scan();
    return this.scanning;
  }

  private async scan(): Promise<ScanResult | undefined> {
    const settings = readRouteSettings();
    this.cancel?.abort();
    const abort = new AbortController();
    this.cancel = abort;
    if (!vscode.workspace.workspaceFolders?.length) {
      return undefined;
    }
    const started = Date.now();
    // One more than the bound, so the scanner can tell that it was cut.
    const uris = await vscode.workspace.findFiles(SOURCE_GLOB, excludeGlob(), settings.maxFiles + 1);
    if (abort.signal.aborted) {
      return undefined;
    }
    const byName = new Map(uris.map((u) => [u.toString(), u]));
    const found = new Map<string, RouteDefinition[]>();
    const result = await scanFiles({
      files: [...byName.keys()],
      maxFiles: settings.maxFiles,
      timeBudgetMs: Math.max(1000, settings.timeBudgetMs - (Date.now() - started)),
      signal: abort.signal,
      logger: this.logger,
      wording: vscodeWording,
      readFile: (name) => this.read(byName.get(name)!),
      onFile: (name, routes) => found.set(name, routes),
    });
    if (abort.signal.aborted) {
      return undefined;
    }
    this.index.clear();
    for (const [name, routes] of found) {
      this.index.set(name, routes);
    }
    this.lastResult = result;
    this._onDidChange.fire();
    return result;
  }

  /** An open document's text (unsaved edits included), else the file's bytes; large files are skipped. */
  private async read(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      return open.getText();
    }
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_SOURCE_BYTES) {
      return undefined;
    }
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  }

  private touched(uri: vscode.Uri): void {
    if (!/\.(?:[cm]?[jt]sx?|py|rb|php|go)$/.test(uri.path)) {
      return;
    }
    if (/(?:^|\/)(?:node_modules|vendor|\.venv|venv|\.git|dist|build|out|\.next)\//.test(vscode.workspace.asRelativePath(uri, false))) {
      return;
    }
    this.dirty.add(uri.toString());
    if (this.debounce) {
      clearTimeout(this.debounce);
    }
    this.debounce = setTimeout(() => void this.flush(), 300);
  }

  /** Re-reads the files that changed since the last flush. */
  private async flush(): Promise<void> {
    this.debounce = undefined;
    await this.scanning;
    const names = [...this.dirty];
    this.dirty.clear();
    const before = this.index.version;
    await scanFiles({
      files: names,
      maxFiles: names.length,
      readFile: (name) => this.read(vscode.Uri.parse(name)).catch(() => undefined),
      onFile: (name, routes) => this.index.set(name, routes),
    });
    if (this.index.version !== before) {
      this._onDidChange.fire();
    }
  }
}
