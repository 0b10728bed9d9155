import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { WebhookInspectorApi, WebhookInspectorExports } from '../../src/extension';
import type { EventsNode } from '../../src/vscode/eventsTree';

export const EXTENSION_ID = 'webhook-inspector.webhook-inspector';

/** Activates the extension and loads its services (activation itself registers stand-ins only). */
export async function activateExtension(): Promise<WebhookInspectorApi> {
  const ext = vscode.extensions.getExtension<WebhookInspectorExports>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return (await ext.activate()).loaded();
}

/** Polls until `fn` returns a truthy value (the tree refreshes in batches). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) {
        return value;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** The labels the Events tree shows at its root, as VS Code would render them. */
export async function treeLabels(api: WebhookInspectorApi): Promise<string[]> {
  const nodes: EventsNode[] = await api.tree.getChildren();
  return nodes.map((n) => {
    const label = api.tree.getTreeItem(n).label;
    return typeof label === 'string' ? label : (label?.label ?? '');
  });
}

/** A suite's teardown: closes the editors, deletes the suite's events, stops the receiver, removes its temp folder. */
export async function cleanUpSuite(api: WebhookInspectorApi, eventIds: readonly string[], tempDir: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const store = await api.controller.store();
  await store.delete(eventIds);
  await vscode.commands.executeCommand('webhookInspector.stopReceiver');
  await fsp.rm(tempDir, { recursive: true, force: true });
}

/** What a loopback handler started by `startLoopbackHandler` received. */
export interface SeenRequest {
  readonly url: string;
  readonly body: Buffer;
  readonly headers: http.IncomingHttpHeaders;
}

/** A real HTTP handler on 127.0.0.1 that records every request; `status` picks the answer. */
export async function startLoopbackHandler(
  status: (url: string) => number = () => 200,
): Promise<{ url: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body: Buffer.concat(parts), headers: req.headers });
      res.writeHead(status(req.url ?? '')).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}
