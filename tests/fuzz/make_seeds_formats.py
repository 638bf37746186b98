#!/usr/bin/env python3
"""Writes the seed inputs of the harnesses for the readers of issue 14 (fuzz_ishne, fuzz_hl7_aecg, fuzz_dispatch, and
BDF / EDF+D / Apple Watch seeds for fuzz_edf and fuzz_csv) into tests/fuzz/corpus/<harness>/: small files written
here from 2 s of MIT-BIH 100 (examples/data) and the minimal FDA aECG example. Run once; libFuzzer grows the corpus."""
import math, os, struct

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, 'tests', 'fuzz', 'corpus')
shared = os.path.join(os.path.dirname(root), 'shared', 'data')

def put(harness, name, blob):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(blob if isinstance(blob, bytes) else blob.encode())

# 2 s of record 100 (format 212), as signed ADC values.
with open(os.path.join(root, 'examples', 'data', '100.dat'), 'rb') as f:
    dat = f.read(720 * 3)
mlii, v5 = [], []
for i in range(0, len(dat), 3):
    b0, b1, b2 = dat[i], dat[i + 1], dat[i + 2]
    a, b = ((b1 & 0x0F) << 8) | b0, ((b1 & 0xF0) << 4) | b2
    mlii.append((a - 4096 if a >= 2048 else a) - 1024)
    v5.append((b - 4096 if b >= 2048 else b) - 1024)

def crc16(b):
    c = 0xFFFF
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c

def ishne(leads, magic=b'ISHNE1.0', var=b'seed', n=None):
    hdr = bytearray(512)
    def p(off, fmt, *v): struct.pack_into('<' + fmt, hdr, off - 10, *v)
    n = len(leads[0]) if n is None else n
    p(10, 'i', len(var)); p(14, 'i', n); p(18, 'i', 522); p(22, 'i', 522 + len(var)); p(26, 'h', 1)
    p(156, 'h', max(1, len(leads)))
    p(158, '12h', *([6, 15] + [-9] * 10)); p(182, '12h', *([1, 1] + [-9] * 10)); p(206, '12h', *([5000, 5000] + [-9] * 10))
    p(272, 'h', 360)
    body = bytes(hdr) + var
    data = b''.join(struct.pack('<' + 'h' * len(leads), *frame) for frame in zip(*leads)) if leads and leads[0] else b''
    return magic + struct.pack('<H', crc16(body)) + body + data

ecg = ishne([mlii, v5])
put('fuzz_ishne', 'two-leads', b'\x00' + ecg)
put('fuzz_ishne', 'one-lead', b'\x00' + ishne([mlii[:100]]))
ann = ishne([], magic=b'ANN  1.0', n=0) + struct.pack('<I', 77) + b''.join(
    bytes([ord(c), 0]) + struct.pack('<H', t) for c, t in [('N', 293), ('N', 294), ('V', 250), ('C', 5), ('!', 0), ('N', 300)])
put('fuzz_ishne', 'annotations', b'\x01' + ann)

def field(v, w): return str(v).ljust(w)[:w].encode()

def edf(leads, labels, bdf=False, reserved='', tals=None, duration=1):
    n = len(leads) + (1 if tals else 0)
    spr = len(leads[0]) // (2 if tals else 1) if False else 360
    recs = len(leads[0]) // spr
    h = (b'\xffBIOSEMI' if bdf else field('0', 8)) + field('X X X seed', 80) + field('Startdate X X X X', 80) + b'01.03.24' + b'09.30.00'
    h += field(256 * (n + 1), 8) + field(reserved, 44) + field(recs, 8) + field(duration, 8) + field(n, 4)
    names = labels + (['BDF Annotations' if bdf else 'EDF Annotations'] if tals else [])
    h += b''.join(field(x, 16) for x in names) + b''.join(field('', 80) for _ in names)
    h += b''.join(field('uV', 8) for _ in names)
    dmin, dmax = (-8388608, 8388607) if bdf else (-32768, 32767)
    h += b''.join(field(dmin, 8) for _ in names) + b''.join(field(dmax, 8) for _ in names)
    h += b''.join(field(dmin, 8) for _ in names) + b''.join(field(dmax, 8) for _ in names)
    h += b''.join(field('', 80) for _ in names) + b''.join(field(spr if x not in ('EDF Annotations', 'BDF Annotations') else 20, 8) for x in names)
    h += b''.join(field('', 32) for _ in names)
    w = 3 if bdf else 2
    body = b''
    for r in range(recs):
        for lead in leads:
            for v in lead[r * spr:(r + 1) * spr]:
                body += (v * 5 & (0xFFFFFF if bdf else 0xFFFF)).to_bytes(w, 'little')
        if tals:
            t = tals[r].encode('latin1')
            body += t + b'\0' * (20 * w - len(t))
    return h + body

