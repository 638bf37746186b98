// One version string: package.json's. The WASM core's version() (CMakeLists.txt passes it in as AV_VERSION) and
// the CMake project take it from there; nothing else repeats it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import createCoreModule from '../../dist/arrhythmiavision-core.mjs';
import { root } from './helpers.mjs';

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test("the WASM core reports package.json's version", async () => {
  const core = await createCoreModule({ wasmBinary: fs.readFileSync(path.join(root, 'dist/arrhythmiavision-core.wasm')) });
  assert.equal(core.version(), version);
});

test('CMakeLists.txt and the bindings read the version instead of repeating it', () => {
  const cmake = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');
  assert.match(cmake, /string\(JSON AV_VERSION GET "\$\{AV_PACKAGE_JSON\}" version\)/);
  assert.match(cmake, /^project\(arrhythmiavision VERSION \$\{AV_VERSION_NUMBER\}/m);
  const bindings = fs.readFileSync(path.join(root, 'src/wasm/bindings.cpp'), 'utf8');
  assert.match(bindings, /std::string version\(\) \{ return AV_VERSION; \}/);
  assert.ok(!cmake.includes(version) && !bindings.includes(`"${version}"`), `${version} written out again`);
});
