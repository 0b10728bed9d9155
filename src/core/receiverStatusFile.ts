/**
 * `<store>/receiver.json`: what the process writing a store tells readers about its receiver (URL,
 * public URL, tunnel state, pid). Readers such as the MCP server cannot ask that process directly; they
 * read the file and trust it only while its pid is alive. Written atomically (temp file + rename) on
 * every status change, removed on stop. It holds no secret and nothing from a payload.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SessionStatus } from './sessionStatus';
import { isProcessAlive } from './store';

export const RECEIVER_STATUS_FILE = 'receiver.json';

export interface ReceiverStatusRecord {
  readonly pid: number;
  readonly state: string;
  readonly url?: string;
  readonly publicUrl?: string;
  readonly tunnel?: { readonly mode: string; readonly state: string; readonly reason?: string };
  readonly updatedAt: string;
}

/** Writes the status file of one running session; writes are queued so the last status wins. */
export class ReceiverStatusWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly pid: number = process.pid,
  ) {}

  write(status: SessionStatus): Promise<void> {
    const t = status.tunnel;
    const record: ReceiverStatusRecord = {
      pid: this.pid,
      state: status.state,
      ...(status.url ? { url: status.url } : {}),
      ...(status.publicUrl ? { publicUrl: status.publicUrl } : {}),
      ...(t ? { tunnel: { mode: t.mode, state: t.state, ...(t.reason ? { reason: t.reason } : {}) } } : {}),
      updatedAt: new Date().toISOString(),
    };
    const file = path.join(this.dir, RECEIVER_STATUS_FILE);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    this.chain = this.chain.then(async () => {
      try {
        await fsp.writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
        await fsp.rename(tmp, file);
      } catch {
        await fsp.rm(tmp, { force: true }).catch(() => undefined);
      }
    });
    return this.chain;
  }

  remove(): Promise<void> {
    this.chain = this.chain.then(() => fsp.rm(path.join(this.dir, RECEIVER_STATUS_FILE), { force: true }).catch(() => undefined));
    return this.chain;
  }
}

/** The status the store's writer last wrote, if that process is still alive; undefined otherwise. */
export async function readReceiverStatus(
  dir: string,
  isAlive: (pid: number) => boolean = isProcessAlive,
): Promise<ReceiverStatusRecord | undefined> {
  let record: ReceiverStatusRecord;
  try {
    record = JSON.parse(await fsp.readFile(path.join(dir, RECEIVER_STATUS_FILE), 'utf8')) as ReceiverStatusRecord;
  } catch {
    return undefined;
  }
  if (!record || typeof record.pid !== 'number' || typeof record.state !== 'string' || !isAlive(record.pid)) {
    return undefined;
  }
  return record;
}
