/**
 * Delivery to an https: handler on loopback (transport.ts), with a self-signed certificate made for this run
 * (test/support/selfSignedCert.ts), as a developer's `https://localhost` server has: Node refuses it by
 * default and the failure names the certificate; `insecureTls` accepts it; kept-alive TLS connections are
 * reused between deliveries like plain ones.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { DeliveryError } from '../../../src/core/forward/types';
import { outgoing } from './outgoing';
import { selfSignedCert } from '../../support/selfSignedCert';

interface TlsHandler {
  readonly url: string;
  readonly bodies: string[];
  /** TLS connections accepted (handshakes completed). */
  secureConnections: number;
  close(): Promise<void>;
}

async function tlsHandler(): Promise<TlsHandler> {
  const server = https.createServer(selfSignedCert(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      info.bodies.push(Buffer.concat(chunks).toString());
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('secureConnection', () => info.secureConnections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const info: TlsHandler = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies: [],
    secureConnections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return info;
}

const opts = { maxResponseBytes: 1024 };

describe('transport over TLS', () => {
  test('the test certificate is a valid self-signed one for 127.0.0.1 (the fixture itself)', () => {
    const { cert, key } = selfSignedCert();
    const x509 = new X509Certificate(cert);
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.subject, x509.issuer);
    assert.ok(x509.verify(x509.publicKey), 'signed by its own key');
    assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
  });

  test('a self-signed handler is refused by default: the failure names the certificate, and no request reaches it', async () => {
    const h = await tlsHandler();
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    try {
      const err = await transport(outgoing(h.url, { body: '{"n":1}' }), opts).then(
        () => assert.fail('a self-signed certificate was accepted without insecureTls'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.match(err.message, /TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
      assert.deepEqual(h.bodies, []);
    } finally {
      await h.close();
    }
  });

  test('insecureTls accepts it; two deliveries share one kept-alive TLS connection', async () => {
    const h = await tlsHandler();
    const transport = createHttpTransport({ insecureTls: true, keepAliveIdleMs: 5000 });
    try {
      const first = await transport(outgoing(h.url, { body: '{"n":1}' }), opts);
      const second = await transport(outgoing(h.url, { body: '{"n":2}' }), opts);
      assert.deepEqual([first.status, second.status], [200, 200]);
      assert.equal(Buffer.from(second.body).toString(), 'ok');
      assert.deepEqual(h.bodies, ['{"n":1}', '{"n":2}']);
      assert.equal(h.secureConnections, 1);
    } finally {
      transport.closeIdleConnections();
      await h.close();
    }
  });
});
