import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CapturedEvent } from '../../core/model/event';
import { fixtureBodyExtension } from '../../core/export/fixture';
import { harText } from '../../core/export/har';
import { httpFileText } from '../../core/export/httpFile';
import { ImportError, importInto, parseImport } from '../../core/export/import';
import { hasCredentials } from '../../core/export/redact';
import type { Logger } from '../../core/logger';
import { DEFAULT_MAX_BODY_SIZE } from '../../core/receiverDefaults';
import type { EventStore } from '../../core/store';
import type { EventsNode } from '../eventsTree';
import { registerCompare } from './compare';
import { registerGuardedCommand } from './guarded';
import { eventsFromTree, isOptionsArg } from './treeArgs';

/**
 * Save as .http, Export as HAR and Import (HAR, fixture, .http or cURL; and, through
 * `registerCompare`, the two Compare commands). Register once with `registerExportCommands` from `activate()`.
 *
 * Every command takes what a tree menu passes (the clicked node and the selected nodes), nothing
 * (the view's selection), or an options object, which is how tests and other extensions call them
 * without dialogs: `{ eventIds, target, redact, baseUrl }` for the exports, `{ files }` for import.
 */

export const EXPORT_COMMANDS = {
  saveAsHttpFile: 'webhookInspector.saveAsHttpFile',
  exportHar: 'webhookInspector.exportHar',
  importEvents: 'webhookInspector.importEvents',
} as const;

export interface ExportDeps {
  readonly store: () => Promise<EventStore>;
  /** The Events view's selection. */
  readonly selection: () => readonly EventsNode[];
  /** The local receiver URL while it runs, e.g. `http://127.0.0.1:4000`. */
  readonly receiverUrl: () => string | undefined;
  /** The configured port, for the URL while the receiver is stopped. */
  readonly configuredPort?: () => number;
  /** The largest body an import keeps (default: the receiver's default limit, 25 MiB). */
  readonly maxBodyBytes?: () => number;
  readonly logger: Logger;
  /** Written as the HAR creator version. */
  readonly version?: string;
}

/** Options for calls without dialogs (tests, other extensions). */
export interface ExportOptions {
  /** The events to export (default: the clicked node / selection). */
  readonly eventIds?: readonly string[];
  /** Where to save (skips the save dialog). */
  readonly target?: string;
  /** Redact credentials (skips the question). */
  readonly redact?: boolean;
  /** Origin for the request URLs (default: the running receiver, else http://127.0.0.1:<port>). */
  readonly baseUrl?: string;
}

export interface ImportOptions {
  /** Files to import (skips the open dialog). */
  readonly files?: readonly string[];
}

export interface ExportResult {
  readonly file: string;
  readonly bodyFiles: readonly string[];
  readonly redacted: boolean;
  readonly count: number;
}

const REDACT = 'Redact credentials (recommended)';
const KEEP = 'Keep them';

const isOptions = (x: unknown): x is ExportOptions & ImportOptions => isOptionsArg<ExportOptions & ImportOptions>(x);

/** The events to export, oldest first, or undefined (after telling the user) when none. */
async function eventsToExport(deps: ExportDeps, args: readonly unknown[], verb: string): Promise<CapturedEvent[] | undefined> {
  const store = await deps.store();
  const [first, second] = args;
  let events: CapturedEvent[];
  if (isOptions(first) && first.eventIds) {
    events = first.eventIds.flatMap((id) => store.get(id) ?? []);
  } else if (typeof first === 'string') {
    events = store.get(first) ? [store.get(first)!] : [];
  } else {
    events = eventsFromTree(store, deps.selection, first, second);
  }
  if (events.length === 0) {
    void vscode.window.showInformationMessage(`Webhook Inspector: select one or more events in the Events view to ${verb} them.`);
    return undefined;
  }
  return [...events].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/** Asks whether to redact credentials, only when there are any. Undefined when the user cancels. */
async function chooseRedaction(events: readonly CapturedEvent[], given: boolean | undefined): Promise<boolean | undefined> {
  if (given !== undefined) {
    return given;
  }
  if (!events.some((e) => hasCredentials(e.headers))) {
    return true;
  }
  const choice = await vscode.window.showWarningMessage(
    'Webhook Inspector: the events carry credentials (Authorization, Cookie, Set-Cookie or Proxy-Authorization headers).',
    { modal: true, detail: 'Redacted values are written as [redacted]. Keep them only if the file stays with you.' },
    REDACT,
    KEEP,
  );
  return choice === undefined ? undefined : choice === REDACT;
}

function baseUrlOf(deps: ExportDeps, options: ExportOptions | undefined): string {
  return options?.baseUrl ?? deps.receiverUrl() ?? `http://127.0.0.1:${deps.configuredPort?.() || 'PORT'}`;
}

async function targetUri(
  options: ExportOptions | undefined,
  events: readonly CapturedEvent[],
  ext: 'http' | 'har',
  label: string,
): Promise<vscode.Uri | undefined> {
  if (options?.target) {
    return vscode.Uri.file(options.target);
  }
  const name = events.length === 1 ? `${events[0]!.id}.${ext}` : `webhook-events.${ext}`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(path.join(os.homedir(), name)),
    filters: ext === 'http' ? { 'REST Client requests': ['http', 'rest'] } : { 'HTTP Archive': ['har'] },
    saveLabel: label,
  });
}

