// The hostile corpus for the e2e webview step: payloads that try to run script, load something, or
// mislead, each sent as a real HTTP request with the payload in its path, query, a header, the body
// and the event type. Every script payload trips a trap if it ever runs: it sets a global
// (`__wiPwned`), opens a dialog, or asks a loopback "sentinel" server for /hit/NN. The test then
// opens every event in the real detail panel and checks that no trap fired.
import http from 'node:http';

/** The trap global a payload would set. */
export const TRAP_GLOBAL = '__wiPwned';

/**
 * At least 50 payloads. `s` is the sentinel's base URL (http://127.0.0.1:PORT), `n` the payload's
 * number, so that a hit names the payload that got through.
 */
export function hostilePayloads(s) {
  const hit = (n) => `${s}/hit/${n}`;
  const js = (n) => `window.${TRAP_GLOBAL}=${n};fetch('${hit(n)}')`;
  const list = [
    (n) => `<script>${js(n)}</script>`,
    (n) => `<script src="${hit(n)}"></script>`,
    (n) => `<img src=x onerror="${js(n)}">`,
    (n) => `<img src="${hit(n)}">`,
    (n) => `<svg onload="${js(n)}"></svg>`,
    (n) => `<svg xmlns="http://www.w3.org/2000/svg"><script>${js(n)}</script></svg>`,
    (n) => `<svg><a xlink:href="javascript:${js(n)}"><text>x</text></a></svg>`,
    (n) => `<iframe src="javascript:${js(n)}"></iframe>`,
    (n) => `<iframe srcdoc="<script>parent.${TRAP_GLOBAL}=${n}</script>"></iframe>`,
    (n) => `<iframe src="${hit(n)}"></iframe>`,
    (n) => `<object data="${hit(n)}"></object>`,
    (n) => `<embed src="${hit(n)}">`,
    (n) => `<link rel="stylesheet" href="${hit(n)}">`,
    (n) => `<style>@import url("${hit(n)}");</style>`,
    (n) => `</style><style>body{background:url("${hit(n)}")}</style>`,
    (n) => `<div style="background-image:url('${hit(n)}')">x</div>`,
    (n) => `<style>@font-face{font-family:x;src:url("${hit(n)}")}</style>`,
    (n) => `<meta http-equiv="refresh" content="0;url=${hit(n)}">`,
    (n) => `<base href="${hit(n)}/">`,
    (n) => `<form action="${hit(n)}"><button>go</button></form>`,
    (n) => `<input autofocus onfocus="${js(n)}">`,
    (n) => `<details open ontoggle="${js(n)}">x</details>`,
    (n) => `<body onload="${js(n)}">`,
    (n) => `<video poster="${hit(n)}"><source src="${hit(n)}"></video>`,
    (n) => `<audio src="x" onerror="${js(n)}"></audio>`,
    (n) => `<marquee onstart="${js(n)}">x</marquee>`,
    (n) => `"><script>${js(n)}</script>`,
    (n) => `'><img src=x onerror=${js(n)}>`,
    (n) => `" onmouseover="${js(n)}" x="`,
    (n) => `' autofocus onfocus='${js(n)}' x='`,
    (n) => `javascript:${js(n)}`,
    (n) => `JaVaScRiPt:${js(n)}`,
    (n) => `data:text/html,<script>${js(n)}</script>`,
    (n) => `data:text/html;base64,${Buffer.from(`<script>${js(n)}</script>`).toString('base64')}`,
    (n) => `data:image/svg+xml,<svg onload="${js(n)}">`,
    (n) => `</textarea></pre></code></td></table><script>${js(n)}</script>`,
    (n) => `<!--<img src="--><img src=x onerror="${js(n)}">`,
    (n) => `<![CDATA[<script>${js(n)}</script>]]>`,
    (n) => `<math><mtext><table><mglyph><style><img src=x onerror="${js(n)}"></style></mglyph></table></mtext></math>`,
    (n) => `<noscript><p title="</noscript><img src=x onerror=${js(n)}>">`,
    (n) => `<x:script xmlns:x="http://www.w3.org/1999/xhtml">${js(n)}</x:script>`,
    (n) => `{{constructor.constructor("${js(n)}")()}}`,
    (n) => `\${${js(n)}}`,
    (n) => `command:workbench.action.terminal.new?${encodeURIComponent(JSON.stringify([n]))}`,
    (n) => `[click](command:workbench.action.files.newUntitledFile "x${n}")`,
    (n) => `vscode://webhook-inspector.webhook-inspector/hit?n=${n}`,
    (n) => `&lt;script&gt;${js(n)}&lt;/script&gt;`,
    (n) => `%3Cscript%3E${encodeURIComponent(js(n))}%3C%2Fscript%3E`,
    (n) => `\\u003cscript\\u003e${js(n)}\\u003c/script\\u003e`,
    (n) => `user\u202Egnp.exe\u202C #${n}`,
    (n) => `pay\u200Bpal\u200D.com \u0440\u0430ypal #${n}`,
    (n) => `\uFEFF<scr\u0000ipt>${js(n)}</scr\u0000ipt>`,
    (n) => `<a href="${hit(n)}" ping="${hit(n)}">click</a>`,
    (n) => `<img srcset="${hit(n)} 1x">`,
    (n) => `<picture><source srcset="${hit(n)}"><img></picture>`,
    (n) => `<isindex type=image src=1 onerror=${js(n)}>`,
    (n) => `<template><script>${js(n)}</script></template><slot onclick="${js(n)}">`,
    (n) => `<style>*{color:expression(${js(n)})}</style>`,
  ];
  return list.map((make, i) => make(i + 1));
}

