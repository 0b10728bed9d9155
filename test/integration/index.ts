import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The extension-host test runner: runs `<phase>.*.test.js` next to this file (phase from WI_TEST_PHASE). */
export async function run(): Promise<void> {
  const phase = process.env.WI_TEST_PHASE ?? 'session';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const files = fs.readdirSync(__dirname).filter((f) => f.startsWith(`${phase}.`) && f.endsWith('.test.js'));
  if (files.length === 0) {
    throw new Error(`No extension-host tests for phase "${phase}" in ${__dirname}.`);
  }
  for (const f of files.sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host tests failed.`)) : resolve()));
  });
}