async function withBodies(store: EventStore, events: readonly CapturedEvent[]): Promise<Array<{ event: CapturedEvent; body: Buffer }>> {
  return Promise.all(events.map(async (event) => ({ event, body: await store.readBody(event.id) })));
}

/** What an export asks before writing: the events, whether to redact, where to save; undefined when the user cancels. */
async function planExport(
  deps: ExportDeps,
  args: readonly unknown[],
  verb: string,
  extension: 'http' | 'har',
  title: string,
): Promise<{ options: ExportOptions | undefined; events: CapturedEvent[]; redact: boolean; target: vscode.Uri } | undefined> {
  const options = isOptions(args[0]) ? args[0] : undefined;
  const events = await eventsToExport(deps, args, verb);
  if (!events) {
    return undefined;
  }
  const redact = await chooseRedaction(events, options?.redact);
  if (redact === undefined) {
    return undefined;
  }
  const target = await targetUri(options, events, extension, title);
  return target ? { options, events, redact, target } : undefined;
}

/** Save as .http: one file, one request per event; bodies REST Client cannot carry inline go beside it. */
export async function saveAsHttpFile(deps: ExportDeps, ...args: unknown[]): Promise<ExportResult | undefined> {
  const plan = await planExport(deps, args, 'save', 'http', 'Save .http File');
  if (!plan) {
    return undefined;
  }
  const { options, events, redact, target } = plan;
  const stem = path.posix.basename(target.path).replace(/\.(http|rest)$/i, '');
  const items = await withBodies(await deps.store(), events);
  const result = httpFileText(items, {
    baseUrl: baseUrlOf(deps, options),
    redact,
    bodyFileName: (event, index) => `${stem}.${index + 1}.body${fixtureBodyExtension(event, items[index]!.body)}`,
  });
  const dir = vscode.Uri.joinPath(target, '..');
  const bodyFiles: string[] = [];
  for (const f of result.bodyFiles) {
    const uri = vscode.Uri.joinPath(dir, f.name);
    await vscode.workspace.fs.writeFile(uri, f.bytes);
    bodyFiles.push(uri.fsPath);
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.text, 'utf8'));
  if (!options?.target) {
    const extra = bodyFiles.length ? ` and ${bodyFiles.length} body file${bodyFiles.length === 1 ? '' : 's'} beside it` : '';
    void vscode.window.showInformationMessage(
      `Webhook Inspector: saved ${events.length} request${events.length === 1 ? '' : 's'} to ${path.basename(target.fsPath)}${extra}.`,
    );
  }
  return { file: target.fsPath, bodyFiles, redacted: redact, count: events.length };
}

/** Export as HAR 1.2. */
export async function exportHar(deps: ExportDeps, ...args: unknown[]): Promise<ExportResult | undefined> {
  const plan = await planExport(deps, args, 'export', 'har', 'Export HAR');
  if (!plan) {
    return undefined;
  }
  const { options, events, redact, target } = plan;
  const text = harText(await withBodies(await deps.store(), events), { baseUrl: baseUrlOf(deps, options), redact, version: deps.version });
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  if (!options?.target) {
    void vscode.window.showInformationMessage(
      `Webhook Inspector: exported ${events.length} event${events.length === 1 ? '' : 's'} to ${path.basename(target.fsPath)}.`,
    );
  }
  return { file: target.fsPath, bodyFiles: [], redacted: redact, count: events.length };
}

