import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { JSDOM, VirtualConsole } from 'jsdom';
import { buildDetailSnapshot } from '../../../src/core/detail/snapshot';
import type { DetailSnapshot } from '../../../src/core/detail/protocol';
import { HOSTILE, makeEvent } from './helpers';

let bundle: string;
let snapshot: DetailSnapshot;

before(async () => {
  // Built like scripts/build.mjs builds dist/webview.js: a browser bundle (node built-ins would fail).
  const out = await esbuild.build({
    entryPoints: ['src/webview/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  const body = Buffer.from(JSON.stringify({ hello: HOSTILE[0] }));
  snapshot = await buildDetailSnapshot(
    makeEvent({
      id: 'evt_main',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-A', HOSTILE[1]],
      ],
      url: '/p?q=1',
      size: body.length,
    }),
    body,
    { canResend: false },
  );
});

function load(initialState?: unknown) {
  const posted: unknown[] = [];
  const states: unknown[] = [];
  const dom = new JSDOM('<!DOCTYPE html><html><body><div id="root"></div></body></html>', {
    runScripts: 'outside-only',
    virtualConsole: new VirtualConsole(),
  });
  const w = dom.window as unknown as Window & { acquireVsCodeApi: () => unknown; eval(code: string): unknown };
  w.acquireVsCodeApi = () => ({
    postMessage: (m: unknown) => posted.push(structuredClone(m)),
    getState: () => initialState,
    setState: (s: unknown) => states.push(structuredClone(s)),
  });
  w.eval(bundle);
  const send = (data: unknown) => w.dispatchEvent(new dom.window.MessageEvent('message', { data }));
  return { dom, doc: dom.window.document, posted, states, send };
}

test('the bundle has no node built-ins', () => {
  assert.ok(!/\brequire\(/.test(bundle));
  assert.ok(!/["'`]node:/.test(bundle), 'no node: imports');
});

test('ready handshake first, then renders only valid host messages', () => {
  const { doc, posted, send } = load();
  assert.deepEqual(posted, [{ type: 'ready' }]);
  assert.match(doc.body.textContent ?? '', /Loading event/);
  send({ type: 'snapshot', snapshot: { ...snapshot, version: 99 } });
  send({ type: 'html', html: '<img src=x onerror=alert(1)>' });
  send('<script>');
  assert.match(doc.body.textContent ?? '', /Loading event/);
  assert.equal(doc.querySelectorAll('img, script').length, 0);
  send({ type: 'snapshot', snapshot });
  assert.ok(doc.querySelector('main.detail details[data-section="body"]'));
  assert.ok((doc.body.textContent ?? '').includes(HOSTILE[0]));
  assert.equal(doc.querySelectorAll('img, script').length, 0);
  assert.equal(doc.title, 'POST /p');
});

test('clicks become typed messages for the shown event', () => {
  const { doc, posted, send } = load();
  send({ type: 'snapshot', snapshot });
  (doc.querySelector('button[data-action="copyCurl"]') as HTMLButtonElement).click();
  (doc.querySelectorAll('button[data-action="copyHeader"]')[1] as HTMLButtonElement).click();
  (doc.querySelector('button[data-action="copyQuery"]') as HTMLButtonElement).click();
  assert.equal(doc.querySelector('button[data-action="resend"]'), null);
  assert.deepEqual(posted.slice(1), [
    { type: 'action', action: 'copyCurl', eventId: 'evt_main' },
    { type: 'copyHeader', eventId: 'evt_main', index: 1 },
    { type: 'copyQuery', eventId: 'evt_main', index: 0 },
  ]);
});

test('folding a section is saved as UI state and restored after a reload', () => {
  const first = load();
  first.send({ type: 'snapshot', snapshot });
  const headers = first.doc.querySelector('details[data-section="headers"]') as HTMLDetailsElement;
  headers.open = false;
  headers.dispatchEvent(new first.dom.window.Event('toggle'));
  const saved = first.states.at(-1) as { eventId: string; collapsed: string[] };
  assert.deepEqual(saved, { eventId: 'evt_main', collapsed: ['headers'] });
  assert.ok(!JSON.stringify(first.states).includes(HOSTILE[0]), 'no payload in the saved state');

  const second = load(saved);
  second.send({ type: 'snapshot', snapshot });
  assert.equal((second.doc.querySelector('details[data-section="headers"]') as HTMLDetailsElement).open, false);
  assert.equal((second.doc.querySelector('details[data-section="body"]') as HTMLDetailsElement).open, true);
});

test('a missing event replaces the view and stops actions', () => {
  const { doc, posted, send } = load();
  send({ type: 'snapshot', snapshot });
  const stale = doc.querySelector('button[data-action="copyBody"]') as HTMLButtonElement;
  send({ type: 'missing', eventId: 'evt_main', message: 'This event is no longer in the store.' });
  assert.match(doc.body.textContent ?? '', /no longer in the store/);
  stale.click();
  assert.deepEqual(posted, [{ type: 'ready' }]);
});
