/** Test vectors published in the providers' own documentation (sources in the fixture). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { request } from './support';

const vectors = JSON.parse(readFileSync(join(__dirname, '../../fixtures/signatures/vectors.json'), 'utf8'));

describe('documented vectors', () => {
  it('GitHub: "Hello, World!" with "It\'s a Secret to Everybody"', () => {
    const v = vectors.github;
    const req = request({ 'x-github-event': 'ping', [v.header]: v.signature }, v.body);
    const r = verifyRequest(req, { secrets: [v.secret] });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(r.provider, 'github');
    assert.equal(signRequest(req, { provider: 'github', secret: v.secret })['x-hub-signature-256'], v.signature);
    assert.equal(
      verifyRequest(request({ 'x-github-event': 'ping', [v.header]: v.signature }, 'Hello, World?'), { secrets: [v.secret] }).status,
      'invalid',
    );
  });

  it('Twilio: the docs example (auth token 12345)', () => {
    const v = vectors.twilio;
    const body = new URLSearchParams(v.params).toString();
    const req = request({ 'x-twilio-signature': v.signature, 'content-type': 'application/x-www-form-urlencoded' }, body, v.url);
    const r = verifyRequest(req, { secrets: [v.authToken] });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(signRequest(req, { provider: 'twilio', secret: v.authToken })['x-twilio-signature'], v.signature);
    // The URL is signed: another query string fails.
    assert.equal(verifyRequest({ ...req, url: v.url.replace('foo=1', 'foo=2') }, { secrets: [v.authToken] }).status, 'invalid');
  });

  it('HubSpot v1 (body) and v2 (GET, no body)', () => {
    const v1 = vectors.hubspotV1;
    const r1 = verifyRequest(request({ 'x-hubspot-signature': v1.signature, 'x-hubspot-signature-version': 'v1' }, v1.body), {
      secrets: [v1.clientSecret],
    });
    assert.equal(r1.status, 'valid', r1.reason);
    const v2 = vectors.hubspotV2;
    const req2 = request({ 'x-hubspot-signature': v2.signature, 'x-hubspot-signature-version': 'v2' }, v2.body, v2.url, v2.method);
    assert.equal(verifyRequest(req2, { secrets: [v2.clientSecret] }).status, 'valid');
    assert.equal(verifyRequest({ ...req2, method: 'POST' }, { secrets: [v2.clientSecret] }).status, 'invalid');
  });

  it('Slack: the docs example (with its own timestamp as now)', () => {
    const v = vectors.slack;
    const req = request({ 'x-slack-signature': v.signature, 'x-slack-request-timestamp': v.timestamp }, v.body);
    const now = new Date(Number(v.timestamp) * 1000 + 10_000);
    const r = verifyRequest(req, { secrets: [v.signingSecret], now });
    assert.equal(r.status, 'valid', r.reason);
    assert.equal(r.skewSeconds, 10);
    assert.equal(
      signRequest(req, { provider: 'slack', secret: v.signingSecret, now: new Date(Number(v.timestamp) * 1000) })['x-slack-signature'],
      v.signature,
    );
    // Today, the same delivery is a replay.
    assert.equal(verifyRequest(req, { secrets: [v.signingSecret] }).status, 'stale');
  });

  it('Standard Webhooks / Svix: the published example', () => {
    const v = vectors.standardWebhooks;
    const headers = { 'webhook-id': v.id, 'webhook-timestamp': v.timestamp, 'webhook-signature': v.signature };
    const now = new Date(Number(v.timestamp) * 1000);
    const r = verifyRequest(request(headers, v.body), { secrets: [v.secret], now });
    assert.equal(r.status, 'valid', r.reason);
    const svix = { 'svix-id': v.id, 'svix-timestamp': v.timestamp, 'svix-signature': v.signature };
    assert.equal(verifyRequest(request(svix, v.body), { secrets: [v.secret], now }).status, 'valid');
    assert.equal(
      signRequest(request(headers, v.body), { provider: 'standard-webhooks', secret: v.secret, now })['webhook-signature'],
      v.signature,
    );
  });
});
