/**
 * Safe pieces of generated source code. Captured payloads are untrusted: every string from them
 * becomes a JSON-escaped string literal (plus U+2028/U+2029 escaped), never raw code or comment text.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words a type or const may not be named (ECMAScript reserved words and TypeScript's type names). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package ' +
    'private protected public await any unknown never object string number boolean symbol bigint undefined type'
  ).split(' '),
);

/** A JS/TS string literal for any text: JSON escaping, plus the two line separators JSON leaves raw. */
export function jsString(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** Why `name` cannot name a generated type, or undefined when it can. */
export function typeNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) {
    return `"${name.slice(0, 80)}" is not a valid type name: use letters, digits, _ and $, not starting with a digit (e.g. StripeEvent).`;
  }
  if (RESERVED.has(name)) {
    return `"${name}" is a reserved word: choose another type name (e.g. ${name.charAt(0).toUpperCase()}${name.slice(1)}Event).`;
  }
  if (name.length > 200) {
    return 'The type name is too long (at most 200 characters).';
  }
  return undefined;
}

/** A property name in a type: bare when it is an identifier, else a string literal. */
export function typeKey(name: string): string {
  return IDENTIFIER.test(name) ? name : jsString(name);
}

/**
 * A property name in an object literal expression: like `typeKey`, except `__proto__`, which in a
 * literal (bare or quoted) would set the prototype instead of a property; it becomes a computed key.
 */
export function literalKey(name: string): string {
  if (name === '__proto__') {
    return `[${jsString(name)}]`;
  }
  return typeKey(name);
}

/** Text for a comment: only harmless characters survive (no line breaks, no `*`), at most `max` long. */
export function commentText(text: string, max = 120): string {
  const clean = text.replace(/[^A-Za-z0-9 ._:/@#,+()=&?%~-]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
