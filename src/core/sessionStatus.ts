import type { ReceiverState } from './receiver';
import type { TunnelStatus } from './tunnel';

/** What the front ends (status bar, CLI `--json` receiver lines) show about a running session. */
export interface SessionStatus {
  readonly state: ReceiverState;
  /** The local receiver URL, `http://127.0.0.1:PORT`, while running. */
  readonly url?: string;
  /** The URL providers should call: the tunnel's while it is up, or the external URL. */
  readonly publicUrl?: string;
  /** The tunnel's state, URL, last self-test; absent while stopped. */
  readonly tunnel?: TunnelStatus;
}
