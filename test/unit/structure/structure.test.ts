/**
 * The structure rules of #17 over the real src/: no import cycle (relative imports of every file, read
 * with TypeScript's parser, `import type` included) and no file over 450 lines. The files in
 * allowList.ts are tolerated until their splits land. The checks themselves are tested on a small tree
 * written to a temp folder, so they are seen to fail.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { STRUCTURE_ALLOW_LIST } from './allowList';
import { findCycles, importGraph, lineCount, sourceFiles, specifiersOf } from './sourceGraph';

const SRC = path.resolve(__dirname, '../../../src');
const MAX_LINES = 450;

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

/** Files over the limit, as `name (N lines)`. */
function oversized(root: string): string[] {
  return sourceFiles(root)
    .map((f) => ({ name: rel(root, f), lines: lineCount(readFileSync(f, 'utf8')) }))
    .filter((f) => f.lines > MAX_LINES)
    .map((f) => `${f.name} (${f.lines} lines)`);
}

/** Each cycle as `a.ts → b.ts → a.ts` (plus the other files of its component, if any), and all its files. */
function cycles(root: string): Array<{ text: string; files: string[] }> {
  return findCycles(importGraph(root)).map((c) => {
    const files = c.files.map((f) => rel(root, f));
    const path = c.cycle.map((f) => rel(root, f));
    const others = files.filter((f) => !path.includes(f));
    return { text: path.join(' → ') + (others.length ? ` (the cycle also runs through ${others.join(', ')})` : ''), files };
  });
}

const allowed = (name: string) => STRUCTURE_ALLOW_LIST.includes(name.replace(/ \(\d+ lines\)$/, ''));

describe('structure of src/', () => {
  it('has no import cycle (besides files on the allow-list)', () => {
    const found = cycles(SRC).filter((c) => !c.files.some(allowed));
    assert.deepEqual(
      found.map((c) => c.text),
      [],
      `import cycles in src/:\n${found.map((c) => `  ${c.text}`).join('\n')}`,
    );
  });

  it(`has no file over ${MAX_LINES} lines (besides files on the allow-list)`, () => {
    const offenders = oversized(SRC).filter((f) => !allowed(f));
    assert.deepEqual(
      offenders,
      [],
      `files over ${MAX_LINES} lines in src/ (split them along their concerns):\n  ${offenders.join('\n  ')}`,
    );
  });

  it('the allow-list names only files that still need it', () => {
    const big = new Set(oversized(SRC).map((f) => f.replace(/ \(\d+ lines\)$/, '')));
    const onCycle = new Set(cycles(SRC).flatMap((c) => c.files));
    const stale = STRUCTURE_ALLOW_LIST.filter((name) => !big.has(name) && !onCycle.has(name));
    assert.deepEqual(stale, [], `remove from test/unit/structure/allowList.ts (split done): ${stale.join(', ')}`);
  });
});

describe('the structure checks', () => {
  const write = (root: string, files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), text);
    }
  };

  it('name a cycle, through type imports, re-exports, index files and dynamic imports', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wi-structure-'));
    try {
      write(root, {
        'a.ts': "import type { B } from './b';\nexport const a = 1;\n",
        'b.ts': "export { c } from './lib';\nexport type B = number;\n",
        'lib/index.ts': "export const c = async () => (await import('../a')).a;\n",
        'd.ts': "import { a } from './a';\nimport express from 'express';\nexport const d = [a, express];\n",
        'e.ts': "import { f } from './f';\nexport const e = f;\n",
        'f.ts': "import { e } from './e';\nimport { a } from './a';\nexport const f = [e, a];\n",
        'self.ts': "import './self';\n",
      });
      assert.deepEqual(
        cycles(root).map((c) => c.text),
        ['a.ts → b.ts → lib/index.ts → a.ts', 'e.ts → f.ts → e.ts', 'self.ts → self.ts'],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('find no cycle in a tree without one', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wi-structure-'));
    try {
      write(root, { 'a.ts': "import { b } from './b';\nexport const a = b;\n", 'b.ts': 'export const b = 1;\n' });
      assert.deepEqual(cycles(root), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('list the files over the limit with their line counts', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wi-structure-'));
    try {
      write(root, {
        'ok.ts': 'x\n'.repeat(MAX_LINES),
        'big/over.ts': 'x\n'.repeat(MAX_LINES + 1),
        'noNewline.ts': `${'x\n'.repeat(MAX_LINES)}x`,
      });
      assert.deepEqual(oversized(root), [`big/over.ts (${MAX_LINES + 1} lines)`, `noNewline.ts (${MAX_LINES + 1} lines)`]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('read every kind of module reference', () => {
    const text = [
      "import a from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "import e = require('./e');",
      "type F = import('./f').F;",
      "const g = import('./g');",
      "const h = require('./h');", // a plain call: not a module reference TypeScript knows statically
    ].join('\n');
    assert.deepEqual(specifiersOf('x.ts', text), ['./a', './b', './c', './e', './f', './g']);
  });
});
