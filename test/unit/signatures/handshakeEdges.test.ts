/**
 * Guards the handshake promise: a handshake is answered only for the method and body its provider's docs
 * describe (anything else is left to the receiver), a refused handshake says why in its body, and each
 * answer names its provider. From the survivors of the signatures mutation run (issue #20).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HANDSHAKES, answerHandshake } from '../../../src/core/signatures/index';
import { request } from './support';

const noSecrets = { secrets: () => [] as string[] };
const text = (body: Uint8Array | string) => (typeof body === 'string' ? body : new TextDecoder().decode(body));
const URL_BASE = 'https://hooks.example.com/in';

describe('handshake edges', () => {
  it('each handshake has its provider, a name and a description', () => {
    const byId = Object.fromEntries(HANDSHAKES.map((h) => [h.id, h]));
    const expected: Record<string, string> = {
      'slack-url-verification': 'slack',
      'zoom-url-validation': 'zoom',
      'meta-verify-token': 'meta',
      'asana-hook-secret': 'asana',
      'dropbox-challenge': 'dropbox',
      'twitch-callback-verification': 'twitch',
      'okta-verification': 'okta',
    };
    for (const [id, provider] of Object.entries(expected)) {
      const h = byId[id];
      assert.ok(h, id);
      assert.equal(h.provider, provider, id);
      assert.ok(h.name.length > 0, `${id} name`);
      assert.ok(h.description.length > 0, `${id} description`);
    }
  });

  it('answers carry the provider of their handshake', () => {
    const cases: Array<[string, ReturnType<typeof request>]> = [
      ['slack', request({}, '{"type":"url_verification","challenge":"c"}')],
      ['zoom', request({}, '{"event":"endpoint.url_validation","payload":{"plainToken":"t"}}')],
      ['meta', request({}, '', `${URL_BASE}?hub.mode=subscribe&hub.challenge=c&hub.verify_token=vt`, 'GET')],
      ['asana', request({ 'x-hook-secret': 's' }, '')],
      ['dropbox', request({}, '', `${URL_BASE}?challenge=c`, 'GET')],
      ['twitch', request({ 'twitch-eventsub-message-type': 'webhook_callback_verification' }, '{"challenge":"c"}')],
      ['okta', request({ 'x-okta-verification-challenge': 'v' }, '', URL_BASE, 'GET')],
    ];
    const opts = { secrets: (p: string) => (p === 'zoom' ? ['z'] : p === 'meta-verify-token' ? ['vt'] : []) };
    for (const [provider, req] of cases) {
      assert.equal(answerHandshake(req, opts)?.provider, provider, provider);
    }
  });

  it('Slack: a GET, another type, a non-string challenge or a body that is no JSON object is no handshake', () => {
    const body = '{"type":"url_verification","challenge":"c"}';
    assert.equal(answerHandshake(request({}, body, URL_BASE, 'GET'), noSecrets), undefined);
    assert.equal(answerHandshake(request({}, '{"type":"event_callback","challenge":"c","note":"url_verification"}'), noSecrets), undefined);
    assert.equal(answerHandshake(request({}, '{"type":"url_verification","challenge":5}'), noSecrets), undefined);
    assert.equal(answerHandshake(request({}, 'url_verification'), noSecrets), undefined);
  });

  it('Slack: a handshake whose signature does not verify gets 403 "invalid signature" and a reason', () => {
    const a = answerHandshake(request({}, '{"type":"url_verification","challenge":"c"}'), { secrets: (p) => (p === 'slack' ? ['s'] : []) });
    assert.equal(a?.status, 403);
    assert.equal(text(a.body), 'invalid signature');
    assert.ok(a.problem);
  });

  it('Zoom: a GET, another event or a body that is no JSON object is no handshake', () => {
    const zoom = { secrets: (p: string) => (p === 'zoom' ? ['z'] : []) };
    const body = '{"event":"endpoint.url_validation","payload":{"plainToken":"t"}}';
    assert.equal(answerHandshake(request({}, body, URL_BASE, 'GET'), zoom), undefined);
    assert.equal(
      answerHandshake(request({}, '{"event":"meeting.started","note":"endpoint.url_validation","payload":{"plainToken":"t"}}'), zoom),
      undefined,
    );
    assert.equal(answerHandshake(request({}, 'endpoint.url_validation'), zoom), undefined);
  });

  it('Zoom without a Secret Token: 500 saying the token is not configured', () => {
    const a = answerHandshake(request({}, '{"event":"endpoint.url_validation","payload":{"plainToken":"t"}}'), noSecrets);
    assert.equal(a?.status, 500);
    assert.equal(text(a.body), 'Zoom Secret Token not configured');
  });

  it('Meta: only a GET with hub.mode=subscribe, hub.challenge and hub.verify_token is a handshake', () => {
    const meta = { secrets: (p: string) => (p === 'meta-verify-token' ? ['vt'] : []) };
    const ask = (q: string, method = 'GET') => answerHandshake(request({}, '', `${URL_BASE}?${q}`, method), meta);
    assert.equal(ask('hub.mode=subscribe&hub.challenge=c&hub.verify_token=vt')?.status, 200);
    assert.equal(ask('hub.mode=subscribe&hub.challenge=c&hub.verify_token=vt', 'POST'), undefined);
    assert.equal(ask('hub.mode=unsubscribe&hub.challenge=c&hub.verify_token=vt'), undefined);
    assert.equal(ask('hub.mode=subscribe&hub.verify_token=vt'), undefined);
    assert.equal(ask('hub.mode=subscribe&hub.challenge=c'), undefined);
  });

  it('Meta: a wrong verify token gets 403 "verify token mismatch", saying whether a token is configured at all', () => {
    const q = `${URL_BASE}?hub.mode=subscribe&hub.challenge=c&hub.verify_token=nope`;
    const wrong = answerHandshake(request({}, '', q, 'GET'), { secrets: (p) => (p === 'meta-verify-token' ? ['vt'] : []) });
    assert.equal(wrong?.status, 403);
    assert.equal(text(wrong.body), 'verify token mismatch');
    assert.equal(wrong.problem, 'Meta sent a verification request whose hub.verify_token does not match the configured verify token.');
    const none = answerHandshake(request({}, '', q, 'GET'), noSecrets);
    assert.equal(none?.status, 403);
    assert.equal(none.problem, 'Meta sent a verification request, but no Meta verify token is configured.');
  });

  it('Asana: only a POST with X-Hook-Secret; the secret is handed over for asana', () => {
    assert.equal(answerHandshake(request({ 'x-hook-secret': 's' }, '', URL_BASE, 'GET'), noSecrets), undefined);
    const a = answerHandshake(request({ 'x-hook-secret': 's' }, ''), noSecrets);
    assert.deepEqual(a?.secretToStore, { provider: 'asana', value: 's' });
    // Asana's docs: echo X-Hook-Secret in a 200 (or 204) with an empty body.
    assert.equal(a?.status, 200);
    assert.deepEqual(a?.headers, { 'x-hook-secret': 's' });
    assert.equal(text(a?.body ?? 'none'), '');
  });

  it('Dropbox and Okta: only a GET is a handshake', () => {
    assert.equal(answerHandshake(request({}, '', `${URL_BASE}?challenge=c`, 'POST'), noSecrets), undefined);
    assert.equal(answerHandshake(request({ 'x-okta-verification-challenge': 'v' }, '', URL_BASE, 'POST'), noSecrets), undefined);
  });

  it('Twitch: a body that is no JSON object is no handshake; a bad signature gets 403 "invalid signature"', () => {
    const type = { 'twitch-eventsub-message-type': 'webhook_callback_verification' };
    assert.equal(answerHandshake(request(type, 'challenge'), noSecrets), undefined);
    const a = answerHandshake(request(type, '{"challenge":"c"}'), { secrets: (p) => (p === 'twitch' ? ['s'] : []) });
    assert.equal(a?.status, 403);
    assert.equal(text(a.body), 'invalid signature');
    assert.ok(a.problem);
  });
});
