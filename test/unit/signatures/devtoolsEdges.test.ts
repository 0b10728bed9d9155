/**
 * Guards Linear, Twitch EventSub and GitLab re-signing as their docs describe them: Linear signs the body
 * (hex HMAC-SHA256), is recognised by any of its headers and reads a non-JSON body without failing; Twitch
 * signs message id + timestamp + body and a re-signed request keeps its message id; GitLab re-signs with
 * the secret token unless the request came with a signing-token signature only. Digests use node:crypto.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest, verifyRequest } from '../../../src/core/signatures/index';
import { NOW, hmacOf, request } from './support';

const SECRET = 'whsec-test-secret';
const opts = (provider?: string) => ({ provider, secrets: [SECRET], now: NOW });

describe('Linear', () => {
  for (const name of ['linear-signature', 'linear-delivery', 'linear-event']) {
    it(`a request with only ${name} is detected as Linear`, () => {
      assert.equal(verifyRequest(request({ [name]: 'x' }), opts()).provider, 'linear');
    });
  }

  it('a missing signature header names Linear and the header', () => {
    const r = verifyRequest(request({ 'linear-delivery': 'x' }), opts('linear'));
    assert.equal(r.reason, 'This looks like a Linear request, but the Linear-Signature header is missing.');
  });

  it('a blank signature header is malformed, naming Linear-Signature', () => {
    const r = verifyRequest(request({ 'linear-signature': '  ' }), opts('linear'));
    assert.equal(r.status, 'malformed');
    assert.equal(r.reason, 'The Linear-Signature header cannot be parsed as a Linear signature: the signature is empty.');
  });

  it('a non-JSON body signed correctly is valid (spaces around the signature ignored)', () => {
    const body = 'not json';
    const req = request({ 'linear-signature': ` ${hmacOf('sha256', SECRET, body, 'hex')} ` }, body);
    assert.equal(verifyRequest(req, opts('linear')).status, 'valid');
  });
});

describe('Twitch EventSub', () => {
  it('a missing signature header names Twitch EventSub and the header', () => {
    const r = verifyRequest(request({ 'twitch-eventsub-message-id': 'm1' }), opts('twitch'));
    assert.equal(r.reason, 'This looks like a Twitch EventSub request, but the Twitch-Eventsub-Message-Signature header is missing.');
  });

  it('"sha256=" without a digest is malformed, saying what is expected', () => {
    const req = request({
      'twitch-eventsub-message-signature': 'sha256=',
      'twitch-eventsub-message-id': 'm1',
      'twitch-eventsub-message-timestamp': NOW.toISOString(),
    });
    const r = verifyRequest(req, opts('twitch'));
    assert.equal(r.status, 'malformed');
    assert.equal(
      r.reason,
      'The Twitch-Eventsub-Message-Signature header cannot be parsed as a Twitch EventSub signature: expected "sha256=<hex>".',
    );
  });

  it('a re-signed request keeps its message id', () => {
    const headers = signRequest(request({ 'twitch-eventsub-message-id': 'm-42' }), { provider: 'twitch', secret: SECRET, now: NOW });
    assert.equal(headers['twitch-eventsub-message-id'], 'm-42');
  });
});

describe('GitLab re-signing', () => {
  it('a request with a secret token (or none) is re-signed with the secret token', () => {
    assert.deepEqual(signRequest(request({}), { provider: 'gitlab', secret: SECRET, now: NOW }), { 'x-gitlab-token': SECRET });
    const both = request({ 'x-gitlab-token': 'old', 'webhook-signature': 'v1,abc' });
    assert.deepEqual(signRequest(both, { provider: 'gitlab', secret: SECRET, now: NOW }), { 'x-gitlab-token': SECRET });
  });
});

describe('GitLab secret token mismatches', () => {
  const check = (token: string, secret: string) =>
    verifyRequest(request({ 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' }), { provider: 'gitlab', secrets: [secret], now: NOW });

  it('a secret with spaces around it: the hint says to set it again without them', () => {
    const r = check('tok-1', ' tok-1 ');
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.status, 'invalid');
    assert.equal(r.hint, 'Set the secret again without the surrounding spaces, newline or quotes.');
  });

  it('another token is an invalid GitLab request', () => {
    const r = check('tok-1', 'tok-2');
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.status, 'invalid');
  });
});

describe('GitLab detection', () => {
  it('a request with only X-Gitlab-Token is detected as GitLab', () => {
    assert.equal(verifyRequest(request({ 'x-gitlab-token': 'tok-1' }), opts()).provider, 'gitlab');
  });
});
