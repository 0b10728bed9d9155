import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { detailHtml } from '../../../src/core/detail/html';
import type { DetailSnapshot, HostMessage } from '../../../src/core/detail/protocol';
import { buildDetailSnapshot } from '../../../src/core/detail/snapshot';
import type { CapturedEvent } from '../../../src/core/model/event';
import { pushPayload } from '../fixtures/pushPayload';
import { loadHarness, withHarnessLog } from '../lib/harness';
import type { PwContext, PwPage, RunDir } from '../lib/harness';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchContext, BenchItem } from '../lib/types';

const SMALL = 10 * 1024;
const LARGE = 10 * 1024 * 1024;
const GOAL = 5;
/** Page loads per body size per round (the round's figure is their median): frames come every ~16 ms. */
const LOADS_PER_ROUND = 3;
/** Host-side snapshot builds per body size per round (after one warm-up build of each). */
const BUILDS_PER_ROUND = 7;
/** Render rounds stop early (after at least 3) when the item would pass this. */
const ITEM_BUDGET_MS = 85_000;

function event(body: Buffer, n: number): CapturedEvent {
  return {
    id: `evt_bench${String(n).padStart(9, '0')}`,
    receivedAt: new Date().toISOString(),
    method: 'POST',
    url: '/webhooks/github',
    headers: [
      ['Host', '127.0.0.1:45123'],
      ['Content-Type', 'application/json'],
      ['User-Agent', 'GitHub-Hookshot/044aadd'],
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
      ['Content-Length', String(body.length)],
    ],
    remoteAddress: '127.0.0.1',
    size: body.length,
    response: { status: 200, body: '{"ok":true}', contentType: 'application/json; charset=utf-8' },
    provider: 'github',
    eventType: 'push',
  };
}

/** Installed before the page's scripts: VS Code's webview API, recording what the webview posts. */
const VSCODE_API_STUB = `
window.__posted = [];
window.acquireVsCodeApi = () => {
  let state;
  return { postMessage: (m) => { window.__posted.push(m); }, getState: () => state, setState: (s) => { state = s; } };
};`;

interface RenderSample {
  /** post → the body section is in the DOM (the message handler has rendered). */
  domMs: number;
  /** post → the task after the next frame (style, layout and paint of that frame done). */
  paintMs: number;
  /** Elements under #root afterwards. */
  elements: number;
}

/**
 * In the page: posts the staged message the way the host's postMessage arrives (a `message` event,
 * structured-cloned), notes when the body section is in the DOM, and when the frame that shows it
 * has been produced (a task queued from requestAnimationFrame runs after that frame's paint).
 */
function measureInPage(): Promise<RenderSample> {
  const w = window as unknown as { __msg: unknown };
  return new Promise((resolve) => {
    const root = document.getElementById('root')!;
    let t0 = 0;
    const mo = new MutationObserver(() => {
      if (!root.querySelector('[data-section="body"]')) {
        return;
      }
      mo.disconnect();
      const domMs = performance.now() - t0;
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve({ domMs, paintMs: performance.now() - t0, elements: root.getElementsByTagName('*').length });
        ch.port2.postMessage(0);
      });
    });
    mo.observe(root, { childList: true, subtree: true });
    t0 = performance.now();
    window.postMessage(w.__msg, '*');
  });
}

function median(values: readonly number[]): number {
  return summarize(values).median;
}

/**
 * 8. Webview first render: the detail panel's real pieces without VS Code. The host side builds the
 * snapshot with src/core/detail/snapshot.ts; the page is detailHtml() (src/core/detail/html.ts) with
 * media/detail.css and a production build of src/webview/main.ts, served from 127.0.0.1, in headless
 * Chromium with a stub acquireVsCodeApi(). Each sample is a fresh page load (like a panel opening):
 * after the webview's `ready`, the snapshot message is posted and timed to the first frame that shows
 * the body section. 10 MB against 10 KB JSON bodies, interleaved.
 */
