/**
 * `webhook-inspector generate types <id…> [--type T] --lang ts|zod|jsonschema [--name NAME]` prints
 * types or a JSON Schema merged from stored events; `generate test <id> --framework node|vitest|jest
 * --out DIR` writes a regression test and its body fixture. Bad input exits with 2.
 */
import * as path from 'node:path';
import {
  CODEGEN_LANGUAGES,
  CodegenError,
  type CodegenLanguage,
  detectFramework,
  projectDependencies,
  sampleOf,
  TEST_FRAMEWORKS,
  type TestFramework,
  typesFromSamples,
  writeTest,
} from '../../core/codegen';
import type { CapturedEvent } from '../../core/model/event';
import { EventStore } from '../../core/store';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import type { CliArgs } from '../args';

export const GENERATE_HELP = `Generate (generate types <id…> | generate test <id>):
  --lang L             types: ts (TypeScript), zod (zod 4 schema) or jsonschema
                       (JSON Schema draft 2020-12); printed to stdout
  --type T             types: also take every stored event of type T
  --name NAME          types: the type name (default from the provider and event type)
  --framework F        test: node (node:test), vitest or jest (default: detected from the
                       package.json above --out)
  --out DIR            test: the folder for the test and its body fixture`;

export interface GenerateOptions {
  readonly storeDir: string;
  readonly what: string | undefined;
  readonly ids: readonly string[];
  readonly type?: string;
  readonly lang?: string;
  readonly name?: string;
  readonly framework?: string;
  readonly out?: string;
}

async function withStore<T>(dir: string, fn: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await EventStore.open(dir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function eventOf(store: EventStore, id: string): CapturedEvent {
  const event = store.get(id);
  if (!event) {
    throw new CliError(`No event with id "${id.slice(0, 100)}" in ${store.dir}. "webhook-inspector events" lists the ids.`);
  }
  return event;
}

export async function generateCommand(io: CliIo, opts: GenerateOptions): Promise<number> {
  try {
    switch (opts.what) {
      case 'types':
        return await generateTypes(io, opts);
      case 'test':
        return await generateTestCommand(io, opts);
      default:
        throw new CliError(
          `${opts.what === undefined ? 'generate needs what to generate' : `Unknown "generate ${opts.what.slice(0, 40)}"`}: webhook-inspector generate types <id…> --lang ts|zod|jsonschema, or generate test <id> --out DIR.`,
        );
    }
  } catch (err) {
    if (err instanceof CodegenError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

async function generateTypes(io: CliIo, opts: GenerateOptions): Promise<number> {
  if (opts.lang === undefined) {
    throw new CliError('generate types needs --lang ts, zod or jsonschema.');
  }
  if (!CODEGEN_LANGUAGES.includes(opts.lang as CodegenLanguage)) {
    throw new CliError(`--lang must be ts, zod or jsonschema, not "${opts.lang.slice(0, 40)}".`);
  }
  if (opts.ids.length === 0 && opts.type === undefined) {
    throw new CliError('generate types needs event ids or --type T: webhook-inspector generate types <id…> [--type T] --lang ts.');
  }
  return withStore(opts.storeDir, async (store) => {
    const events = opts.ids.map((id) => eventOf(store, id));
    if (opts.type !== undefined) {
      const ofType = store.list().filter((e) => e.eventType === opts.type && !events.some((x) => x.id === e.id));
      if (ofType.length === 0 && events.length === 0) {
        throw new CliError(`No stored event has the type "${opts.type.slice(0, 100)}". "webhook-inspector events" shows the types.`);
      }
      events.push(...[...ofType].reverse());
    }
    const samples = [];
    for (const event of events) {
      samples.push(await sampleOf(event, await store.readBody(event.id)));
    }
    const result = typesFromSamples(samples, opts.lang as CodegenLanguage, opts.name);
    for (const s of result.skipped) {
      io.stderr(`Left out ${s.message}`);
    }
    io.stdout(result.text.replace(/\n$/, ''));
    return 0;
  });
}

async function generateTestCommand(io: CliIo, opts: GenerateOptions): Promise<number> {
  if (opts.ids.length !== 1) {
    throw new CliError('generate test needs exactly one event id: webhook-inspector generate test <id> --out DIR.');
  }
  if (opts.out === undefined) {
    throw new CliError('generate test needs --out DIR, the folder for the test and its body fixture.');
  }
  if (opts.framework !== undefined && !TEST_FRAMEWORKS.includes(opts.framework as TestFramework)) {
    throw new CliError(`--framework must be node, vitest or jest, not "${opts.framework.slice(0, 40)}".`);
  }
  const outDir = path.resolve(opts.out);
  return withStore(opts.storeDir, async (store) => {
    const event = eventOf(store, opts.ids[0]!);
    const dependencies = await projectDependencies(outDir);
    const framework = (opts.framework as TestFramework | undefined) ?? detectFramework(dependencies);
    const written = await writeTest(outDir, { event, body: await store.readBody(event.id), framework, dependencies });
    io.stdout(written.testPath);
    io.stdout(written.bodyPath);
    const how = written.provider
      ? `signs with ${written.signer === 'node:crypto' ? 'node:crypto (HMAC)' : `the ${written.signer} SDK`} from ${written.secretEnv}`
      : 'no known signing scheme: sends unsigned unless WEBHOOK_SIGNATURE_HEADER and WEBHOOK_SECRET are set';
    io.stderr(`Wrote a ${framework === 'node' ? 'node:test' : framework} test (${how}; handler from WEBHOOK_HANDLER_URL).`);
    return 0;
  });
}

export function generateFromArgs(io: CliIo, { values, rest, common }: CliArgs): Promise<number> {
  return generateCommand(io, {
    storeDir: common.storeDir,
    what: rest[0],
    ids: rest.slice(1),
    ...(values.type !== undefined ? { type: values.type } : {}),
    ...(values.lang !== undefined ? { lang: values.lang } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.framework !== undefined ? { framework: values.framework } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  });
}
