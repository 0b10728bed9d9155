/**
 * Guards how Svix-delivered requests are told apart: any one Svix header marks Svix; Clerk needs
 * `object: "event"` and a type that starts with one of its resources, Resend a type that starts with
 * email., contact. or domain.; a type that is no string or only contains such a word stays plain Svix, and
 * a body that is no JSON object does not break detection.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRequest } from '../../../src/core/signatures/index';
import { NOW, request } from './support';

const detect = (headers: Record<string, string>, body: string) => verifyRequest(request(headers, body), { secrets: [], now: NOW }).provider;
const SVIX = { 'svix-id': 'msg_1', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' };

describe('Svix detection', () => {
  for (const name of ['svix-signature', 'svix-id', 'svix-timestamp']) {
    it(`${name} alone marks a Svix request`, () => {
      assert.equal(detect({ [name]: 'x' }, '{}'), 'svix');
    });
  }

  it('Clerk and Resend by the start of the event type', () => {
    assert.equal(detect(SVIX, '{"object":"event","type":"user.created"}'), 'clerk');
    assert.equal(detect(SVIX, '{"type":"email.sent"}'), 'resend');
    assert.equal(detect(SVIX, '{"object":"event","type":"x.user.created"}'), 'svix');
    assert.equal(detect(SVIX, '{"type":"x.email.sent"}'), 'svix');
  });

  it('a type that is no string, or a body that is no JSON object, stays Svix', () => {
    assert.equal(detect(SVIX, '{"type":["email.sent"]}'), 'svix');
    assert.equal(detect(SVIX, '{"object":"event","type":["user.created"]}'), 'svix');
    for (const body of ['not json', 'null', '["email.sent"]', '']) {
      assert.equal(detect(SVIX, body), 'svix', body);
    }
  });
});
