import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The stand-in's script (see its header for what real cloudflared output it mirrors), found from here
 * upwards: next to this file under tsx, or in test/support from the bundled extension-host tests.
 */
export const FAKE_CLOUDFLARED_SCRIPT = findScript(__dirname);

function findScript(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'fakeCloudflared.mjs'), path.join(dir, 'test', 'support', 'fakeCloudflared.mjs')]) {
      if (existsSync(candidate)) {
        return candidate;
      }
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`fakeCloudflared.mjs not found above ${from}`);
    }
  }
}

export interface FakeCloudflared {
  /** A folder holding an executable named `cloudflared`: put it first on PATH. */
  readonly dir: string;
  /** The executable's full path (for `cloudflaredPath`). */
  readonly bin: string;
  /** PATH with `dir` first. */
  readonly path: string;
  cleanup(): void;
}

/**
 * Writes a `cloudflared` executable that runs the stand-in with this Node, into a fresh temp folder.
 * `env` is baked in (for a process whose environment the test does not control, e.g. the extension host).
 */
export function installFakeCloudflared(env: Record<string, string> = {}): FakeCloudflared {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wi-fake-cloudflared-'));
  const bin = path.join(dir, 'cloudflared');
  const envLines = Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, '')}'\n`)
    .join('');
  writeFileSync(bin, `#!/bin/sh\n${envLines}exec "${process.execPath}" "${FAKE_CLOUDFLARED_SCRIPT}" "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    dir,
    bin,
    path: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
