import { type CapturedEvent, eventPath, headerValue } from '../model/event';
import { fixtureBodyExtension } from '../export/fixture';
import { forwardableHeaders } from '../forward/headers';
import { providers } from '../signatures';
import { commentText, jsString } from './codeText';
import { CodegenError } from './samples';

/**
 * "Create Test from Event": a regression test that replays a captured event against the user's
 * handler. The body travels byte for byte from a fixture file beside the test; the headers are the
 * captured ones (minus hop-by-hop, host, content-length, credentials and the old signature); a fresh
 * signature is computed when the test runs, from an environment variable, with the provider's
 * official SDK when the project depends on it and with node:crypto otherwise. The secret is never
 * an input here, so it cannot end up in a generated file.
 */

export type TestFramework = 'node' | 'vitest' | 'jest';
export const TEST_FRAMEWORKS: readonly TestFramework[] = ['node', 'vitest', 'jest'];

/** The environment variable with the handler's URL in every generated test. */
export const HANDLER_URL_ENV = 'WEBHOOK_HANDLER_URL';
export const DEFAULT_HANDLER_ORIGIN = 'http://localhost:3000';

type Enc = 'hex' | 'base64';

/** How one provider is signed at test time. */
type Recipe =
  /** `t=<unix>,v1=<hex>` over `${t}.${body}` (Stripe, Calendly). */
  | { kind: 'tv1'; header: string }
  /** `v0=<hex>` over `v0:${ts}:${body}` with a timestamp header (Slack, Zoom). */
  | { kind: 'v0'; header: string; timestampHeader: string }
  /** Standard Webhooks family (`webhook-*` or `svix-*` headers, `whsec_` base64 key). */
  | { kind: 'standard'; prefix: 'webhook' | 'svix' }
  /** An HMAC of the raw body in one header, with an optional prefix (GitHub, Shopify, Lemon Squeezy, …). */
  | { kind: 'body'; header: string; alg: 'sha1' | 'sha256'; enc: Enc; prefix: string; alsoDrop?: readonly string[] };

interface ProviderRecipe {
  readonly envVar: string;
  readonly recipe: Recipe;
  /** The official SDK that can sign (npm package), when there is one. */
  readonly sdk?: 'stripe' | 'github' | 'standardwebhooks' | 'svix';
}

const body = (header: string, alg: 'sha1' | 'sha256', enc: Enc, prefix = '', alsoDrop?: readonly string[]): Recipe => ({
  kind: 'body',
  header,
  alg,
  enc,
  prefix,
  ...(alsoDrop ? { alsoDrop } : {}),
});

