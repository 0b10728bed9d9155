import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

// Activation must stay light: express is loaded on the receiver's first start, not on import.
test('importing the receiver does not load express; starting it does', () => {
  const root = path.resolve(__dirname, '..', '..', '..');
  const script = `
    const { mkdtempSync, rmSync } = require('node:fs');
    const os = require('node:os');
    const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/]express[\\\\/]/.test(k));
    (async () => {
      const { Receiver } = require('./src/core/receiver.ts');
      const { EventStore } = require('./src/core/store/index.ts');
      const before = loaded();
      const dir = mkdtempSync(os.tmpdir() + '/wi-lazy-');
      const store = await EventStore.open(dir, { maxEvents: 10 });
      const r = new Receiver({ store, port: 0 });
      await r.start();
      const after = loaded();
      await r.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      console.log(JSON.stringify({ before, after }));
    })();`;
  const out = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout.trim().split('\n').pop()!), { before: false, after: true });
});
