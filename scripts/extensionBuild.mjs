// The esbuild options of every bundle, and how dist/extension.js and its chunks are built (used by
// scripts/build.mjs and by the unit test that checks what activation loads).
//
// The extension is split: dist/extension.js holds what activation needs; every `import()` in src/
// becomes a file of its own in dist/chunks/ that loads on first use (the receiver with express and
// localtunnel on Start, codegen, replay, route discovery, the agent tools…), and code that two of them
// share goes into a shared chunk. esbuild splits only ES modules, and VS Code loads extensions as
// CommonJS, so the bundle is built as ESM with splitting (in memory) and each file is then converted to
// CommonJS: `import()` becomes `require()`, and the source maps are chained back to src/.
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Options every bundle shares.
 * @param {{ production: boolean }} o
 * @returns {import('esbuild').BuildOptions}
 */
export function commonOptions({ production }) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
    legalComments: 'none',
    // Only express's body parsers use iconv-lite, and the receiver never uses them; only localtunnel's
    // own handshake uses axios, and ours replaces it (see the stubs).
    alias: {
      'iconv-lite': fileURLToPath(new URL('./stubs/iconv-lite.cjs', import.meta.url)),
      axios: fileURLToPath(new URL('./stubs/axios.cjs', import.meta.url)),
    },
  };
}

/** The folder (under dist/) of the lazily loaded chunks; .vscodeignore ships it. */
export const CHUNKS_DIR = 'chunks';

/**
 * esbuild options for the extension. `common` is build.mjs's shared options (platform, target, minify,
 * source maps, alias, define). With `write: false` and no plugin, `esbuild.build` returns the ESM
 * output and its metafile without writing anything (the packaging test reads what activation loads).
 * @param {import('esbuild').BuildOptions} common
 * @returns {import('esbuild').BuildOptions}
 */
export function extensionBuildOptions(common) {
  return {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    external: ['vscode'],
    write: false,
    metafile: true,
    plugins: [esmToCommonJs(common)],
  };
}

/** Writes the ESM output of a split build as CommonJS files into `outdir` (see the top of this file). */
function esmToCommonJs(common) {
  return {
    name: 'esm-to-commonjs',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length || !result.outputFiles) {
          return;
        }
        const outdir = path.resolve(build.initialOptions.absWorkingDir ?? process.cwd(), build.initialOptions.outdir);
        // Beside outdir, so that the ESM files' source map paths (relative to outdir) still reach src/.
        const stage = mkdtempSync(path.join(path.dirname(outdir), '.esm-stage-'));
        try {
          const chunks = [];
          let entry = '';
          for (const f of result.outputFiles) {
            const file = path.join(stage, path.relative(outdir, f.path));
            mkdirSync(path.dirname(file), { recursive: true });
            writeFileSync(file, f.contents);
            if (file.endsWith('.js')) {
              if (path.relative(outdir, f.path) === 'extension.js') {
                entry = file;
              } else {
                chunks.push(file);
              }
            }
          }
          // Chunks of an earlier build (other hashes) would pile up in watch mode.
          rmSync(path.join(outdir, CHUNKS_DIR), { recursive: true, force: true });
          const toCommonJs = {
            plugins: [vscodeByRequire],
            outdir,
            outbase: stage,
            format: 'cjs',
            platform: 'node',
            target: common.target,
            minify: common.minify,
            sourcemap: common.sourcemap,
            legalComments: 'none',
            logLevel: 'warning',
            // import() of a chunk becomes require(): VS Code's loader, which provides `vscode`, serves require().
            supported: { 'dynamic-import': false },
          };
          await Promise.all([
            esbuild.build({ ...toCommonJs, entryPoints: chunks, bundle: false }),
            // The entry takes in the chunks it imports at once, so that activation requires one file, not ten
            // (each require() costs a resolution in the extension host). Those modules are then also in
            // their chunks, a second copy the lazy code uses: they must hold no state (ids, stand-ins,
            // readers; the packaging test lists them). The chunks it import()s stay files of their own.
            esbuild.build({
              ...toCommonJs,
              entryPoints: [entry],
              bundle: true,
              external: ['vscode'],
              plugins: [
                vscodeByRequire,
                {
                  name: 'lazy-chunks-stay-external',
                  setup(b) {
                    b.onResolve({ filter: /^\./, namespace: 'file' }, (args) =>
                      args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
                    );
                  },
                },
              ],
            }),
          ]);
        } finally {
          rmSync(stage, { recursive: true, force: true });
        }
      });
    },
  };
}

/**
 * `import * as vscode from "vscode"` of the ESM stage as `const vscode = require("vscode")`. esbuild's CommonJS
 * form of a namespace import, `__toESM(require("vscode"))`, copies every property of the API object with
 * a getter, once per importing module: milliseconds of activation for nothing (src/ imports vscode only so).
 * @type {import('esbuild').Plugin}
 */
const vscodeByRequire = {
  name: 'vscode-by-require',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        /import\s*\*\s*as\s*([\w$]+)\s*from\s*"vscode"\s*;?/g,
        (_, name) => `const ${name} = require("vscode");`,
      ),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * What activation loads: the entry file and every chunk it imports statically (transitively), from a
 * metafile of the ESM build, as a map output file → its input files.
 * @param {import('esbuild').Metafile} metafile
 */
export function activationClosure(metafile) {
  const entry = Object.keys(metafile.outputs).find((f) => metafile.outputs[f].entryPoint === 'src/extension.ts');
  const seen = new Map();
  const visit = (file) => {
    if (seen.has(file)) {
      return;
    }
    const out = metafile.outputs[file];
    seen.set(file, Object.keys(out.inputs));
    for (const i of out.imports) {
      if (i.kind === 'import-statement' && !i.external) {
        visit(i.path);
      }
    }
  };
  visit(entry);
  return seen;
}
