// What activation loads: dist/extension.js and the chunks it requires at once. The receiver (express,
// localtunnel), codegen, replay, route discovery and the agent tools are chunks that load on first use
// (scripts/extensionBuild.mjs); this builds the extension as the build does, in memory, and reads esbuild's
// metafile, so an import that pulls one of them back into activation fails here.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..');

interface ExtensionBuild {
  commonOptions(o: { production: boolean }): esbuild.BuildOptions;
  extensionBuildOptions(common: esbuild.BuildOptions): esbuild.BuildOptions;
  activationClosure(metafile: esbuild.Metafile): Map<string, string[]>;
}

/** Inputs that must not be evaluated at activation, and where they belong instead. */
const LATER: ReadonlyArray<readonly [RegExp, string]> = [
  [/node_modules\/express\//, 'express: on Start'],
  [/node_modules\/localtunnel\//, 'localtunnel: on Start'],
  [/^src\/core\/session\.ts$/, 'the session: on Start'],
  [/^src\/core\/receiver\.ts$/, 'the receiver: on Start'],
  [/^src\/core\/tunnel\/(supervisor|localtunnelFactory|cloudflared)\.ts$/, 'the tunnel: on Start'],
  [/^src\/core\/verification\.ts$/, 'the verifier: on Start or the first re-verification'],
  [/^src\/core\/codegen\//, 'codegen: on its first command'],
  [/^src\/vscode\/commands\/codegen\.ts$/, 'codegen: on its first command'],
  [/^src\/core\/replay\//, 'replay: on its first command or scenario file'],
  [/^src\/vscode\/replay\/replayCommands\.ts$/, 'replay: on its first command or scenario file'],
  [/^src\/core\/routes\/(discover|lexer|scan)\.ts$/, 'route discovery: on first use'],
  [/^src\/vscode\/routes\/(discovery|routeScanner|routeLens|routeCommands)\.ts$/, 'route discovery: on first use'],
  [/^src\/core\/agents\/tools\.ts$/, 'the agent tools: on the first tool call'],
];

describe('activation loads only what it needs', () => {
  let closure: Map<string, string[]>;
  let outputs: string[];

  before(async () => {
    const mod = (await import(pathToFileURL(path.join(root, 'scripts', 'extensionBuild.mjs')).href)) as ExtensionBuild;
    const options = mod.extensionBuildOptions(mod.commonOptions({ production: true }));
    // In memory: no plugin, so nothing is converted or written.
    const result = await esbuild.build({ ...options, absWorkingDir: root, plugins: [], write: false, metafile: true, logLevel: 'silent' });
    closure = mod.activationClosure(result.metafile);
    outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
  });

  test('the lazily loaded features are chunks outside the activation closure', () => {
    const loaded = [...closure.values()].flat();
    for (const [re, where] of LATER) {
      const hits = loaded.filter((input) => re.test(input));
      assert.deepEqual(hits, [], `${where}, yet activation loads ${hits.join(', ')}`);
    }
  });

  test('the closure is the entry and chunks, and the lazy code went into other chunks', () => {
    assert.ok([...closure.keys()].includes('dist/extension.js'), `the entry is dist/extension.js: ${[...closure.keys()].join(', ')}`);
    for (const file of closure.keys()) {
      assert.match(file, /^dist\/(extension\.js|chunks\/[\w-]+\.js)$/);
    }
    const lazy = outputs.filter((f) => !closure.has(f));
    assert.ok(lazy.length >= 5, `lazy chunks exist: ${lazy.join(', ')}`);
  });
});
