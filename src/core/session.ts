import type { CapturedEvent } from './event';
import { Disposable, Emitter } from './lifecycle';
import type { Logger } from './logger';
import { nullLogger } from './logger';
import type { ReceiverHooks, ReceiverState } from './receiver';
import { Receiver } from './receiver';
import type { EventStore } from './store';

export interface SessionOptions {
  store: EventStore;
  port: number;
  maxBodySize?: number;
  logger?: Logger;
  hooks?: ReceiverHooks;
}

/** What the front ends (status bar, CLI `--json` receiver lines) show about a running session. */
export interface SessionStatus {
  readonly state: ReceiverState;
  /** The local receiver URL, `http://127.0.0.1:PORT`, while running. */
  readonly url?: string;
  /** The URL providers should call; later set by the tunnel. */
  readonly publicUrl?: string;
}

/**
 * One receiving session: the receiver over a store, plus what later joins it (tunnel, verification,
 * forwarding). The extension and the CLI both drive this one class, so they behave the same.
 */
export class Session extends Disposable {
  readonly receiver: Receiver;
  private readonly logger: Logger;
  private readonly _onDidChangeStatus = this._register(new Emitter<SessionStatus>());
  readonly onDidChangeStatus = this._onDidChangeStatus.event;
  readonly onDidCapture: (listener: (e: CapturedEvent) => void) => { dispose(): void };

  constructor(readonly options: SessionOptions) {
    super();
    this.logger = options.logger ?? nullLogger;
    this.receiver = this._register(
      new Receiver({ store: options.store, port: options.port, maxBodySize: options.maxBodySize, logger: this.logger, hooks: options.hooks }),
    );
    this._register(this.receiver.onDidChangeState(() => this._onDidChangeStatus.fire(this.status())));
    this.onDidCapture = this.receiver.onDidCapture;
  }

  get store(): EventStore {
    return this.options.store;
  }

  status(): SessionStatus {
    const url = this.receiver.url;
    return url ? { state: this.receiver.state, url } : { state: this.receiver.state };
  }

  async start(): Promise<SessionStatus> {
    await this.receiver.start();
    return this.status();
  }

  async stop(): Promise<void> {
    await this.receiver.stop();
  }
}
