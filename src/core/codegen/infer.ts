import type { JsonNode } from '../detail/protocol';

/**
 * Shape inference over many samples: every JSON position collects what was seen there (how often,
 * null, booleans, numbers, strings with their distinct values while few, objects with their fields,
 * arrays with one merged element shape). `toType` then turns the lattice into a small type IR that
 * the TypeScript, zod and JSON Schema emitters share.
 */

/** Keys whose small sets of string values become literal unions. */
export const DISCRIMINATOR_KEYS: ReadonlySet<string> = new Set(['type', 'action', 'object']);
/** Most distinct values a discriminator may have and still become a literal union. */
export const MAX_LITERALS = 16;
/** Most variants of a discriminated union across event types. */
export const MAX_VARIANTS = 64;

interface Shape {
  /** Times this position was present (any value, null included). */
  seen: number;
  nulls: number;
  booleans: number;
  numbers: number;
  strings: number;
  /** Distinct string values, until there are more than MAX_LITERALS (then undefined). */
  stringValues: Set<string> | undefined;
  objects: number;
  /** Field shapes in first-seen order; a Map, so no key (`__proto__` included) is special. */
  fields: Map<string, Shape>;
  arrays: number;
  items: Shape | undefined;
}

function newShape(): Shape {
  return {
    seen: 0,
    nulls: 0,
    booleans: 0,
    numbers: 0,
    strings: 0,
    stringValues: new Set(),
    objects: 0,
    fields: new Map(),
    arrays: 0,
    items: undefined,
  };
}

/** Adds one value to a shape. Iterative over an explicit stack, so depth cannot overflow ours. */
function add(root: Shape, node: JsonNode): void {
  const stack: Array<[Shape, JsonNode]> = [[root, node]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [shape, value] = next;
    shape.seen++;
    switch (value.t) {
      case 'null':
        shape.nulls++;
        break;
      case 'boolean':
        shape.booleans++;
        break;
      case 'number':
        shape.numbers++;
        break;
      case 'string':
        shape.strings++;
        if (shape.stringValues) {
          shape.stringValues.add(value.v);
          if (shape.stringValues.size > MAX_LITERALS) {
            shape.stringValues = undefined;
          }
        }
        break;
      case 'object': {
        shape.objects++;
        // Duplicate keys: JSON.parse keeps the last value, so only that one counts.
        const last = new Map<string, JsonNode>();
        for (const [k, v] of value.entries) {
          last.set(k, v);
        }
        for (const [k, v] of last) {
          let field = shape.fields.get(k);
          if (!field) {
            field = newShape();
            shape.fields.set(k, field);
          }
          stack.push([field, v]);
        }
        break;
      }
      case 'array':
        shape.arrays++;
        for (const item of value.items) {
          shape.items ??= newShape();
          stack.push([shape.items, item]);
        }
        break;
    }
  }
}

// ---- the type IR ------------------------------------------------------------------------------

export type Ty =
  | { readonly k: 'unknown' }
  | { readonly k: 'null' }
  | { readonly k: 'boolean' }
  | { readonly k: 'number' }
  | { readonly k: 'string' }
  | { readonly k: 'literals'; readonly values: readonly string[] }
  | { readonly k: 'object'; readonly fields: readonly Field[] }
  /** An object that never had a field: any string-keyed record. */
  | { readonly k: 'record' }
  | { readonly k: 'array'; readonly item: Ty }
  /** Two or more members, none a union; `null` (when present) is last. */
  | { readonly k: 'union'; readonly members: readonly Ty[] };

export interface Field {
  readonly name: string;
  readonly optional: boolean;
  readonly type: Ty;
}

export interface Variant {
  /** The type name of this variant, e.g. `StripeEventPaymentIntentSucceeded`. */
  readonly name: string;
  /** The discriminator's value in this variant. */
  readonly value: string;
  readonly type: Ty;
}

