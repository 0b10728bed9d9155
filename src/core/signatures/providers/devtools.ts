import { randomUUID } from 'node:crypto';
import {
  type Candidate,
  type MacScheme,
  type ProviderDef,
  cleanSecret,
  malformed,
  matchedResult,
  missing,
  noSecret,
  signWith,
} from '../engine';
import { hmacOver, macProvider, splitAlgPrefix, standardFamily } from '../schemes';
import { concat, hasHeader, hasHeaderPrefix, header, isRecord, parseJson, parseTimestamp, safeEqualText } from '../util';

// ---------------------------------------------------------------------------------------------
// GitLab: X-Gitlab-Token (the secret itself); newer signing tokens use Standard Webhooks headers.
// ---------------------------------------------------------------------------------------------

const gitlabSigned = standardFamily({ id: 'gitlab', name: 'GitLab', prefix: 'webhook', detect: () => false });

export const gitlab: ProviderDef = {
  id: 'gitlab',
  name: 'GitLab',
  canSign: true,
  detect: (req) => hasHeader(req, 'x-gitlab-event', 'x-gitlab-token', 'x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'x-gitlab-instance'),
  verify(req, ctx) {
    const token = header(req, 'x-gitlab-token');
    if (token === undefined && header(req, 'webhook-signature') !== undefined) {
      // Signing-token webhooks (Standard Webhooks format). UNCONFIRMED: the key is assumed to be a
      // whsec_/base64 key like Standard Webhooks; see the module README note.
      return gitlabSigned.verify(req, ctx);
    }
    if (token === undefined) {
      return { provider: 'gitlab', ...missing('GitLab', 'X-Gitlab-Token', 'GitLab sends it only when the webhook has a secret token.') };
    }
    if (token.trim() === '') {
      return { provider: 'gitlab', ...malformed('GitLab', 'X-Gitlab-Token', 'the token is empty') };
    }
    if (ctx.secrets.length === 0) {
      return noSecret('gitlab', 'GitLab', 'secret token');
    }
    for (const [i, secret] of ctx.secrets.entries()) {
      if (safeEqualText(token, secret)) {
        return matchedResult(
          'gitlab',
          'GitLab',
          i,
          { time: undefined, tolerance: undefined },
          ctx.now,
          `The X-Gitlab-Token matches secret #${i + 1}.`,
        );
      }
    }
    for (const [i, secret] of ctx.secrets.entries()) {
      if (safeEqualText(token.trim(), cleanSecret(secret))) {
        return {
          provider: 'gitlab',
          status: 'invalid',
          reason: `Secret #${i + 1} has whitespace or quotes around it; without them it equals the X-Gitlab-Token.`,
          hint: 'Set the secret again without the surrounding spaces, newline or quotes.',
        };
      }
    }
    return {
      provider: 'gitlab',
      status: 'invalid',
      reason: 'The X-Gitlab-Token does not match the configured secret token; it is probably the token of another webhook.',
      hint: "Copy the secret token from this webhook's settings in GitLab (it cannot be viewed again; set a new one if needed).",
    };
  },
  sign(req, secret, now) {
    // A request that came with a signing-token signature (and no secret token) is re-signed the same way.
    if (header(req, 'x-gitlab-token') === undefined && header(req, 'webhook-signature') !== undefined && gitlabSigned.sign) {
      return gitlabSigned.sign(req, secret, now);
    }
    return { 'x-gitlab-token': secret };
  },
};

// ---------------------------------------------------------------------------------------------
// Linear: hex HMAC-SHA256 of the body; the signed `webhookTimestamp` (ms) is inside the body, ±60 s.
// ---------------------------------------------------------------------------------------------

const linearScheme = hmacOver('sha256', 'hex');

export const linear = macProvider({
  id: 'linear',
  name: 'Linear',
  detect: (req) => hasHeader(req, 'linear-signature', 'linear-delivery', 'linear-event'),
  tolerance: 60,
  parse(req) {
    const value = header(req, 'linear-signature');
    if (value === undefined) {
      return missing('Linear', 'Linear-Signature');
    }
    if (!value.trim()) {
      return malformed('Linear', 'Linear-Signature', 'the signature is empty');
    }
    const body = parseJson(req.body);
    let time: number | undefined;
    if (isRecord(body) && typeof body.webhookTimestamp === 'number' && Number.isFinite(body.webhookTimestamp)) {
      time = body.webhookTimestamp / 1000;
    } else {
      const ts = header(req, 'linear-timestamp');
      if (ts !== undefined) {
        time = parseTimestamp(ts, 'auto');
      }
    }
    return { candidates: [{ value: value.trim() }], scheme: linearScheme, ...(time !== undefined ? { time } : {}) };
  },
  sign(req, secret, now) {
    return { 'linear-signature': signWith(linearScheme, secret, req.body), 'linear-timestamp': String(now.getTime()) };
  },
});

// ---------------------------------------------------------------------------------------------
// Twitch EventSub: sha256=<hex> over id + timestamp (RFC 3339, verbatim) + body, 10 min.
// ---------------------------------------------------------------------------------------------

function twitchScheme(id: string, ts: string): MacScheme {
  return hmacOver('sha256', 'hex', (body) => concat(id + ts, body));
}

export const twitch = macProvider({
  id: 'twitch',
  name: 'Twitch EventSub',
  detect: (req) => hasHeaderPrefix(req, 'twitch-eventsub-'),
  tolerance: 600,
  parse(req) {
    const value = header(req, 'twitch-eventsub-message-signature');
    if (value === undefined) {
      return missing('Twitch EventSub', 'Twitch-Eventsub-Message-Signature');
    }
    const id = header(req, 'twitch-eventsub-message-id');
    const ts = header(req, 'twitch-eventsub-message-timestamp');
    if (id === undefined) {
      return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'the Twitch-Eventsub-Message-Id header is missing');
    }
    if (ts === undefined) {
      return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'the Twitch-Eventsub-Message-Timestamp header is missing');
    }
    const time = parseTimestamp(ts);
    if (time === undefined) {
      return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Timestamp', `"${ts}" is not an RFC 3339 time`);
    }
    const split = splitAlgPrefix(value);
    if (!split || !split.sig) {
      return malformed('Twitch EventSub', 'Twitch-Eventsub-Message-Signature', 'expected "sha256=<hex>"');
    }
    const candidate: Candidate = split.alg === 'sha256' ? { value: split.sig } : { value: split.sig, alg: split.alg };
    return { candidates: [candidate], time, scheme: twitchScheme(id, ts) };
  },
  sign(req, secret, now) {
    const id = header(req, 'twitch-eventsub-message-id') ?? randomUUID();
    const ts = now.toISOString();
    return {
      'twitch-eventsub-message-id': id,
      'twitch-eventsub-message-timestamp': ts,
      'twitch-eventsub-message-signature': `sha256=${signWith(twitchScheme(id, ts), secret, req.body)}`,
    };
  },
});