const item: BenchItem = {
  name: 'webviewRender',
  title: '8 webview render',
  order: 80,
  estimateSeconds: 45,
  async run(ctx: BenchContext) {
    const itemStarted = performance.now();
    const tmp = mkdtempSync(path.join(tmpdir(), 'wi-bench-webview-'));
    ctx.onCleanup(() => rmSync(tmp, { recursive: true, force: true }));

    // The webview bundle as scripts/build.mjs --production builds it (same options), into a temp file.
    const webviewJs = path.join(tmp, 'webview.js');
    const pkg = JSON.parse(readFileSync(path.join(ctx.root, 'package.json'), 'utf8')) as { version: string };
    await esbuild.build({
      absWorkingDir: ctx.root,
      entryPoints: [path.join(ctx.root, 'src', 'webview', 'main.ts')],
      outfile: webviewJs,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
      define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
    });
    const files: Record<string, { type: string; body: Buffer }> = {
      '/webview.js': { type: 'text/javascript', body: readFileSync(webviewJs) },
      '/detail.css': { type: 'text/css', body: readFileSync(path.join(ctx.root, 'media', 'detail.css')) },
    };

    // Bodies and host-side snapshots, interleaved per round.
    const bodies = { small: pushPayload(SMALL), large: pushPayload(LARGE) };
    const build = async (which: 'small' | 'large', n: number): Promise<{ ms: number; snapshot: DetailSnapshot }> => {
      const body = bodies[which];
      const t0 = performance.now();
      const snapshot = await buildDetailSnapshot(event(body, n), body, { canResend: true });
      return { ms: performance.now() - t0, snapshot };
    };
    const buildMs = { small: [] as number[], large: [] as number[] };
    const snapshots: Partial<Record<'small' | 'large', DetailSnapshot>> = {};
    await build('large', 0);
    await build('small', 0);
    for (let r = 0; r < ctx.rounds; r++) {
      for (const which of r % 2 === 0 ? (['large', 'small'] as const) : (['small', 'large'] as const)) {
        const samples: number[] = [];
        for (let k = 0; k < BUILDS_PER_ROUND; k++) {
          const b = await build(which, r * 100 + k);
          samples.push(b.ms);
          snapshots[which] = b.snapshot;
        }
        buildMs[which].push(median(samples));
      }
    }
    const messages = {
      small: { type: 'snapshot', snapshot: snapshots.small! } satisfies HostMessage,
      large: { type: 'snapshot', snapshot: snapshots.large! } satisfies HostMessage,
    };
    const messageBytes = {
      small: Buffer.byteLength(JSON.stringify(messages.small)),
      large: Buffer.byteLength(JSON.stringify(messages.large)),
    };

    // The page, from loopback.
    const server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      if (url === '/' || url.startsWith('/?')) {
        const html = detailHtml({
          cspSource: origin,
          scriptUri: `${origin}/webview.js`,
          styleUri: `${origin}/detail.css`,
          nonce: randomUUID(),
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return;
      }
      const f = files[url];
      res.writeHead(f ? 200 : 404, { 'content-type': f?.type ?? 'text/plain', 'cache-control': 'no-store' });
      res.end(f?.body ?? 'not found');
    });
    ctx.onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const harness = await loadHarness(ctx.root);
    const live: { run?: RunDir; browser?: PwContext } = {};
    ctx.onCleanup(async () => {
      await live.browser?.close().catch(() => undefined);
      server.closeAllConnections();
      if (live.run) {
        rmSync(live.run.dir, { recursive: true, force: true });
      }
    });
    const run = (live.run = harness.makeRunDir('wi-bench-webview'));
    const browser = (live.browser = await withHarnessLog(ctx.log, () => harness.launchBrowser(run)));
    const page: PwPage = browser.pages()[0] ?? (await browser.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript({ content: VSCODE_API_STUB });

    const renderOnce = async (which: 'small' | 'large'): Promise<RenderSample> => {
      await page.goto(pageUrl, { waitUntil: 'load' });
      await page.waitForFunction("window.__posted.some((m) => m && m.type === 'ready')", undefined, { timeout: 15_000 });
      await page.evaluate((msg) => {
        (window as unknown as { __msg: unknown }).__msg = msg;
      }, messages[which]);
      return page.evaluate(measureInPage, undefined);
    };
    // Warm-up: the first loads pay for the browser's own start-up.
    await renderOnce('small');
    await renderOnce('large');

    const render = { small: [] as RenderSample[][], large: [] as RenderSample[][] };
    let longestRound = 0;
    for (let r = 0; r < ctx.rounds; r++) {
      if (r >= 3 && performance.now() - itemStarted + longestRound > ITEM_BUDGET_MS) {
        ctx.log(`stopping after ${r} rounds: another would pass the item's ${ITEM_BUDGET_MS / 1000} s budget`);
        break;
      }
      const roundStarted = performance.now();
      const order = r % 2 === 0 ? (['large', 'small'] as const) : (['small', 'large'] as const);
      const round = { small: [] as RenderSample[], large: [] as RenderSample[] };
      for (let k = 0; k < LOADS_PER_ROUND; k++) {
        for (const which of k % 2 === 0 ? order : ([...order].reverse() as Array<'small' | 'large'>)) {
          round[which].push(await renderOnce(which));
        }
      }
      render.small.push(round.small);
      render.large.push(round.large);
      longestRound = Math.max(longestRound, performance.now() - roundStarted);
      ctx.log(
        `round ${r + 1}/${ctx.rounds}: first paint 10 MB ${fmt(median(round.large.map((s) => s.paintMs)))} ms, 10 KB ${fmt(median(round.small.map((s) => s.paintMs)))} ms`,
      );
    }
    if (pageErrors.length) {
      throw new Error(`the webview threw: ${pageErrors.slice(0, 3).join('; ')}`);
    }

    const perRound = (which: 'small' | 'large', key: 'domMs' | 'paintMs') =>
      render[which].map((samples) => median(samples.map((s) => s[key])));
    const paint = { small: perRound('small', 'paintMs'), large: perRound('large', 'paintMs') };
    const dom = { small: perRound('small', 'domMs'), large: perRound('large', 'domMs') };
    const paintRatio = summarize(pairedRatios(paint.large, paint.small));
    const domRatio = summarize(pairedRatios(dom.large, dom.small));
    const buildRatio = summarize(pairedRatios(buildMs.large, buildMs.small));
    const elements = { small: render.small[0]?.[0]?.elements ?? 0, large: render.large[0]?.[0]?.elements ?? 0 };
    const kind = (s: DetailSnapshot) => `${s.body.content.kind}${s.body.truncated ? ', truncated' : ''}`;
    return {
      rows: [
        {
          label: 'webview first paint of body, 10 MB vs 10 KB JSON',
          subject: `${fmt(median(paint.large))} ms`,
          baseline: `${fmt(median(paint.small))} ms`,
          ratio: paintRatio,
          goal: `< ${GOAL}×`,
          met: paintRatio.median < GOAL,
          note:
            `webview render: headless Chromium, detailHtml() + media/detail.css + src/webview/main.ts (esbuild, production options), stub acquireVsCodeApi(); per sample a fresh page load, ` +
            `then from window.postMessage of the snapshot message to the task after the frame that shows the body section (rAF → MessageChannel); ${LOADS_PER_ROUND} loads per size per round, round median, order alternating${render.small.length < ctx.rounds ? `; ${render.small.length} of ${ctx.rounds} rounds (time budget)` : ''}. ` +
            `Bodies: ${bodies.large.length.toLocaleString('en-US')} B (snapshot: ${kind(snapshots.large!)}, message ${messageBytes.large.toLocaleString('en-US')} B of JSON, ${elements.large} elements) ` +
            `vs ${bodies.small.length.toLocaleString('en-US')} B (${kind(snapshots.small!)}, message ${messageBytes.small.toLocaleString('en-US')} B, ${elements.small} elements). ` +
            `Post → body in the DOM (rendered, before layout and paint): ${fmt(median(dom.large))} vs ${fmt(median(dom.small))} ms, ratio ${fmt(domRatio.median)}× (${fmt(domRatio.min)}–${fmt(domRatio.max)}).`,
        },
        {
          label: 'detail snapshot build (host), 10 MB vs 10 KB',
          subject: `${fmt(median(buildMs.large))} ms`,
          baseline: `${fmt(median(buildMs.small))} ms`,
          ratio: buildRatio,
          goal: '—',
          note: `webview render: snapshot build = buildDetailSnapshot(event, body) (src/core/detail/snapshot.ts) in the bench process, body already in memory; ${BUILDS_PER_ROUND} builds per size per round, round median. In VS Code the host also reads the body from the store and serializes the message (${messageBytes.large.toLocaleString('en-US')} B of JSON for 10 MB).`,
        },
      ],
      raw: {
        bodies: { small: bodies.small.length, large: bodies.large.length },
        messageBytes,
        elements,
        buildMs,
        buildRatio,
        render,
        paint,
        dom,
        paintRatio,
        domRatio,
        loadsPerRound: LOADS_PER_ROUND,
        buildsPerRound: BUILDS_PER_ROUND,
      },
    };
  },
};

export default item;
