#!/usr/bin/env node
// A small dependency-free static file server for the repository root, so that /web/ (the demo) and
// /examples/embed/ can be opened in a browser. Serves files only: no directory listings, no server logic.
// Usage: node scripts/serve.mjs [--port N] [--host H] [--root DIR]   (PORT and HOST env vars also work)
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.hea': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Starts the server; resolves to {server, url} once it listens (port 0 picks a free port). */
export function serve({ root, host = '127.0.0.1', port = 8080, quiet = false } = {}) {
  const rootDir = path.resolve(root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const server = createServer(async (req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (pathname === '/') {
      res.writeHead(302, { Location: '/web/' });
      return res.end();
    }
    let file = path.join(rootDir, path.normalize(pathname));
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) return send(403, 'forbidden');
    try {
      let stat = await fs.stat(file);
      if (stat.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: pathname + '/' });
          return res.end();
        }
        file = path.join(file, 'index.html');
        stat = await fs.stat(file);
      }
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': stat.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      send(404, 'not found');
    }
    if (!quiet) console.log(`${req.method} ${pathname}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(option('port', process.env.PORT ?? 8080));
  const host = option('host', process.env.HOST ?? '127.0.0.1');
  const { url } = await serve({ root: option('root', undefined), host, port, quiet: true });
  console.log(`ArrhythmiaVision demo: ${url}/web/?sample=100   (sample record 100 loaded and analysed)`);
  console.log(`Embedding example:     ${url}/examples/embed/`);
  console.log('Press Ctrl+C to stop.');
}
