import { createHmac } from 'node:crypto';

/** The signing secret of the bench's GitHub-style requests (used when verification is switched on). */
export const BENCH_SECRET = 'bench-secret-0123456789';

/** A JSON object of exactly `size` bytes (UTF-8), shaped like a GitHub `push` delivery. */
export function jsonBody(size = 1024, seq = 0, needle?: string): Buffer {
  const base = {
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5',
    seq,
    repository: { id: 186853002, full_name: 'octo-org/octo-repo', private: false },
    pusher: { name: 'octocat', email: 'octocat@github.com' },
    head_commit: { id: '59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5', message: needle ? `fix: ${needle}` : 'Update README.md' },
    pad: '',
  };
  const without = Buffer.byteLength(JSON.stringify(base));
  if (without > size) {
    throw new Error(`jsonBody: ${size} bytes is too small`);
  }
  base.pad = 'x'.repeat(size - without);
  const out = Buffer.from(JSON.stringify(base));
  if (out.length !== size) {
    throw new Error('jsonBody: size mismatch');
  }
  return out;
}

/** Headers of a GitHub delivery for `body`, signed with BENCH_SECRET (x-hub-signature-256). */
export function githubHeaders(body: Uint8Array, delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': 'push',
    'x-github-delivery': delivery,
    'x-github-hook-id': '292430182',
    'x-github-hook-installation-target-id': '79929171',
    'x-github-hook-installation-target-type': 'repository',
    'x-hub-signature': `sha1=${createHmac('sha1', BENCH_SECRET).update(body).digest('hex')}`,
    'x-hub-signature-256': `sha256=${createHmac('sha256', BENCH_SECRET).update(body).digest('hex')}`,
    accept: '*/*',
  };
}

/** The request every throughput and burst run sends: a 1 KB JSON POST to /webhooks/github. */
export const WORKLOAD = (() => {
  const body = jsonBody(1024);
  return { method: 'POST' as const, path: '/webhooks/github', body, headers: githubHeaders(body) };
})();
