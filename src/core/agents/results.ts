/** The shapes of tool results: event summaries, verdicts, deliveries, a handler's answer (bounded), tool errors. */
import { ConfirmationRequiredError, ResendError, TargetError } from '../forward';
import type { Delivery } from '../model/delivery';
import type { CapturedEvent } from '../model/event';
import { AgentToolError } from './spec';

/** The short form of an event in lists. */
export interface EventSummary {
  id: string;
  receivedAt: string;
  method: string;
  url: string;
  provider: string | null;
  eventType: string | null;
  size: number;
  verification: { status: string; reason: string } | null;
  responseStatus: number;
  deliveries: number;
}

const SUMMARY_URL_MAX = 2048;
const EXCERPT_BYTES = 4096;
/** How many of an event's last deliveries `get_event` shows. */
export const DELIVERIES_SHOWN = 10;

export function summarize(e: CapturedEvent): EventSummary {
  return {
    id: e.id,
    receivedAt: e.receivedAt,
    method: e.method,
    url: e.url.length > SUMMARY_URL_MAX ? `${e.url.slice(0, SUMMARY_URL_MAX)}…` : e.url,
    provider: e.verification?.provider ?? e.provider ?? null,
    eventType: e.eventType ?? null,
    size: e.size,
    verification: e.verification ? { status: e.verification.status, reason: e.verification.reason } : null,
    responseStatus: e.response.status,
    deliveries: e.deliveries?.length ?? 0,
  };
}

export function verificationOf(v: NonNullable<CapturedEvent['verification']>): Record<string, unknown> {
  return { provider: v.provider ?? null, status: v.status, reason: v.reason, hint: v.hint ?? null, checkedAt: v.checkedAt };
}

export function deliverySummary(d: Delivery): Record<string, unknown> {
  return {
    kind: d.kind,
    target: d.target,
    startedAt: d.startedAt,
    status: d.status ?? null,
    durationMs: d.durationMs,
    resigned: d.resigned,
    error: d.error ?? null,
  };
}

/** A handler's answer in the tool result shape; no answer at all is a tool error. */
export function answerOf(d: Delivery): Record<string, unknown> {
  if (d.status === undefined) {
    const reason =
      d.errorCode === 'ECONNREFUSED'
        ? `Nothing is listening on ${new URL(d.target).host} (${d.target}). Start the handler, or pass another target.`
        : (d.error ?? 'No answer.');
    throw new AgentToolError(`Not delivered: ${reason}`);
  }
  const raw = d.bodyEncoding === 'base64' ? Buffer.from(d.body, 'base64') : Buffer.from(d.body, 'utf8');
  const cut = raw.subarray(0, EXCERPT_BYTES);
  const text = utf8Prefix(cut, raw.length > EXCERPT_BYTES || d.truncated);
  return {
    target: d.target,
    status: d.status,
    durationMs: d.durationMs,
    resigned: d.resigned,
    headers: d.headers.map(([k, v]) => [k, v]),
    bodyExcerpt: {
      encoding: text === undefined ? 'base64' : 'utf8',
      text: text ?? cut.toString('base64'),
      size: d.bodySize,
      truncated: d.bodySize > cut.length,
    },
  };
}

export function asToolError(err: unknown): AgentToolError {
  if (err instanceof AgentToolError) {
    return err;
  }
  if (err instanceof TargetError || err instanceof ResendError || err instanceof ConfirmationRequiredError) {
    return new AgentToolError(err.message);
  }
  return new AgentToolError(`Failed: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * The bytes as text when they are UTF-8 (a cut may end inside a character: up to 3 trailing bytes
 * of an incomplete sequence are dropped then); undefined for binary data (invalid UTF-8 or NUL bytes).
 */
export function utf8Prefix(bytes: Buffer, cut: boolean): string | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const tries = cut ? [0, 1, 2, 3] : [0];
  for (const drop of tries) {
    if (drop > bytes.length) {
      break;
    }
    try {
      const text = decoder.decode(bytes.subarray(0, bytes.length - drop));
      return text.includes('\u0000') ? undefined : text;
    } catch {
      // try one byte shorter
    }
  }
  return undefined;
}
