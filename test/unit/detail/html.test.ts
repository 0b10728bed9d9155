import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { detailCsp, detailHtml } from '../../../src/core/detail/html';

test('the webview HTML has a strict CSP with a per-load nonce and no inline code', () => {
  const nonce = randomUUID();
  const html = detailHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/detail.css',
    nonce,
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csp);
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
  assert.deepEqual(directives['style-src'], ['https://file+.vscode-resource.vscode-cdn.net']);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  // One script, from a file, carrying the nonce; no inline script, no style attribute or element.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce}"`));
  assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  assert.equal(scripts[0]![2], '');
  assert.ok(!/style=|<style/i.test(html));
  assert.notEqual(detailCsp('x', randomUUID()), detailCsp('x', randomUUID()));
});

test('detailHtml refuses a weak nonce and escapes URIs', () => {
  assert.throws(() => detailHtml({ cspSource: 'x', scriptUri: 'a', styleUri: 'b', nonce: 'abc' }));
  const html = detailHtml({ cspSource: 'x', scriptUri: 'a"><script>alert(1)</script>', styleUri: 'b', nonce: randomUUID() });
  assert.ok(!html.includes('"><script>alert(1)'));
});
