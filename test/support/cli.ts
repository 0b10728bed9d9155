import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

export interface RunningCli {
  child: ChildProcess;
  /** Parsed JSON lines printed so far. */
  lines: Array<Record<string, unknown>>;
  stderr: string[];
  /** Resolves with the first line that matches. */
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `webhook-inspector <args> --json` and parses its stdout lines. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const partial: string[] = [];
  const waiters: Array<{ pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // A process killed with -9 can leave its last line half written: that line is not an event.
      partial.push(text);
      return;
    }
    lines.push(line);
    for (const w of waiters.splice(0)) {
      if (w.pred(line)) {
        w.resolve(line);
      } else {
        waiters.push(w);
      }
    }
  });
  readline.createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor(pred, timeoutMs = 15_000) {
      const found = lines.find(pred);
      if (found) {
        return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching line within ${timeoutMs} ms; stdout: ${JSON.stringify(lines)} stderr: ${stderr.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

/** Runs the CLI to completion (with extra environment variables) and returns its exit code and output. */
export function runCliOnce(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    // 'close', not 'exit': after 'exit' the pipes may still hold output.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
