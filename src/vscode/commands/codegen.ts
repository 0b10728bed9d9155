import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type CodegenLanguage,
  CodegenError,
  defaultTypeName,
  detectFramework,
  isProblem,
  projectDependencies,
  type Sample,
  type SampleProblem,
  sampleOf,
  type TestFramework,
  typesFromSamples,
  writeTest,
} from '../../core/codegen';
import { typeNameProblem } from '../../core/codegen/codeText';
import type { CapturedEvent } from '../../core/model/event';
import type { Logger } from '../../core/logger';
import { providers } from '../../core/signatures';
import type { EventStore } from '../../core/store';
import type { EventsNode } from '../eventsTree';
import { eventsFromTree, isOptionsArg } from './treeArgs';
import { registerGuardedCommands } from './guarded';
import { CODEGEN_COMMANDS } from './codegenIds';

/**
 * "Generate Types from Events…" and "Create Test from Event…". Each takes what a tree menu passes
 * (the clicked node and the selected nodes), nothing (the view's selection, else quick picks), or an
 * options object, which is how tests and other extensions call them without dialogs.
 */

export { CODEGEN_COMMANDS };

export interface CodegenDeps {
  readonly store: () => Promise<EventStore>;
  readonly selection: () => readonly EventsNode[];
  readonly logger: Logger;
}

export interface GenerateTypesOptions {
  readonly eventIds?: readonly string[];
  /** Every stored event of this provider (and `eventType`, when given). */
  readonly provider?: string;
  readonly eventType?: string;
  readonly lang?: CodegenLanguage;
  readonly name?: string;
  /** `editor`: a new untitled editor (default); `cursor`: insert at the cursor of the active editor. */
  readonly destination?: 'editor' | 'cursor';
}

export interface GenerateTypesResult {
  readonly text: string;
  readonly uri: string;
  readonly used: number;
  readonly skipped: readonly SampleProblem[];
}

export interface CreateTestOptions {
  readonly eventId?: string;
  readonly framework?: TestFramework;
  /** The folder for the test and its fixture (skips the folder dialog). */
  readonly folder?: string;
}

export interface CreateTestResult {
  readonly testPath: string;
  readonly bodyPath: string;
  readonly framework: TestFramework;
  readonly signer: string;
}

const LANGUAGES: ReadonlyArray<vscode.QuickPickItem & { lang: CodegenLanguage }> = [
  { label: 'TypeScript', description: 'interfaces and types', lang: 'ts' },
  { label: 'zod', description: 'a zod 4 schema and its inferred type', lang: 'zod' },
  { label: 'JSON Schema', description: 'draft 2020-12', lang: 'jsonschema' },
];

const FRAMEWORKS: ReadonlyArray<{ framework: TestFramework; label: string }> = [
  { framework: 'node', label: 'node:test' },
  { framework: 'vitest', label: 'Vitest' },
  { framework: 'jest', label: 'Jest' },
];

const isOptions = (x: unknown): x is Record<string, unknown> => isOptionsArg<Record<string, unknown>>(x);

function providerName(id: string): string {
  return providers.find((p) => p.id === id)?.name ?? id;
}

/** Events from the tree (clicked node, multi-selection) or the view's selection. */
function selectedEvents(store: EventStore, deps: CodegenDeps, first: unknown, second: unknown): CapturedEvent[] {
  return eventsFromTree(store, deps.selection, first, second);
}

/** Quick picks: a provider, then one of its event types or all of them. */
async function pickByProviderAndType(store: EventStore): Promise<CapturedEvent[] | undefined> {
  const usable = store.list().filter((e) => !e.rejected && e.size > 0);
  if (usable.length === 0) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: there are no stored events with a body yet. Start the receiver and send a webhook, or send a sample.',
    );
    return undefined;
  }
  const byProvider = new Map<string, CapturedEvent[]>();
  for (const e of usable) {
    const key = e.provider ?? '';
    byProvider.set(key, [...(byProvider.get(key) ?? []), e]);
  }
  const provider = await vscode.window.showQuickPick(
    [...byProvider].map(([id, events]) => ({
      label: id ? providerName(id) : 'Unknown sender',
      description: `${events.length} event${events.length === 1 ? '' : 's'}`,
      id,
    })),
    { title: 'Generate Types from Events (1/4)', placeHolder: 'Which provider’s events?' },
  );
  if (!provider) {
    return undefined;
  }
  const events = byProvider.get(provider.id)!;
  const byType = new Map<string, CapturedEvent[]>();
  for (const e of events) {
    byType.set(e.eventType ?? '', [...(byType.get(e.eventType ?? '') ?? []), e]);
  }
  const all = {
    label: '$(list-flat) All event types',
    description: `${events.length} events: a discriminated union where the payloads carry type or action`,
    events,
  };
  const picked = await vscode.window.showQuickPick(
    [
      all,
      ...[...byType].map(([t, list]) => ({
        label: t || '(no event type)',
        description: `${list.length} event${list.length === 1 ? '' : 's'}`,
        events: list,
      })),
    ],
    { title: 'Generate Types from Events (2/4)', placeHolder: 'Which event type?' },
  );
  return picked?.events;
}