/** Providers whose events the generated test signs afresh. Others are sent with their captured headers. */
export const SIGNING_RECIPES: Readonly<Record<string, ProviderRecipe>> = {
  stripe: { envVar: 'STRIPE_WEBHOOK_SECRET', recipe: { kind: 'tv1', header: 'stripe-signature' }, sdk: 'stripe' },
  calendly: { envVar: 'CALENDLY_WEBHOOK_SIGNING_KEY', recipe: { kind: 'tv1', header: 'calendly-webhook-signature' } },
  github: {
    envVar: 'GITHUB_WEBHOOK_SECRET',
    recipe: body('x-hub-signature-256', 'sha256', 'hex', 'sha256=', ['x-hub-signature']),
    sdk: 'github',
  },
  shopify: { envVar: 'SHOPIFY_WEBHOOK_SECRET', recipe: body('x-shopify-hmac-sha256', 'sha256', 'base64', '', ['shopify-hmac-sha256']) },
  slack: {
    envVar: 'SLACK_SIGNING_SECRET',
    recipe: { kind: 'v0', header: 'x-slack-signature', timestampHeader: 'x-slack-request-timestamp' },
  },
  zoom: {
    envVar: 'ZOOM_WEBHOOK_SECRET_TOKEN',
    recipe: { kind: 'v0', header: 'x-zm-signature', timestampHeader: 'x-zm-request-timestamp' },
  },
  'standard-webhooks': { envVar: 'WEBHOOK_SECRET', recipe: { kind: 'standard', prefix: 'webhook' }, sdk: 'standardwebhooks' },
  svix: { envVar: 'SVIX_WEBHOOK_SECRET', recipe: { kind: 'standard', prefix: 'svix' }, sdk: 'svix' },
  clerk: { envVar: 'CLERK_WEBHOOK_SIGNING_SECRET', recipe: { kind: 'standard', prefix: 'svix' }, sdk: 'svix' },
  resend: { envVar: 'RESEND_WEBHOOK_SECRET', recipe: { kind: 'standard', prefix: 'svix' }, sdk: 'svix' },
  lemonsqueezy: { envVar: 'LEMONSQUEEZY_WEBHOOK_SECRET', recipe: body('x-signature', 'sha256', 'hex') },
  bitbucket: { envVar: 'BITBUCKET_WEBHOOK_SECRET', recipe: body('x-hub-signature', 'sha256', 'hex', 'sha256=') },
  woocommerce: { envVar: 'WOOCOMMERCE_WEBHOOK_SECRET', recipe: body('x-wc-webhook-signature', 'sha256', 'base64') },
  typeform: { envVar: 'TYPEFORM_WEBHOOK_SECRET', recipe: body('typeform-signature', 'sha256', 'base64', 'sha256=') },
  sentry: { envVar: 'SENTRY_CLIENT_SECRET', recipe: body('sentry-hook-signature', 'sha256', 'hex') },
  asana: { envVar: 'ASANA_WEBHOOK_SECRET', recipe: body('x-hook-signature', 'sha256', 'hex') },
  razorpay: { envVar: 'RAZORPAY_WEBHOOK_SECRET', recipe: body('x-razorpay-signature', 'sha256', 'hex') },
  coinbase: { envVar: 'COINBASE_COMMERCE_WEBHOOK_SECRET', recipe: body('x-cc-webhook-signature', 'sha256', 'hex') },
  vercel: { envVar: 'VERCEL_WEBHOOK_SECRET', recipe: body('x-vercel-signature', 'sha1', 'hex') },
  line: { envVar: 'LINE_CHANNEL_SECRET', recipe: body('x-line-signature', 'sha256', 'base64') },
  intercom: { envVar: 'INTERCOM_CLIENT_SECRET', recipe: body('x-hub-signature', 'sha1', 'hex', 'sha1=') },
  meta: { envVar: 'META_APP_SECRET', recipe: body('x-hub-signature-256', 'sha256', 'hex', 'sha256=', ['x-hub-signature']) },
};

/** The npm packages that provide each SDK signer; the first one the project depends on is used. */
const SDK_PACKAGES: Readonly<Record<NonNullable<ProviderRecipe['sdk']>, readonly string[]>> = {
  stripe: ['stripe'],
  github: ['@octokit/webhooks-methods', '@octokit/webhooks'],
  standardwebhooks: ['standardwebhooks'],
  svix: ['svix'],
};

/** Environment variables of the generic HMAC signer, used for events without a known signing scheme. */
export const GENERIC_ENV = {
  header: 'WEBHOOK_SIGNATURE_HEADER',
  secret: 'WEBHOOK_SECRET',
  algorithm: 'WEBHOOK_SIGNATURE_ALGORITHM',
  encoding: 'WEBHOOK_SIGNATURE_ENCODING',
  prefix: 'WEBHOOK_SIGNATURE_PREFIX',
} as const;

export interface TestGenInput {
  readonly event: CapturedEvent;
  readonly body: Uint8Array;
  readonly framework: TestFramework;
  /** Package names the user's project depends on (dependencies and devDependencies). */
  readonly dependencies: ReadonlySet<string>;
  /** File names already taken in the target folder; the generated names avoid them. */
  readonly taken?: ReadonlySet<string>;
}

export interface GeneratedTest {
  readonly testFile: string;
  readonly testText: string;
  readonly bodyFile: string;
  readonly body: Uint8Array;
  /** The provider the test signs for, or undefined (generic HMAC from the environment, else unsigned). */
  readonly provider?: string;
  /** The environment variable with the secret. */
  readonly secretEnv: string;
  /** How it signs: the SDK package, `node:crypto`, or `generic` (configured by environment variables). */
  readonly signer: string;
}

/** The test framework from a package.json's dependencies: vitest, else jest, else node:test. */
export function detectFramework(dependencies: ReadonlySet<string>): TestFramework {
  return dependencies.has('vitest') ? 'vitest' : dependencies.has('jest') ? 'jest' : 'node';
}

