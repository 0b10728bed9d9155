import { decodeForDisplay } from '../bodyDecode';
import { detectFormat, FORMAT_LABELS } from '../detail/contentKind';
import { parseJsonTree } from '../detail/json';
import type { JsonNode } from '../detail/protocol';
import type { CapturedEvent } from '../model/event';
import { headerValue } from '../model/event';
import { providers } from '../signatures';
import { commentText, typeNameProblem } from './codeText';
import { emit, type CodegenLanguage } from './emit';
import { buildModel, pascalCase, type Model } from './infer';

/** Bounds for one sample: a hostile body costs at most this much. */
const LIMITS = { maxNodes: 500_000, maxDepth: 256 } as const;
/** Largest decompressed body read as a sample. */
const MAX_SAMPLE_BYTES = 25 * 1024 * 1024;

export interface Sample {
  readonly eventId: string;
  readonly provider?: string;
  readonly eventType?: string;
  readonly format: 'json' | 'form';
  readonly root: JsonNode;
}

/** An event that could not be used, and why (one sentence naming the content type where it matters). */
export interface SampleProblem {
  readonly eventId: string;
  readonly message: string;
}

/** A user mistake or unusable input; the CLI exits with 2 on it, the extension shows the message. */
export class CodegenError extends Error {}

/** Reads one event's body as a sample: JSON as is, a urlencoded form as an object of string fields. */
export async function sampleOf(event: CapturedEvent, body: Buffer): Promise<Sample | SampleProblem> {
  const id = event.id;
  if (event.rejected) {
    return { eventId: id, message: `${id}: the body was not kept (${event.rejected}).` };
  }
  const decoded = await decodeForDisplay(body, headerValue(event, 'content-encoding'), MAX_SAMPLE_BYTES);
  if (decoded.error || decoded.truncated) {
    return { eventId: id, message: `${id}: the body could not be decompressed${decoded.error ? `: ${decoded.error}` : ' within 25 MB'}.` };
  }
  const contentType = headerValue(event, 'content-type');
  const format = detectFormat(decoded.bytes, contentType);
  const base = {
    eventId: id,
    ...(event.provider ? { provider: event.provider } : {}),
    ...(event.eventType ? { eventType: event.eventType } : {}),
  };
  if (format === 'json') {
    const parsed = parseJsonTree(decoded.bytes.toString('utf8'), LIMITS);
    if (!parsed.ok) {
      return { eventId: id, message: `${id}: the body is not valid JSON (${parsed.message}).` };
    }
    return { ...base, format: 'json', root: parsed.tree };
  }
  if (format === 'form') {
    const fields = new Map<string, string[]>();
    for (const [k, v] of new URLSearchParams(decoded.bytes.toString('utf8'))) {
      fields.set(k, [...(fields.get(k) ?? []), v]);
    }
    const entries: Array<[string, JsonNode]> = [...fields].map(([k, vs]) => [
      k,
      vs.length === 1 ? { t: 'string', v: vs[0]! } : { t: 'array', items: vs.map((v) => ({ t: 'string', v }) as const) },
    ]);
    return { ...base, format: 'form', root: { t: 'object', entries } };
  }
  const declared = contentType ? `Content-Type ${contentType.slice(0, 100)}` : 'no Content-Type';
  return {
    eventId: id,
    message: `${id}: the body is ${FORMAT_LABELS[format]} (${declared}), not JSON; types are generated from JSON bodies (and urlencoded forms, as string fields) only.`,
  };
}

export function isProblem(x: Sample | SampleProblem): x is SampleProblem {
  return 'message' in x;
}

function providerTypeName(provider: string): string {
  const info = providers.find((p) => p.id === provider);
  return pascalCase(info?.name ?? provider) || 'Webhook';
}

/**
 * The default type name: `StripePaymentIntentSucceeded` for one provider and one event type,
 * `StripeEvent` for one provider, `WebhookEvent` when no provider is known. Mixed providers need a name.
 */
export function defaultTypeName(samples: readonly Sample[]): string {
  const provs = [...new Set(samples.map((s) => s.provider ?? ''))];
  if (provs.length > 1) {
    const named = provs.map((p) => p || 'unknown').join(', ');
    throw new CodegenError(`The events come from different providers (${named}); choose a type name for the combined type (--name NAME).`);
  }
  const provider = provs[0];
  const prefix = provider ? providerTypeName(provider) : 'Webhook';
  const types = [...new Set(samples.map((s) => s.eventType ?? ''))];
  if (types.length === 1 && types[0]) {
    const name = `${prefix}${pascalCase(types[0])}`;
    if (!typeNameProblem(name)) {
      return name;
    }
  }
  return `${prefix}Event`;
}

export interface TypesResult {
  readonly text: string;
  readonly name: string;
  readonly model: Model;
  /** Events that were left out, with the reason. */
  readonly skipped: readonly SampleProblem[];
  readonly used: number;
}

/**
 * Types or a schema from samples. Throws `CodegenError` when no sample is usable, when the name is
 * invalid, or when providers are mixed and no name is given.
 */
export function typesFromSamples(all: ReadonlyArray<Sample | SampleProblem>, lang: CodegenLanguage, name?: string): TypesResult {
  const samples = all.filter((s): s is Sample => !isProblem(s));
  const skipped = all.filter(isProblem);
  if (samples.length === 0) {
    const why = skipped.length ? `\n${skipped.map((s) => `  ${s.message}`).join('\n')}` : '';
    throw new CodegenError(`No JSON bodies to generate types from.${why}`);
  }
  const typeName = name ?? defaultTypeName(samples);
  const problem = typeNameProblem(typeName);
  if (problem) {
    throw new CodegenError(problem);
  }
  const model = buildModel(
    samples.map((s) => s.root),
    typeName,
  );
  const provs = [...new Set(samples.map((s) => s.provider).filter((p): p is string => !!p))];
  const header = `// ${typeName}: generated by Webhook Inspector from ${samples.length} captured event${samples.length === 1 ? '' : 's'}${provs.length ? ` (${commentText(provs.join(', '))})` : ''}.`;
  return { text: emit(model, lang, header), name: typeName, model, skipped, used: samples.length };
}