/** What the emitters print: one type, or a discriminated union of variants. */
export type Model =
  | { readonly kind: 'single'; readonly name: string; readonly type: Ty }
  | { readonly kind: 'union'; readonly name: string; readonly discriminator: string; readonly variants: readonly Variant[] };

function toType(shape: Shape, key: string | undefined): Ty {
  const members: Ty[] = [];
  if (shape.objects > 0) {
    if (shape.fields.size === 0) {
      members.push({ k: 'record' });
    } else {
      const fields: Field[] = [];
      for (const [name, field] of shape.fields) {
        fields.push({ name, optional: field.seen < shape.objects, type: toType(field, name) });
      }
      members.push({ k: 'object', fields });
    }
  }
  if (shape.arrays > 0) {
    members.push({ k: 'array', item: shape.items ? toType(shape.items, undefined) : { k: 'unknown' } });
  }
  if (shape.strings > 0) {
    const literal = key !== undefined && DISCRIMINATOR_KEYS.has(key) && shape.stringValues !== undefined;
    members.push(literal ? { k: 'literals', values: [...shape.stringValues!].sort() } : { k: 'string' });
  }
  if (shape.numbers > 0) {
    members.push({ k: 'number' });
  }
  if (shape.booleans > 0) {
    members.push({ k: 'boolean' });
  }
  if (shape.nulls > 0) {
    members.push({ k: 'null' });
  }
  if (members.length === 0) {
    return { k: 'unknown' };
  }
  return members.length === 1 ? members[0]! : { k: 'union', members };
}

/** The merged type of all samples. */
export function inferType(samples: readonly JsonNode[]): Ty {
  const shape = newShape();
  for (const s of samples) {
    add(shape, s);
  }
  return toType(shape, undefined);
}

/** The string value of a top-level field, or undefined. */
function topString(node: JsonNode, key: string): string | undefined {
  if (node.t !== 'object') {
    return undefined;
  }
  let out: string | undefined;
  let found = false;
  for (const [k, v] of node.entries) {
    if (k === key) {
      found = true;
      out = v.t === 'string' ? v.v : undefined;
    }
  }
  return found ? out : undefined;
}

/**
 * The discriminator across event types: `type`, else `action`, when every sample is an object with
 * a string there and the samples hold two or more (at most MAX_VARIANTS) different values.
 */
export function findDiscriminator(samples: readonly JsonNode[]): string | undefined {
  for (const key of ['type', 'action']) {
    const values = new Set<string>();
    let all = true;
    for (const s of samples) {
      const v = topString(s, key);
      if (v === undefined) {
        all = false;
        break;
      }
      values.add(v);
    }
    if (all && values.size >= 2 && values.size <= MAX_VARIANTS) {
      return key;
    }
  }
  return undefined;
}

/** PascalCase of the letters and digits in `text` (`payment_intent.succeeded` → `PaymentIntentSucceeded`). */
export function pascalCase(text: string): string {
  const words = text.match(/[A-Za-z0-9]+/g) ?? [];
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Builds the model: one merged type, or a discriminated union when the samples span event types. */
export function buildModel(samples: readonly JsonNode[], name: string): Model {
  const discriminator = findDiscriminator(samples);
  if (!discriminator) {
    return { kind: 'single', name, type: inferType(samples) };
  }
  const groups = new Map<string, JsonNode[]>();
  for (const s of samples) {
    const v = topString(s, discriminator)!;
    const g = groups.get(v);
    if (g) {
      g.push(s);
    } else {
      groups.set(v, [s]);
    }
  }
  const used = new Set<string>([name]);
  const variants: Variant[] = [];
  for (const value of [...groups.keys()].sort()) {
    const base = `${name}${pascalCase(value) || 'Variant'}`;
    let variantName = base;
    for (let n = 2; used.has(variantName); n++) {
      variantName = `${base}${n}`;
    }
    used.add(variantName);
    variants.push({ name: variantName, value, type: inferType(groups.get(value)!) });
  }
  return { kind: 'union', name, discriminator, variants };
}
