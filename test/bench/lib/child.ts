import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** Messages between the bench (parent) and a server child over the IPC channel. */
export interface RpcRequest {
  readonly rpc: number;
  readonly cmd: string;
  readonly args?: unknown;
}
export interface RpcReply {
  readonly rpc: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

export const SERVERS_DIR = path.join(__dirname, '..', 'servers');

/**
 * A child process running `node --import tsx test/bench/servers/NAME.ts`. It prints one JSON line
 * with its port (`{"port":N}`) on stdout, then answers commands over IPC.
 */
export class ServerChild {
  private nextRpc = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly port: number,
    readonly info: Record<string, unknown>,
  ) {
    proc.on('message', (m: RpcReply) => {
      const w = this.waiting.get(m.rpc);
      if (w) {
        this.waiting.delete(m.rpc);
        if (m.ok) {
          w.resolve(m.result);
        } else {
          w.reject(new Error(`${name}: ${m.error}`));
        }
      }
    });
    proc.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.values()) {
        w.reject(new Error(`${name} exited`));
      }
      this.waiting.clear();
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts `servers/<file>.ts` with `config` as its argument (JSON) and waits for its port.
   * `nodeArgs` go before `--import tsx` (e.g. `--cpu-prof`).
   */
  static async start(
    file: string,
    config: Record<string, unknown> = {},
    nodeArgs: readonly string[] = [],
    timeoutMs = 20_000,
  ): Promise<ServerChild> {
    const script = path.join(SERVERS_DIR, `${file}.ts`);
    const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const lines = createInterface({ input: proc.stdout! });
    const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${file}: no port line within ${timeoutMs} ms`));
      }, timeoutMs);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${file} exited with ${code} before printing its port`));
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as Record<string, unknown>);
        } catch {
          reject(new Error(`${file}: bad first line ${JSON.stringify(line)}`));
        }
      });
    });
    // Later stdout lines (if any) are passed through for debugging.
    lines.on('line', (line) => process.stderr.write(`[${file}] ${line}\n`));
    return new ServerChild(file, proc, Number(first.port ?? 0), first);
  }

  call<T = unknown>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
    if (this.exited) {
      return Promise.reject(new Error(`${this.name} has exited`));
    }
    const rpc = this.nextRpc++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rpc);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(rpc, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ rpc, cmd, args } satisfies RpcRequest);
    });
  }

  /** Asks the child to clean up and exit; kills it if it does not within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) {
      return;
    }
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.call('close', undefined, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/**
 * The child side: serves RPC commands from the parent. `close` is always handled: it runs
 * `onClose` then exits. The child also exits (after `onClose`) when the parent goes away.
 */
export function serveRpc(handlers: Record<string, (args: unknown) => unknown>, onClose: () => Promise<void> | void): void {
  let closing = false;
  const close = async (code: number) => {
    if (closing) {
      return;
    }
    closing = true;
    try {
      await onClose();
    } finally {
      process.exit(code);
    }
  };
  process.on('message', (m: RpcRequest) => {
    if (m.cmd === 'close') {
      void close(0);
      return;
    }
    const handler = handlers[m.cmd];
    void (async () => {
      try {
        if (!handler) {
          throw new Error(`unknown command ${m.cmd}`);
        }
        const result = await handler(m.args);
        process.send?.({ rpc: m.rpc, ok: true, result } satisfies RpcReply);
      } catch (err) {
        process.send?.({ rpc: m.rpc, ok: false, error: (err as Error).message } satisfies RpcReply);
      }
    })();
  });
  process.on('disconnect', () => void close(0));
  process.on('SIGTERM', () => void close(0));
  process.on('SIGINT', () => void close(0));
}

/** The child's config, passed as its single argument (JSON). */
export function childConfig<T extends object>(defaults: T): T {
  const arg = process.argv[2];
  return arg ? { ...defaults, ...(JSON.parse(arg) as Partial<T>) } : defaults;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Runs `node [nodeArgs] --import tsx test/bench/servers/<file>.ts '<config JSON>'` to completion and
 * returns the last JSON line it printed on stdout (its result). Killed after `timeoutMs`.
 */
export function runOnce<T>(
  file: string,
  config: Record<string, unknown>,
  nodeArgs: readonly string[] = [],
  timeoutMs = 120_000,
): Promise<T> {
  const script = path.join(SERVERS_DIR, `${file}.ts`);
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let last = '';
  const lines = createInterface({ input: proc.stdout! });
  lines.on('line', (line) => {
    if (line.trim()) {
      last = line;
    }
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Let readline deliver the last line.
      setImmediate(() => {
        if (code !== 0) {
          reject(new Error(`${file} exited with ${code ?? signal}`));
          return;
        }
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(new Error(`${file}: no JSON result (last line ${JSON.stringify(last)})`));
        }
      });
    });
  });
}

/** Node flags for a subject child: `--profile` on the bench writes a .cpuprofile per subject into the OS temp folder. */
export function profileArgs(flags: ReadonlyMap<string, string>, label: string): string[] {
  if (!flags.has('profile')) {
    return [];
  }
  // One folder per child: node writes a profile per thread (tsx's loader runs in a worker thread).
  const dir = path.join(tmpdir(), 'wi-bench-profiles', `${label}-${Date.now()}`);
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}
