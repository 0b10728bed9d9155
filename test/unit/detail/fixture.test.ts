import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { fixtureBodyExtension, fixtureFileNames, fixtureMetadata } from '../../../src/core/export/fixture';
import { makeEvent } from './helpers';

test('fixture file names sit side by side', () => {
  assert.deepEqual(fixtureFileNames('/fixtures/fx/stripe-paid.json', '.json'), {
    metadataPath: '/fixtures/fx/stripe-paid.json',
    bodyPath: '/fixtures/fx/stripe-paid.body.json',
    bodyFile: 'stripe-paid.body.json',
  });
  assert.deepEqual(fixtureFileNames('/fixtures/fx/evt', '.bin'), {
    metadataPath: '/fixtures/fx/evt.json',
    bodyPath: '/fixtures/fx/evt.body.bin',
    bodyFile: 'evt.body.bin',
  });
  assert.equal(fixtureFileNames('C:\\fx\\a.meta.json', '.xml').bodyFile, 'a.body.xml');
});

test('body extension follows the encoding, then the format', () => {
  const ev = (h: Array<[string, string]>) => makeEvent({ headers: h });
  assert.equal(fixtureBodyExtension(ev([['Content-Type', 'application/json']]), Buffer.from('{}')), '.json');
  assert.equal(fixtureBodyExtension(ev([['Content-Encoding', 'gzip']]), gzipSync('{}')), '.gz');
  assert.equal(fixtureBodyExtension(ev([]), Buffer.from([0, 1, 2])), '.bin');
  assert.equal(fixtureBodyExtension(ev([['Content-Type', 'application/x-www-form-urlencoded']]), Buffer.from('a=1')), '.txt');
});

test('metadata keeps headers as received and names the body', () => {
  const event = makeEvent({
    headers: [
      ['X-A', '1'],
      ['x-a', '2'],
      ['Content-Type', 'application/json'],
    ],
    size: 2,
  });
  const meta = fixtureMetadata(event, 'evt.body.json', 'ab'.repeat(32));
  assert.deepEqual(meta.headers, [
    ['X-A', '1'],
    ['x-a', '2'],
    ['Content-Type', 'application/json'],
  ]);
  assert.equal(meta.bodyFile, 'evt.body.json');
  assert.equal(meta.contentType, 'application/json');
  assert.equal(meta.method, 'POST');
  assert.equal(meta.url, '/webhooks/stripe?x=1');
  assert.equal(meta.fixtureVersion, 1);
  assert.equal('contentEncoding' in meta, false);
});