/** Package names from package.json text (dependencies + devDependencies); empty on anything unreadable. */
export function dependenciesOf(packageJsonText: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!packageJsonText) {
    return out;
  }
  try {
    const pkg = JSON.parse(packageJsonText) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies']) {
      const deps = pkg[field];
      if (deps && typeof deps === 'object' && !Array.isArray(deps)) {
        for (const name of Object.keys(deps)) {
          out.add(name);
        }
      }
    }
  } catch {
    // Not JSON: no dependencies known; the test uses node:crypto.
  }
  return out;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

function fileNames(
  event: CapturedEvent,
  body: Uint8Array,
  framework: TestFramework,
  taken: ReadonlySet<string>,
): { base: string; testFile: string; bodyFile: string } {
  const stem = slug([event.provider ?? 'webhook', event.eventType ?? eventPath(event)].join('-')) || 'webhook-event';
  const ext = framework === 'jest' ? '.test.cjs' : '.test.mjs';
  const bodyExt = fixtureBodyExtension(event, body);
  for (let n = 1; ; n++) {
    const base = n === 1 ? stem : `${stem}-${n}`;
    const testFile = `${base}${ext}`;
    const bodyFile = `${base}.body${bodyExt}`;
    if (!taken.has(testFile) && !taken.has(bodyFile)) {
      return { base, testFile, bodyFile };
    }
  }
}

function validUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

interface Signer {
  imports: string[];
  /** Lines of `async function sign(secret, body)`, which returns [name, value] pairs. */
  lines: string[];
  drop: string[];
  label: string;
}

function hmacExpr(alg: string, key: string, parts: string[], enc: Enc): string {
  return `createHmac(${jsString(alg)}, ${key})${parts.map((p) => `.update(${p})`).join('')}.digest(${jsString(enc)})`;
}

function signerFor(recipe: ProviderRecipe, event: CapturedEvent, sdkPackage: string | undefined, esm: boolean): Signer {
  const r = recipe.recipe;
  const crypto = esm ? "import { createHmac } from 'node:crypto';" : "const { createHmac } = require('node:crypto');";
  switch (r.kind) {
    case 'tv1':
      if (sdkPackage === 'stripe') {
        return {
          imports: [esm ? "import Stripe from 'stripe';" : "const Stripe = require('stripe');"],
          lines: [
            `return [[${jsString(r.header)}, Stripe.webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret })]];`,
          ],
          drop: [r.header],
          label: 'stripe',
        };
      }
      return {
        imports: [crypto],
        lines: [
          'const t = Math.floor(Date.now() / 1000);',
          `return [[${jsString(r.header)}, \`t=\${t},v1=\${${hmacExpr('sha256', 'secret', ['`${t}.`', 'body'], 'hex')}}\`]];`,
        ],
        drop: [r.header],
        label: 'node:crypto',
      };
    case 'v0':
      return {
        imports: [crypto],
        lines: [
          'const ts = String(Math.floor(Date.now() / 1000));',
          `return [[${jsString(r.timestampHeader)}, ts], [${jsString(r.header)}, \`v0=\${${hmacExpr('sha256', 'secret', ['`v0:${ts}:`', 'body'], 'hex')}}\`]];`,
        ],
        drop: [r.header, r.timestampHeader],
        label: 'node:crypto',
      };
    case 'standard': {
      const idH = `${r.prefix}-id`;
      const tsH = `${r.prefix}-timestamp`;
      const sigH = `${r.prefix}-signature`;
      const id = headerValue(event, idH);
      const idLine = `const id = ${id !== undefined ? jsString(id) : '`msg_${Date.now().toString(36)}`'};`;
      if (sdkPackage === 'standardwebhooks' || sdkPackage === 'svix') {
        return {
          imports: [esm ? `import { Webhook } from ${jsString(sdkPackage)};` : `const { Webhook } = require(${jsString(sdkPackage)});`],
          lines: [
            idLine,
            'const now = new Date();',
            `return [[${jsString(idH)}, id], [${jsString(tsH)}, String(Math.floor(now.getTime() / 1000))], [${jsString(sigH)}, new Webhook(secret).sign(id, now, body)]];`,
          ],
          drop: [idH, tsH, sigH],
          label: sdkPackage,
        };
      }
      return {
        imports: [crypto],
        lines: [
          idLine,
          'const ts = String(Math.floor(Date.now() / 1000));',
          "const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');",
          `return [[${jsString(idH)}, id], [${jsString(tsH)}, ts], [${jsString(sigH)}, \`v1,\${${hmacExpr('sha256', 'key', ['`${id}.${ts}.`', 'body'], 'base64')}}\`]];`,
        ],
        drop: [idH, tsH, sigH],
        label: 'node:crypto',
      };
    }
    case 'body': {
      // Shopify's newer header set signs in `shopify-hmac-sha256`: keep the name the event used.
      const header =
        r.header === 'x-shopify-hmac-sha256' &&
        headerValue(event, 'x-shopify-hmac-sha256') === undefined &&
        headerValue(event, 'shopify-hmac-sha256') !== undefined
          ? 'shopify-hmac-sha256'
          : r.header;
      const drop = [r.header, ...(r.alsoDrop ?? [])];
      if (sdkPackage === '@octokit/webhooks-methods' && esm) {
        return {
          imports: ["import { sign as githubSign } from '@octokit/webhooks-methods';"],
          lines: [`return [[${jsString(header)}, await githubSign(secret, body.toString('utf8'))]];`],
          drop,
          label: sdkPackage,
        };
      }
      if (sdkPackage === '@octokit/webhooks' && esm) {
        return {
          imports: ["import { Webhooks } from '@octokit/webhooks';"],
          lines: [`return [[${jsString(header)}, await new Webhooks({ secret }).sign(body.toString('utf8'))]];`],
          drop,
          label: sdkPackage,
        };
      }
      const value = `${jsString(r.prefix)} + ${hmacExpr(r.alg, 'secret', ['body'], r.enc)}`;
      return { imports: [crypto], lines: [`return [[${jsString(header)}, ${value}]];`], drop, label: 'node:crypto' };
    }
  }
}

