import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compilePattern, joinPaths, RouteIndex, routesForPath, stripTunnelPrefix, type RouteDefinition } from '../../../src/core/routes';

describe('path patterns of every framework against concrete paths', () => {
  const cases: [pattern: string, yes: string[], no: string[]][] = [
    [
      '/webhooks/stripe',
      ['/webhooks/stripe', '/webhooks/stripe/', '/webhooks/stripe?x=1'],
      ['/webhooks/stripe/x', '/webhooks', '/webhooks/stripes'],
    ],
    ['/orders/:id/events', ['/orders/42/events'], ['/orders/events', '/orders/4/2/events']],
    ['/a/:id?', ['/a', '/a/1'], ['/a/1/2']],
    ['/files/:name.:ext', ['/files/report.pdf'], ['/files/report']],
    ['/hooks/[provider]', ['/hooks/github'], ['/hooks', '/hooks/a/b']],
    ['/docs/[...slug]', ['/docs/a', '/docs/a/b/c'], ['/docs']],
    ['/api/[[...all]]', ['/api', '/api/x/y'], ['/apix']],
    ['/integrations/{provider}/callback', ['/integrations/slack/callback'], ['/integrations/callback']],
    ['/webhooks/{provider}/{id?}', ['/webhooks/paddle', '/webhooks/paddle/7'], ['/webhooks']],
    ['/webhooks/{id:[0-9]+}', ['/webhooks/12'], ['/webhooks/1/2']],
    ['/files/{rest...}', ['/files', '/files/a/b'], ['/other']],
    ['/fs/{p:path}', ['/fs/a/b/c'], ['/f']],
    ['/users/<int:user_id>/hooks', ['/users/5/hooks'], ['/users/hooks']],
    ['/bp/events/<path:rest>', ['/bp/events/a/b'], ['/bp/other']],
    ['/webhooks/:provider/*', ['/webhooks/x', '/webhooks/x/y/z'], ['/webhook/x']],
    ['/webhooks/github/*path', ['/webhooks/github/push'], ['/webhooks/gitlab/push']],
    ['/', ['/', ''], ['/x']],
  ];
  for (const [pattern, yes, no] of cases) {
    test(pattern, () => {
      const p = compilePattern(pattern);
      for (const path of yes) {
        assert.ok(p.matches(path), `${pattern} should match ${path}`);
      }
      for (const path of no) {
        assert.ok(!p.matches(path), `${pattern} should not match ${path}`);
      }
    });
  }

  test('Go subtree patterns serve everything under them', () => {
    const p = compilePattern('/hooks/', { subtree: true });
    assert.ok(p.matches('/hooks/a/b') && p.matches('/hooks/'));
    assert.ok(!p.matches('/hooksx'));
  });

  test('joinPaths joins prefixes as frameworks do', () => {
    assert.equal(joinPaths('webhooks', 'stripe'), '/webhooks/stripe');
    assert.equal(joinPaths('/v1/', '/x'), '/v1/x');
    assert.equal(joinPaths('admin', ''), '/admin');
    assert.equal(joinPaths(''), '/');
    assert.equal(joinPaths('webhooks/stripe/'), '/webhooks/stripe/');
  });
});

describe('matching events to routes', () => {
  const route = (path: string, framework: RouteDefinition['framework'] = 'express'): RouteDefinition => ({
    method: 'POST',
    path,
    framework,
    line: 0,
    column: 0,
  });

  test('most specific first: literal, then parameter, then catch-all', () => {
    const routes = [route('/webhooks/*'), route('/webhooks/:provider'), route('/webhooks/stripe')];
    assert.deepEqual(
      routesForPath(routes, '/webhooks/stripe').matches.map((r) => r.path),
      ['/webhooks/stripe', '/webhooks/:provider', '/webhooks/*'],
    );
  });

  test('the tunnel prefix of an external URL is removed before matching, and reported', () => {
    assert.equal(stripTunnelPrefix('/hooks/webhooks/stripe?x=1', 'https://proxy.example/hooks/'), '/webhooks/stripe');
    assert.equal(stripTunnelPrefix('/webhooks/stripe', 'https://abc.loca.lt'), '/webhooks/stripe', 'localtunnel URLs have no prefix');
    assert.equal(stripTunnelPrefix('/hooksx/a', 'https://proxy.example/hooks'), '/hooksx/a', 'a prefix is whole segments');
    assert.equal(stripTunnelPrefix('/a', 'not a url'), '/a', 'a bad URL changes nothing');
    const r = routesForPath([route('/webhooks/stripe')], '/hooks/webhooks/stripe', 'https://proxy.example/hooks');
    assert.equal(r.lookedFor, '/webhooks/stripe');
    assert.equal(r.matches.length, 1);
  });

  test('RouteIndex replaces a file whole, forgets emptied and deleted files, bumps its version on change only', () => {
    const index = new RouteIndex();
    index.set('a.js', [route('/x'), route('/y')]);
    index.set('b.js', [route('/x')]);
    const v = index.version;
    assert.deepEqual(
      index
        .forPath('/x')
        .matches.map((r) => r.file)
        .sort(),
      ['a.js', 'b.js'],
    );
    index.set('a.js', [route('/z')]);
    assert.deepEqual(
      index.forPath('/x').matches.map((r) => r.file),
      ['b.js'],
    );
    index.set('b.js', []);
    assert.equal(index.forPath('/x').matches.length, 0);
    index.delete('a.js');
    assert.equal(index.fileCount, 0);
    assert.ok(index.version > v);
    const before = index.version;
    index.set('c.js', []);
    index.delete('nope.js');
    assert.equal(index.version, before);
  });
});
