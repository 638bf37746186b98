// The CLI JSON of records 100, 203 and 208 (detected and reference beats, single-beat V1) byte for byte against
// tests/golden (see its README), apart from the timing fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mitdb = process.env.AV_MITDB_DIR ?? path.join(root, '../shared/data/mitdb');
const run = promisify(execFile);
const withoutTiming = (text) => JSON.stringify({ ...JSON.parse(text), timing: undefined });

for (const record of ['100', '203', '208']) {
  for (const beats of ['detect', 'reference']) {
    test(`CLI JSON of ${record} (${beats} beats, v1) equals the golden`, { skip: !fs.existsSync(path.join(mitdb, `${record}.hea`)) }, async () => {
      const { stdout } = await run(process.execPath, [path.join(root, 'src/js/cli.js'), 'analyze', path.join(mitdb, `${record}.hea`),
        '--model', 'v1', '--beats', beats, '--format', 'json'], { maxBuffer: 64 << 20 });
      const golden = zlib.gunzipSync(fs.readFileSync(path.join(root, 'tests/golden', `cli-${record}-${beats}-v1.json.gz`))).toString();
      assert.equal(withoutTiming(stdout), withoutTiming(golden));
    });
  }
}
