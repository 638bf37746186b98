// Post-link step of the WASM build: mangles the local names of Emscripten's JS glue (dist/*.mjs), which
// emcc leaves long because Debian's emscripten ships no closure compiler. Uses the oxc minifier that the
// dev dependency vite brings (rolldown/utils); without node_modules the glue is left as emcc wrote it.
// Names mangled and the code compressed; string keys (Module["..."], the wasm exports) are untouched.
import fs from 'node:fs';

const file = process.argv[2];
let minifySync;
try {
  ({ minifySync } = await import('rolldown/utils'));
} catch {
  console.log(`minify-glue: rolldown not installed (npm ci), ${file} left unminified`);
  process.exit(0);
}
const src = fs.readFileSync(file, 'utf8');
const out = minifySync(file, src, { compress: true, mangle: true });
if (out.errors?.length) {
  console.error(`minify-glue: ${file}: ${out.errors.map((e) => e.message).join('; ')}`);
  process.exit(1);
}
fs.writeFileSync(file, out.code);
console.log(`minify-glue: ${file} ${src.length} -> ${out.code.length} bytes`);
