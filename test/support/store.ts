import type { Logger } from '../../src/core/logger';
import type { EventDraft } from '../../src/core/store';

/** A minimal event draft for store tests. */
export function draft(url: string, size: number): EventDraft {
  return {
    method: 'POST',
    url,
    headers: [['Content-Type', 'application/json']],
    remoteAddress: '127.0.0.1',
    size,
    response: { status: 200, body: '{"ok":true}', contentType: 'application/json' },
  };
}

/** A logger that keeps warnings and errors, for assertions on log lines. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

/** A gate a test opens by hand: `entered` resolves when the code under test reaches it. */
export class Gate {
  private release!: () => void;
  private readonly opened = new Promise<void>((r) => (this.release = r));
  private enter!: () => void;
  readonly entered = new Promise<void>((r) => (this.enter = r));
  /** Called by the code under test; waits until `open()`. */
  async pass(): Promise<void> {
    this.enter();
    await this.opened;
  }
  open(): void {
    this.release();
  }
}

/** Lets the event loop run a few full turns (timers excepted): what a forgotten `await` resolves within. */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((r) => setImmediate(r));
  }
}