/** Bytes as a Latin-1 string, so that Node sends any code point over 0xFF as its raw UTF-8 bytes. */
function wire(text) {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A header value: raw where HTTP allows it; control characters (which it never does) as %XX. */
function headerValue(text) {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return wire(text).replace(/[\0-\x08\x0a-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A request-target component: raw, except what the request line cannot carry (space, controls, #, ?,
 * and bytes over 0x7F, which Node's HTTP parser refuses with 400) is %XX-encoded.
 */
function pathPart(text) {
  return wire(text).replace(/[\0-\x20\x7f-\xff#?%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The request for payload number `n` (1-based). Four shapes take turns so the payload reaches every
 * body renderer: a Stripe-like JSON event (event type = payload), GitHub-like HTML text (event type
 * from X-GitHub-Event), a form, and an SVG document.
 */
export function hostileRequest(payload, n) {
  const nn = String(n).padStart(2, '0');
  const path = `/hostile/${nn}/${pathPart(payload)}?q=${pathPart(payload)}&n=${nn}`;
  const headers = { 'x-hostile': headerValue(payload), 'x-hostile-n': nn };
  let body;
  switch (n % 4) {
    case 1:
      headers['content-type'] = 'application/json';
      headers['user-agent'] = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';
      headers['stripe-signature'] = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
      body = JSON.stringify({
        id: `evt_hostile_${nn}`,
        object: 'event',
        type: payload,
        data: { object: { note: payload, [payload]: [payload] } },
      });
      break;
    case 2:
      headers['content-type'] = 'text/html; charset=utf-8';
      headers['user-agent'] = 'GitHub-Hookshot/hostile';
      headers['x-github-event'] = headerValue(payload);
      body = `<!doctype html><html><body>${payload}</body></html>`;
      break;
    case 3:
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = `type=${encodeURIComponent(payload)}&note=${encodeURIComponent(payload)}&${encodeURIComponent(payload)}=1`;
      break;
    default:
      headers['content-type'] = 'image/svg+xml';
      body = `<svg xmlns="http://www.w3.org/2000/svg" onload="window.${TRAP_GLOBAL}=${n}"><script>window.${TRAP_GLOBAL}=${n}</script><text>${payload}</text></svg>`;
  }
  return { n, nn, payload, path, headers, body: Buffer.from(body, 'utf8') };
}

/** Sends a hostile request with node:http (which, unlike fetch, sends the path's bytes as given). */
export function sendRaw(baseUrl, req) {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: `${prefix}${req.path}`,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
        timeout: 30_000,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request ${req.nn} timed out`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A loopback server that records every request it gets: any hit means a payload made the webview fetch. */
export async function startSentinel() {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, at: new Date().toISOString() });
    res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
