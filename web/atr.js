// WFDB annotation files in MIT format (the .atr of PhysioNet): 16-bit little-endian words, the type code in the
// top 6 bits and the sample difference in the low 10; a SKIP pseudo-annotation carries longer gaps. Used by the
// demo only when the analyzer offers no annotation writer of its own.

// WFDB type codes of the symbols we write (ecgcodes.h).
export const ANNOTATION_CODES = {
  N: 1, L: 2, R: 3, a: 4, V: 5, F: 6, J: 7, A: 8, S: 9, E: 10, j: 11, '/': 12, Q: 13, '~': 14,
  '|': 16, s: 18, T: 19, '*': 20, D: 21, '"': 22, '=': 23, p: 24, B: 25, '^': 26, t: 27, '+': 28, u: 29,
  '?': 30, '!': 31, '[': 32, ']': 33, e: 34, n: 35, '@': 36, x: 37, f: 38, '(': 39, ')': 40, r: 41,
};
const SKIP = 59;

/** Encodes [{sample, symbol}] (any order) as MIT-format annotation bytes, ending with the end-of-file word. */
export function encodeAtr(annotations) {
  const sorted = [...annotations].sort((a, b) => a.sample - b.sample);
  const words = [];
  let prev = 0;
  for (const { sample, symbol } of sorted) {
    const code = ANNOTATION_CODES[symbol];
    if (code === undefined) throw Object.assign(new Error(`no WFDB code for annotation "${symbol}"`), { code: 'annotation_invalid' });
    if (!Number.isInteger(sample) || sample < 0) {
      throw Object.assign(new Error(`invalid annotation sample ${sample}`), { code: 'annotation_invalid' });
    }
    let diff = sample - prev;
    if (diff > 1023) {
      // SKIP word, then the 32-bit interval as two 16-bit words, high word first (PDP-11 order).
      words.push(SKIP << 10, (diff >>> 16) & 0xffff, diff & 0xffff);
      diff = 0;
    }
    words.push((code << 10) | diff);
    prev = sample;
  }
  words.push(0);
  const out = new Uint8Array(words.length * 2);
  words.forEach((w, i) => { out[2 * i] = w & 0xff; out[2 * i + 1] = w >> 8; });
  return out;
}
