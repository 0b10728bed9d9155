import type { SignedRequest } from './types';
import { verifyRequest } from './verify';
import { encode, header, hmac, isRecord, parseJson, utf8 } from './util';

/** The answer the receiver sends instead of (not in addition to) forwarding the request. */
export interface HandshakeResponse {
  /** Handshake id, one of {@link HANDSHAKES}. */
  id: string;
  provider: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
  /** A secret the handshake hands over (Asana's X-Hook-Secret), to be stored for `provider`. */
  secretToStore?: { provider: string; value: string };
  /** Set when the handshake was recognised but could not be answered successfully (shown to the user). */
  problem?: string;
}

export interface HandshakeOptions {
  /**
   * Configured secrets per provider id. Used: `zoom` (Secret Token), `meta-verify-token` (the Verify Token
   * typed into the Meta app dashboard, not the App Secret), `slack` and `twitch` (when present, the
   * handshake's signature must verify before it is answered).
   */
  secrets: (provider: string) => string[];
  /** Whether a handshake id is enabled (a setting per id); all are enabled by default. */
  enabled?: (id: string) => boolean;
}

export interface HandshakeInfo {
  id: string;
  provider: string;
  name: string;
  description: string;
}

export const HANDSHAKES: ReadonlyArray<HandshakeInfo> = [
  {
    id: 'slack-url-verification',
    provider: 'slack',
    name: 'Slack URL verification',
    description: 'Echo the challenge of a url_verification event.',
  },
  {
    id: 'zoom-url-validation',
    provider: 'zoom',
    name: 'Zoom URL validation',
    description: 'Answer endpoint.url_validation with the plainToken and its HMAC-SHA256 (Secret Token).',
  },
  {
    id: 'meta-verify-token',
    provider: 'meta',
    name: 'Meta webhook verification',
    description: 'Echo hub.challenge when hub.verify_token equals the configured verify token.',
  },
  {
    id: 'asana-hook-secret',
    provider: 'asana',
    name: 'Asana hook secret',
    description: 'Echo X-Hook-Secret and store it as the Asana signing secret.',
  },
  {
    id: 'dropbox-challenge',
    provider: 'dropbox',
    name: 'Dropbox challenge',
    description: 'Echo the challenge query parameter of a GET as text/plain.',
  },
  {
    id: 'twitch-callback-verification',
    provider: 'twitch',
    name: 'Twitch EventSub callback verification',
    description: 'Echo the challenge of a webhook_callback_verification message as text/plain.',
  },
  {
    id: 'okta-verification',
    provider: 'okta',
    name: 'Okta event hook verification',
    description: 'Answer x-okta-verification-challenge with {"verification": value}.',
  },
];

/** Handshake ids, e.g. to make each one a setting. */
export const HANDSHAKE_IDS: ReadonlyArray<string> = HANDSHAKES.map((h) => h.id);

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const JSON_TYPE = { 'content-type': 'application/json' };

function query(req: SignedRequest): URLSearchParams {
  try {
    return new URL(req.url, 'http://localhost').searchParams;
  } catch {
    return new URLSearchParams();
  }
}

/** Bodies parsed during one `answerHandshake` (several handshakes read the same JSON body): parsed once. */
const parsedBodies = new WeakMap<SignedRequest, Record<string, unknown> | null>();

function jsonBody(req: SignedRequest): Record<string, unknown> | undefined {
  let body = parsedBodies.get(req);
  if (body === undefined) {
    const value = parseJson(req.body);
    body = isRecord(value) ? value : null;
    parsedBodies.set(req, body);
  }
  return body ?? undefined;
}

const UNICODE_ESCAPE = Buffer.from('\\u');

/**
 * Whether a JSON body can hold the string `word`: it is there as it is, or the body has `\u` escapes
 * (which could spell it). Most requests are no handshake: this spares them a parse of the body.
 */
function mayHold(body: Uint8Array, word: string): boolean {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return bytes.includes(word) || bytes.includes(UNICODE_ESCAPE);
}

/** 403 when secrets are configured for `provider` and the request's signature does not verify. */
function signatureProblem(req: SignedRequest, provider: string, opts: HandshakeOptions): string | undefined {
  const secrets = opts.secrets(provider);
  if (secrets.length === 0) {
    return undefined;
  }
  const result = verifyRequest(req, { provider, secrets });
  return result.status === 'valid' ? undefined : result.reason;
}

type Answer = (req: SignedRequest, opts: HandshakeOptions) => Omit<HandshakeResponse, 'id' | 'provider'> | undefined;

