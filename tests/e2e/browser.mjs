// Shared set-up for the browser tests: the repository served by scripts/serve.mjs on a free port, and Debian's
// Chromium driven by playwright-core with a fresh profile and no background networking.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.AV_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

/**
 * Starts the server (on `root`, the repository by default) and a browser; returns {url, browser, context, close()}.
 */
export async function launch({ viewport = { width: 1440, height: 1000 }, root = ROOT } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await serve({ root, port: 0, quiet: true });
  const profile = mkdtempSync(path.join(tmpdir(), 'av-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  return {
    url,
    context,
    async close() {
      await context.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the demo in a new page, recording every request and every console error. `foreign` lists requests
 * that left the page's origin (data: and blob: URLs stay in the page and are allowed).
 */
export async function openDemo(env, pathname = '/web/') {
  const page = await env.context.newPage();
  const origin = new URL(env.url).origin;
  const requests = [];
  const foreign = [];
  const errors = [];
  page.on('request', (req) => {
    const u = req.url();
    requests.push(u);
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) foreign.push(u);
  });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(env.url + pathname);
  return { page, requests, foreign, errors };
}
