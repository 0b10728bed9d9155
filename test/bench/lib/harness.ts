import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// The shared VS Code harness (code-server + headless Chromium), beside the repository:
// <root>/../shared/vscode-harness/lib.mjs (install.sh fills $VSH_HOME). Only the parts the bench uses
// are typed here; playwright-core comes with the harness, not with this project.

export interface RunDir {
  readonly dir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface PwPage {
  goto(url: string, options?: { waitUntil?: 'load' | 'domcontentloaded' | 'commit'; timeout?: number }): Promise<unknown>;
  close(): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  addInitScript(script: { content: string }): Promise<void>;
  waitForFunction(expression: string, arg?: unknown, options?: { timeout?: number; polling?: 'raf' | number }): Promise<unknown>;
  on(event: 'pageerror', fn: (err: Error) => void): void;
}

export interface PwContext {
  newPage(): Promise<PwPage>;
  pages(): PwPage[];
  close(): Promise<void>;
  exposeFunction(name: string, fn: (...args: unknown[]) => unknown): Promise<void>;
}

export interface Harness {
  readonly VSH_HOME: string;
  makeRunDir(name: string): RunDir;
  installVsix(run: RunDir, vsix: string): Promise<void>;
  startCodeServer(run: RunDir, options?: { folder?: string; extraArgs?: string[] }): Promise<CodeServer>;
  launchBrowser(run: RunDir): Promise<PwContext>;
}

export function harnessPath(root: string): string {
  return path.join(root, '..', 'shared', 'vscode-harness', 'lib.mjs');
}

export async function loadHarness(root: string): Promise<Harness> {
  return (await import(pathToFileURL(harnessPath(root)).href)) as Harness;
}

/**
 * The harness reports progress with console.log (stdout), where the bench prints its table: while
 * `fn` runs, those lines go to the bench's progress log (stderr) instead.
 */
export async function withHarnessLog<T>(log: (m: string) => void, fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => log(args.map(String).join(' '));
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}
