// The log files of a run: the extension hosts' own logs and the extension's log channel (one folder per window session).
import fs from 'node:fs';
import path from 'node:path';

export const EXTENSION_ID = 'webhook-inspector.webhook-inspector';

/** Every log file of the extension hosts of this run (one folder per window session). */
function logFiles(t, test) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (test(p)) {
        out.push(p);
      }
    }
  };
  walk(path.join(t.run.userDataDir, 'logs'));
  return out.sort();
}

export function exthostLog(t) {
  return logFiles(t, (p) => /exthost\d*[/\\][^/\\]*exthost\.log$/i.test(p))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

export function extensionLog(t) {
  return logFiles(t, (p) => p.includes(`${path.sep}${EXTENSION_ID}${path.sep}`))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}
