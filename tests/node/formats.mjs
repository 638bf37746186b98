// Writers for test inputs: EDF (European Data Format) and CSV files built from known samples.

const field = (value, width) => String(value).padEnd(width, ' ').slice(0, width);

// One-signal-per-lead EDF with 1-second data records; samples in mV quantised to digital units of 1/200 mV.
// Options override header fields (for malformed files).
export function makeEdf(leads, sampleRate, { labels, records, recordsField, reserved = '' } = {}) {
  const n = leads.length;
  const perRecord = sampleRate;
  const count = records ?? Math.floor(leads[0].length / perRecord);
  const names = labels ?? leads.map((_, i) => `ECG ${i}`);
  let header = field('0', 8) + field('test', 80) + field('test recording', 80) + field('01.01.01', 8) + field('00.00.00', 8) +
    field(256 * (n + 1), 8) + field(reserved, 44) + field(recordsField ?? count, 8) + field(1, 8) + field(n, 4);
  const per = (f) => leads.map((_, i) => f(i)).join('');
  header += per((i) => field(names[i], 16)) + per(() => field('AgAgCl electrode', 80)) + per(() => field('mV', 8)) +
    per(() => field('-163.84', 8)) + per(() => field('163.835', 8)) + per(() => field('-32768', 8)) + per(() => field('32767', 8)) +
    per(() => field('HP:0.1Hz', 80)) + per(() => field(perRecord, 8)) + per(() => field('', 32));
  const head = new TextEncoder().encode(header);
  const data = new DataView(new ArrayBuffer(count * n * perRecord * 2));
  let offset = 0;
  for (let r = 0; r < count; r++)
    for (let s = 0; s < n; s++)
      for (let k = 0; k < perRecord; k++, offset += 2)
        data.setInt16(offset, Math.round(leads[s][r * perRecord + k] * 200), true);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head);
  out.set(new Uint8Array(data.buffer), head.length);
  return out;
}

// CSV with a time column in seconds and one column per lead.
export function makeCsv(leads, sampleRate, names) {
  const lines = [['time', ...names].join(',')];
  for (let i = 0; i < leads[0].length; i++) lines.push([(i / sampleRate).toFixed(6), ...leads.map((l) => l[i].toFixed(3))].join(','));
  return `${lines.join('\n')}\n`;
}
