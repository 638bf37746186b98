// Shared paths and helpers for the Node tests (run on the WASM build in dist/).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const examples = path.join(root, 'examples/data');
export const cli = path.join(root, 'src/js/cli.js');
export const read = (file) => new Uint8Array(fs.readFileSync(file));

export function tempDir(prefix = 'av-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Runs the CLI; resolves {code, stdout, stderr} (never rejects on a non-zero exit).
export function runCli(args, { cwd = root, timeout = 60000 } = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, timeout, maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr });
    });
  });
}
