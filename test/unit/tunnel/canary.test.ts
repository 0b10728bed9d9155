import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CANARY_PATH_PREFIX,
  canaryResponse,
  canaryTokenFromPath,
  canaryUrl,
  checkCanaryAnswer,
  interceptCanary,
  isCanaryPath,
  newCanaryToken,
} from '../../../src/core/tunnel/canary';

test('canary URL, path recognition and token round trip', () => {
  const token = newCanaryToken();
  assert.notEqual(token, newCanaryToken());
  const url = canaryUrl('https://abcd.loca.lt/', token);
  assert.equal(url, `https://abcd.loca.lt${CANARY_PATH_PREFIX}${token}`);
  const path = new URL(url).pathname;
  assert.equal(isCanaryPath(path), true);
  assert.equal(isCanaryPath(`${path}?x=1`), true);
  assert.equal(canaryTokenFromPath(`${path}?x=1`), token);
  // a public URL with a path prefix (reverse proxy) keeps it
  assert.equal(canaryUrl('https://example.test/hooks', token), `https://example.test/hooks${CANARY_PATH_PREFIX}${token}`);
});

test('ordinary webhook paths are never canaries', () => {
  for (const p of [
    '/',
    '/webhook',
    '/__webhook-inspector/canary/',
    '/__webhook-inspector/canary/short',
    '/__webhook-inspector/canary/abc/def/ghij',
    '/x/__webhook-inspector/canary/abcdefghijkl',
    '/__webhook-inspector/canary/abcdefgh%2F',
  ]) {
    assert.equal(isCanaryPath(p), false, p);
  }
});

test('canaryResponse echoes the token and checkCanaryAnswer accepts only that', () => {
  const token = newCanaryToken();
  const reply = canaryResponse(token);
  assert.equal(reply.status, 200);
  assert.equal(reply.contentType, 'application/json');
  assert.deepEqual(JSON.parse(reply.body), { canary: token, ok: true });
  assert.equal(checkCanaryAnswer(reply.status, reply.body, token), undefined);
  assert.match(checkCanaryAnswer(200, reply.body, newCanaryToken()) ?? '', /different canary token/);
  assert.match(checkCanaryAnswer(404, reply.body, token) ?? '', /answered 404/);
  assert.match(checkCanaryAnswer(200, '<html>friendly reminder</html>', token) ?? '', /not with the canary JSON/);
  assert.match(checkCanaryAnswer(200, 'null', token) ?? '', /different canary token/);
});

test('interceptCanary answers GET/HEAD canaries only', () => {
  const token = newCanaryToken();
  const url = `${CANARY_PATH_PREFIX}${token}`;
  assert.deepEqual(interceptCanary({ method: 'GET', url }), canaryResponse(token));
  assert.deepEqual(interceptCanary({ method: 'HEAD', url }), canaryResponse(token));
  assert.equal(interceptCanary({ method: 'POST', url }), undefined);
  assert.equal(interceptCanary({ method: 'GET', url: '/webhook' }), undefined);
});
