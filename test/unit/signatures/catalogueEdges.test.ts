/**
 * Guards the provider catalogue's detection and its network-only reasons: each header a provider documents
 * (or, for Intercom, its user agent) identifies it on its own, and PayPal, Plaid and Amazon SNS requests are
 * reported as not checkable offline, saying why and what to do instead. Without a known provider the verdict
 * says so; blank secrets count only when every secret is blank.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { JSON_BODY, NOW, request } from './support';

const detected = (headers: Record<string, string>) => verifyRequest(request(headers), { secrets: ['s'], now: NOW });

describe('detection by a single documented header', () => {
  const cases: [string, string][] = [
    ['paypal-transmission-sig', 'paypal'],
    ['paypal-transmission-id', 'paypal'],
    ['paypal-cert-url', 'paypal'],
    ['x-amz-sns-message-type', 'amazon-sns'],
    ['x-amz-sns-topic-arn', 'amazon-sns'],
    ['x-slack-signature', 'slack'],
    ['x-slack-request-timestamp', 'slack'],
    ['webhook-signature', 'standard-webhooks'],
    ['x-hook-uuid', 'bitbucket'],
    ['x-hook-secret', 'asana'],
  ];
  for (const [name, provider] of cases) {
    it(`${name} alone identifies ${provider}`, () => {
      assert.equal(detected({ [name]: 'x' }).provider, provider);
    });
  }

  it('an Intercom user agent alone identifies Intercom', () => {
    assert.equal(detected({ 'user-agent': 'Intercom-Webhooks/1.0' }).provider, 'intercom');
  });
});

describe('network-only providers say why they cannot be checked', () => {
  it('PayPal', () => {
    assert.equal(
      detected({ 'paypal-transmission-sig': 'x' }).reason,
      "PayPal signatures cannot be checked offline: the signature is RSA with PayPal's key, whose certificate (or the verify-webhook-signature API) must be fetched.",
    );
    assert.equal(
      detected({ 'paypal-transmission-sig': 'x' }).hint,
      "Verify PayPal deliveries in your handler with the provider's SDK; the inspector only shows them.",
    );
  });

  it('Plaid', () => {
    assert.equal(
      detected({ 'plaid-verification': 'x' }).reason,
      'Plaid signatures cannot be checked offline: the Plaid-Verification JWT is signed with a key that must be fetched from the Plaid API with your client credentials.',
    );
  });

  it('Amazon SNS', () => {
    assert.equal(
      detected({ 'x-amz-sns-message-type': 'Notification' }).reason,
      'Amazon SNS signatures cannot be checked offline: SNS messages are signed with an AWS certificate that must be downloaded from SigningCertURL.',
    );
  });
});

describe('verifyRequest without a known provider, and with blank secrets', () => {
  it('no known headers, or an unknown provider id, says so and what to do', () => {
    const none = verifyRequest(request({ 'x-unrelated': '1' }), { secrets: ['s'], now: NOW });
    assert.equal(none.status, 'no-signature');
    assert.equal(none.reason, 'No known webhook signature headers were found in this request.');
    assert.equal(none.hint, 'If the sender signs its requests, choose its provider or configure generic HMAC for this endpoint.');
    const unknown = verifyRequest(request({}), { provider: 'nope', secrets: ['s'], now: NOW });
    assert.equal(unknown.status, 'unsupported');
    assert.equal(unknown.reason, '"nope" is not a provider the inspector knows.');
    assert.equal(unknown.hint, 'Choose one of the listed providers or generic HMAC.');
  });

  it('a blank secret next to a real one does not hide the real one', () => {
    const sig = createHmac('sha256', 'real').update(JSON_BODY).digest('hex');
    const r = verifyRequest(request({ 'x-hook-signature': sig }), { provider: 'asana', secrets: ['  ', 'real'], now: NOW });
    assert.equal(r.status, 'valid');
    assert.equal(verifyRequest(request({ 'x-hook-signature': sig }), { provider: 'asana', secrets: ['  '], now: NOW }).status, 'no-secret');
  });

  it('a body that is JSON null is no Mailgun or Svix body and breaks nothing', () => {
    assert.equal(verifyRequest(request({}, 'null'), { provider: 'mailgun', secrets: ['s'], now: NOW }).status, 'no-signature');
  });
});

describe('signRequest refuses verify-only providers, saying why', () => {
  const refusal = (provider: string) => {
    try {
      signRequest(request({}), { provider, secret: 's', now: NOW });
    } catch (err) {
      return (err as Error).message;
    }
    return 'signed';
  };

  it('public-key, body-signed and network-only providers each get their reason', () => {
    assert.equal(
      refusal('sendgrid'),
      "SendGrid Event Webhook requests cannot be re-signed here: it is signed with the provider's private key and verified with a public key.",
    );
    assert.equal(
      refusal('discord'),
      "Discord requests cannot be re-signed here: it is signed with the provider's private key and verified with a public key.",
    );
    assert.equal(refusal('mailgun'), 'Mailgun requests cannot be re-signed here: its signature is part of the body, not a header.');
    assert.equal(refusal('paypal'), 'PayPal requests cannot be re-signed here: it is signed with a key only the provider has.');
  });
});
