/** The signature verdict as the model stores it; the checks themselves live in `../signatures`. */
import type { Knob } from '../knobs';

/** Every verdict a verification can reach: the one declaration of the status union. */
export const VERIFICATION_STATUSES = ['valid', 'invalid', 'no-signature', 'no-secret', 'stale', 'malformed', 'unsupported'] as const;

export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** True for one of `VERIFICATION_STATUSES` (for data read back from disk or a webview message). */
export function isVerificationStatus(x: unknown): x is VerificationStatus {
  return typeof x === 'string' && (VERIFICATION_STATUSES as readonly string[]).includes(x);
}

/** The stored signature verdict (computed by `src/core/verification.ts`). */
export interface Verification {
  readonly provider?: string;
  readonly status: VerificationStatus;
  readonly reason: string;
  readonly hint?: string;
  /** The knob that fixes it; the front doors word it (see `src/core/knobs.ts`). */
  readonly knob?: Knob;
  readonly matchedSecretIndex?: number;
  readonly skewSeconds?: number;
  readonly checkedAt: string;
}
