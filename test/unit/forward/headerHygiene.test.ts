// Header hygiene on the way out (STYLE.md rule 14): every hop-by-hop header is dropped, each one on
// its own, in any letter case, and a header set on the request replaces an existing one whatever the
// case of either name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forwardableHeaders, replaceHeaders } from '../../../src/core/forward/index';

const HOP_BY_HOP = ['Connection', 'Keep-Alive', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade', 'Expect'];

describe('forwardableHeaders', () => {
  for (const name of HOP_BY_HOP) {
    test(`${name} is dropped (as sent and in lower case), the headers around it kept`, () => {
      for (const spelled of [name, name.toLowerCase()]) {
        assert.deepEqual(
          forwardableHeaders([
            ['X-Before', '1'],
            [spelled, 'x'],
            ['X-After', '2'],
          ]),
          [
            ['X-Before', '1'],
            ['X-After', '2'],
          ],
          spelled,
        );
      }
    });
  }

  test('Host, Content-Length and every Proxy-* header are dropped in any case; look-alikes are kept', () => {
    assert.deepEqual(
      forwardableHeaders([
        ['Host', 'a'],
        ['CONTENT-LENGTH', '3'],
        ['Proxy-Authorization', 'Basic x'],
        ['proxy-connection', 'keep-alive'],
        ['X-Proxy-Id', '1'],
        ['X-Host', '2'],
        ['Content-Length-Hint', '3'],
        ['Keep-Alive-Ish', '4'],
      ]),
      [
        ['X-Proxy-Id', '1'],
        ['X-Host', '2'],
        ['Content-Length-Hint', '3'],
        ['Keep-Alive-Ish', '4'],
      ],
    );
  });

  test('headers named in Connection are dropped: several tokens, spaces, any case, empty tokens ignored', () => {
    assert.deepEqual(
      forwardableHeaders([
        ['Connection', ' X-One ,,x-TWO,  '],
        ['x-one', '1'],
        ['X-Two', '2'],
        ['X-Three', '3'],
        ['connection', 'X-Three'],
      ]),
      [],
    );
  });

  test('a Connection value is only read from Connection headers', () => {
    assert.deepEqual(
      forwardableHeaders([
        ['X-List', 'X-Kept'],
        ['X-Kept', 'v'],
      ]),
      [
        ['X-List', 'X-Kept'],
        ['X-Kept', 'v'],
      ],
    );
  });
});

describe('replaceHeaders', () => {
  test('a name set in another case replaces the existing header once, in place, with its original spelling', () => {
    assert.deepEqual(
      replaceHeaders(
        [
          ['x-sig', 'old'],
          ['A', '1'],
          ['X-SIG', 'old2'],
        ],
        { 'X-Sig': 'new' },
      ),
      [
        ['x-sig', 'new'],
        ['A', '1'],
      ],
    );
  });

  test('with nothing to replace the headers come back unchanged and new ones are appended in order', () => {
    const headers: Array<[string, string]> = [
      ['A', '1'],
      ['a', '2'],
    ];
    assert.deepEqual(replaceHeaders(headers, {}), headers);
    assert.deepEqual(replaceHeaders(headers, { 'X-1': 'p', 'X-2': 'q' }), [...headers, ['X-1', 'p'], ['X-2', 'q']]);
  });
});
