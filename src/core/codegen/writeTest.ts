import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { generateTest, dependenciesOf, type GeneratedTest, type TestGenInput } from './testgen';

/** The nearest package.json at or above `dir`, with its text, or undefined. */
export async function findPackageJson(dir: string): Promise<{ file: string; text: string } | undefined> {
  for (let d = path.resolve(dir); ;) {
    const file = path.join(d, 'package.json');
    try {
      return { file, text: await fsp.readFile(file, 'utf8') };
    } catch {
      // Not here: look one folder up.
    }
    const up = path.dirname(d);
    if (up === d) {
      return undefined;
    }
    d = up;
  }
}

/** The dependencies of the project that `dir` belongs to (nearest package.json upwards). */
export async function projectDependencies(dir: string): Promise<Set<string>> {
  return dependenciesOf((await findPackageJson(dir))?.text);
}

export interface WrittenTest extends GeneratedTest {
  readonly testPath: string;
  readonly bodyPath: string;
}

/**
 * Generates the test and writes it with its body fixture into `outDir` (created when missing).
 * Existing files are never overwritten: the names get a `-2`, `-3`, … suffix instead.
 */
export async function writeTest(outDir: string, input: Omit<TestGenInput, 'taken'>): Promise<WrittenTest> {
  await fsp.mkdir(outDir, { recursive: true });
  const taken = new Set(await fsp.readdir(outDir));
  const gen = generateTest({ ...input, taken });
  const bodyPath = path.join(outDir, gen.bodyFile);
  const testPath = path.join(outDir, gen.testFile);
  await fsp.writeFile(bodyPath, gen.body, { flag: 'wx' });
  try {
    await fsp.writeFile(testPath, gen.testText, { flag: 'wx' });
  } catch (err) {
    await fsp.rm(bodyPath, { force: true });
    throw err;
  }
  return { ...gen, testPath, bodyPath };
}
