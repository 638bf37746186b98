// Shared set-up for the browser tests: the repository served by scripts/serve.mjs on a free port, and Debian's
// Chromium driven by playwright-core with a fresh profile and no background networking.
import { execFileSync } from 'node:child_process';
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
 * deviceScaleFactor: device pixels per CSS pixel (what a page zoom changes).
 */
export async function launch({ viewport = { width: 1440, height: 1000 }, root = ROOT, deviceScaleFactor = 1 } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await serve({ root, port: 0, quiet: true });
  const profile = mkdtempSync(path.join(tmpdir(), 'av-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor,
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

// The demo's engine is up (the status line says Ready).
export const waitDemoReady = (page) =>
  page.waitForFunction(() => /^Ready/.test(document.getElementById('status-text').textContent), null, { timeout: 30000 });
// The analysis of the loaded record is shown (the beat count is a number).
export const waitBeatCount = (page, timeout = 60000) =>
  page.waitForFunction(() => /^\d+$/.test(document.getElementById('beat-count').textContent), null, { timeout });

/**
 * The demo in a new page with a record analysed: `files` (paths for the file input) or, without them, the
 * bundled sample. Resolves once the beat count is shown (within `timeout` ms), with what openDemo() gives.
 */
export async function openDemoWithRecord(env, files = null, timeout = undefined) {
  const opened = await openDemo(env);
  await waitDemoReady(opened.page);
  if (files) await opened.page.setInputFiles('#file-input', files);
  else await opened.page.click('#load-sample');
  await waitBeatCount(opened.page, timeout);
  return opened;
}

/** The CLI's JSON analysis of a file: the reference a page must agree with. */
export function cliAnalysis(file, ...args) {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'src/js/cli.js'), 'analyze', file, '--format', 'json', ...args],
    { cwd: ROOT, maxBuffer: 256 << 20 });
  return JSON.parse(out);
}

/** Collects "status url" of every response >= 400 in the context (page loads included). */
export function failedResponses(context) {
  const failed = [];
  context.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  return failed;
}

/**
 * Polls window.__result until the page sets it; stops early at the first console error (a module that fails to
 * load never sets one) and fails after `ms`. Returns the result, or undefined after an error.
 */
export async function pageResult(page, errors, ms = 30000) {
  let out;
  for (const end = Date.now() + ms; !out && errors.length === 0; await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() >= end) throw new Error(`no result after ${ms / 1000} s`);
    out = await page.evaluate(() => window.__result);
  }
  return out;
}
