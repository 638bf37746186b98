// Shared paths and helpers for the Node tests (run on the WASM build in dist/).
import { execFile, execFileSync } from 'node:child_process';
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

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });

// `npm pack` of the repository into dir, then an offline install of the tarball into the new, clean project
// dir/<name>. Returns {packed (npm pack's JSON entry), project}.
export function installPackedPackage(dir, name) {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root))[0];
  const project = path.join(dir, name);
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  npm(['install', '--offline', '--no-audit', '--no-fund', path.join(dir, packed.filename)], project);
  return { packed, project };
}
