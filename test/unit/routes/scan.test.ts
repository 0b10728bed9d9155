import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { RouteIndex, scanFiles } from '../../../src/core/routes';
import type { Logger } from '../../../src/core/logger';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
  return { lines, trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } as Logger & {
    lines: string[];
  };
}

describe('the bounded workspace scan', () => {
  test('reads real files, fills the index, and reports what it found', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wi-scan-'));
    try {
      const files: string[] = [];
      for (let i = 0; i < 30; i++) {
        const f = path.join(dir, `f${i}.js`);
        writeFileSync(f, i % 3 === 0 ? `app.post('/hook/${i}', h);\n` : `const x = ${i};\n`);
        files.push(f);
      }
      files.push(path.join(dir, 'missing.js'));
      const index = new RouteIndex();
      const result = await scanFiles({ files, readFile: async (f) => readFileSync(f, 'utf8'), onFile: (f, r) => index.set(f, r) });
      assert.equal(result.scanned, 31, 'an unreadable file counts as scanned, without routes');
      assert.equal(result.routes, 10);
      assert.equal(result.cut, undefined);
      assert.equal(index.forPath('/hook/9').matches[0]?.file, path.join(dir, 'f9.js'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stops at maxFiles and says so in the log', async () => {
    const logger = recordingLogger();
    const files = Array.from({ length: 12 }, (_, i) => `f${i}.js`);
    const read: string[] = [];
    const result = await scanFiles({ files, maxFiles: 10, logger, readFile: async (f) => (read.push(f), `app.post('/${f}', h)`) });
    assert.equal(result.cut, 'files');
    assert.equal(result.scanned, 10);
    assert.equal(read.length, 10);
    assert.ok(
      logger.lines.some((l) => l.startsWith('warn Route scan stopped at 10 files')),
      logger.lines.join('\n'),
    );
    // The core names no setting: the front door words the knob (VS Code: routes.maxFiles).
    assert.doesNotMatch(result.message ?? '', /webhookInspector|files\.exclude/);
    const worded = await scanFiles({
      files,
      maxFiles: 10,
      wording: ({ knob }) => `[${knob}]`,
      readFile: async (f) => `app.post('/${f}', h)`,
    });
    assert.match(worded.message ?? '', /not shown\. \[routeScanLimit\]$/);
  });

  test('stops when its time budget is spent (injected clock) and says so', async () => {
    let clock = 0;
    const logger = recordingLogger();
    const files = Array.from({ length: 100 }, (_, i) => `f${i}.js`);
    const result = await scanFiles({
      files,
      concurrency: 1,
      timeBudgetMs: 50,
      now: () => clock,
      logger,
      readFile: async () => {
        clock += 10;
        return "app.post('/x', h)";
      },
    });
    assert.equal(result.cut, 'time');
    assert.ok(result.scanned < 100 && result.scanned >= 5, `scanned ${result.scanned}`);
    assert.ok(logger.lines.some((l) => l.includes('stopped after')));
  });

  test('yields to the event loop whenever a synchronous slice reaches sliceMs', async () => {
    let clock = 0;
    let yields = 0;
    const files = Array.from({ length: 20 }, (_, i) => `f${i}.js`);
    const result = await scanFiles({
      files,
      concurrency: 10,
      sliceMs: 8,
      now: () => clock,
      yieldNow: async () => {
        yields++;
      },
      readFile: async () => "app.post('/x', h)",
      onFile: () => {
        clock += 5; // each file "costs" 5 ms of synchronous work
      },
    });
    assert.equal(result.scanned, 20);
    assert.equal(yields, 10, 'one yield every second file');
    assert.ok(result.longestSliceMs <= 10, `longest slice ${result.longestSliceMs}`);
  });

  test('a cancelled scan stops', async () => {
    const abort = new AbortController();
    const files = Array.from({ length: 50 }, (_, i) => `f${i}.js`);
    let n = 0;
    const result = await scanFiles({ files, concurrency: 1, signal: abort.signal, readFile: async () => (++n === 5 && abort.abort(), '') });
    assert.equal(result.cut, 'cancelled');
    assert.equal(result.scanned, 5);
  });
});
