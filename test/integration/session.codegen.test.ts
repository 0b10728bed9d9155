import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import Stripe from 'stripe';
import * as vscode from 'vscode';
import type { WebhookInspectorApi } from '../../src/extension';
import type { CreateTestResult, GenerateTypesResult } from '../../src/vscode/commands/codegen';
import { activateExtension, cleanUpSuite, EXTENSION_ID, waitFor } from './helpers';

const SECRET = 'whsec_codegen_integration_Rt8';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('Generate Types from Events and Create Test from Event, in a real VS Code', () => {
  let api: WebhookInspectorApi;
  let dir: string;
  let extensionPath: string;
  const mine: string[] = [];
  const bodies: string[] = [];

  async function post(url: string, json: unknown): Promise<string> {
    const body = JSON.stringify(json);
    const t = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
    const res = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': `t=${t},v1=${sig}`,
      },
    });
    const id = ((await res.json()) as { id: string }).id;
    mine.push(id);
    bodies.push(body);
    return id;
  }

  before(async () => {
    api = await activateExtension();
    extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-codegen-it-'));
    await fsp.symlink(path.join(extensionPath, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const url = await vscode.commands.executeCommand<string>('webhookInspector.startReceiver');
    const pi = (extra: Record<string, unknown>) => ({
      id: `evt_${mine.length}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1', object: 'payment_intent', amount: 2000, currency: 'usd', description: 'first', ...extra } },
    });
    await post(url, pi({ customer: null }));
    await post(url, pi({ customer: 'cus_1', description: null, receipt_email: 'a@example.com' }));
    const store = await api.controller.store();
    await waitFor('both events classified as Stripe', () => mine.every((id) => store.get(id)?.provider === 'stripe'));
  });

  after(() => cleanUpSuite(api, mine, dir));

  it('Generate Types opens TypeScript that tsc --strict compiles with both samples, and a wrong one fails', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const r = await vscode.commands.executeCommand<GenerateTypesResult>('webhookInspector.generateTypes', {
      eventIds: mine,
      lang: 'ts',
      name: 'PaymentEvent',
      destination: 'editor',
    });
    assert.equal(r?.used, 2);
    const editor = await waitFor('the new editor', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.languageId, 'typescript');
    assert.equal(editor.document.isUntitled, true);
    const text = editor.document.getText();
    assert.match(text, /customer: string \| null;/);
    assert.match(text, /receipt_email\?: string;/);
    await fsp.writeFile(path.join(dir, 'types.ts'), text);
    const samples = bodies.map((b, i) => `export const s${i}: PaymentEvent = ${b};`).join('\n');
    await fsp.writeFile(path.join(dir, 'check.ts'), `import type { PaymentEvent } from './types';\n${samples}\n`);
    const wrong = JSON.parse(bodies[0]!) as { data: { object: Record<string, unknown> } };
    wrong.data.object.amount = 'a lot';
    await fsp.writeFile(
      path.join(dir, 'wrong.ts'),
      `import type { PaymentEvent } from './types';\nexport const w: PaymentEvent = ${JSON.stringify(wrong)};\n`,
    );
    const tsc = path.join(extensionPath, 'node_modules', 'typescript', 'bin', 'tsc');
    // One tsc run over both files (no @types: nothing else to check): errors in wrong.ts only.
    const compilerOptions = {
      strict: true,
      noEmit: true,
      types: [],
      skipLibCheck: true,
      target: 'es2022',
      module: 'esnext',
      moduleResolution: 'bundler',
    };
    await fsp.writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts', 'wrong.ts'] }));
    const r2 = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false']);
    const errors = r2.out.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.ok(errors.length > 0, r2.out);
    assert.ok(
      errors.every((l) => /wrong\.ts\(\d+,\d+\): error TS2322/.test(l)),
      r2.out,
    );
  });

  it('Generate Types inserts a JSON Schema at the cursor, which ajv accepts both samples with', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: '' });
    await vscode.window.showTextDocument(doc);
    const r = await vscode.commands.executeCommand<GenerateTypesResult>('webhookInspector.generateTypes', {
      eventIds: mine,
      lang: 'jsonschema',
      name: 'PaymentEvent',
      destination: 'cursor',
    });
    assert.equal(r?.uri, doc.uri.toString());
    const schema = JSON.parse(doc.getText()) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    for (const b of bodies) {
      assert.ok(validate(JSON.parse(b)), JSON.stringify(validate.errors));
    }
    assert.equal(validate({ ...(JSON.parse(bodies[0]!) as object), type: 42 }), false);
  });

  it('Create Test from Event writes a node:test test that passes against a handler verifying with the Stripe SDK', async () => {
    await fsp.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'it-project', devDependencies: { stripe: '*' } }));
    const folder = path.join(dir, 'test');
    const r = await vscode.commands.executeCommand<CreateTestResult>('webhookInspector.createTestFromEvent', {
      eventId: mine[1],
      framework: 'node',
      folder,
    });
    assert.ok(r, 'a test was written');
    assert.equal(r.signer, 'stripe');
    const editor = await waitFor('the test in an editor', () =>
      vscode.window.activeTextEditor?.document.fileName === r.testPath ? vscode.window.activeTextEditor : undefined,
    );
    assert.match(editor.document.getText(), /STRIPE_WEBHOOK_SECRET/);
    assert.equal(await fsp.readFile(r.bodyPath, 'utf8'), bodies[1]);
    const verdicts: boolean[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          Stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), SECRET);
          verdicts.push(true);
          res.writeHead(200).end('ok');
        } catch (err) {
          verdicts.push(false);
          res.writeHead(400).end((err as Error).message);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
      const ok = await run(process.execPath, ['--test', r.testPath], { WEBHOOK_HANDLER_URL: url, STRIPE_WEBHOOK_SECRET: SECRET });
      assert.equal(ok.code, 0, ok.out);
      assert.deepEqual(verdicts, [true]);
      for (const f of await fsp.readdir(folder)) {
        assert.ok(!(await fsp.readFile(path.join(folder, f), 'utf8')).includes(SECRET), `${f} holds the secret`);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('Generate Types on an event without a JSON body says so and opens nothing', async () => {
    const url = api.controller.status.url!;
    const res = await fetch(`${url}/xml`, { method: 'POST', body: '<a/>', headers: { 'content-type': 'application/xml' } });
    const id = ((await res.json()) as { id: string }).id;
    mine.push(id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const r = await vscode.commands.executeCommand<GenerateTypesResult | undefined>('webhookInspector.generateTypes', {
      eventIds: [id],
      lang: 'ts',
      name: 'X',
      destination: 'editor',
    });
    assert.equal(r, undefined);
    assert.equal(vscode.window.activeTextEditor, undefined);
  });
});
