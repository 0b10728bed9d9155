import { pathMatches } from './forward/routing';
import type { ReceivedRequest, ReplySpec } from './receiver';

/**
 * A response the receiver gives instead of its default `200`, so users can watch how a provider
 * retries (webhook.site offers the same). Matched by path (prefix or glob), optionally by provider and
 * method; the first rule that matches wins.
 */
export interface CustomResponseRule {
  /** `/webhooks/stripe` matches that path and everything under it; `*` and `**` are globs. */
  readonly path: string;
  readonly provider?: string;
  readonly method?: string;
  readonly status: number;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (ms, at most 60 s); the event is stored before the wait. */
  readonly delayMs?: number;
}

export const MAX_CUSTOM_DELAY_MS = 60_000;

/** Keeps only well-formed rules from settings (a bad rule must not break the receiver). */
export function sanitizeRules(raw: unknown): CustomResponseRule[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  return raw.filter(
    (r): r is CustomResponseRule =>
      !!r &&
      typeof r === 'object' &&
      typeof (r as CustomResponseRule).path === 'string' &&
      (r as CustomResponseRule).path.startsWith('/') &&
      Number.isInteger((r as CustomResponseRule).status) &&
      (r as CustomResponseRule).status >= 100 &&
      (r as CustomResponseRule).status <= 599,
  );
}

export function matchCustomResponse(
  rules: readonly CustomResponseRule[],
  req: Pick<ReceivedRequest, 'method' | 'url'>,
  provider: string | undefined,
): CustomResponseRule | undefined {
  const path = req.url.split('?')[0] ?? '/';
  return rules.find(
    (r) =>
      pathMatches(r.path, path) &&
      (!r.provider || r.provider === provider) &&
      (!r.method || r.method.toUpperCase() === req.method.toUpperCase()),
  );
}

/** The reply for a rule, after its delay (cancelled when the sender hangs up). */
export async function customReply(rule: CustomResponseRule, signal?: AbortSignal): Promise<ReplySpec> {
  const delay = Math.min(MAX_CUSTOM_DELAY_MS, Math.max(0, rule.delayMs ?? 0));
  if (delay > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return {
    status: rule.status,
    body: rule.body ?? '',
    contentType: rule.contentType ?? (rule.body?.trimStart().startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8'),
    headers: { ...rule.headers },
    annotate: { customResponse: rule.path },
  };
}