const ANSWERS: Record<string, Answer> = {
  'slack-url-verification': (req, opts) => {
    if (req.method.toUpperCase() !== 'POST' || !mayHold(req.body, 'url_verification')) {
      return undefined;
    }
    const body = jsonBody(req);
    if (body?.type !== 'url_verification' || typeof body.challenge !== 'string') {
      return undefined;
    }
    const problem = signatureProblem(req, 'slack', opts);
    if (problem) {
      return { status: 403, headers: TEXT, body: 'invalid signature', problem };
    }
    return { status: 200, headers: TEXT, body: body.challenge };
  },
  'zoom-url-validation': (req, opts) => {
    if (req.method.toUpperCase() !== 'POST' || !mayHold(req.body, 'endpoint.url_validation')) {
      return undefined;
    }
    const body = jsonBody(req);
    if (body?.event !== 'endpoint.url_validation') {
      return undefined;
    }
    const payload = body.payload;
    const plainToken = isRecord(payload) ? payload.plainToken : undefined;
    if (typeof plainToken !== 'string') {
      return undefined;
    }
    const secret = opts.secrets('zoom')[0];
    if (!secret) {
      return {
        status: 500,
        headers: TEXT,
        body: 'Zoom Secret Token not configured',
        problem:
          'Zoom asked to validate this endpoint, but no Zoom Secret Token is set. Set it as the signing secret for Zoom, then revalidate in the Zoom app.',
      };
    }
    const encryptedToken = encode(hmac('sha256', utf8(secret), utf8(plainToken)), 'hex');
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ plainToken, encryptedToken }) };
  },
  'meta-verify-token': (req, opts) => {
    if (req.method.toUpperCase() !== 'GET') {
      return undefined;
    }
    const q = query(req);
    const mode = q.get('hub.mode');
    const challenge = q.get('hub.challenge');
    const token = q.get('hub.verify_token');
    if (mode !== 'subscribe' || challenge === null || token === null) {
      return undefined;
    }
    const tokens = opts.secrets('meta-verify-token');
    if (!tokens.includes(token)) {
      return {
        status: 403,
        headers: TEXT,
        body: 'verify token mismatch',
        problem:
          tokens.length === 0
            ? 'Meta sent a verification request, but no Meta verify token is configured.'
            : 'Meta sent a verification request whose hub.verify_token does not match the configured verify token.',
      };
    }
    return { status: 200, headers: TEXT, body: challenge };
  },
  'asana-hook-secret': (req) => {
    const secret = header(req, 'x-hook-secret');
    if (secret === undefined || req.method.toUpperCase() !== 'POST') {
      return undefined;
    }
    return { status: 200, headers: { 'x-hook-secret': secret }, body: '', secretToStore: { provider: 'asana', value: secret } };
  },
  'dropbox-challenge': (req) => {
    if (req.method.toUpperCase() !== 'GET') {
      return undefined;
    }
    const challenge = query(req).get('challenge');
    if (challenge === null) {
      return undefined;
    }
    return { status: 200, headers: { ...TEXT, 'x-content-type-options': 'nosniff' }, body: challenge };
  },
  'twitch-callback-verification': (req, opts) => {
    if (header(req, 'twitch-eventsub-message-type') !== 'webhook_callback_verification') {
      return undefined;
    }
    const body = jsonBody(req);
    if (typeof body?.challenge !== 'string') {
      return undefined;
    }
    const problem = signatureProblem(req, 'twitch', opts);
    if (problem) {
      return { status: 403, headers: TEXT, body: 'invalid signature', problem };
    }
    return { status: 200, headers: TEXT, body: body.challenge };
  },
  'okta-verification': (req) => {
    const value = header(req, 'x-okta-verification-challenge');
    if (value === undefined || req.method.toUpperCase() !== 'GET') {
      return undefined;
    }
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ verification: value }) };
  },
};

/**
 * Recognises an endpoint-verification handshake and builds the answer the provider's docs require.
 * Undefined when the request is no (enabled) handshake; the receiver then handles it as usual.
 */
export function answerHandshake(req: SignedRequest, opts: HandshakeOptions): HandshakeResponse | undefined {
  for (const info of HANDSHAKES) {
    if (opts.enabled && !opts.enabled(info.id)) {
      continue;
    }
    const answer = ANSWERS[info.id]?.(req, opts);
    if (answer) {
      return { id: info.id, provider: info.provider, ...answer };
    }
  }
  return undefined;
}