/** The open dialog's filters: every format Import reads, then each on its own. */
export const IMPORT_FILTERS: Readonly<Record<string, string[]>> = {
  'Requests (HAR, fixture, .http, cURL)': ['har', 'json', 'http', 'rest', 'sh', 'curl', 'txt'],
  'HAR or fixture': ['har', 'json'],
  'REST Client (.http)': ['http', 'rest'],
  'cURL commands': ['sh', 'curl', 'txt'],
  'All files': ['*'],
};

/**
 * Import: every request of the chosen files (HAR, fixture, `.http`, cURL; told from the content)
 * becomes an event (marked `imported`). Body files a `.http` file or a cURL command refers to are read
 * relative to the imported file's folder (or by their absolute path).
 */
export async function importEvents(deps: ExportDeps, options?: ImportOptions): Promise<CapturedEvent[]> {
  const uris =
    options?.files?.map((f) => vscode.Uri.file(f)) ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      filters: IMPORT_FILTERS,
      openLabel: 'Import',
      title: 'Import requests from HAR files, fixtures, .http files or cURL commands',
    }));
  if (!uris?.length) {
    return [];
  }
  const maxBodyBytes = deps.maxBodyBytes?.() || DEFAULT_MAX_BODY_SIZE;
  // A HAR holds its bodies inline, base64 a third larger: allow a few of them per file.
  const maxFileBytes = Math.max(64 * 1024 * 1024, maxBodyBytes * 4);
  const store = await deps.store();
  const imported: CapturedEvent[] = [];
  const problems: string[] = [];
  for (const uri of uris) {
    const name = path.basename(uri.fsPath);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > maxFileBytes) {
        throw new ImportError(
          `the file is ${Math.round(stat.size / 1024 / 1024)} MiB, over the import limit of ${Math.round(maxFileBytes / 1024 / 1024)} MiB.`,
        );
      }
      const bytes = Buffer.from(await vscode.workspace.fs.readFile(uri));
      const readLimited = async (bodyUri: vscode.Uri, max: number): Promise<Buffer | 'too-large'> => {
        if ((await vscode.workspace.fs.stat(bodyUri)).size > max) {
          return 'too-large';
        }
        return Buffer.from(await vscode.workspace.fs.readFile(bodyUri));
      };
      const result = await parseImport(bytes, {
        maxBodyBytes,
        fileName: name,
        readBodyFile: (bodyName, max) => readLimited(vscode.Uri.joinPath(uri, '..', bodyName), max),
        readReferencedFile: (ref, max) =>
          readLimited(path.isAbsolute(ref) ? vscode.Uri.file(ref) : vscode.Uri.joinPath(uri, '..', ref), max),
      });
      for (const w of result.warnings) {
        deps.logger.warn(`Import of ${name}: ${w}`);
        problems.push(`${name}: ${w}`);
      }
      const added = await importInto(store, result);
      imported.push(...added);
      deps.logger.info(`Imported ${added.length} event(s) from ${name} (${result.format}).`);
    } catch (err) {
      const message = err instanceof ImportError ? err.message : `it could not be read: ${(err as Error).message}`;
      deps.logger.error(`Import of ${name} failed: ${message}`);
      void vscode.window.showErrorMessage(`Webhook Inspector: could not import ${name}: ${message}`);
    }
  }
  if (imported.length) {
    const more = problems.length ? ` ${problems.length} warning${problems.length === 1 ? '' : 's'}, the first: ${problems[0]}` : '';
    void vscode.window.showInformationMessage(
      `Webhook Inspector: imported ${imported.length} event${imported.length === 1 ? '' : 's'}.${more}`,
    );
  }
  return imported;
}

/** Registers Compare, Compare with Previous, Save as .http, Export as HAR and Import. Push the result to `context.subscriptions`. */
export function registerExportCommands(_context: vscode.ExtensionContext, deps: ExportDeps): vscode.Disposable {
  const log = (m: string) => deps.logger.error(`Export: ${m}`);
  return vscode.Disposable.from(
    registerCompare({ store: deps.store, selection: deps.selection }),
    registerGuardedCommand(EXPORT_COMMANDS.saveAsHttpFile, (...args) => saveAsHttpFile(deps, ...args), log),
    registerGuardedCommand(EXPORT_COMMANDS.exportHar, (...args) => exportHar(deps, ...args), log),
    registerGuardedCommand(EXPORT_COMMANDS.importEvents, (arg) => importEvents(deps, isOptions(arg) ? arg : undefined), log),
  );
}
