import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CapturedEvent } from '../../src/core/model/event';
import { CURL_SKIPPED_HEADERS } from '../../src/core/export/curl';
import type { WebhookInspectorApi } from '../../src/extension';
import { IMPORT_FILTERS } from '../../src/vscode/commands/exportImport';
import { activateExtension, cleanUpSuite, waitFor } from './helpers';

interface ExportResult {
  file: string;
  bodyFiles: string[];
  redacted: boolean;
  count: number;
}

describe('Compare, Save as .http, HAR export, cURL and .http import, in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let dir: string;
  /** Every event this suite made (captured and imported), deleted at the end. */
  const mine: string[] = [];
  let first: string;
  let second: string;
  let binary: string;
  const binaryBody = Buffer.concat([Buffer.from([0xff, 0x00, 0x0d, 0x0a]), randomBytes(1024)]);

  async function post(url: string, pathAndQuery: string, body: Buffer, headers: Record<string, string>): Promise<string> {
    const res = await fetch(`${url}${pathAndQuery}`, { method: 'POST', body: new Uint8Array(body), headers });
    const id = ((await res.json()) as { id: string }).id;
    mine.push(id);
    return id;
  }

  before(async () => {
    api = await activateExtension();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-export-it-'));
    const url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    const json = { 'content-type': 'application/json', 'x-event-type': 'wi_export.test' };
    first = await post(url, '/export/a?n=1', Buffer.from(JSON.stringify({ n: 1, status: 'old' })), json);
    second = await post(url, '/export/a?n=2', Buffer.from(JSON.stringify({ n: 2, status: 'new' })), {
      ...json,
      authorization: 'Bearer it-secret',
    });
    binary = await post(url, '/export/bin', binaryBody, { 'content-type': 'application/octet-stream' });
    const store = await api.controller.store();
    await waitFor('the three events in the store', () => mine.every((id) => store.get(id)));
  });

  after(() => cleanUpSuite(api, mine, dir));

  function activeDiff(): vscode.TabInputTextDiff | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    return input instanceof vscode.TabInputTextDiff ? input : undefined;
  }

  it('Compare Selected Events opens a diff editor of the two events, the older on the left', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pair = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.compareEvents', second, first);
    assert.deepEqual(
      pair?.map((e) => e.id),
      [first, second],
    );
    const diff = await waitFor('the diff editor', activeDiff);
    assert.equal(diff.original.scheme, 'webhook-compare');
    assert.ok(diff.original.path.includes(first) && diff.modified.path.includes(second), `${diff.original.path} ↔ ${diff.modified.path}`);
    const right = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    assert.match(right, /^POST \/export\/a\?n=2 HTTP\/1\.1\n/);
    assert.match(right, /^x-event-type: wi_export\.test$/im);
    assert.match(right, /\n\n\{\n {2}"n": 2,\n {2}"status": "new"\n\}/, 'the body pretty-printed after a blank line');
  });

  it('Compare with one event selected says so and opens nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pair = await vscode.commands.executeCommand('webhookInspector.compareEvents', first);
    assert.equal(pair, undefined);
    assert.equal(activeDiff(), undefined);
  });

  it('Compare with Previous of Same Type diffs the event against the newest earlier one of its type', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pair = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.compareWithPrevious', second);
    assert.deepEqual(
      pair?.map((e) => e.id),
      [first, second],
    );
    await waitFor('the diff editor', activeDiff);
    const none = await vscode.commands.executeCommand('webhookInspector.compareWithPrevious', first);
    assert.equal(none, undefined, 'the first of its type has no previous');
  });

  it('Export as HAR, then Import: method, url, headers and body bytes come back equal', async () => {
    const target = path.join(dir, 'events.har');
    const result = await vscode.commands.executeCommand<ExportResult>('webhookInspector.exportHar', {
      eventIds: [first, second, binary],
      target,
      redact: false,
    });
    assert.equal(result?.count, 3);
    const har = JSON.parse(await fsp.readFile(target, 'utf8'));
    assert.equal(har.log.version, '1.2');
    assert.equal(har.log.entries.length, 3);

    const imported = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.importEvents', { files: [target] });
    mine.push(...imported.map((e) => e.id));
    assert.equal(imported.length, 3);
    const store = await api.controller.store();
    for (const [i, id] of [first, second, binary].entries()) {
      const original = store.get(id)!;
      const copy = imported[i]!;
      assert.notEqual(copy.id, id);
      assert.equal(copy.method, original.method);
      assert.equal(copy.url, original.url);
      assert.deepEqual(copy.headers, original.headers);
      assert.equal(copy.receivedAt, original.receivedAt);
      assert.equal((copy as CapturedEvent & { imported?: string }).imported, 'har');
      assert.deepEqual(await store.readBody(copy.id), await store.readBody(id));
    }
    assert.deepEqual(await store.readBody(imported[2]!.id), binaryBody);
  });

  it('Import of a file that is not HAR imports nothing', async () => {
    const bad = path.join(dir, 'not-har.json');
    await fsp.writeFile(bad, '{"hello": "world"}');
    const imported = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.importEvents', { files: [bad] });
    assert.deepEqual(imported, []);
  });

  it('Save as .http writes the requests, redacted, and the binary body beside the file', async () => {
    const target = path.join(dir, 'hooks.http');
    const result = await vscode.commands.executeCommand<ExportResult>('webhookInspector.saveAsHttpFile', {
      eventIds: [first, second, binary],
      target,
      redact: true,
      baseUrl: 'http://127.0.0.1:9',
    });
    assert.equal(result?.count, 3);
    const text = await fsp.readFile(target, 'utf8');
    assert.equal(text.match(/^###$/gm)?.length, 2);
    assert.match(text, /^POST http:\/\/127\.0\.0\.1:9\/export\/a\?n=1 HTTP\/1\.1$/m);
    assert.match(text, /^authorization: \[redacted\]$/im);
    assert.doesNotMatch(text, /it-secret/);
    assert.equal(result.bodyFiles.length, 1);
    assert.match(text, new RegExp(`^< \\./${path.basename(result.bodyFiles[0]!).replace(/\./g, '\\.')}$`, 'm'));
    assert.deepEqual(await fsp.readFile(result.bodyFiles[0]!), binaryBody);
  });

  describe('cURL and .http round trips: export, re-import, and the bytes are equal', () => {
    /** Events with bodies and headers the text formats must carry exactly. */
    const roundTrip: string[] = [];
    let receiverUrl: string;

    /** Sends a request with raw header pairs (order, case and duplicates kept), as a provider would. */
    async function send(method: string, pathAndQuery: string, headers: Array<[string, string]>, body: Buffer): Promise<string> {
      const url = new URL(pathAndQuery, receiverUrl);
      const raw = [
        ['Host', url.host],
        ...headers,
        ...(body.length || method !== 'GET' ? [['Content-Length', String(body.length)]] : []),
      ].flat();
      const id = await new Promise<string>((resolve, reject) => {
        const req = http.request(url, { method, headers: raw }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id));
        });
        req.on('error', reject);
        req.end(body);
      });
      mine.push(id);
      return id;
    }

    before(async () => {
      receiverUrl = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
      const text = (type: string): Array<[string, string]> => [['Content-Type', type]];
      roundTrip.push(
        await send(
          'POST',
          '/rt/json?q=a%20b&list=[1,2]&u=%C3%A9',
          [
            ['Content-Type', 'application/json'],
            ['X-Dup', 'one'],
            ['x-dup', 'two'],
            ['X-Empty', ''],
            ['User-Agent', 'Stripe/1.0'],
          ],
          Buffer.from('{"type":"rt.json","text":"it\'s $(x) `y` \\"z\\""}'),
        ),
        await send('POST', '/rt/form', text('application/x-www-form-urlencoded'), Buffer.from('a=1&b=hello+world%21&c=%E2%9C%93')),
        await send('PUT', '/rt/utf8', text('text/plain; charset=utf-8'), Buffer.from('héllo ✓ 日本語')),
        await send('POST', '/rt/newline', text('text/plain'), Buffer.from('first\n###\n# not a comment\nlast\n')),
        await send('POST', '/rt/at', text('text/plain'), Buffer.from('@channel the deploy is done')),
        await send('GET', '/rt/get?x=1&y=%2F', [['Accept', 'application/json']], Buffer.alloc(0)),
        await send('DELETE', '/rt/delete/42', [['X-Reason', 'test']], Buffer.alloc(0)),
        binary,
        first,
      );
      const store = await api.controller.store();
      await waitFor('the round-trip events in the store', () => roundTrip.every((id) => store.get(id)));
    });

    /** Checks the imported copies against the originals: method, path and query, headers the format carries, body bytes. */
    async function assertCopies(
      originals: readonly string[],
      imported: readonly CapturedEvent[] | undefined,
      format: 'curl' | 'http',
    ): Promise<void> {
      assert.ok(imported, 'the import command returns the imported events');
      mine.push(...imported.map((e) => e.id));
      assert.equal(imported.length, originals.length);
      const store = await api.controller.store();
      for (const [i, id] of originals.entries()) {
        const original = store.get(id)!;
        const copy: CapturedEvent = imported[i]!;
        const what = `${original.method} ${original.url}`;
        assert.notEqual(copy.id, id);
        assert.equal(copy.method, original.method, what);
        assert.equal(copy.url, original.url, what);
        // Host, content-length and hop-by-hop headers are the transport's; every other header comes back.
        assert.deepEqual(
          copy.headers,
          original.headers.filter(([name]) => !CURL_SKIPPED_HEADERS.has(name.toLowerCase())),
          what,
        );
        assert.equal((copy as CapturedEvent & { imported?: string }).imported, format);
        const [copyBody, originalBody] = [await store.readBody(copy.id), await store.readBody(id)];
        assert.ok(copyBody.equals(originalBody), `${what}: body bytes (${copyBody.length} vs ${originalBody.length})`);
        assert.equal(copy.size, originalBody.length, what);
      }
    }

    it('Copy as cURL for each event, saved as one script, then Import: the bytes are equal', async () => {
      const commands: string[] = [];
      for (const id of roundTrip) {
        await vscode.env.clipboard.writeText('');
        await vscode.commands.executeCommand('webhookInspector.copyAsCurl', id);
        const command = await waitFor('the cURL command on the clipboard', async () => {
          const text = await vscode.env.clipboard.readText();
          return text.startsWith('curl ') && text;
        });
        commands.push(command);
      }
      assert.ok(
        commands.some((c) => c.includes("--data-binary '@")),
        'the binary body is read from a file',
      );
      assert.ok(
        commands.some((c) => c.includes("--data-raw '@channel")),
        'a body that starts with @ is sent with --data-raw',
      );
      const script = path.join(dir, 'copied.sh');
      await fsp.writeFile(script, `#!/bin/sh\n${commands.join('\n\n')}\n`);
      const imported = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.importEvents', { files: [script] });
      await assertCopies(roundTrip, imported, 'curl');
    });

    it('Save as .http, then Import: the bytes are equal, and the times come back', async () => {
      const target = path.join(dir, 'round trip.http');
      const result = await vscode.commands.executeCommand<ExportResult>('webhookInspector.saveAsHttpFile', {
        eventIds: roundTrip,
        target,
        redact: false,
      });
      assert.equal(result?.count, roundTrip.length);
      // The body ending with a newline (and holding ###) and the binary one cannot be inline: they are files beside it.
      assert.equal(result.bodyFiles.length, 2);
      const imported = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.importEvents', { files: [target] });
      const store = await api.controller.store();
      // The export writes the events oldest first.
      const inFileOrder = [...roundTrip].sort((a, b) => store.get(a)!.receivedAt.localeCompare(store.get(b)!.receivedAt));
      await assertCopies(inFileOrder, imported, 'http');
      for (const [i, id] of inFileOrder.entries()) {
        assert.equal(imported[i]!.receivedAt, store.get(id)!.receivedAt);
      }
    });

    it('Import of text that is neither imports nothing; the dialog offers every format', async () => {
      const bad = path.join(dir, 'notes.txt');
      await fsp.writeFile(bad, 'hello\nthis is not a request\n');
      const imported = await vscode.commands.executeCommand<CapturedEvent[]>('webhookInspector.importEvents', { files: [bad] });
      assert.deepEqual(imported, []);
      const offered = new Set(Object.values(IMPORT_FILTERS).flat());
      for (const ext of ['har', 'json', 'http', 'rest', 'sh', 'curl', 'txt']) {
        assert.ok(offered.has(ext), ext);
      }
    });
  });
});
