// What a failed delivery tells the user (forward/transport.ts `describeError`): each network or TLS error
// code gets its own explanation and next step, naming the target, and keeps the code and the original error.
// The codes are the ones Node's net, dns, http parser and tls layers report (node:errors docs); the texts
// are contracts of the Deliveries view and the CLI (a test pins each one).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryError } from '../../../src/core/forward';
import { describeError } from '../../../src/core/forward/transport';

const origin = new URL('http://hooks.example.test:3000/webhook');

function failure(code: string | undefined, message = `boom ${code}`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), code ? { code } : {});
}

const EXPECTED: ReadonlyArray<[code: string, text: string]> = [
  ['ECONNREFUSED', 'Nothing is listening on hooks.example.test:3000 — start your handler or change the target'],
  ['ENOTFOUND', 'The host hooks.example.test could not be found (DNS). Check the target.'],
  ['EAI_AGAIN', 'The host hooks.example.test could not be found (DNS). Check the target.'],
  [
    'ECONNRESET',
    'The handler on hooks.example.test:3000 closed the connection without answering (ECONNRESET). Did it crash? Check its log.',
  ],
  ['EPIPE', 'The handler on hooks.example.test:3000 closed the connection without answering (EPIPE). Did it crash? Check its log.'],
  ['ETIMEDOUT', 'hooks.example.test:3000 cannot be reached (ETIMEDOUT). Check the address and your network.'],
  ['EHOSTUNREACH', 'hooks.example.test:3000 cannot be reached (EHOSTUNREACH). Check the address and your network.'],
  ['ENETUNREACH', 'hooks.example.test:3000 cannot be reached (ENETUNREACH). Check the address and your network.'],
  ...['HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION', 'HPE_INVALID_STATUS'].map((code): [string, string] => [
    code,
    'hooks.example.test:3000 did not answer with HTTP. Is it a TLS (https:) server, or not a web server at all?',
  ]),
  ['EPROTO', 'TLS with hooks.example.test:3000 failed (EPROTO). Is the target http: rather than https:?'],
  [
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'TLS with hooks.example.test:3000 failed (ERR_SSL_WRONG_VERSION_NUMBER). Is the target http: rather than https:?',
  ],
  ...[
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ].map((code): [string, string] => [code, `The TLS certificate of hooks.example.test:3000 is not trusted (${code}).`]),
];

describe('describeError: a failed delivery explained', () => {
  for (const [code, text] of EXPECTED) {
    test(code, () => {
      const cause = failure(code);
      const err = describeError(cause, origin);
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.message, text);
      assert.equal(err.code, code);
      assert.equal(err.cause, cause, 'the original error is kept');
    });
  }

  test('any other code: the original message, with its code; no code at all: ERROR', () => {
    const other = describeError(failure('EWEIRD', 'something odd'), origin);
    assert.equal(other.message, 'The request to hooks.example.test:3000 failed: something odd');
    assert.equal(other.code, 'EWEIRD');
    const none = describeError(failure(undefined, 'no code'), origin);
    assert.equal(none.message, 'The request to hooks.example.test:3000 failed: no code');
    assert.equal(none.code, 'ERROR');
  });
});
