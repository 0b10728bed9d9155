// The helpers every verdict rests on: strict decoding (junk is not a signature), constant-time
// equality that never throws on a length mismatch, timestamps read in the right unit (the tolerance
// window depends on it), and headers found whatever their case.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, describeSkew, hasHeaderPrefix, header, parseTimestamp, safeEqual, safeEqualText } from '../../../src/core/signatures/util';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

describe('decode is strict', () => {
  test('hex: pairs of hex digits in either case; odd length, junk or empty is undefined', () => {
    assert.equal(hex(decode('00ffAB', 'hex')), '00ffab');
    for (const bad of ['', 'abc', 'zz', '0g', 'ab ', ' ab', 'ab\n']) {
      assert.equal(decode(bad, 'hex'), undefined, JSON.stringify(bad));
    }
  });

  test('base64: the alphabet with + and /, up to two = at the end; a length of 4n+1 is undefined', () => {
    assert.equal(hex(decode('+/8=', 'base64')), 'fbff');
    assert.equal(hex(decode('+/8', 'base64')), 'fbff', 'padding may be left out');
    assert.equal(hex(decode('AA==', 'base64')), '00');
    for (const bad of ['', 'A', 'AAAAA', 'AAAAA==', 'AAAAA===', 'AA=A', '-_8=', 'AA AA', 'AA==\n', 'A===']) {
      assert.equal(decode(bad, 'base64'), undefined, JSON.stringify(bad));
    }
  });

  test('base64url: the alphabet with - and _, not + or /', () => {
    assert.equal(hex(decode('-_8', 'base64url')), 'fbff');
    assert.equal(hex(decode('-_8=', 'base64url')), 'fbff');
    for (const bad of ['', 'A', 'AAAAA', 'AAAAA==', '+/8=', 'AA=A', 'AA.A']) {
      assert.equal(decode(bad, 'base64url'), undefined, JSON.stringify(bad));
    }
  });
});

describe('safeEqual', () => {
  test('equal bytes are equal; one byte different, or a different length, is not (and nothing throws)', () => {
    const a = Uint8Array.from([1, 2, 3]);
    assert.equal(safeEqual(a, Uint8Array.from([1, 2, 3])), true);
    assert.equal(safeEqual(a, Uint8Array.from([1, 2, 4])), false);
    assert.equal(safeEqual(a, Uint8Array.from([1, 2])), false);
    assert.equal(safeEqual(a, Uint8Array.from([1, 2, 3, 0])), false);
    assert.equal(safeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  });

  test('safeEqualText compares UTF-8 bytes', () => {
    assert.equal(safeEqualText('sha256=é', 'sha256=é'), true);
    assert.equal(safeEqualText('sha256=é', 'sha256=e'), false);
  });
});

describe('parseTimestamp', () => {
  test('unix seconds and milliseconds (13 digits and more) in auto mode', () => {
    assert.equal(parseTimestamp('1700000000'), 1_700_000_000);
    assert.equal(parseTimestamp(' 1700000000 '), 1_700_000_000, 'surrounding spaces are ignored');
    assert.equal(parseTimestamp('1700000000123'), 1_700_000_000.123);
    assert.equal(parseTimestamp('999999999999'), 999_999_999_999, '12 digits are still seconds');
    assert.equal(parseTimestamp('1000000000000'), 1_000_000_000, '1e12 is milliseconds');
    assert.equal(parseTimestamp('-1000000000000'), -1_000_000_000, 'the magnitude decides');
    assert.equal(parseTimestamp('1700000000.5'), 1_700_000_000.5);
  });

  test('a forced unit is used as given; forced units read numbers only', () => {
    assert.equal(parseTimestamp('1700000000', 'ms'), 1_700_000);
    assert.equal(parseTimestamp('1700000000123', 's'), 1_700_000_000_123);
    assert.equal(parseTimestamp('2023-11-14T22:13:20Z', 's'), undefined);
    assert.equal(parseTimestamp('2023-11-14T22:13:20Z', 'ms'), undefined);
  });

  test('RFC 3339 with Z or an offset, fractions of any precision', () => {
    assert.equal(parseTimestamp('2023-11-14T22:13:20Z'), 1_700_000_000);
    assert.equal(parseTimestamp('2023-11-14t22:13:20z'), 1_700_000_000, 'letters in either case');
    assert.equal(parseTimestamp('2023-11-15T00:13:20+02:00'), 1_700_000_000);
    assert.equal(parseTimestamp('2023-11-14T20:13:20-0200'), 1_700_000_000);
    assert.equal(parseTimestamp('2023-11-14T22:13:20.250Z'), 1_700_000_000.25);
    assert.equal(parseTimestamp('2023-11-14T22:13:20.123456789Z'), 1_700_000_000.123, 'nanoseconds cut to milliseconds');
  });

  test('anything else is unreadable', () => {
    for (const bad of [
      '',
      'yesterday',
      '1e12',
      '0x10',
      '1700000000s',
      '2023-11-14 22:13:20Z',
      '2023-11-14T22:13:20',
      'x2023-11-14T22:13:20Z',
      '2023-13-45T22:13:20Z',
    ]) {
      assert.equal(parseTimestamp(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('header and describeSkew', () => {
  test('a header is found whatever the case of its name; the first value of a repeated one', () => {
    const req = { method: 'POST', url: '/', headers: { 'X-Hub-Signature-256': ['a', 'b'], 'x-plain': 'p' }, body: new Uint8Array(0) };
    assert.equal(header(req, 'x-hub-signature-256'), 'a');
    assert.equal(header(req, 'X-PLAIN'), 'p');
    assert.equal(header(req, 'x-missing'), undefined);
  });

  test('skews read as seconds in the past or the future, singular for one', () => {
    assert.equal(describeSkew(412), '412 seconds in the past');
    assert.equal(describeSkew(-30), '30 seconds in the future');
    assert.equal(describeSkew(1), '1 second in the past');
    assert.equal(describeSkew(-1), '1 second in the future');
    assert.equal(describeSkew(0), '0 seconds in the past');
  });
});

describe('header lookup', () => {
  const req = (headers: Record<string, string | undefined>) => ({ method: 'POST', url: '/', headers, body: new Uint8Array() });

  test('the lower-case name wins over another spelling of it', () => {
    assert.equal(header(req({ 'X-Token': 'other case', 'x-token': 'lower' }), 'X-Token'), 'lower');
  });

  test('a prefix counts only for a header with a value; a name equal to the prefix counts', () => {
    assert.equal(hasHeaderPrefix(req({ 'x-hubspot-signature': undefined }), 'x-hubspot-'), false);
    assert.equal(hasHeaderPrefix(req({ 'x-hubspot-': 'v' }), 'X-HubSpot-'), true);
    assert.equal(hasHeaderPrefix(req({ 'X-HubSpot-Signature': 'v' }), 'x-hubspot-'), true);
    assert.equal(hasHeaderPrefix(req({ 'x-hub': 'v' }), 'x-hubspot-'), false);
  });
});

describe('parseTimestamp edges', () => {
  test('a fraction of several digits is read; an ISO time with anything after its zone is not', () => {
    assert.equal(parseTimestamp('1772366400.25', 's'), 1772366400.25);
    assert.equal(parseTimestamp('2026-03-01T12:00:00Z'), 1772366400);
    assert.equal(parseTimestamp('2026-03-01T12:00:00Zjunk'), undefined);
    assert.equal(parseTimestamp('2026-03-01T12:00:00+00:00 x'), undefined);
  });
});
