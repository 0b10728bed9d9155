/**
 * A small stand-in for the `vscode` module, enough to drive the detail panel's host in plain node:
 * it records what the host posts, shows and copies. Installed by `installVscodeMock()`.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => void;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      l(e);
    }
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static from(c: { scheme: string; path: string }): Uri {
    return new Uri(c.scheme, c.path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { path?: string }): Uri {
    return new Uri(this.scheme, c.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  iconPath?: unknown;
  command?: unknown;
  accessibilityInformation?: unknown;
  constructor(
    public label: string,
    public collapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

/** Keeps what was appended: `text` as given to appendText (escaped by VS Code), Markdown as is. */
export class MarkdownString {
  isTrusted = false;
  supportHtml = false;
  readonly texts: string[] = [];
  value = '';
  constructor(
    value?: string,
    readonly supportThemeIcons = false,
  ) {
    this.value = value ?? '';
  }
  appendText(text: string): this {
    this.texts.push(text);
    this.value += text;
    return this;
  }
  appendMarkdown(md: string): this {
    this.value += md;
    return this;
  }
}

export const Disposable = {
  from: (...ds: Array<{ dispose(): unknown }>) => ({ dispose: () => ds.forEach((d) => d.dispose()) }),
};

export const ViewColumn = { Active: -1, Beside: -2, One: 1 };

export interface MockPanel {
  title: string;
  iconPath?: unknown;
  visible: boolean;
  viewColumn: number;
  posted: unknown[];
  webview: {
    options: Record<string, unknown>;
    html: string;
    cspSource: string;
    asWebviewUri(u: Uri): Uri;
    postMessage(m: unknown): Promise<boolean>;
    onDidReceiveMessage(l: Listener<unknown>): { dispose(): void };
  };
  /** Simulates the webview posting a message to the host. */
  receive(m: unknown): void;
  setVisible(v: boolean): void;
  onDidDispose(l: Listener<void>): { dispose(): void };
  onDidChangeViewState(l: Listener<{ webviewPanel: MockPanel }>): { dispose(): void };
  reveal(): void;
  dispose(): void;
  disposed: boolean;
}

function createPanel(): MockPanel {
  const messages = new EventEmitter<unknown>();
  const disposed = new EventEmitter<void>();
  const viewState = new EventEmitter<{ webviewPanel: MockPanel }>();
  const panel: MockPanel = {
    title: '',
    visible: true,
    viewColumn: 1,
    posted: [],
    disposed: false,
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-webview://mock',
      asWebviewUri: (u) => Uri.from({ scheme: 'https', path: u.path }),
      postMessage: async (m) => {
        panel.posted.push(structuredClone(m));
        return true;
      },
      onDidReceiveMessage: messages.event,
    },
    receive: (m) => messages.fire(m),
    setVisible: (v) => {
      panel.visible = v;
      viewState.fire({ webviewPanel: panel });
    },
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    reveal: () => undefined,
    dispose: () => {
      if (!panel.disposed) {
        panel.disposed = true;
        disposed.fire();
      }
    },
  };
  return panel;
}

export const recorded = {
  panels: [] as MockPanel[],
  panelOptions: [] as unknown[],
  clipboard: [] as string[],
  info: [] as string[],
  errors: [] as string[],
  executed: [] as Array<{ command: string; args: unknown[] }>,
  serializers: new Map<string, { deserializeWebviewPanel(p: MockPanel, state: unknown): Promise<void> }>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  extraCommands: [] as string[],
};

export const window = {
  createWebviewPanel: (_viewType: string, title: string, _show: unknown, options: unknown) => {
    const p = createPanel();
    p.title = title;
    recorded.panels.push(p);
    recorded.panelOptions.push(options);
    return p;
  },
  registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: MockPanel, state: unknown): Promise<void> }) => {
    recorded.serializers.set(viewType, s);
    return { dispose: () => recorded.serializers.delete(viewType) };
  },
  showInformationMessage: async (m: string) => {
    recorded.info.push(m);
    return undefined;
  },
  showWarningMessage: async (m: string) => {
    recorded.info.push(m);
    return undefined;
  },
  showErrorMessage: async (m: string) => {
    recorded.errors.push(m);
    return undefined;
  },
  setStatusBarMessage: (m: string) => {
    recorded.info.push(m);
    return { dispose: () => undefined };
  },
  showSaveDialog: async () => undefined,
  showTextDocument: async () => ({}),
};

export const workspace = {
  registerTextDocumentContentProvider: () => ({ dispose: () => undefined }),
  openTextDocument: async () => ({ languageId: 'plaintext' }),
  textDocuments: [] as unknown[],
  workspaceFolders: undefined,
  fs: { writeFile: async () => undefined },
  /** Every setting at its default. */
  getConfiguration: () => ({ get: <T>(_key: string, fallback?: T) => fallback }),
};

export const languages = { setTextDocumentLanguage: async (d: unknown) => d };

export const commands = {
  registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
    recorded.commands.set(id, fn);
    return { dispose: () => recorded.commands.delete(id) };
  },
  getCommands: async () => [...recorded.commands.keys(), ...recorded.extraCommands],
  executeCommand: async (command: string, ...args: unknown[]) => {
    recorded.executed.push({ command, args });
    return undefined;
  },
};

export const env = {
  clipboard: {
    writeText: async (t: string) => {
      recorded.clipboard.push(t);
    },
  },
};

/** Makes `require('vscode')` (and `import 'vscode'` compiled to CJS) load this module. */
export function installVscodeMock(): void {
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  const self = __filename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? self : original.call(this, request, ...rest);
  };
}
