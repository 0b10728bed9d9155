// The subject as users run it: the built CLI, `node dist/cli.js listen` in a process of its own, with
// persistence (a temp --store), classification, verification (--secret github=<the bench secret>) and
// its per-event output (one line per event on stdout, or --json). This wrapper only reads that output:
// an event counts once the CLI printed it, i.e. once it was stored, answered and verified.
// Prints {"port":N,...}, then serves RPC from the bench like the other servers.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventStore } from '../../../src/core/store';
import { childConfig, epochMs, serveRpc } from '../lib/child';
import { BENCH_SECRET } from '../lib/workload';

const config = childConfig({
  /** `--json` output instead of the human line. */
  json: false,
  /** `--max-events`; undefined = the CLI's default (1000: every batch past it also evicts). */
  maxEvents: undefined as number | undefined,
  /** Node flags for the CLI process, e.g. `--cpu-prof --cpu-prof-dir DIR`. */
  nodeArgs: [] as string[],
  /** The CLI bundle; default this checkout's dist/cli.js (`npm run bench` builds it first). */
  cli: path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'),
});

const CLI = path.resolve(config.cli);

/** CPU time (user + system) of another process, µs, from /proc (Linux); 0 where that is not readable. */
function cpuMicrosOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wi-bench-cli-'));
  // What a user types: listen, local only, any free port, this store, the provider's secret.
  const args = [
    ...config.nodeArgs,
    CLI,
    ...'listen --tunnel none --port 0'.split(' '),
    ...['--store', dir, '--secret', `github=${BENCH_SECRET}`],
    ...(config.maxEvents !== undefined ? ['--max-events', String(config.maxEvents)] : []),
    ...(config.json ? ['--json'] : []),
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let printed = 0;
  let validSeen = 0;
  let armed: { target: number; reachedAt?: number } | undefined;
  const count = (lines: number, valid: number) => {
    printed += lines;
    validSeen += valid;
    if (armed && armed.reachedAt === undefined && printed >= armed.target) {
      armed.reachedAt = epochMs();
    }
  };
  // The output is counted from the raw chunks (no line splitting, no parsing): this process shares the
  // machine with the CLI and the load generator, and a slow reader would stall the CLI's stdout writes.
  // After the banner (which ends with "press Ctrl-C to stop.", or the receiver object with --json) every
  // line is an event; `✓ verified` (or `"status":"valid"`) marks a valid signature.
  const bannerEnd = config.json
    ? /"type":"receiver"[^\n]*"url":"http:\/\/127\.0\.0\.1:(\d+)"[^\n]*\n/
    : /listening on http:\/\/127\.0\.0\.1:(\d+)[^]*?to stop\.\n/;
  const newline = 0x0a;
  const validMark = Buffer.from(config.json ? '"status":"valid"' : '✓ verified');
  let head: string | undefined = '';
  let tail = Buffer.alloc(0);
  const occurrences = (buf: Buffer, mark: Buffer) => {
    let n = 0;
    for (let i = buf.indexOf(mark); i !== -1; i = buf.indexOf(mark, i + mark.length)) {
      n++;
    }
    return n;
  };
  const countEvents = (chunk: Buffer) => {
    // A mark split across two chunks is found in the joined tail of the last one and the new one.
    const joined = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    const valid = occurrences(joined, validMark);
    tail = Buffer.from(joined.subarray(Math.max(0, joined.length - (validMark.length - 1))));
    let lines = 0;
    for (let i = chunk.indexOf(newline); i !== -1; i = chunk.indexOf(newline, i + 1)) {
      lines++;
    }
    count(lines, valid);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CLI printed no URL within 20 s')), 20_000);
    void exited.then((code) => reject(new Error(`the CLI exited with ${code} before listening`)));
    proc.stdout.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        countEvents(chunk);
        return;
      }
      head += chunk.toString('utf8');
      const m = bannerEnd.exec(head);
      if (m) {
        const rest = head.slice(m.index + m[0].length);
        head = undefined;
        clearTimeout(timer);
        resolve(Number(m[1]));
        countEvents(Buffer.from(rest));
      }
    });
  });

  process.stdout.write(
    `${JSON.stringify({ port, kind: 'cli-listen', dir, verification: 'on (dist/cli.js listen --secret github=…)', verifying: true })}\n`,
  );

  // Counted as `added` so the bench items read it like the in-process subject's store count.
  const stats = () => ({
    added: printed,
    verified: printed,
    captured: printed,
    verifyCounts: { valid: validSeen, other: printed - validSeen },
    cpuMicros: cpuMicrosOf(proc.pid!),
  });

  serveRpc(
    {
      stats,
      /** Waits until no event line came for `quietMs` (in-flight requests are written and printed). */
      settle: async (a) => {
        const { quietMs = 150, timeoutMs = 15_000 } = (a ?? {}) as { quietMs?: number; timeoutMs?: number };
        const until = Date.now() + timeoutMs;
        let last = -1;
        while (Date.now() < until && printed !== last) {
          last = printed;
          await new Promise((r) => setTimeout(r, quietMs));
        }
        return stats();
      },
      arm: (a) => {
        armed = { target: (a as { target: number }).target };
        return stats();
      },
      armResult: async (a) => {
        const w = armed;
        if (!w) {
          throw new Error('not armed');
        }
        const until = Date.now() + ((a as { timeoutMs?: number } | undefined)?.timeoutMs ?? 30_000);
        while (Date.now() < until && w.reachedAt === undefined) {
          await new Promise((r) => setTimeout(r, 5));
        }
        armed = undefined;
        return { reachedAt: w.reachedAt, verifiedAt: w.reachedAt, listed: printed, ...stats() };
      },
      /** Durability: stop the CLI (Ctrl-C), then count what a fresh open of its store finds. */
      reopen: async () => {
        proc.kill('SIGINT');
        await exited;
        const again = await EventStore.open(dir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
        const size = again.size;
        await again.close();
        return { sizeOnDisk: size, printed };
      },
    },
    async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGINT');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  );
}

main().catch((err) => {
  process.stderr.write(`cliListen: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
