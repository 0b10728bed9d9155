import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decodeForDisplay } from '../../core/bodyDecode';
import { detectFormat, decodeText, parseMediaType } from '../../core/detail/contentKind';
import { sanitizeLabel } from '../../core/detail/displayText';
import type { DetailAction } from '../../core/detail/protocol';
import { queryPairs } from '../../core/detail/snapshot';
import type { CapturedEvent } from '../../core/model/event';
import { headerValue } from '../../core/model/event';
import { curlCommand } from '../../core/export/curl';
import { fixtureBodyExtension, fixtureFileNames, fixtureMetadata } from '../../core/export/fixture';
import { hasCredentials, redactHeaders } from '../../core/export/redact';
import type { IDisposable } from '../../core/lifecycle';
import type { Logger } from '../../core/logger';
import type { EventStore } from '../../core/store';
import type { BodyDocumentProvider } from '../bodyDocuments';
import { missingEventMessage } from '../commands/guarded';
import { setting } from '../settings';

export const RESEND_COMMAND = 'webhookInspector.resendEvent';

/** What the panel needs from the rest of the extension. */
export interface DetailDeps {
  readonly extensionUri: vscode.Uri;
  /** The event store (opened on first use). */
  readonly store: () => Promise<EventStore>;
  /** Fires when the store is reopened (another folder). */
  readonly onDidChangeStore?: (listener: (store: EventStore) => void) => IDisposable;
  /** The local receiver URL while it runs, e.g. `http://127.0.0.1:4000`. */
  readonly receiverUrl: () => string | undefined;
  /** The configured port, for the cURL target while the receiver is stopped. */
  readonly configuredPort?: () => number;
  readonly logger: Logger;
  readonly bodies: BodyDocumentProvider;
}

/** Exports leave Authorization and Cookie values out unless the user turned this off. */
function redactCredentials(): boolean {
  return setting('export.redactCredentials');
}

async function eventAndBody(deps: DetailDeps, eventId: string): Promise<{ event: CapturedEvent; body: Buffer; store: EventStore }> {
  const store = await deps.store();
  const event = store.get(eventId);
  if (!event) {
    throw new Error(missingEventMessage(eventId));
  }
  return { event, body: await store.readBody(eventId), store };
}

export async function copyValue(deps: DetailDeps, eventId: string, what: 'header' | 'query', index: number): Promise<void> {
  const store = await deps.store();
  const event = store.get(eventId);
  if (!event) {
    throw new Error(missingEventMessage(eventId));
  }
  const pair = what === 'header' ? event.headers[index] : queryPairs(event.url)[index];
  if (!pair) {
    return;
  }
  await vscode.env.clipboard.writeText(pair[1]);
  vscode.window.setStatusBarMessage(`Copied the value of ${what} ${truncate(pair[0], 60)}`, 3000);
}

function truncate(s: string, max: number): string {
  return sanitizeLabel(s, max);
}

/** Runs one of the panel's actions; also behind the commands, so tree menus can use them. */
export async function runAction(deps: DetailDeps, action: DetailAction, eventId: string): Promise<void> {
  switch (action) {
    case 'openInEditor':
      await deps.bodies.open(eventId, { viewColumn: vscode.ViewColumn.Beside });
      return;
    case 'openEditableCopy':
      await deps.bodies.openEditableCopy(eventId);
      return;
    case 'copyCurl':
      await copyAsCurl(deps, eventId);
      return;
    case 'copyBody':
      await copyBody(deps, eventId);
      return;
    case 'saveFixture':
      await saveAsFixture(deps, eventId);
      return;
    case 'resend': {
      const { event } = await eventAndBody(deps, eventId);
      await vscode.commands.executeCommand(RESEND_COMMAND, { kind: 'event', event });
      return;
    }
    case 'goToHandler':
      await vscode.commands.executeCommand('webhookInspector.goToHandler', eventId);
      return;
  }
}

