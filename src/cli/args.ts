/** The CLI's flags (one table for every command), and the parsing helpers the commands share. */
import { parseArgs } from 'node:util';
import { defaultStoreDir } from '../core/dataDir';
import type { ResignMode } from '../core/forward';
import { secretsFromCli, type StaticSecrets } from '../core/verification';
import { CliError } from './errors';

const OPTIONS = {
  port: { type: 'string' },
  tunnel: { type: 'string' },
  'tunnel-host': { type: 'string' },
  subdomain: { type: 'string' },
  'public-url': { type: 'string' },
  'cloudflared-path': { type: 'string' },
  store: { type: 'string' },
  json: { type: 'boolean', default: false },
  'max-body-size': { type: 'string' },
  'max-events': { type: 'string' },
  limit: { type: 'string' },
  'rate-limit': { type: 'string' },
  secret: { type: 'string', multiple: true },
  'forward-to': { type: 'string' },
  'response-mode': { type: 'string' },
  'forward-timeout': { type: 'string' },
  'max-attempts': { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  to: { type: 'string' },
  resign: { type: 'boolean', default: false },
  'no-resign': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  print: { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  lang: { type: 'string' },
  name: { type: 'string' },
  type: { type: 'string' },
  framework: { type: 'string' },
  order: { type: 'string' },
  seed: { type: 'string' },
  delay: { type: 'string' },
  'as-received': { type: 'boolean', default: false },
  speed: { type: 'string' },
  scenario: { type: 'string' },
  'expect-status': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

/** Throws node:util's own error for an unknown flag or a missing value. */
export function parseCliArgs(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

export type CliValues = ReturnType<typeof parseCliArgs>['values'];

/** The flags every command reads (`--store`, `--json`, `--max-events`), checked before any command runs. */
export interface CommonOptions {
  storeDir: string;
  json: boolean;
  maxEvents: number;
}

/** What a command gets: the parsed flags, the positionals after the command name, and the common options. */
export interface CliArgs {
  values: CliValues;
  rest: string[];
  common: CommonOptions;
  allowHosts: string[];
}

export function commonOptions(values: CliValues): CommonOptions {
  return {
    storeDir: values.store ?? defaultStoreDir(),
    json: values.json ?? false,
    maxEvents: intOption('--max-events', values['max-events'], 1000, 1),
  };
}

export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return n;
}

/** The `--secret P=VALUE` flags plus the WEBHOOK_INSPECTOR_SECRET_* environment variables. */
export function cliSecrets(flags: string[]): StaticSecrets {
  try {
    return secretsFromCli(flags, process.env);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** `--resign` / `--no-resign` (resend, replay); both together is a usage error. */
export function resignMode(values: CliValues): ResignMode {
  if (values.resign && values['no-resign']) {
    throw new CliError('--resign and --no-resign cannot be used together.');
  }
  return values.resign ? 'always' : values['no-resign'] ? 'never' : 'auto';
}
