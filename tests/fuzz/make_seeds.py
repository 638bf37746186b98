#!/usr/bin/env python3
"""Writes the initial seed inputs of the fuzz harnesses into tests/fuzz/corpus/<harness>/ from real files:
small slices of MIT-BIH records (examples/data), their annotations, the shipped model metadata, and small
records in every WFDB signal format, CSV and EDF/EDF+ written here. Run once; libFuzzer grows the corpus."""
import os, struct, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data = os.path.join(root, 'examples', 'data')
out = os.path.join(root, 'tests', 'fuzz', 'corpus')

def put(harness, name, blob):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(blob if isinstance(blob, bytes) else blob.encode())

def read(name):
    with open(os.path.join(data, name), 'rb') as f:
        return f.read()

# WFDB headers as shipped.
for rec in ('100', '119', '208'):
    put('fuzz_wfdb_header', rec + '.hea', read(rec + '.hea'))
put('fuzz_wfdb_header', 'multi.hea', '24h/3 3 360/1000 1000 12:00:00 01/01/2000\n# c\na.dat 16x2:1+4 200(-3)/uV 16 0 5 123 0 V1\n'
    'a.dat 16x2 0/mV\nb.dat 311 1000 10 512 0 0 0 Pleth\n')

# Signal slices: 2 s of record 100 in format 212, and the same samples in the other formats.
frames = 720
dat = read('100.dat')[: frames * 3]
samples = []
for i in range(0, len(dat), 3):
    b0, b1, b2 = dat[i], dat[i + 1], dat[i + 2]
    for v in (((b1 & 0x0F) << 8) | b0, ((b1 & 0xF0) << 4) | b2):
        samples.append(v - 4096 if v >= 2048 else v)
def header(fmt, spf=''):
    return (f'100 2 360 {frames}\n100.dat {fmt}{spf} 200 11 1024 995 0 0 MLII\n'
            f'100.dat {fmt}{spf} 200 11 1024 1011 0 0 V5\n')
