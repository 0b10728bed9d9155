/**
 * A neutral core (#17): src/core names no VS Code command and no `webhookInspector.*` setting, and
 * speaks of no VS Code settings either. Errors carry a knob (core/knobs.ts) that each front door words.
 */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const CORE = path.join(__dirname, '..', '..', '..', 'src', 'core');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await sources(full)));
    } else if (entry.name.endsWith('.ts')) {
      out.push(full);
    }
  }
  return out;
}

test('src/core names no VS Code command, setting or window', async () => {
  const files = await sources(CORE);
  assert.ok(files.length > 100, `read ${files.length} files`);
  const offences: string[] = [];
  for (const file of files) {
    const lines = (await fsp.readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      // Code (`webhookInspector.x`), the command palette's category, and VS Code's own settings.
      if (/webhookInspector\.|Webhook Inspector: [A-Z]|\b(files|search)\.exclude\b|VS Code setting/.test(line)) {
        offences.push(`${path.relative(CORE, file)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offences, []);
});
