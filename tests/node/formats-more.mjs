// Writers for the newer input formats, built from known samples: an Apple Watch ECG export, ISHNE Holter 1.0 (with
// its CRC-CCITT), BDF (24-bit EDF) and a minimal HL7 aECG document. Each follows its format's own description, not
// this project's readers.

// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, bits most significant first.
export function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

// Linear interpolation of samples at `from` Hz onto `to` Hz.
export function resampleLinear(x, from, to) {
  const n = Math.floor(((x.length - 1) * to) / from) + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i * from) / to;
    const k = Math.min(Math.floor(t), x.length - 2);
    out[i] = x[k] + (x[k + 1] - x[k]) * (t - k);
  }
  return out;
}

// The Health app's ECG export: metadata lines, blank lines, then one value per line in µV (3 decimals).
export function makeAppleWatchCsv(mv, { rate = 512, decimalComma = false } = {}) {
  const lines = ['Name,Jane Appleseed', 'Date of Birth,"Jan 2, 1980"', 'Recorded Date,2024-03-01 08:15:21 +0100',
    'Classification,Sinus Rhythm', 'Symptoms,', 'Software Version,2.0', 'Device,"Watch6,1"', `Sample Rate,${rate} hertz`,
    'Lead,Lead I', 'Unit,µV', '', ''];
  for (const v of mv) {
    const uv = (v * 1000).toFixed(3);
    lines.push(decimalComma ? `"${uv.replace('.', ',')}"` : uv);
  }
  return `${lines.join('\n')}\n`;
}

// ISHNE 1.0: magic, CRC over bytes 10..ECG block, 512-byte little-endian header, variable block, interleaved int16.
// leads: arrays of digital values; codes: ISHNE lead codes (6 = II, 15 = V5); resolution in nV per unit.
export function makeIshne(leads, { rate = 360, codes, resolution, varBlock = 'node test', statedSize } = {}) {
  const n = leads[0].length;
  const v = new TextEncoder().encode(varBlock);
  const head = new Uint8Array(522 + v.length);
  const d = new DataView(head.buffer);
  head.set(new TextEncoder().encode('ISHNE1.0'), 0);
  d.setInt32(10, v.length, true);
  d.setInt32(14, statedSize ?? n, true);
  d.setInt32(18, 522, true);
  d.setInt32(22, 522 + v.length, true);
  d.setInt16(26, 1, true);
  head.set(new TextEncoder().encode('Holter'), 28);
  head.set(new TextEncoder().encode('Patient'), 68);
  [1, 3, 2024].forEach((x, i) => d.setInt16(138 + 2 * i, x, true));
  [9, 30, 0].forEach((x, i) => d.setInt16(150 + 2 * i, x, true));
  d.setInt16(156, leads.length, true);
  for (let i = 0; i < 12; i++) {
    d.setInt16(158 + 2 * i, i < leads.length ? (codes?.[i] ?? 6) : -9, true);
    d.setInt16(182 + 2 * i, i < leads.length ? 1 : -9, true);
    d.setInt16(206 + 2 * i, i < leads.length ? (resolution?.[i] ?? 5000) : -9, true);
  }
  d.setInt16(272, rate, true);
  head.set(v, 522);
  d.setUint16(8, crc16(head.subarray(10)), true);
  const out = new Uint8Array(head.length + 2 * n * leads.length);
  out.set(head);
  const body = new DataView(out.buffer, head.length);
  for (let t = 0, o = 0; t < n; t++)
    for (const lead of leads) { body.setInt16(o, lead[t], true); o += 2; }
  return out;
}

const field = (value, width) => String(value).padEnd(width, ' ').slice(0, width);

// BDF (BioSemi): "\xffBIOSEMI", 24-bit little-endian samples, 1-second data records, in uV with the digital range as
// the physical one (1 uV per step): digital = round(mV x 1000).
export function makeBdf(leads, rate, labels) {
  const n = leads.length, records = Math.floor(leads[0].length / rate);
  let header = field('test', 80) + field('bdf written by the node test', 80) + field('01.03.24', 8) + field('09.30.00', 8) +
    field(256 * (n + 1), 8) + field('24BIT', 44) + field(records, 8) + field(1, 8) + field(n, 4);
  const per = (f) => leads.map((_, i) => f(i)).join('');
  header += per((i) => field(labels[i], 16)) + per(() => field('', 80)) + per(() => field('uV', 8)) +
    per(() => field('-8388608', 8)) + per(() => field('8388607', 8)) + per(() => field('-8388608', 8)) +
    per(() => field('8388607', 8)) + per(() => field('', 80)) + per(() => field(rate, 8)) + per(() => field('', 32));
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + records * n * rate * 3);
  out[0] = 0xff;
  out.set(new TextEncoder().encode('BIOSEMI'), 1);
  out.set(text, 8);
  let o = 8 + text.length;
  for (let r = 0; r < records; r++)
    for (const lead of leads)
      for (let k = 0; k < rate; k++) {
        const dig = Math.round(lead[r * rate + k] * 1000);
        const u = dig < 0 ? dig + 0x1000000 : dig;
        out[o++] = u & 0xff; out[o++] = (u >> 8) & 0xff; out[o++] = (u >> 16) & 0xff;
      }
  return out;
}
