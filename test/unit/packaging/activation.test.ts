// What activation loads: dist/extension.js and the chunks it requires at once. The composition (the
// services, the commands, the store, forwarding and the signature tables), the receiver (express,
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
  // Activation registers stand-ins only; the composition and all it builds load on first use (the view
  // opened, a command, a restored panel, a tool call).
  [/^src\/vscode\/composition\.ts$/, 'the composition: on first use'],
  [/^src\/core\/signatures\//, 'the signature tables: on Start, a verification or a resend'],
  [/^src\/core\/forward\/(?!target\.ts$)/, 'forwarding: on first use'],
  [/^src\/vscode\/forwarding\//, 'the forwarding service: on first use'],
  [/^src\/core\/export\//, 'export and import: on first use'],
  [/^src\/core\/store\//, 'the event store: when the view opens or on first use'],
  [/^src\/core\/detail\//, 'the detail panel: on first use'],
  [/^src\/vscode\/detailPanel\//, 'the detail panel: on first use'],
  [/^src\/vscode\/commands\/(?!guarded\.ts$)/, 'the commands: on first use (activation registers stand-ins)'],
  [/^src\/vscode\/(eventsTree|receiverController|secrets|contextKeys|bodyDocuments|editableCopies)\.ts$/, 'the services: on first use'],
  [/^src\/vscode\/agents\/register\.ts$/, 'the agent providers: on the first tool call or MCP request'],
];

/**
 * What activation may require, in bytes of the production build (the entry and the chunks it imports at
 * once): stand-ins, the status bar and the MCP server definition fit in well under this (18.5 kB when it was set); a static import of a
 * service or a table would pass it.
 */
const ACTIVATION_BYTES_BUDGET = 24_000;

/**
 * The modules activation shares with the lazy chunks. The build bundles them into dist/extension.js (one
 * file to require) and they stay in their chunks for the lazy code: two copies, so they must hold no module
 * state (a cache, a registry, a counter). Add one here only when that holds.
 */
const COPIED_INTO_ENTRY = new Set([
  'src/core/agents/mcpConfig.ts',
  'src/core/forward/target.ts',
  'src/core/lifecycle.ts',
  'src/core/receiverDefaults.ts',
  'src/core/routes/sourceGlob.ts',
  'src/core/tunnel/types.ts',
  'src/vscode/agents/names.ts',
  'src/vscode/commands/guarded.ts',
  'src/vscode/lazy.ts',
  'src/vscode/mcpServer.ts',
  'src/vscode/replay/replayIds.ts',
  'src/vscode/settings.ts',
  'src/vscode/shellIds.ts',
  'src/vscode/stateKeys.ts',
]);

describe('activation loads only what it needs', () => {
  let closure: Map<string, string[]>;
  let outputs: string[];
  let bytes: (file: string) => number;

  before(async () => {
    const mod = (await import(pathToFileURL(path.join(root, 'scripts', 'extensionBuild.mjs')).href)) as ExtensionBuild;
    const options = mod.extensionBuildOptions(mod.commonOptions({ production: true }));
    // In memory: no plugin, so nothing is converted or written.
    const result = await esbuild.build({ ...options, absWorkingDir: root, plugins: [], write: false, metafile: true, logLevel: 'silent' });
    closure = mod.activationClosure(result.metafile);
    outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
    bytes = (file) => result.metafile.outputs[file]!.bytes;
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

  test('what activation requires stays within its byte budget', () => {
    const files = [...closure.keys()];
    const total = files.reduce((sum, f) => sum + bytes(f), 0);
    assert.ok(
      total <= ACTIVATION_BYTES_BUDGET,
      `activation requires ${total} bytes (budget ${ACTIVATION_BYTES_BUDGET}): ${files.map((f) => `${f} ${bytes(f)} (${closure.get(f)!.join(', ')})`).join('; ')}`,
    );
  });

  test('the modules copied into the entry are the known stateless ones', () => {
    const shared = [...closure].filter(([file]) => file !== 'dist/extension.js').flatMap(([, inputs]) => inputs);
    const unknown = shared.filter((input) => !COPIED_INTO_ENTRY.has(input));
    assert.deepEqual(unknown, [], `activation shares these with the lazy chunks (two copies at run time): ${unknown.join(', ')}`);
  });
});
