#!/usr/bin/env node
// Regenerates web/screenshot.png, the demo picture for the README: record 208 (frequent PVCs) with its reference
// annotations, the first V beat explained and the V class's global explanation, in Debian's Chromium.
// Usage (after npm run build): node scripts/screenshot-demo.mjs [output.png]
import path from 'node:path';
import { launch, openDemo, ROOT } from '../tests/e2e/browser.mjs';

const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'web', 'screenshot.png'));
const env = await launch({ viewport: { width: 1440, height: 1560 } });
try {
  const { page, foreign } = await openDemo(env);
  await page.waitForFunction(() => /^Ready/.test(document.getElementById('status-text').textContent), null, { timeout: 30000 });
  await page.click('[data-sample="208"]');
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById('beat-count').textContent), null, { timeout: 60000 });
  await page.focus('#detail');
  await page.keyboard.press('n');   // the first non-N beat, or else the first beat
  if (await page.getByTestId('beat-explanation').isHidden()) await page.keyboard.press(']');
  await page.waitForFunction(() => document.getElementById('shap-meta').children.length > 0, null, { timeout: 30000 });
  await page.click('#class-run');
  await page.getByTestId('class-explanation').waitFor({ state: 'visible', timeout: 120000 });
  await page.evaluate(() => document.activeElement.blur());
  await page.screenshot({ path: out, fullPage: false });
  if (foreign.length) throw new Error(`requests left the origin: ${foreign.join(', ')}`);
  console.log(`wrote ${out}`);
} finally {
  await env.close();
}
