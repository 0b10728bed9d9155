/**
 * Guards GitLab's X-Gitlab-Token check (GitLab sends the webhook's secret token as it is): each
 * verdict's reason names the secret that matched or explains the mismatch, a blank token is
 * malformed, a missing token or secret says so, and a token is checked even when a Standard Webhooks
 * webhook-signature comes with it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { NOW, request } from './support';

const verify = (headers: Record<string, string>, secrets: string[]) =>
  verifyRequest(request({ 'x-gitlab-event': 'Push Hook', ...headers }), { secrets, now: NOW });

describe('GitLab token', () => {
  it('the token matching the second secret names secret #2', () => {
    const r = verify({ 'x-gitlab-token': 'tok' }, ['other', 'tok']);
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.status, 'valid');
    assert.equal(r.reason, 'The X-Gitlab-Token matches secret #2.');
    assert.equal(r.matchedSecretIndex, 1);
  });

  it('a secret with quotes around it is named, with its number', () => {
    const r = verify({ 'x-gitlab-token': 'tok' }, ['other', '"tok"']);
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.status, 'invalid');
    assert.equal(r.reason, 'Secret #2 has whitespace or quotes around it; without them it equals the X-Gitlab-Token.');
    assert.equal(r.hint, 'Set the secret again without the surrounding spaces, newline or quotes.');
  });

  it('a token with spaces around it is compared trimmed against a cleaned secret', () => {
    assert.equal(verify({ 'x-gitlab-token': ' tok ' }, ['"tok"']).status, 'invalid');
    assert.match(verify({ 'x-gitlab-token': ' tok ' }, ['"tok"']).reason, /whitespace or quotes/);
  });

  it('another token: invalid, probably another webhook', () => {
    const r = verify({ 'x-gitlab-token': 'tok' }, ['other']);
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.reason, 'The X-Gitlab-Token does not match the configured secret token; it is probably the token of another webhook.');
  });

  it('a blank token is malformed; a missing token or secret is said so', () => {
    const blank = verify({ 'x-gitlab-token': '  ' }, ['tok']);
    assert.equal(blank.provider, 'gitlab');
    assert.equal(blank.status, 'malformed');
    assert.match(blank.reason, /X-Gitlab-Token/);
    assert.match(blank.reason, /the token is empty/);
    assert.match(blank.reason, /GitLab/);
    const missingToken = verify({}, ['tok']);
    assert.equal(missingToken.provider, 'gitlab');
    assert.equal(
      missingToken.reason,
      'This looks like a GitLab request, but the X-Gitlab-Token header is missing. GitLab sends it only when the webhook has a secret token.',
    );
    const noSecret = verify({ 'x-gitlab-token': 'tok' }, []);
    assert.equal(noSecret.provider, 'gitlab');
    assert.equal(noSecret.reason, 'No secret token is configured for GitLab, so the signature cannot be checked.');
  });

  it('a request with an X-Gitlab-Token is checked by the token even when it also has a webhook-signature', () => {
    const r = verify({ 'x-gitlab-token': 'tok', 'webhook-signature': 'v1,AAAA', 'webhook-id': 'msg_1', 'webhook-timestamp': '1' }, ['tok']);
    assert.equal(r.provider, 'gitlab');
    assert.equal(r.status, 'valid');
    assert.equal(r.reason, 'The X-Gitlab-Token matches secret #1.');
  });
});