put('fuzz_wfdb_signal', '212', header(212).encode() + b'\0' + dat)
put('fuzz_wfdb_signal', '16', header(16).encode() + b'\0' + struct.pack(f'<{len(samples)}h', *samples))
put('fuzz_wfdb_signal', '61', header(61).encode() + b'\0' + struct.pack(f'>{len(samples)}h', *samples))
put('fuzz_wfdb_signal', '160', header(160).encode() + b'\0' + struct.pack(f'<{len(samples)}H', *[s + 32768 for s in samples]))
put('fuzz_wfdb_signal', '80', header(80).encode() + b'\0' + bytes((s // 8 + 128) & 0xFF for s in samples))
put('fuzz_wfdb_signal', '24', header(24).encode() + b'\0' + b''.join(struct.pack('<i', s)[:3] for s in samples))
put('fuzz_wfdb_signal', '32', header(32).encode() + b'\0' + struct.pack(f'<{len(samples)}i', *samples))
def pack310(vals):
    outb = b''
    for i in range(0, len(vals) - 2, 3):
        a, b, c = (v // 4 & 0x3FF for v in vals[i:i + 3])
        outb += struct.pack('<HH', (a << 1) | ((c & 0x1F) << 11), (b << 1) | ((c >> 5) << 11))
    return outb
def pack311(vals):
    return b''.join(struct.pack('<I', (a // 4 & 0x3FF) | ((b // 4 & 0x3FF) << 10) | ((c // 4 & 0x3FF) << 20))
                    for a, b, c in zip(vals[0::3], vals[1::3], vals[2::3]))
put('fuzz_wfdb_signal', '310', header(310).encode() + b'\0' + pack310(samples))
put('fuzz_wfdb_signal', '311', header(311).encode() + b'\0' + pack311(samples))
put('fuzz_wfdb_signal', '16x2-skew', (f'r 1 180 {frames // 2}\nr.dat 16x2:3+2 100 16 0 0 0 0 II\n').encode() + b'\0' +
    b'\0\0' + struct.pack(f'<{frames}h', *samples[:frames]))

# Annotations: the first 400 bytes of real .atr files (cut at a word boundary) and whole small ones.
for rec in ('100', '119', '208'):
    put('fuzz_wfdb_annotation', rec + '-head.atr', read(rec + '.atr')[:400])
put('fuzz_wfdb_annotation', '100.atr', read('100.atr'))

# Model metadata: the shipped files (the harness pairs them with the V1 weights).
for name in ('arrhythminet-v1.json', 'arrhythminet-v2.json'):
    with open(os.path.join(root, 'models', name), 'rb') as f:
        put('fuzz_model_json', name, f.read())

# CSV written from the same samples (several dialects). The harness reads a mode byte first.
mv = [(s - 995) / 200 for s in samples[0::2]]
put('fuzz_csv', 'plain.csv', '\x80' + ''.join(f'{v:.3f}\n' for v in mv))
put('fuzz_csv', 'header.csv', '\x00time,MLII,V5\n' + ''.join(f'{i / 360:.4f},{v:.3f},{-v:.3f}\n' for i, v in enumerate(mv)))
put('fuzz_csv', 'semicolon.csv', '\x82# ecg\r\nsample;ECG\r\n' + ''.join(f'{i};{v:.3f}\r\n'.replace('.', ',') for i, v in enumerate(mv[:200])))
put('fuzz_csv', 'wfdb-export.csv', "\x00'Elapsed time','MLII','V5'\n'hh:mm:ss.mmm','mV','mV'\n" +
    ''.join(f"'0:00.{i:03d}',{v:.3f},{v:.3f}\n" for i, v in enumerate(mv[:100])))

# EDF and EDF+ with two signals, 1 s records.
def edf(plus):
    ns, nrec, fs = 2, 2, 360
    def f(s, n): return s.encode().ljust(n)[:n]
    h = f('0', 8) + f('X X X X', 80) + f('Startdate 01-JAN-2000 X X X', 80) + f('01.01.00', 8) + f('00.00.00', 8)
    h += f(str(256 * (ns + 1 + plus)), 8) + f('EDF+C' if plus else '', 44) + f(str(nrec), 8) + f('1', 8)
    labels = ['ECG MLII', 'ECG V5'] + (['EDF Annotations'] if plus else [])
    n = len(labels)
    h = h[:252] + f(str(n), 4)
    h += b''.join(f(l, 16) for l in labels) + b''.join(f('AgAgCl', 80) for _ in labels)
    h += b''.join(f('mV' if i < 2 else '', 8) for i in range(n)) + b''.join(f('-10.24' if i < 2 else '-1', 8) for i in range(n))
    h += b''.join(f('10.235' if i < 2 else '1', 8) for i in range(n)) + b''.join(f('-2048' if i < 2 else '-32768', 8) for i in range(n))
    h += b''.join(f('2047' if i < 2 else '32767', 8) for i in range(n)) + b''.join(f('HP:0.1Hz', 80) for _ in labels)
    h += b''.join(f(str(fs) if i < 2 else '30', 8) for i in range(n)) + b''.join(f('', 32) for _ in labels)
    body = b''
    for r in range(nrec):
        for lead in range(2):
            body += struct.pack(f'<{fs}h', *[s - 1000 for s in samples[lead::2][r * fs:(r + 1) * fs]])
        if plus:
            body += f(f'+{r}\x14\x14\x00+{r}.5\x150.1\x14beat\x14\x00', 60)
    return h + body
put('fuzz_edf', 'two-leads.edf', edf(False))
put('fuzz_edf', 'two-leads-plus.edf', edf(True))

# Whole analyze: one input of each kind (the harness picks the reader from the bytes).
for src, name in (('fuzz_wfdb_signal', '212'), ('fuzz_csv', 'header.csv'), ('fuzz_edf', 'two-leads-plus.edf')):
    with open(os.path.join(out, src, name), 'rb') as f:
        blob = f.read()
    put('fuzz_analyze', name, blob[1:] if src == 'fuzz_csv' else blob)
print('seeds written to', out)
