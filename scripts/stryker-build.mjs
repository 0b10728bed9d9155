// Stryker's build step (stryker.config.mjs `buildCommand`), run once in each sandbox after Stryker wrote the
// mutated sources: every .ts file under src/ and test/ is transpiled to a CommonJS .js file beside it
// (esbuild, no bundling, no type check). The test files then run with plain `node`, without tsx's start-up
// and on-the-fly transpiling in each of the thousands of test processes a run starts: about half the time
// per test file on this machine. Never run this in the working tree: it writes .js files next to the sources.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

if (!process.cwd().includes(`${path.sep}.stryker-tmp${path.sep}`)) {
  throw new Error('stryker-build.mjs writes .js files beside the sources: it runs only in a Stryker sandbox (.stryker-tmp).');
}

/** .ts files under `dir`, without declaration files and test fixtures (fixtures are data, run by other tools). */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return e.name === 'fixtures' ? [] : sources(p);
    }
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const entryPoints = [...sources('src'), ...sources('test')];
buildSync({ entryPoints, outdir: '.', outbase: '.', format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error' });
console.log(`stryker-build: ${entryPoints.length} files transpiled to CommonJS.`);
