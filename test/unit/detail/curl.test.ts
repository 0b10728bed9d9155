import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { canInlineBody, curlCommand, shellQuote, targetUrl } from '../../../src/core/export/curl';
import { makeEvent } from './helpers';

interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

let server: http.Server;
let baseUrl: string;
let last: Received | undefined;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'curl-test-'));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function sh(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { maxBuffer: 1 << 20 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(),
    );
  });
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

const SKIPPED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/** Runs the command with a real curl and checks the request arrives as captured, byte for byte. */
async function roundTrip(
  method: string,
  url: string,
  headers: Array<[string, string]>,
  body: Buffer,
): Promise<{ command: string; needsBodyFile: boolean }> {
  const event = makeEvent({ method, url, headers, size: body.length });
  const bodyFilePath = path.join(dir, `body with 'quote' $(x).bin`);
  const curl = curlCommand(event, body, { baseUrl, bodyFilePath });
  if (curl.needsBodyFile) {
    writeFileSync(bodyFilePath, body);
  }
  last = undefined;
  await sh(`${curl.command} --silent --show-error --fail --output /dev/null`);
  assert.ok(last, 'the server got the request');
  const got = last as Received;
  assert.equal(got.method, method);
  assert.equal(got.url, url);
  assert.deepEqual(
    pairs(got.rawHeaders).filter(([k]) => !SKIPPED.has(k.toLowerCase())),
    headers.filter(([k]) => !SKIPPED.has(k.toLowerCase())),
  );
  assert.deepEqual(got.body, body);
  if (body.length > 0) {
    assert.equal(pairs(got.rawHeaders).find(([k]) => k.toLowerCase() === 'content-length')?.[1], String(body.length));
  }
  return curl;
}

test('shellQuote survives a real shell', async () => {
  for (const s of [`it's`, `'`, `''`, `$(touch ./pwned) \`id\` $HOME`, `a"b\\c`, '\n\t', '!event']) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('/bin/sh', ['-c', `printf %s ${shellQuote(s)}`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.equal(out, s);
  }
});

test('a JSON body with quotes and shell syntax is inlined and reproduced byte for byte', async () => {
  const body = Buffer.from(`{"text":"it's $(rm -rf /) \`id\` \\"quoted\\" ✓ ${'é'.repeat(3)}","n":1}\n\t{"second":"line"}`);
  const curl = await roundTrip(
    'POST',
    '/webhooks/stripe?x=1&y=%20two&y=3&weird=[]{}',
    [
      ['Host', 'example.test'],
      ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Stripe-Signature', "t=1,v1=abc'def"],
      ['X-Dup', 'first'],
      ['x-dup', 'second'],
      ['X-Empty', ''],
      ['Content-Length', String(Buffer.byteLength('ignored'))],
      ['Accept', '*/*; q=0.5'],
    ],
    body,
  );
  assert.equal(curl.needsBodyFile, false);
  assert.ok(curl.command.includes('--data-binary \'{"text":"it\'"\'"\'s'));
});

test('random binary bodies go through --data-binary @file, byte for byte', async () => {
  for (let i = 0; i < 3; i++) {
    const body = randomBytes(1000 + i * 5000);
    body[10] = 0;
    const curl = await roundTrip(
      'PUT',
      `/bin/${i}?n=${i}`,
      [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Encoding', 'gzip'],
      ],
      body,
    );
    assert.equal(curl.needsBodyFile, true);
  }
});

test('CRLF, NUL and large text bodies use a file; odd paths and methods stay as received', async () => {
  await roundTrip(
    'PATCH',
    '/a/../b//c?q',
    [['Content-Type', 'multipart/form-data; boundary=x']],
    Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
  );
  await roundTrip('DELETE', '/nul', [], Buffer.from('a\u0000b'));
  const big = await roundTrip('POST', '/big', [['Content-Type', 'text/plain']], Buffer.from('z'.repeat(200 * 1024)));
  assert.equal(big.needsBodyFile, true);
  // No body, no content type, no user agent: curl adds none of its own.
  await roundTrip('GET', '/ping?x', [['X-Only', '1']], Buffer.alloc(0));
  await roundTrip('POST', '/empty', [['Content-Length', '0']], Buffer.alloc(0));
});

test('a body without a content type is sent without one', async () => {
  await roundTrip('POST', '/raw', [], Buffer.from('plain'));
});

test('canInlineBody and targetUrl', () => {
  assert.equal(canInlineBody(Buffer.from('{"a":"b"}\n')), true);
  assert.equal(canInlineBody(Buffer.from('a\r\nb')), false);
  assert.equal(canInlineBody(Buffer.from([0xc3, 0x28])), false);
  assert.equal(canInlineBody(Buffer.from('\u001b[31m')), false);
  assert.equal(targetUrl('http://127.0.0.1:4000/', '/x?y'), 'http://127.0.0.1:4000/x?y');
  assert.equal(targetUrl('http://127.0.0.1:4000', 'x'), 'http://127.0.0.1:4000/x');
});
