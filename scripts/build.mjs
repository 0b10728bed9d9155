// Bundles the extension, the CLI (and, with --tests, the extension-host tests) with esbuild.
//   node scripts/build.mjs [--watch] [--tests] [--production]
import * as esbuild from 'esbuild';
import { commonOptions, extensionBuildOptions } from './extensionBuild.mjs';
import { rmSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const common = commonOptions({ production });

const builds = [
  // dist/extension.js, and dist/chunks/ for what loads on first use (see extensionBuild.mjs).
  extensionBuildOptions(common),
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The MCP server (`webhook-inspector mcp`): the SDK and zod in a bundle of their own, which only that
  // command loads (cli.js requires it by path), so listen and the extension never pay for them.
  { ...common, entryPoints: ['src/cli/mcpServer.ts'], outfile: 'dist/mcp.js' },
  // The event detail webview: a browser bundle; node built-ins fail the build.
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];
if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  builds.push({
    ...common,
    entryPoints: ['test/integration/index.ts', 'test/integration/**/*.test.ts'],
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
  });
}

if (args.has('--watch')) {
  // One "started" when the first bundle starts, one "finished" when the last ends: the markers the
  // background problem matcher of .vscode/tasks.json waits for (F5 launches after "finished").
  let running = 0;
  let errors = 0;
  const markers = {
    name: 'watch-markers',
    setup(build) {
      build.onStart(() => {
        if (running++ === 0) {
          errors = 0;
          console.log('[watch] build started');
        }
      });
      build.onEnd((result) => {
        errors += result.errors.length;
        if (--running === 0) {
          console.log(`[watch] build finished${errors ? ` with ${errors} error(s)` : ''}`);
        }
      });
    },
  };
  for (const b of builds) {
    const ctx = await esbuild.context({ ...b, plugins: [...(b.plugins ?? []), markers] });
    await ctx.watch();
  }
  console.log('watching src/ …');
} else {
  rmSync('dist', { recursive: true, force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