put('fuzz_edf', 'bdf-two-leads.bdf', edf([mlii, v5], ['MLII', 'V5'], bdf=True, reserved='BDF+C', tals=['+0\x14\x14', '+1\x14\x14']))
put('fuzz_edf', 'edf-plus-d-gap.edf', edf([mlii, v5], ['MLII', 'V5'], reserved='EDF+D', tals=['+0\x14\x14', '+3.5\x14\x14+3.6\x151\x14beat\x14']))

apple = ('Name,Seed\nDate of Birth,"Jan 2, 1980"\nRecorded Date,2024-03-01 08:15:21 +0100\nClassification,Sinus Rhythm\n'
         'Symptoms,\nSoftware Version,2.0\nDevice,"Watch6,1"\nSample Rate,512 hertz\nLead,Lead I\nUnit,\u00b5V\n\n\n')
apple += ''.join('%.3f\n' % (v * 5.0) for v in mlii[:400])
put('fuzz_csv', 'apple-watch.csv', apple.encode('utf-8'))
put('fuzz_csv', 'apple-decimal-comma.csv', apple.replace('512 hertz', '"511,5 Hz"').encode('utf-8'))

with open(os.path.join(shared, 'ecg-formats', 'hl7-aecg', 'fda-minimum_aecg.xml'), 'rb') as f:
    minimum = f.read()
put('fuzz_hl7_aecg', 'fda-minimum_aecg.xml', minimum)
def aecg(sets, beat=False):
    s = '<?xml version="1.0"?><AnnotatedECG xmlns="urn:hl7-org:v3"><effectiveTime><low value="20240301081500"/></effectiveTime><component><series><code code="RHYTHM"/>'
    def body(sets):
        x = ''
        for head, leads in sets:
            x += ('<component><sequenceSet><component><sequence><code code="TIME_ABSOLUTE"/><value><head value="%s"/>'
                  '<increment value="0.002" unit="s"/></value></sequence></component>' % head)
            for code, digits in leads:
                x += ('<component><sequence><code code="%s"/><value><origin value="0" unit="uV"/><scale value="5" unit="uV"/>'
                      '<digits>%s</digits></value></sequence></component>' % (code, ' '.join(map(str, digits))))
            x += '</sequenceSet></component>'
        return x
    s += body(sets)
    if beat:
        s += '<derivation><derivedSeries><code code="REPRESENTATIVE_BEAT"/>' + body(sets[:1]) + '</derivedSeries></derivation>'
    return s + '</series></component></AnnotatedECG>'
put('fuzz_hl7_aecg', 'two-sets.xml', aecg([('20240301081500', [('MDC_ECG_LEAD_II', mlii[:200]), ('MDC_ECG_LEAD_V5', v5[:200])]),
                                           ('20240301081501', [('MDC_ECG_LEAD_II', mlii[200:400])])], beat=True))

# The dispatch: the first byte picks the name (0 r.hea, 1 r.csv, 2 r.edf, 3 r.bdf, 4 r.ecg, 5 r.xml, 6 r.dat, 7 r, 8 r.txt).
put('fuzz_dispatch', 'wfdb', b'\x00' + b'r 2 360 60\nr.hea 16 200 16 0 0 0 0 MLII\nr.hea 16 200 16 0 0 0 0 V5\n')
put('fuzz_dispatch', 'multi-segment', b'\x07' + b'm/3 1 360 30\nr 10\n~ 10\nr 10\n')
put('fuzz_dispatch', 'apple.csv', b'\x01' + apple.encode('utf-8'))
put('fuzz_dispatch', 'bdf', b'\x08' + edf([mlii, v5], ['MLII', 'V5'], bdf=True))
put('fuzz_dispatch', 'ishne', b'\x01' + ecg)
put('fuzz_dispatch', 'aecg', b'\x08' + minimum)
