import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The stand-in's script (see its header for what real cloudflared output it mirrors). */
export const FAKE_CLOUDFLARED_SCRIPT = path.resolve(__dirname, 'fakeCloudflared.mjs');

export interface FakeCloudflared {
  /** A folder holding an executable named `cloudflared`: put it first on PATH. */
  readonly dir: string;
  /** The executable's full path (for `cloudflaredPath`). */
  readonly bin: string;
  /** PATH with `dir` first. */
  readonly path: string;
  cleanup(): void;
}

/** Writes a `cloudflared` executable that runs the stand-in with this Node, into a fresh temp folder. */
export function installFakeCloudflared(): FakeCloudflared {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wi-fake-cloudflared-'));
  const bin = path.join(dir, 'cloudflared');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_CLOUDFLARED_SCRIPT}" "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    dir,
    bin,
    path: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