async function readSamples(store: EventStore, events: readonly CapturedEvent[]): Promise<Array<Sample | SampleProblem>> {
  const read = async (): Promise<Array<Sample | SampleProblem>> => {
    const out: Array<Sample | SampleProblem> = [];
    for (const e of events) {
      out.push(await sampleOf(e, await store.readBody(e.id)));
    }
    return out;
  };
  if (events.length < 50) {
    return read();
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Webhook Inspector: reading ${events.length} events…` },
    read,
  );
}

export async function generateTypes(deps: CodegenDeps, first?: unknown, second?: unknown): Promise<GenerateTypesResult | undefined> {
  const options: GenerateTypesOptions = isOptions(first) ? (first as GenerateTypesOptions) : {};
  const store = await deps.store();
  let events: CapturedEvent[] | undefined;
  if (options.eventIds) {
    events = options.eventIds.map((id) => {
      const e = store.get(id);
      if (!e) {
        throw new CodegenError(`The event ${id} is no longer in the store.`);
      }
      return e;
    });
  } else if (options.provider !== undefined) {
    events = store
      .list()
      .filter((e) => e.provider === options.provider && (options.eventType === undefined || e.eventType === options.eventType));
  } else {
    events = selectedEvents(store, deps, first, second);
    if (events.length === 0) {
      events = await pickByProviderAndType(store);
    }
  }
  if (!events || events.length === 0) {
    return undefined;
  }
  const samples = await readSamples(store, [...events].reverse());
  const usable = samples.filter((s): s is Sample => !isProblem(s));
  if (usable.length === 0) {
    typesFromSamples(samples, 'ts'); // throws the "no JSON bodies" error with the reasons
  }
  const lang =
    options.lang ??
    (
      await vscode.window.showQuickPick(LANGUAGES, {
        title: 'Generate Types from Events (3/4)',
        placeHolder: `Generate from ${usable.length} event${usable.length === 1 ? '' : 's'} as…`,
      })
    )?.lang;
  if (!lang) {
    return undefined;
  }
  let suggested: string;
  try {
    suggested = defaultTypeName(usable);
  } catch {
    suggested = 'WebhookEvent';
  }
  const name =
    options.name ??
    (
      await vscode.window.showInputBox({
        title: 'Generate Types from Events (4/4)',
        prompt: lang === 'jsonschema' ? 'The schema title' : 'The type name',
        value: suggested,
        validateInput: (v) => typeNameProblem(v.trim()),
      })
    )?.trim();
  if (!name) {
    return undefined;
  }
  const result = typesFromSamples(samples, lang, name);
  if (result.skipped.length) {
    deps.logger.warn(`Generate Types: left out ${result.skipped.length} event(s): ${result.skipped.map((s) => s.message).join(' ')}`);
    void vscode.window.showWarningMessage(
      `Webhook Inspector: ${result.skipped.length} event${result.skipped.length === 1 ? ' was' : 's were'} left out. ${result.skipped[0]!.message}${result.skipped.length > 1 ? ' (the others: see the log)' : ''}`,
    );
  }
  const editor = vscode.window.activeTextEditor;
  let destination = options.destination;
  if (!destination) {
    destination = 'editor';
    if (editor && !editor.document.isClosed) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: '$(new-file) Open in a new editor', value: 'editor' as const },
          { label: '$(insert) Insert at the cursor', description: path.basename(editor.document.fileName), value: 'cursor' as const },
        ],
        { title: 'Generate Types from Events', placeHolder: 'Where should the result go?' },
      );
      if (!choice) {
        return undefined;
      }
      destination = choice.value;
    }
  }
  if (destination === 'cursor') {
    if (!editor) {
      throw new CodegenError('There is no active editor to insert into.');
    }
    const ok = await editor.edit((b) => b.insert(editor.selection.active, result.text));
    if (!ok) {
      throw new CodegenError(`Could not insert into ${path.basename(editor.document.fileName)}.`);
    }
    return { text: result.text, uri: editor.document.uri.toString(), used: result.used, skipped: result.skipped };
  }
  const doc = await vscode.workspace.openTextDocument({ language: lang === 'jsonschema' ? 'json' : 'typescript', content: result.text });
  await vscode.window.showTextDocument(doc, { preview: false });
  return { text: result.text, uri: doc.uri.toString(), used: result.used, skipped: result.skipped };
}

/** The workspace folder's package.json dependencies (for the framework and SDK detection). */
async function workspaceDependencies(): Promise<Set<string>> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? projectDependencies(folder.uri.fsPath) : new Set();
}

async function pickEvent(store: EventStore): Promise<CapturedEvent | undefined> {
  const events = store.list(0, 200).filter((e) => !e.rejected);
  if (events.length === 0) {
    void vscode.window.showInformationMessage(
      'Webhook Inspector: there are no stored events yet. Start the receiver and send a webhook, or send a sample.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    events.map((e) => ({
      label: e.eventType ?? `${e.method} ${e.url}`,
      description: [e.provider ? providerName(e.provider) : undefined, new Date(e.receivedAt).toLocaleString()].filter(Boolean).join(' · '),
      detail: e.id,
      event: e,
    })),
    { title: 'Create Test from Event (1/3)', placeHolder: 'Which event should the test replay?', matchOnDetail: true },
  );
  return picked?.event;
}

export async function createTestFromEvent(deps: CodegenDeps, first?: unknown, second?: unknown): Promise<CreateTestResult | undefined> {
  const options: CreateTestOptions = isOptions(first) ? (first as CreateTestOptions) : {};
  const store = await deps.store();
  let event: CapturedEvent | undefined;
  if (options.eventId) {
    event = store.get(options.eventId);
    if (!event) {
      throw new CodegenError(`The event ${options.eventId} is no longer in the store.`);
    }
  } else {
    event = selectedEvents(store, deps, first, second)[0] ?? (await pickEvent(store));
  }
  if (!event) {
    return undefined;
  }
  const workspaceDeps = await workspaceDependencies();
  const detected = detectFramework(workspaceDeps);
  const framework =
    options.framework ??
    (
      await vscode.window.showQuickPick(
        [...FRAMEWORKS]
          .sort((a, b) => (a.framework === detected ? -1 : b.framework === detected ? 1 : 0))
          .map((f) => ({
            label: f.label,
            description: f.framework === detected ? 'detected from package.json' : '',
            framework: f.framework,
          })),
        { title: 'Create Test from Event (2/3)', placeHolder: 'Test framework' },
      )
    )?.framework;
  if (!framework) {
    return undefined;
  }
  let folder = options.folder;
  if (!folder) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    let defaultUri = root;
    if (root) {
      for (const name of ['test', 'tests', '__tests__']) {
        const candidate = vscode.Uri.joinPath(root, name);
        if (
          await fsp.stat(candidate.fsPath).then(
            (s) => s.isDirectory(),
            () => false,
          )
        ) {
          defaultUri = candidate;
          break;
        }
      }
    }
    const picked = await vscode.window.showOpenDialog({
      title: 'Create Test from Event (3/3): the folder for the test and its body fixture',
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Create Test Here',
      ...(defaultUri ? { defaultUri } : {}),
    });
    folder = picked?.[0]?.fsPath;
  }
  if (!folder) {
    return undefined;
  }
  const body = await store.readBody(event.id);
  const written = await writeTest(folder, { event, body, framework, dependencies: await projectDependencies(folder) });
  const doc = await vscode.workspace.openTextDocument(written.testPath);
  await vscode.window.showTextDocument(doc, { preview: false });
  const signing = written.provider
    ? `It signs with ${written.signer === 'node:crypto' ? 'an HMAC (node:crypto)' : `the ${written.signer} SDK`} using ${written.secretEnv}.`
    : 'The sender has no known signing scheme: it is sent unsigned unless WEBHOOK_SIGNATURE_HEADER and WEBHOOK_SECRET are set.';
  void vscode.window.showInformationMessage(
    `Webhook Inspector: created ${path.basename(written.testPath)} and ${path.basename(written.bodyPath)}. ${signing} Set WEBHOOK_HANDLER_URL to your handler.`,
  );
  return { testPath: written.testPath, bodyPath: written.bodyPath, framework, signer: written.signer };
}

/** Registers both commands; dispose the result to remove them. */
export function registerCodegenCommands(deps: CodegenDeps): vscode.Disposable {
  const log = (m: string) => deps.logger.warn(m);
  return registerGuardedCommands(
    {
      [CODEGEN_COMMANDS.generateTypes]: (a?: unknown, b?: unknown) => generateTypes(deps, a, b),
      [CODEGEN_COMMANDS.createTest]: (a?: unknown, b?: unknown) => createTestFromEvent(deps, a, b),
    },
    log,
  );
}
