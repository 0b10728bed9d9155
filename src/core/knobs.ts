/**
 * The things a user can change that core errors and hints are about. The core names the knob, never
 * where it is set: each front door words it (VS Code names its command or setting, the CLI its flag
 * or environment variable). Answers sent to remote senders name no knob at all.
 */
/**
 * - `signingSecret`: the provider's signing secret;
 * - `maxBodySize`: the largest body the receiver keeps;
 * - `rateLimit`: requests a minute per sender before 429;
 * - `forwardTarget`: where resends and forwarded events go;
 * - `forwardTimeout`: how long proxy mode waits for the handler;
 * - `cloudflaredPath`: where the cloudflared executable is;
 * - `routeScanLimit`: how many files the route scan reads.
 */
export const KNOBS = [
  'signingSecret',
  'maxBodySize',
  'rateLimit',
  'forwardTarget',
  'forwardTimeout',
  'cloudflaredPath',
  'routeScanLimit',
] as const;

export type Knob = (typeof KNOBS)[number];

export function isKnob(x: unknown): x is Knob {
  return typeof x === 'string' && (KNOBS as readonly string[]).includes(x);
}

export interface KnobRef {
  readonly knob: Knob;
  /** The provider a signing secret is for. */
  readonly provider?: string;
}

/** How one front door tells the user where to change a knob: a short sentence. */
export type KnobWording = (ref: KnobRef) => string;

/** The knob a stored verdict is about: its own, or the signing secret for `no-secret` (older records carry no knob). */
export function verdictKnob(v: { readonly status: string; readonly knob?: Knob; readonly provider?: string }): KnobRef | undefined {
  const knob = v.knob ?? (v.status === 'no-secret' ? 'signingSecret' : undefined);
  return knob ? { knob, ...(v.provider ? { provider: v.provider } : {}) } : undefined;
}

/** What to do about a verdict, worded by a front door: the knob's wording, else the core's own hint. */
export function verdictHint(
  v: { readonly status: string; readonly knob?: Knob; readonly provider?: string; readonly hint?: string },
  word: KnobWording,
): string | undefined {
  const ref = verdictKnob(v);
  return ref ? word(ref) : v.hint;
}
