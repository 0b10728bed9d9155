// The VSIX holds what the extension needs at run time and nothing else.
// Packages the extension (scripts/package.mjs --stage: production build + `vsce package` in a
// throw-away copy, so dist/ here is not touched), or checks WI_VSIX=<file.vsix> if set.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Zip, readZip } from '../../support/zip';

const root = path.resolve(__dirname, '..', '..', '..');
const MAX_BYTES = 2 * 1024 * 1024;

describe('VSIX package', () => {
  let vsix: string;
  let zip: Zip;
  let names: string[];
  let tmp: string | undefined;

  before(() => {
    if (process.env.WI_VSIX) {
      vsix = path.resolve(process.env.WI_VSIX);
    } else {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'wi-vsix-'));
      vsix = path.join(tmp, 'webhook-inspector.vsix');
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--stage', '--out', vsix], {
        cwd: root,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `packaging failed:\n${r.stdout}\n${r.stderr}`);
    }
    assert.ok(existsSync(vsix), `${vsix} exists`);
    zip = readZip(vsix);
    names = zip.entries.map((e) => e.name);
  });
  after(() => {
    if (tmp) {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('is under 2 MB', () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_BYTES, `VSIX is ${size} bytes, over ${MAX_BYTES}`);
  });

  test('has the bundles, the media and the manifest', () => {
    const expected = [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/cli.js',
      'extension/dist/mcp.js',
      'extension/media/icon.png',
      'extension/media/activitybar.svg',
    ];
    if (existsSync(path.join(root, 'src', 'webview', 'main.ts'))) {
      expected.push('extension/dist/webview.js');
    }
    // The codicon font, once the detail panel ships it.
    if (existsSync(path.join(root, 'media', 'codicon.ttf'))) {
      expected.push('extension/media/codicon.ttf');
    }
    for (const name of expected) {
      assert.ok(names.includes(name), `${name} is in the VSIX; it has:\n  ${names.join('\n  ')}`);
    }
  });

  test('has README, LICENSE and CHANGELOG', () => {
    // vsce renames them (readme.md, LICENSE.txt, changelog.md).
    for (const re of [/^extension\/readme\.md$/i, /^extension\/license(\.txt|\.md)?$/i, /^extension\/changelog\.md$/i]) {
      assert.ok(
        names.some((n) => re.test(n)),
        `an entry matches ${re}; the VSIX has:\n  ${names.join('\n  ')}`,
      );
    }
  });

  test('leaves out sources, tests, source maps, node_modules and the README screenshots', () => {
    const forbidden: [RegExp, string][] = [
      [/^extension\/src\//, 'src/'],
      [/^extension\/test\//, 'test/'],
      [/^extension\/out\//, 'out/'],
      [/\.map$/, 'source maps'],
      [/(^|\/)node_modules\//, 'node_modules'],
      [/^extension\/docs\//, 'docs/ (screenshots)'],
      [/^extension\/scripts\//, 'scripts/'],
      [/^extension\/test-results\//, 'test-results/'],
      [/\.vsix$/, 'other VSIX files'],
      [/\.ts$/, 'TypeScript sources'],
      [/(^|\/)\.(git|ci|vscode-test)(\/|$)/, 'dot folders'],
      [/(^|\/)\.vscode\//, '.vscode/ (launch.json, tasks.json: contributor setup)'],
    ];
    for (const [re, what] of forbidden) {
      const hits = names.filter((n) => re.test(n));
      assert.deepEqual(hits, [], `${what} must not be in the VSIX`);
    }
  });

  test('ships the production bundle: minified, without source map links', () => {
    for (const name of ['extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/mcp.js']) {
      const js = zip.read(name).toString('utf8');
      assert.ok(!js.includes('sourceMappingURL='), `${name} has no sourceMappingURL`);
      const lines = js.split('\n').length;
      assert.ok(lines < js.length / 500, `${name} looks minified (${lines} lines for ${js.length} characters)`);
    }
    assert.ok(zip.read('extension/dist/cli.js').toString('utf8').startsWith('#!/usr/bin/env node'), 'the CLI keeps its shebang');
  });

  test('ships every chunk the extension requires (dist/chunks/, loaded on first use), minified', () => {
    const chunkNames = names.filter((n) => /^extension\/dist\/chunks\/[^/]+\.js$/.test(n));
    assert.ok(chunkNames.length >= 5, `the VSIX has the chunks: ${chunkNames.join(', ')}`);
    let required = 0;
    for (const file of ['extension/dist/extension.js', ...chunkNames]) {
      const js = zip.read(file).toString('utf8');
      assert.ok(!js.includes('sourceMappingURL='), `${file} has no sourceMappingURL`);
      for (const m of js.matchAll(/require\("(\.\.?\/[^"]+)"\)/g)) {
        const target = path.posix.join(path.posix.dirname(file), m[1]!);
        assert.ok(names.includes(target), `${file} requires ${m[1]}, which is not in the VSIX`);
        required++;
      }
    }
    assert.ok(required >= chunkNames.length, `every chunk is required somewhere (${required} requires of ${chunkNames.length} chunks)`);
  });

  test('its package.json points at files that are in the VSIX', () => {
    const pkg = JSON.parse(zip.read('extension/package.json').toString('utf8')) as {
      main: string;
      icon: string;
      bin?: Record<string, string>;
      contributes?: { viewsContainers?: Record<string, { icon: string }[]>; views?: Record<string, { icon?: string }[]> };
    };
    const source = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const inVsix = (p: string) => names.includes(`extension/${path.posix.normalize(p)}`);
    assert.ok(inVsix(pkg.main.endsWith('.js') ? pkg.main : `${pkg.main}.js`), `main ${pkg.main} is in the VSIX`);
    assert.ok(pkg.icon.endsWith('.png') && inVsix(pkg.icon), `icon ${pkg.icon} is a PNG in the VSIX`);
    for (const bin of Object.values(pkg.bin ?? {})) {
      assert.ok(inVsix(bin), `bin ${bin} is in the VSIX`);
    }
    const icons = [...Object.values(pkg.contributes?.viewsContainers ?? {}).flat(), ...Object.values(pkg.contributes?.views ?? {}).flat()]
      .map((c) => c.icon)
      .filter((i): i is string => typeof i === 'string' && !i.startsWith('$('));
    for (const icon of icons) {
      assert.ok(inVsix(icon), `contributed icon ${icon} is in the VSIX`);
    }
    const walkthroughs =
      (pkg.contributes as { walkthroughs?: { steps: { media: Record<string, unknown> }[] }[] } | undefined)?.walkthroughs ?? [];
    const media = walkthroughs.flatMap((w) =>
      w.steps.flatMap((s) => Object.values(s.media).filter((m): m is string => typeof m === 'string')),
    );
    assert.ok(media.length >= 5, 'the walkthrough has its media');
    for (const m of media) {
      assert.ok(inVsix(m), `walkthrough media ${m} is in the VSIX`);
    }
    const manifest = zip.read('extension.vsixmanifest').toString('utf8');
    assert.match(manifest, new RegExp(`Version="${source.version.replace(/\./g, '\\.')}"`), 'the manifest has the package version');
  });

  test('the icon is a 128x128 PNG', () => {
    const png = zip.read('extension/media/icon.png');
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  test('.vscodeignore stays an allow-list', () => {
    const lines = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**', 'the first rule ignores everything');
    assert.ok(
      lines.slice(1).every((l) => l.startsWith('!')),
      `every later rule re-includes: ${lines.join(', ')}`,
    );
  });
});
