// `npm run dev`: opens the extension in a real VS Code.
// - With a `code` executable on PATH: `code --extensionDevelopmentPath=<repo> [folder]` after a
//   (development) build, so breakpoints and source maps work; `npm run watch` keeps it rebuilt.
// - Otherwise: the browser workbench (code-server from the shared VS Code harness) on 127.0.0.1 with
//   a freshly packaged VSIX installed; prints the address to open. Ctrl-C stops it.
//   node scripts/dev.mjs [folder] [--port N] [--web]      (--web: use code-server even if `code` exists)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1] === '--port'));
const folder = positional[0] ? path.resolve(positional[0]) : undefined;

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

if (onPath('code') && !flag('--web')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
  const args = [`--extensionDevelopmentPath=${root}`, ...(folder ? [folder] : [])];
  console.log(`code ${args.join(' ')}`);
  const code = spawn('code', args, { stdio: 'inherit' });
  code.on('exit', (c) => process.exit(c ?? 0));
} else {
  const harnessLib = path.join(root, '..', 'shared', 'vscode-harness', 'lib.mjs');
  if (!fs.existsSync(harnessLib)) {
    console.error(
      `No \`code\` on PATH and no VS Code harness at ${harnessLib}.\nInstall VS Code, or put the shared folder beside the repository and run its install.sh.`,
    );
    process.exit(1);
  }
  if (option('--port')) {
    process.env.VSH_PORT = option('--port');
  }
  const harness = await import(pathToFileURL(harnessLib).href);
  const run = harness.makeRunDir('wi-dev');
  const vsix = path.join(run.dir, 'webhook-inspector.vsix');
  const pack = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--stage', '--out', vsix], {
    cwd: root,
    stdio: 'inherit',
  });
  if (pack.status !== 0) {
    process.exit(pack.status ?? 1);
  }
  await harness.installVsix(run, vsix);
  const workspace = folder ?? path.join(run.dir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const server = await harness.startCodeServer(run, { folder: workspace });
  console.log(
    `\nWebhook Inspector ${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version} in VS Code (code-server), from the packaged VSIX:`,
  );
  console.log(`\n  open ${server.url}/?folder=${encodeURIComponent(workspace)}\n`);
  console.log(
    `Listening on 127.0.0.1 only. Profile and logs: ${run.dir}\nCtrl-C stops it. After a change, stop and run \`npm run dev\` again (it repackages).`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nstopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.proc.on('exit', (c) => {
    if (!stopping) {
      console.error(`code-server exited (${c}); see ${server.logFile}`);
      process.exit(1);
    }
  });
}
