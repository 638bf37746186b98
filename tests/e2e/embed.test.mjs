// The embedding example (examples/embed/): the package's worker helper inside a dashboard page. It must show the
// CLI's beat count for a bundled record, draw the strip and stay on its origin.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, openDemo, cliAnalysis, ROOT, ARTIFACTS } from './browser.mjs';

test('the embedding example analyses a record in its worker and shows the CLI beat count', async () => {
  const expected = cliAnalysis(path.join(ROOT, 'examples/data/208.hea'));
  const env = await launch({ viewport: { width: 1280, height: 800 } });
  try {
    const { page, foreign, errors } = await openDemo(env, '/examples/embed/');
    await page.waitForFunction(() => /ready$/.test(document.getElementById('status').textContent), null, { timeout: 30000 });
    await page.click('[data-record="208"]');
    await page.waitForFunction(() => /beats in/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    const shown = Number((await page.locator('#t-beats').textContent()).replace(/,/g, ''));
    assert.equal(shown, expected.summary.beatCount);
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-208.png') });
    assert.deepEqual(foreign, [], 'requests left the origin');
    assert.deepEqual(errors, [], 'console errors');
  } finally {
    await env.close();
  }
});
