// F5 for a contributor: .vscode/launch.json's "Run Extension" and "Extension Tests" launch after a task
// that .vscode/tasks.json defines, that task runs scripts that exist, and the default build task's
// background problem matcher sees the start and end markers the watch build really prints (a
// pattern that never matches leaves F5 waiting forever). The files are JSONC: read with TypeScript's
// own JSON-with-comments parser. (The VSIX test checks that .vscode/ is not packaged.)
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');

interface Task {
  label?: string;
  type: string;
  script?: string;
  command?: string;
  isBackground?: boolean;
  group?: string | { kind: string; isDefault?: boolean };
  problemMatcher?: { background?: { beginsPattern: string; endsPattern: string } } | unknown[];
}
interface LaunchConfig {
  name: string;
  type: string;
  request: string;
  args?: string[];
  outFiles?: string[];
  preLaunchTask?: string;
}

function readJsonc<T>(rel: string): T {
  const file = path.join(root, rel);
  const { config, error } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  assert.equal(error, undefined, `${rel} parses: ${error ? ts.flattenDiagnosticMessageText(error.messageText, '\n') : ''}`);
  return config as T;
}

const launch = readJsonc<{ configurations: LaunchConfig[] }>('.vscode/launch.json');
const { tasks } = readJsonc<{ tasks: Task[] }>('.vscode/tasks.json');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
};

/** The task a preLaunchTask names: `${defaultBuildTask}`, or a label (npm tasks answer to "npm: <script>" too). */
function taskFor(name: string): Task | undefined {
  if (name === '${defaultBuildTask}') {
    const defaults = tasks.filter((t) => typeof t.group === 'object' && t.group.kind === 'build' && t.group.isDefault);
    assert.equal(defaults.length, 1, 'exactly one default build task');
    return defaults[0];
  }
  return tasks.find((t) => t.label === name || (t.type === 'npm' && `npm: ${t.script}` === name));
}

/** The files a task runs: an npm script, or a `node <file>` shell command. */
function checkTaskRuns(task: Task, where: string): void {
  if (task.type === 'npm') {
    assert.ok(task.script && pkg.scripts[task.script], `${where}: npm script "${task.script}" is in package.json`);
    for (const m of pkg.scripts[task.script].matchAll(/\bnode (\S+\.m?js)/g)) {
      assert.ok(existsSync(path.join(root, m[1]!)), `${where}: ${m[1]} (from npm run ${task.script}) exists`);
    }
  } else {
    assert.equal(task.type, 'shell', `${where}: an npm or shell task`);
    const m = /^node (\S+\.m?js)\b/.exec(task.command ?? '');
    assert.ok(m, `${where}: runs a node script (${task.command})`);
    assert.ok(existsSync(path.join(root, m[1]!)), `${where}: ${m[1]} exists`);
  }
}

function config(name: string): LaunchConfig {
  const c = launch.configurations.find((x) => x.name === name);
  assert.ok(c, `launch.json has "${name}": ${launch.configurations.map((x) => x.name).join(', ')}`);
  return c;
}

