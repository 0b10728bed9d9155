/** Endpoint-verification handshakes, answered as each provider's docs require. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HANDSHAKES, HANDSHAKE_IDS, answerHandshake } from '../../../src/core/signatures/index';
import { NOW_S, hmacOf, request } from './support';

const noSecrets = { secrets: () => [] as string[] };
const text = (body: Uint8Array | string) => (typeof body === 'string' ? body : new TextDecoder().decode(body));

describe('handshakes', () => {
  it('exports one id per handshake, each unique', () => {
    assert.deepEqual([...HANDSHAKE_IDS].sort(), [
      'asana-hook-secret',
      'dropbox-challenge',
      'meta-verify-token',
      'okta-verification',
      'slack-url-verification',
      'twitch-callback-verification',
      'zoom-url-validation',
    ]);
    assert.equal(new Set(HANDSHAKES.map((h) => h.id)).size, HANDSHAKES.length);
  });

  it('Slack url_verification: echoes the challenge', () => {
    const body =
      '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const a = answerHandshake(request({ 'content-type': 'application/json' }, body), noSecrets);
    assert.ok(a);
    assert.equal(a.id, 'slack-url-verification');
    assert.equal(a.status, 200);
    assert.equal(text(a.body), '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    assert.match(a.headers['content-type'] ?? '', /^text\/plain/);
  });

  it('Slack and Zoom handshakes are recognised when their JSON spells the type with \\u escapes (the body is parsed)', () => {
    const slack = answerHandshake(request({}, '{"challenge":"c1","type":"\\u0075rl_verification"}'), noSecrets);
    assert.equal(slack?.id, 'slack-url-verification');
    assert.equal(text(slack.body), 'c1');
    const zoom = answerHandshake(request({}, '{"payload":{"plainToken":"t"},"event":"endpoint\\u002eurl_validation"}'), {
      secrets: (p) => (p === 'zoom' ? ['z'] : []),
    });
    assert.equal(zoom?.id, 'zoom-url-validation');
    // A body that only mentions neither word is no handshake.
    assert.equal(answerHandshake(request({}, '{"type":"push","challenge":"c"}'), noSecrets), undefined);
  });

  it('Slack url_verification with a signing secret configured: answered only when the signature verifies', () => {
    const body = '{"challenge":"abc","type":"url_verification"}';
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${hmacOf('sha256', 'slack-secret', `v0:${ts}:${body}`, 'hex')}`;
    const signed = request({ 'x-slack-signature': sig, 'x-slack-request-timestamp': ts }, body);
    assert.equal(answerHandshake(signed, { secrets: (p) => (p === 'slack' ? ['slack-secret'] : []) })?.status, 200);
    const wrong = answerHandshake(signed, { secrets: (p) => (p === 'slack' ? ['other'] : []) });
    assert.equal(wrong?.status, 403);
    assert.ok(wrong?.problem);
  });

  it('Zoom endpoint.url_validation: plainToken and hex HMAC-SHA256 with the Secret Token', () => {
    const body = JSON.stringify({
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
      event: 'endpoint.url_validation',
    });
    const a = answerHandshake(request({ 'content-type': 'application/json' }, body), {
      secrets: (p) => (p === 'zoom' ? ['zoom-secret-token'] : []),
    });
    assert.ok(a);
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(text(a.body)), {
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: hmacOf('sha256', 'zoom-secret-token', 'qgg8vlvZRS6UYooatFL8Aw', 'hex'),
    });
  });

  it('Zoom without a Secret Token: recognised, not answered with 200, and says what to do', () => {
    const body = JSON.stringify({ payload: { plainToken: 'x' }, event: 'endpoint.url_validation' });
    const a = answerHandshake(request({}, body), noSecrets);
    assert.ok(a);
    assert.notEqual(a.status, 200);
    assert.match(a.problem ?? '', /no Zoom Secret Token is set/);
    assert.doesNotMatch(a.problem ?? '', /Webhook Inspector/, 'the core names no VS Code command');
  });

  it('Meta hub.challenge: echoed only when hub.verify_token matches the configured verify token', () => {
    const url = 'https://hooks.example.com/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock';
    const get = request({}, '', url, 'GET');
    const ok = answerHandshake(get, { secrets: (p) => (p === 'meta-verify-token' ? ['meatyhamhock'] : []) });
    assert.equal(ok?.status, 200);
    assert.equal(text(ok?.body ?? ''), '1158201444');
    const bad = answerHandshake(get, { secrets: (p) => (p === 'meta-verify-token' ? ['other'] : []) });
    assert.equal(bad?.status, 403);
    assert.notEqual(text(bad?.body ?? ''), '1158201444');
    assert.equal(answerHandshake(get, noSecrets)?.status, 403);
  });

  it('Asana X-Hook-Secret: echoed in the response header and handed over to be stored', () => {
    const a = answerHandshake(
      request({ 'x-hook-secret': 'b537207f20cbfa02357cf448134da559e8bd039bb2376a2a8e5e0e6a5b3f9f8e' }, ''),
      noSecrets,
    );
    assert.ok(a);
    assert.equal(a.status, 200);
    assert.equal(a.headers['x-hook-secret'], 'b537207f20cbfa02357cf448134da559e8bd039bb2376a2a8e5e0e6a5b3f9f8e');
    assert.deepEqual(a.secretToStore, { provider: 'asana', value: 'b537207f20cbfa02357cf448134da559e8bd039bb2376a2a8e5e0e6a5b3f9f8e' });
  });

  it('Dropbox challenge: echoed as text/plain with X-Content-Type-Options: nosniff', () => {
    const a = answerHandshake(request({}, '', 'https://hooks.example.com/dropbox?challenge=abc123XYZ', 'GET'), noSecrets);
    assert.ok(a);
    assert.equal(a.status, 200);
    assert.equal(text(a.body), 'abc123XYZ');
    assert.match(a.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(a.headers['x-content-type-options'], 'nosniff');
  });

  it('Twitch webhook_callback_verification: challenge echoed as text/plain, signature checked when a secret is set', () => {
    const body = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387","type":"channel.follow"}}';
    const ts = new Date().toISOString();
    const headers = {
      'twitch-eventsub-message-type': 'webhook_callback_verification',
      'twitch-eventsub-message-id': 'e76c6bd4',
      'twitch-eventsub-message-timestamp': ts,
      'twitch-eventsub-message-signature': `sha256=${hmacOf('sha256', 'twitch-secret-1', `e76c6bd4${ts}${body}`, 'hex')}`,
    };
    const a = answerHandshake(request(headers, body), { secrets: (p) => (p === 'twitch' ? ['twitch-secret-1'] : []) });
    assert.equal(a?.status, 200);
    assert.equal(text(a?.body ?? ''), 'pogchamp-kappa-360noscope-vohiyo');
    assert.match(a?.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(answerHandshake(request(headers, body), { secrets: (p) => (p === 'twitch' ? ['wrong-secret'] : []) })?.status, 403);
    assert.equal(answerHandshake(request(headers, body), noSecrets)?.status, 200);
  });

  it('Okta verification: {"verification": value} as JSON', () => {
    const a = answerHandshake(
      request({ 'x-okta-verification-challenge': 'ABEIFzJB8L1vWoZ3mJvOp2a8CVa4WbYn5DkxKUXk' }, '', 'https://hooks.example.com/okta', 'GET'),
      noSecrets,
    );
    assert.ok(a);
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(text(a.body)), { verification: 'ABEIFzJB8L1vWoZ3mJvOp2a8CVa4WbYn5DkxKUXk' });
  });

  it('a disabled handshake is not answered; ordinary requests are not handshakes', () => {
    const dropbox = request({}, '', 'https://hooks.example.com/dropbox?challenge=abc', 'GET');
    assert.equal(answerHandshake(dropbox, { ...noSecrets, enabled: (id) => id !== 'dropbox-challenge' }), undefined);
    assert.equal(answerHandshake(request({ 'x-github-event': 'push' }), noSecrets), undefined);
    assert.equal(answerHandshake(request({}, '{"type":"event_callback","challenge":"x"}'), noSecrets), undefined);
    assert.equal(answerHandshake(request({}, '', `https://hooks.example.com/x?t=${NOW_S}`, 'GET'), noSecrets), undefined);
  });
});