function genericSigner(esm: boolean): Signer {
  const e = GENERIC_ENV;
  return {
    imports: [esm ? "import { createHmac } from 'node:crypto';" : "const { createHmac } = require('node:crypto');"],
    lines: [
      `const header = process.env.${e.header};`,
      'if (!header) return [];',
      `const digest = createHmac(process.env.${e.algorithm} ?? 'sha256', secret).update(body).digest(process.env.${e.encoding} ?? 'hex');`,
      `return [[header, (process.env.${e.prefix} ?? '') + digest]];`,
    ],
    drop: [],
    label: 'generic',
  };
}

/** The lower-case names of headers that carry credentials: left out of generated files. */
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Builds the test file text and names (no I/O). */
export function generateTest(input: TestGenInput): GeneratedTest {
  const { event, framework } = input;
  if (event.rejected) {
    throw new CodegenError(`${event.id}: the body was not kept (${event.rejected}), so there is nothing to replay.`);
  }
  const esm = framework !== 'jest';
  const names = fileNames(event, input.body, framework, input.taken ?? new Set());
  const recipe = event.provider ? SIGNING_RECIPES[event.provider] : undefined;
  let sdkPackage: string | undefined;
  if (recipe?.sdk && validUtf8(input.body)) {
    sdkPackage = SDK_PACKAGES[recipe.sdk].find((p) => input.dependencies.has(p));
  }
  const signer = recipe ? signerFor(recipe, event, sdkPackage, esm) : genericSigner(esm);
  const secretEnv = recipe?.envVar ?? GENERIC_ENV.secret;
  const drop = new Set(signer.drop);
  const kept = forwardableHeaders(event.headers).filter(([k]) => !drop.has(k.toLowerCase()) && !CREDENTIALS.has(k.toLowerCase()));
  const hadAuthorization = event.headers.some(([k]) => k.toLowerCase() === 'authorization');
  const providerName = event.provider ? (providers.find((p) => p.id === event.provider)?.name ?? event.provider) : undefined;
  const what = [providerName, event.eventType].filter(Boolean).join(' ') || `${event.method} ${eventPath(event)}`;
  const defaultUrl = `${DEFAULT_HANDLER_ORIGIN}${event.url.startsWith('/') ? event.url : `/${event.url}`}`;
  const method = event.method.toUpperCase();
  const sendsBody = method !== 'GET' && method !== 'HEAD';

  const L: string[] = [];
  L.push(`// Regression test generated by Webhook Inspector from captured event ${commentText(event.id, 60)} (${commentText(what)}).`);
  L.push('// It sends the captured body, byte for byte from the fixture file beside it, with the captured headers,');
  L.push('// to your handler, signed afresh when the test runs, and expects a 2xx answer.');
  L.push(`//   ${HANDLER_URL_ENV}   your handler (default ${commentText(defaultUrl, 200)})`);
  if (recipe) {
    L.push(`//   ${secretEnv}   the signing secret your handler checks (never written to a file)`);
  } else {
    L.push(`//   No known signing scheme for this sender. To sign it with an HMAC of the body, set ${GENERIC_ENV.header}`);
    L.push(
      `//   and ${GENERIC_ENV.secret} (optional: ${GENERIC_ENV.algorithm}=sha256, ${GENERIC_ENV.encoding}=hex, ${GENERIC_ENV.prefix}).`,
    );
  }
  if (hadAuthorization) {
    L.push('//   WEBHOOK_AUTHORIZATION   the Authorization header to send (the captured one is not written here)');
  }
  if (framework === 'node') {
    L.push("import { test } from 'node:test';");
  } else if (framework === 'vitest') {
    L.push("import { test } from 'vitest';");
  }
  if (esm) {
    L.push("import assert from 'node:assert/strict';", "import { readFileSync } from 'node:fs';");
  } else {
    L.push(
      "const assert = require('node:assert/strict');",
      "const { readFileSync } = require('node:fs');",
      "const path = require('node:path');",
    );
  }
  for (const imp of new Set(signer.imports)) {
    L.push(imp);
  }
  L.push('');
  L.push(`const HANDLER_URL = process.env.${HANDLER_URL_ENV} ?? ${jsString(defaultUrl)};`);
  L.push(
    esm
      ? `const BODY = readFileSync(new URL(${jsString(`./${names.bodyFile}`)}, import.meta.url));`
      : `const BODY = readFileSync(path.join(__dirname, ${jsString(names.bodyFile)}));`,
  );
  L.push('const HEADERS = [');
  for (const [k, v] of kept) {
    L.push(`  [${jsString(k)}, ${jsString(v)}],`);
  }
  L.push('];');
  L.push('');
  L.push(`/** Fresh signature headers (${commentText(signer.label)}). */`);
  L.push('async function sign(secret, body) {');
  for (const line of signer.lines) {
    L.push(`  ${line}`);
  }
  L.push('}');
  L.push('');
  L.push(`test(${jsString(`${what} (${event.id}) is accepted by the handler`)}, async () => {`);
  if (recipe) {
    L.push(`  const secret = process.env.${secretEnv};`);
    L.push(`  if (!secret) throw new Error(${jsString(`Set ${secretEnv} to the signing secret your handler checks.`)});`);
  } else {
    L.push(`  const secret = process.env.${GENERIC_ENV.secret} ?? '';`);
    L.push(
      `  if (process.env.${GENERIC_ENV.header} && !secret) throw new Error(${jsString(`Set ${GENERIC_ENV.secret} too, or unset ${GENERIC_ENV.header}.`)});`,
    );
  }
  L.push('  const headers = new Headers();');
  L.push('  for (const [name, value] of HEADERS) headers.append(name, value);');
  L.push('  for (const [name, value] of await sign(secret, BODY)) headers.set(name, value);');
  if (hadAuthorization) {
    L.push("  if (process.env.WEBHOOK_AUTHORIZATION) headers.set('authorization', process.env.WEBHOOK_AUTHORIZATION);");
  }
  L.push(`  const res = await fetch(HANDLER_URL, { method: ${jsString(method)}, headers${sendsBody ? ', body: BODY' : ''} });`);
  L.push('  const text = await res.text();');
  L.push(
    '  assert.ok(res.status >= 200 && res.status < 300, `expected a 2xx from ${HANDLER_URL}, got ${res.status}: ${text.slice(0, 500)}`);',
  );
  L.push('});');
  return {
    testFile: names.testFile,
    testText: `${L.join('\n')}\n`,
    bodyFile: names.bodyFile,
    body: input.body,
    ...(recipe && event.provider ? { provider: event.provider } : {}),
    secretEnv,
    signer: signer.label,
  };
}