/** Copies a cURL command for the event; a body that cannot be inlined goes to a private temp file. */
export async function copyAsCurl(deps: DetailDeps, eventId: string): Promise<string> {
  const { event, body } = await eventAndBody(deps, eventId);
  const running = deps.receiverUrl();
  const baseUrl = running ?? `http://127.0.0.1:${deps.configuredPort?.() || 'PORT'}`;
  const dir = path.join(os.tmpdir(), 'webhook-inspector');
  const bodyFilePath = path.join(dir, `${eventId.replace(/[^\w-]/g, '_')}.body`);
  const redact = redactCredentials();
  const curl = curlCommand({ ...event, headers: redactHeaders(event.headers, redact) }, body, { baseUrl, bodyFilePath });
  if (curl.needsBodyFile) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    await fsp.writeFile(bodyFilePath, body, { mode: 0o600 });
  }
  await vscode.env.clipboard.writeText(curl.command);
  const parts = ['Webhook Inspector: copied the cURL command.'];
  if (curl.needsBodyFile) {
    parts.push(`It reads the body from ${bodyFilePath}.`);
  }
  if (!running) {
    parts.push(`The receiver is not running: the command targets ${baseUrl}; change it or start the receiver.`);
  }
  if (redact && hasCredentials(event.headers)) {
    parts.push('Authorization and Cookie values were redacted (setting webhookInspector.export.redactCredentials).');
  }
  void vscode.window.showInformationMessage(parts.join(' '));
  return curl.command;
}

/** Copies the body as text (decompressed); a binary body as base64. */
export async function copyBody(deps: DetailDeps, eventId: string): Promise<void> {
  const { event, body } = await eventAndBody(deps, eventId);
  const decoded = await decodeForDisplay(body, headerValue(event, 'content-encoding'));
  const contentType = headerValue(event, 'content-type');
  if (detectFormat(decoded.bytes, contentType) === 'binary') {
    await vscode.env.clipboard.writeText(body.toString('base64'));
    void vscode.window.showInformationMessage('Webhook Inspector: the body is binary; copied it as base64 (as received).');
    return;
  }
  await vscode.env.clipboard.writeText(decodeText(decoded.bytes, parseMediaType(contentType)?.charset));
  vscode.window.setStatusBarMessage(
    decoded.decodedFrom ? `Copied the body (decompressed from ${decoded.decodedFrom})` : 'Copied the body',
    3000,
  );
}

/** Saves the raw body and a JSON metadata file beside it, where the user picks. */
export async function saveAsFixture(deps: DetailDeps, eventId: string): Promise<{ metadataPath: string; bodyPath: string } | undefined> {
  const { event, body } = await eventAndBody(deps, eventId);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const suggested = `${eventId}.json`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : vscode.Uri.file(path.join(os.homedir(), suggested)),
    filters: { 'Fixture metadata (JSON)': ['json'] },
    saveLabel: 'Save Fixture',
    title: 'Save the event as a fixture (metadata JSON + raw body beside it)',
  });
  if (!target) {
    return undefined;
  }
  const names = fixtureFileNames(target.path, fixtureBodyExtension(event, body));
  const metadataUri = target.with({ path: names.metadataPath });
  const bodyUri = target.with({ path: names.bodyPath });
  const meta = fixtureMetadata(
    { ...event, headers: redactHeaders(event.headers, redactCredentials()) },
    names.bodyFile,
    createHash('sha256').update(body).digest('hex'),
  );
  await vscode.workspace.fs.writeFile(bodyUri, body);
  await vscode.workspace.fs.writeFile(metadataUri, Buffer.from(JSON.stringify(meta, null, 2) + '\n', 'utf8'));
  void vscode.window.showInformationMessage(`Webhook Inspector: saved ${names.bodyFile} and its metadata.`);
  return { metadataPath: metadataUri.fsPath, bodyPath: bodyUri.fsPath };
}
