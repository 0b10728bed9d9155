/**
 * cloudflared dies with us, even when we are killed with SIGKILL (or crash, or the extension host is
 * torn down). Node has no PR_SET_PDEATHSIG and a killed parent leaves its children running, so
 * cloudflared is not our child: a tiny watchdog is. It is this same Node (or Electron run as Node),
 * started with an IPC channel, which the OS closes when we die however we die (a pipe on Linux and
 * macOS, a named pipe on Windows). The watchdog starts cloudflared, passes its stderr through, mirrors
 * its exit, and stops it (SIGTERM, SIGKILL 3 s later) as soon as the channel closes: when we die, or
 * when we let go on purpose (`stopWatched`). Spawn failures (ENOENT: not installed) come back over the
 * channel, so messages stay the same as for a direct child.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** Runs in the watchdog (`node -e`); argv: the binary, then its arguments. Plain CommonJS, no imports of ours. */
export const WATCHDOG_SOURCE = `
const { spawn } = require('node:child_process');
const [binary, ...args] = process.argv.slice(1);
const env = { ...process.env };
if (env.WI_WATCHDOG_DROP_ELECTRON === '1') delete env.ELECTRON_RUN_AS_NODE;
delete env.WI_WATCHDOG_DROP_ELECTRON;
const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'inherit'], env, windowsHide: true });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('error', (e) => {
  const report = { spawnError: { code: String(e.code || ''), message: String(e.message) } };
  if (process.connected) process.send(report, () => process.exit(127));
  else process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, signal);
  }
  process.exit(code === null ? 1 : code);
});
if (!process.connected) stop();
`;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: NodeJS.ErrnoException;
}

/** Starts `binary args` under a watchdog; the returned process is the watchdog (its stderr is the binary's). */
export function spawnWatched(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-e', WATCHDOG_SOURCE, binary, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // In VS Code process.execPath is Electron: run it as plain Node; the binary gets the environment as it was.
    env: { ...env, ELECTRON_RUN_AS_NODE: '1', WI_WATCHDOG_DROP_ELECTRON: env.ELECTRON_RUN_AS_NODE ? '0' : '1' },
    windowsHide: true,
  });
}

/** How the watched binary ended; a spawn failure inside the watchdog comes back as `error` (code ENOENT …). */
export function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise<Exit>((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('message', (m: unknown) => {
      const e = (m as { spawnError?: { code?: unknown; message?: unknown } } | null)?.spawnError;
      if (e) {
        spawnError = Object.assign(new Error(String(e.message)), e.code ? { code: String(e.code) } : {});
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => {
      const done = () => resolve(spawnError ? { code: null, signal: null, error: spawnError } : { code, signal });
      // Messages are read before the channel closes: wait for that, so a spawn error is not missed.
      if (child.connected) {
        child.once('disconnect', done);
        setTimeout(done, 1000).unref();
      } else {
        done();
      }
    });
  });
}

/** Lets go of the watched binary: the watchdog stops it (SIGTERM, then SIGKILL); the watchdog itself is killed if still there after 5 s. */
export function stopWatched(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  if (child.connected) {
    child.disconnect();
  } else {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }, 5000);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}
