import type { Knob } from '../knobs';
import type { VerificationStatus } from '../model/verification';

/** A request as the receiver captured it, the input of every verification. */
export interface SignedRequest {
  method: string;
  /** The full public URL the sender used, query included. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** Raw bytes as received. */
  body: Uint8Array;
}

export interface VerificationResult {
  /** Provider id, or undefined when none was detected. */
  provider: string | undefined;
  status: VerificationStatus;
  /** One sentence a user understands. */
  reason: string;
  /** What to do about it. */
  hint?: string;
  /** The knob that fixes it (e.g. the signing secret for `no-secret`); each front door words it. */
  knob?: Knob;
  /** Which of the given secrets matched (index into `opts.secrets`). */
  matchedSecretIndex?: number;
  /**
   * Clock skew of the signed timestamp, in whole seconds: positive when the timestamp lies in the
   * past, negative when it lies in the future. Set whenever a signed timestamp could be read.
   */
  skewSeconds?: number;
}

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

/**
 * Configuration of the `generic-hmac` provider: any "HMAC of some bytes, encoded, in a header" scheme.
 *
 * The signed content is built from `template`, in which these placeholders are replaced:
 * `{body}` (the raw body bytes), `{timestamp}` (the timestamp header value, verbatim),
 * `{id}` (the id header value), `{method}` (upper-case HTTP method) and `{url}` (the full URL).
 * Everything else in the template is taken literally (UTF-8). Examples:
 * `"{body}"` (GitHub style), `"{timestamp}.{body}"` (Stripe style), `"v0:{timestamp}:{body}"` (Slack style),
 * `"{id}.{timestamp}.{body}"` (Standard Webhooks style).
 *
 * Passed as `generic` in the options of `verifyRequest` / `signRequest` together with
 * `provider: 'generic-hmac'`.
 */
export interface GenericHmacConfig {
  /** Name of the header that carries the signature (case-insensitive). */
  header: string;
  /** HMAC hash. Default `sha256`. */
  algorithm?: HmacAlgorithm;
  /** Encoding of the signature. Default `hex`. */
  encoding?: SignatureEncoding;
  /** Literal text before the encoded signature, e.g. `sha256=` or `v1,`. Default none. */
  prefix?: string;
  /** Signed content template; see above. Default `{body}`. */
  template?: string;
  /** Header with the timestamp used by `{timestamp}` and by the tolerance check. */
  timestampHeader?: string;
  /**
   * How the timestamp header is written: unix seconds, unix milliseconds or an ISO 8601 / RFC 3339 string.
   * Default `unix`. When verifying, the value is read in any of these forms.
   */
  timestampFormat?: 'unix' | 'unix-ms' | 'iso8601';
  /** Header with the message id used by `{id}`. */
  idHeader?: string;
  /** How the secret text becomes HMAC key bytes. Default `utf8` (as-is). */
  secretEncoding?: 'utf8' | 'base64' | 'hex';
  /** Tolerance for the timestamp in seconds (both directions). Default 300 when a timestamp header is set. */
  toleranceSeconds?: number;
  /**
   * Separator between several signatures in the header (key rotation), e.g. `" "` or `","`.
   * Default: the header holds a single signature.
   */
  separator?: string;
}

export interface VerifyOptions {
  /** Candidate secrets (or, for Discord and SendGrid, public keys); any may match. */
  secrets: string[];
  /** Provider id; detected from the headers when omitted. */
  provider?: string;
  /** Current time; defaults to the system clock. */
  now?: Date;
  /** Overrides the provider's documented timestamp tolerance; `0` disables the check. */
  toleranceSeconds?: number;
  /** Required when `provider` is `generic-hmac`. */
  generic?: GenericHmacConfig;
}

export interface SignOptions {
  provider: string;
  secret: string;
  now?: Date;
  /** Required when `provider` is `generic-hmac`. */
  generic?: GenericHmacConfig;
}

export interface ProviderInfo {
  id: string;
  name: string;
  /** False for verify-only schemes (public-key, network-based, or signature inside the body). */
  canSign: boolean;
}
