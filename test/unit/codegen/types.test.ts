/**
 * `generate types` through the built CLI, checked with the real tools: one `tsc --strict` run over
 * every generated TypeScript and zod file plus files that assign each sample (must compile) and one
 * wrong sample per type (must not); zod 4 parses every sample and rejects the wrong ones; ajv
 * (Ajv2020) validates every sample against the JSON Schema and rejects the wrong ones.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, gunzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import { runCliOnce as runCli } from '../../support/cli';
import { jsString, literalKey } from '../../../src/core/codegen/codeText';
import { type Delivery, deliveries, projectDir, storeDeliveries } from './support';

/** A JSON value as a TypeScript expression; `__proto__` keys become computed keys (own properties). */
function tsLiteral(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(tsLiteral).join(', ')}]`;
  }
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${literalKey(k)}: ${tsLiteral(v)}`)
      .join(', ')} }`;
  }
  return typeof value === 'string' ? jsString(value) : JSON.stringify(value);
}

interface Case {
  /** Type name, also the file stem. */
  name: string;
  keys: string[];
  /** Extra CLI arguments (e.g. --type). */
  extra?: string[];
  /** The wrong sample: a copy of one sample with one field's type changed. */
  wrong: () => unknown;
}

describe('generate types: TypeScript, zod and JSON Schema from stored deliveries, checked by tsc, zod and ajv', () => {
  let dir: string;
  let storeDir: string;
  let ids: Map<string, string>;
  let byKey: Map<string, Delivery>;
  const out = new Map<string, string>();
  /** A sample's value as the handler sees it: parsed JSON (gunzipped first), or a form's fields. */
  const json = (key: string): Record<string, unknown> => {
    const d = byKey.get(key)!;
    const gz = d.headers.some(([k, v]) => k.toLowerCase() === 'content-encoding' && v === 'gzip');
    const text = (gz ? gunzipSync(d.body) : d.body).toString('utf8');
    if (d.headers.some(([k, v]) => k.toLowerCase() === 'content-type' && v.startsWith('application/x-www-form-urlencoded'))) {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(text)) {
        const prev = out[k];
        out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
      }
      return out;
    }
    return JSON.parse(text) as Record<string, unknown>;
  };

  const hostileBodies: Array<[string, string]> = [
    [
      'hostile1',
      '{"__proto__":{"polluted":1},"a-b":"x","*/":"*/ export const hacked = 1; /*","constructor":"c","type":"x\\u2028y","list":[{"k":1}],"ok":true}',
    ],
    [
      'hostile2',
      '{"__proto__":{"polluted":2},"a-b":"\\"; process.exit(1); //","*/":"z","constructor":"d","type":"x\\u2028y","list":[],"extra":null,"ok":false}',
    ],
  ];

  const cases: Case[] = [
    {
      name: 'StripeEvent',
      keys: ['pi1', 'pi2', 'cs', 'sub'],
      wrong: () => {
        const j = json('pi2');
        (j.data as { object: Record<string, unknown> }).object.amount = '2000';
        return j;
      },
    },
    {
      name: 'PaymentIntentSucceeded',
      keys: ['pi1', 'pi2'],
      extra: ['--type', 'payment_intent.succeeded'],
      wrong: () => {
        const j = json('pi1');
        (j.data as { object: Record<string, unknown> }).object.customer = 42;
        return j;
      },
    },
    {
      name: 'PullRequestEvent',
      keys: ['pr-opened', 'pr-closed'],
      wrong: () => ({ ...json('pr-opened'), number: '42' }),
    },
    {
      name: 'ShopifyOrder',
      keys: ['order1', 'order2'],
      wrong: () => ({ ...json('order2'), order_number: '1001' }),
    },
    {
      name: 'SlackCommand',
      keys: ['form1', 'form2'],
      wrong: () => ({ ...json('form1'), team_id: 7 }),
    },
    {
      name: 'GzippedEvent',
      keys: ['gz1', 'gz2'],
      wrong: () => ({ ...json('gz1'), count: 'three' }),
    },
    {
      name: 'HostilePayload',
      keys: ['hostile1', 'hostile2'],
      wrong: () => {
        const j = JSON.parse(hostileBodies[0]![1]) as Record<string, unknown>;
        j['a-b'] = 7;
        return j;
      },
    },
  ];

  before(async () => {
    dir = await projectDir('wi-codegen-types-');
    storeDir = path.join(dir, 'store');
    const items = await deliveries();
    for (const [key, text] of hostileBodies) {
      items.push({ key, url: '/hooks/custom', headers: [['Content-Type', 'application/json']], body: Buffer.from(text) });
    }
    const form = 'token=xyzz&team_id=T1DC2JH3J&command=%2Fweather&text=94070&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1';
    items.push(
      { key: 'form1', url: '/slack/commands', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(form) },
      {
        key: 'form2',
        url: '/slack/commands',
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: Buffer.from(`${form}&text=again&channel_id=C1`),
      },
    );
    for (const [key, value] of [
      ['gz1', { count: 3, tags: ['a'] }],
      ['gz2', { count: 4.5, tags: [], note: 'x' }],
    ] as const) {
      items.push({
        key,
        url: '/gz',
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'gzip'],
        ],
        body: gzipSync(JSON.stringify(value)),
      });
    }
    byKey = new Map(items.map((d) => [d.key, d]));
    ids = await storeDeliveries(storeDir, items);
    for (const c of cases) {
      const idArgs = c.extra ? [] : c.keys.map((k) => ids.get(k)!);
      for (const lang of ['ts', 'zod', 'jsonschema']) {
        const r = await runCli(['generate', 'types', ...idArgs, ...(c.extra ?? []), '--lang', lang, '--name', c.name, '--store', storeDir]);
        assert.equal(r.code, 0, `${c.name} ${lang}: ${r.stderr}`);
        out.set(`${c.name}.${lang}`, r.stdout);
      }
    }
  });

  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('merges deliveries: optional fields, T | null, literal unions on type/object/action, a discriminated union across event types', () => {
    const stripe = out.get('StripeEvent.ts')!;
    assert.match(
      stripe,
      /export type StripeEvent =\n {2}\| StripeEventCheckoutSessionCompleted\n {2}\| StripeEventCustomerSubscriptionUpdated\n {2}\| StripeEventPaymentIntentSucceeded;/,
    );
    assert.match(stripe, /type: "payment_intent\.succeeded";/);
    assert.match(stripe, /object: "event";/);
    assert.doesNotMatch(stripe, /\bany\b/);
    const pi = out.get('PaymentIntentSucceeded.ts')!;
    assert.match(pi, /export interface PaymentIntentSucceeded \{/);
    assert.match(pi, /description: string \| null;/);
    assert.match(pi, /customer: string \| null;/);
    assert.match(pi, /latest_charge\?: string;/);
    assert.match(pi, /idempotency_key\?: string;/);
    assert.match(pi, /metadata: \{\n\s+order_id\?: string;\n\s+\};/, 'an object that was empty in one delivery gets its field as optional');
    assert.match(out.get('PullRequestEvent.ts')!, /action: "closed";[\s\S]*merged_at: string;/);
    assert.match(out.get('PullRequestEvent.zod')!, /z\.discriminatedUnion\("action", \[/);
    const shop = out.get('ShopifyOrder.ts')!;
    assert.match(shop, /customer\?: \{/);
    assert.match(shop, /fulfillment_status: string \| null;/);
    assert.match(shop, /note\?: string;/);
    const slack = out.get('SlackCommand.ts')!;
    assert.match(slack, /text: string\[\] \| string;/, 'a repeated form field');
    assert.match(slack, /channel_id\?: string;/);
    assert.match(out.get('GzippedEvent.ts')!, /tags: string\[\];\n {2}note\?: string;/);
  });

  it('tsc --strict compiles every generated file and every sample; each wrong sample fails', async () => {
    const files: string[] = [];
    const wrongFiles = new Set<string>();
    for (const c of cases) {
      await fsp.writeFile(path.join(dir, `${c.name}.ts`), out.get(`${c.name}.ts`)!);
      await fsp.writeFile(path.join(dir, `${c.name}Zod.ts`), out.get(`${c.name}.zod`)!);
      const samples = c.keys.map((k, i) => `export const s${i}: ${c.name} = ${tsLiteral(json(k))};`).join('\n');
      await fsp.writeFile(
        path.join(dir, `${c.name}.check.ts`),
        `import type { ${c.name} } from './${c.name}';\nimport type { ${c.name} as Z } from './${c.name}Zod';\n${samples}\nexport const z0: Z = s0;\n`,
      );
      await fsp.writeFile(
        path.join(dir, `${c.name}.wrong.ts`),
        `import type { ${c.name} } from './${c.name}';\nexport const w: ${c.name} = ${tsLiteral(c.wrong())};\n`,
      );
      files.push(`${c.name}.ts`, `${c.name}Zod.ts`, `${c.name}.check.ts`, `${c.name}.wrong.ts`);
      wrongFiles.add(`${c.name}.wrong.ts`);
    }
    await fsp.writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          types: [],
          skipLibCheck: true,
        },
        files,
      }),
    );
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    const inFile = (f: string) => errors.filter((l) => l.includes(`/${f}(`) || l.startsWith(`${f}(`));
    for (const f of files) {
      if (wrongFiles.has(f)) {
        assert.ok(inFile(f).length > 0, `${f} should not compile:\n${tsc.stdout}`);
      } else {
        assert.deepEqual(inFile(f), [], `${f} should compile`);
      }
    }
    assert.equal(
      errors.length,
      [...wrongFiles].reduce((n, f) => n + inFile(f).length, 0),
      tsc.stdout,
    );
    // The hostile keys and values stayed data: nothing was declared from them.
    assert.doesNotMatch(out.get('HostilePayload.ts')!, /^export const hacked/m);
  });

  it('zod 4 parses every sample and rejects each wrong one', async () => {
    for (const c of cases) {
      const file = path.join(dir, `${c.name}Zod.runtime.ts`);
      await fsp.writeFile(file, out.get(`${c.name}.zod`)!);
      const mod = (await import(pathToFileURL(file).href)) as Record<
        string,
        { safeParse(x: unknown): { success: boolean; error?: unknown } }
      >;
      const schema = mod[`${c.name}Schema`]!;
      for (const k of c.keys) {
        const r = schema.safeParse(json(k));
        assert.ok(r.success, `${c.name} ${k}: ${String(r.error)}`);
      }
      assert.equal(schema.safeParse(c.wrong()).success, false, `${c.name}: the wrong sample must be rejected`);
    }
  });

  it('ajv (JSON Schema draft 2020-12) validates every sample and rejects each wrong one', () => {
    for (const c of cases) {
      const schema = JSON.parse(out.get(`${c.name}.jsonschema`)!) as Record<string, unknown>;
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      const validate = ajv.compile(schema);
      for (const k of c.keys) {
        assert.ok(validate(json(k)), `${c.name} ${k}: ${ajv.errorsText(validate.errors)}`);
      }
      assert.equal(validate(c.wrong()), false, `${c.name}: the wrong sample must be rejected`);
    }
  });

  it('bad input: unknown id, no JSON bodies, mixed providers without --name, bad --lang and --name exit with 2 and say why', async () => {
    const xml = await projectDir('wi-codegen-xml-');
    try {
      const xmlIds = await storeDeliveries(path.join(xml, 'store'), [
        { key: 'xml', url: '/x', headers: [['Content-Type', 'application/xml']], body: Buffer.from('<a>1</a>') },
      ]);
      const xmlStore = path.join(xml, 'store');
      const cases: Array<[string[], RegExp]> = [
        [['generate', 'types', 'evt_nope', '--lang', 'ts', '--store', storeDir], /No event with id "evt_nope"/],
        [
          ['generate', 'types', xmlIds.get('xml')!, '--lang', 'ts', '--store', xmlStore],
          /No JSON bodies[\s\S]*XML \(Content-Type application\/xml\)/,
        ],
        [
          ['generate', 'types', ids.get('pi1')!, ids.get('order1')!, '--lang', 'zod', '--store', storeDir],
          /different providers \(stripe, shopify\).*--name/,
        ],
        [['generate', 'types', ids.get('pi1')!, '--lang', 'python', '--store', storeDir], /--lang must be ts, zod or jsonschema/],
        [['generate', 'types', ids.get('pi1')!, '--store', storeDir], /needs --lang/],
        [['generate', 'types', ids.get('pi1')!, '--lang', 'ts', '--name', 'my type', '--store', storeDir], /not a valid type name/],
        [
          ['generate', 'types', '--type', 'no.such.type', '--lang', 'ts', '--store', storeDir],
          /No stored event has the type "no\.such\.type"/,
        ],
      ];
      for (const [args, message] of cases) {
        const r = await runCli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stdout, '');
      }
      const help = await runCli(['--help']);
      for (const word of [
        'generate types <id…>',
        '--lang L',
        '--type T',
        '--name NAME',
        'generate test <id>',
        '--framework F',
        '--out DIR',
      ]) {
        assert.ok(help.stdout.includes(word), `--help mentions ${word}`);
      }
      // With a name, mixed providers merge into one type.
      const mixed = await runCli([
        'generate',
        'types',
        ids.get('pi1')!,
        ids.get('order1')!,
        '--lang',
        'ts',
        '--name',
        'AnyEvent',
        '--store',
        storeDir,
      ]);
      assert.equal(mixed.code, 0, mixed.stderr);
      assert.match(mixed.stdout, /export interface AnyEvent \{/);
    } finally {
      await fsp.rm(xml, { recursive: true, force: true });
    }
  });
});