describe('F5: .vscode/launch.json and tasks.json', () => {
  test('"Run Extension" is an extensionHost launch of this folder after the default build task (npm run watch)', () => {
    const run = config('Run Extension');
    assert.deepEqual([run.type, run.request], ['extensionHost', 'launch']);
    assert.ok(run.args?.includes('--extensionDevelopmentPath=${workspaceFolder}'), JSON.stringify(run.args));
    assert.ok(run.preLaunchTask, 'it builds first');
    const task = taskFor(run.preLaunchTask);
    assert.ok(task, `its preLaunchTask "${run.preLaunchTask}" is in tasks.json`);
    checkTaskRuns(task, 'Run Extension');
    assert.equal(task.script, 'watch', 'the default build task is the watch build');
    assert.equal(task.isBackground, true, 'a watch task runs in the background');
    // outFiles covers package.json's main, so breakpoints in src/ bind through the source maps.
    assert.ok(
      run.outFiles?.some((g) => g.startsWith('${workspaceFolder}/dist/') && pkg.main.replace(/^\.\//, '').startsWith('dist/')),
      `outFiles ${JSON.stringify(run.outFiles)} cover main ${pkg.main}`,
    );
  });

  test('"Extension Tests" builds the tests first and loads the test index that build writes', () => {
    const tests = config('Extension Tests');
    assert.deepEqual([tests.type, tests.request], ['extensionHost', 'launch']);
    assert.ok(tests.preLaunchTask, 'it builds first');
    const task = taskFor(tests.preLaunchTask);
    assert.ok(task, `its preLaunchTask "${tests.preLaunchTask}" is in tasks.json`);
    checkTaskRuns(task, 'Extension Tests');
    assert.match(task.command ?? pkg.scripts[task.script ?? ''] ?? '', /--tests\b/, 'the task builds the extension-host tests');
    const testsPath = tests.args?.find((a) => a.startsWith('--extensionTestsPath='));
    assert.ok(testsPath, `it names the tests: ${JSON.stringify(tests.args)}`);
    // scripts/build.mjs --tests bundles test/integration/index.ts into out/test/integration/index.js.
    const rel = testsPath.slice('--extensionTestsPath=${workspaceFolder}/'.length);
    assert.equal(rel, 'out/test/integration/index', 'the index the --tests build writes');
    assert.ok(existsSync(path.join(root, 'test', 'integration', 'index.ts')), 'test/integration/index.ts exists');
    assert.match(readFileSync(path.join(root, 'scripts', 'build.mjs'), 'utf8'), /outdir: 'out\/test\/integration'/);
  });

  test("README's Install installs the file `npm run package` writes (code --install-extension, or Install from VSIX…)", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const install = /^### Install\n([\s\S]*?)\n### /m.exec(readme)?.[1] ?? '';
    assert.ok(readme.indexOf('### Install') < readme.indexOf('## Features'), 'Install is on the first screen, before Features');
    const vsix = /code --install-extension (\S+\.vsix)/.exec(install)?.[1];
    assert.ok(vsix, `Install names the VSIX to install:\n${install}`);
    assert.match(install, /npm ci && npm run package/);
    assert.match(install, /Extensions: Install from VSIX…/);
    // npm run package → scripts/package.mjs, whose default output is <repository>/<that name>.
    assert.match(pkg.scripts.package!, /^node scripts\/package\.mjs$/);
    const packager = readFileSync(path.join(root, 'scripts', 'package.mjs'), 'utf8');
    assert.ok(packager.includes(`path.join(root, '${vsix}')`), `scripts/package.mjs writes ${vsix} into the folder by default`);
  });

  test('extensions.json recommends the ESLint extension', () => {
    const ext = readJsonc<{ recommendations: string[] }>('.vscode/extensions.json');
    assert.ok(ext.recommendations.includes('dbaeumer.vscode-eslint'));
  });

  describe('the watch build, run for real', () => {
    let dir: string | undefined;
    let child: ChildProcess | undefined;
    after(() => {
      child?.kill();
      if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('prints the begin and end markers the default build task waits for, and writes package.json main', async () => {
      const task = taskFor('${defaultBuildTask}')!;
      const bg = (task.problemMatcher as { background?: { beginsPattern: string; endsPattern: string } }).background;
      assert.ok(bg, 'the background task has begin/end patterns');
      // A copy of the sources in a temporary folder (node_modules linked), so the dist/ other tests read is
      // not rewritten under them.
      dir = mkdtempSync(path.join(os.tmpdir(), 'wi-f5-watch-'));
      for (const p of ['src', 'scripts', 'package.json', 'tsconfig.json']) {
        cpSync(path.join(root, p), path.join(dir, p), { recursive: true });
      }
      symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const [cmd, ...args] = pkg.scripts[task.script!]!.split(' ');
      assert.equal(cmd, 'node');
      child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      const begins = new RegExp(bg.beginsPattern);
      const ends = new RegExp(bg.endsPattern);
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        const onData = (c: Buffer) => {
          buf += c.toString('utf8');
          const parts = buf.split('\n');
          buf = parts.pop()!;
          lines.push(...parts);
          if (lines.some((l) => begins.test(l)) && lines.some((l) => ends.test(l))) {
            resolve();
          }
        };
        child!.stdout!.on('data', onData);
        child!.stderr!.on('data', onData);
        child!.on('exit', (code) =>
          reject(new Error(`the watch build exited (${code}) before its end marker:\n${lines.join('\n')}${buf}`)),
        );
        // Only so that a pattern that never matches fails instead of hanging the run (F5 would hang the same way).
        setTimeout(() => reject(new Error(`no line matched ${ends} within 120 s:\n${lines.join('\n')}${buf}`)), 120_000).unref();
      }).finally(() => child?.kill());
      const first = lines.findIndex((l) => begins.test(l));
      const last = lines.findIndex((l) => ends.test(l));
      assert.ok(first >= 0 && first < last, `"build started" comes before "build finished": ${JSON.stringify(lines)}`);
      assert.ok(!/error/.test(lines[last]!), `a clean build: ${lines[last]}`);
      assert.ok(existsSync(path.join(dir, pkg.main)), `${pkg.main} is written when the end marker shows (F5 launches then)`);
    });
  });
});
