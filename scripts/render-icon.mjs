// Renders media/icon.svg to media/icon.png (128x128, transparent corners) with headless Chromium.
//   node scripts/render-icon.mjs [in.svg] [out.png] [size]
// Uses the playwright-core and Chromium of the shared VS Code harness (../shared/vscode-harness,
// installed by its install.sh): no browser download.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { CHROMIUM, loadPlaywright } = await import(pathToFileURL(path.join(root, '..', 'shared', 'vscode-harness', 'lib.mjs')).href);

const [input = 'media/icon.svg', output = 'media/icon.png', sizeArg = '128'] = process.argv.slice(2);
const size = Number(sizeArg);
const svg = readFileSync(path.resolve(root, input), 'utf8');

const { chromium } = loadPlaywright();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(
    `<html><body style="margin:0;background:transparent"><img id="i" src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
  );
  await page.locator('#i').evaluate((img) => img.decode());
  await page.screenshot({ path: path.resolve(root, output), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(`wrote ${output} (${size}x${size}) from ${input}`);
} finally {
  await browser.close();
}
