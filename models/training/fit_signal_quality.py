#!/usr/bin/env python3
"""Fits the two linear noise detectors of src/dsp/signal_quality.cpp (electrode motion, muscle).

Features per 5-s segment come from the noise stress tool (build/native/av-noise-stress):
  ds1=101,106,108,109,112,114,115,116,122,124,201,203,205,207,208,209,215,220,223,230
  ./build/native/av-noise-stress ../shared/data/mitdb --records $ds1 --features /tmp/train.csv
  ./build/native/av-noise-stress ../shared/data/mitdb --records <all 48> --types bw --snr 100 --features /tmp/feat48.csv
  ./build/native/av-noise-stress ../shared/data/mitdb --features /tmp/feat.csv          (the stress-test records)
  /usr/bin/python3 models/training/fit_signal_quality.py 99.8 0.85
Training uses DS1 records only (118 and 119, the stress test's own, left out); each detector's threshold keeps
99.8 % of the clean DS1 segments usable and at least 90 % of the 12 dB ones. It prints the constants for the
C++ and the flagged shares on the clean records and on the stress-test records.
"""
import csv, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
F=['kurtosis','low','high','periodicity','mid','crest','crossings']
def load(p):
    rows=list(csv.DictReader(open(p)))
    X=np.array([[float(r[f]) for f in F] for r in rows])
    X[:,0]=np.log(np.maximum(X[:,0],1e-3)); X[:,5]=np.log(np.maximum(X[:,5],1e-3))
    return rows,X
tr,Xt=load(sys.argv[3] if len(sys.argv)>3 else '/tmp/train.csv')
noise=np.array([r['noise']=='1' for r in tr]); snr=np.array([float(r['snr']) for r in tr]); t0=np.array([float(r['start_sec'])>=300 for r in tr]); typ=np.array([r['type'] for r in tr])
c48,X48=load('/tmp/feat48.csv'); rec48=np.array([r['record'] for r in c48])
DS1="101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230".split()
ev,Xe=load('/tmp/feat.csv')
mu=Xt[t0].mean(0); sd=Xt[t0].std(0)
Z=lambda X:(X-mu)/sd
models={}
q=float(sys.argv[1]) if len(sys.argv)>1 else 99.8
for t in ['em','ma']:
    sel=t0&(typ==t)&((~noise)|(snr<=0))
    y=(noise&(snr<=0))[sel]
    mask=np.array([1,1,0,1,1,1,0.]) if t=='em' else np.ones(7)
    clf=LogisticRegression(C=1.0,max_iter=2000).fit(Z(Xt[sel])*mask,y)
    clf.coef_[0]*=mask
    s=Z(X48)@clf.coef_[0]+clf.intercept_[0]
    th=np.percentile(s[np.isin(rec48,DS1)],q)
    s12=np.concatenate([Z(Xt[t0&(typ==u)&noise&(snr==12)])@clf.coef_[0]+clf.intercept_[0] for u in ["em","ma","bw"]])
    th=max(th,np.percentile(s12,90))
    models[t]=(clf.coef_[0],clf.intercept_[0],th)
    print(t,dict(zip(F,clf.coef_[0].round(2))),'b',round(clf.intercept_[0],2),'th',round(th,2))
LOWTH=float(sys.argv[2]) if len(sys.argv)>2 else 0.85
def flag(X):
    return np.any([Z(X)@w+b>th for w,b,th in models.values() ]+[X[:,1]>LOWTH],axis=0)
f=flag(X48)
print('48 clean flagged %.2f%%'%(100*f.mean()), sorted(((100*f[rec48==r].mean()).round(1),r) for r in set(rec48))[-6:])
fe=flag(Xe)
for t in ['em','ma','bw']:
  for s in ['24','12','6','0','-6']:
    m=np.array([r['noise']=='1' and r['type']==t and r['snr']==s for r in ev])
    c=np.array([r['noise']=='0' and float(r['start_sec'])>=300 and r['type']==t and r['snr']==s for r in ev])
    print(t,s,'noisy flagged %.1f%%  clean flagged %.2f%%'%(100*fe[m].mean(),100*fe[c].mean()))
print('mu',mu.round(4).tolist()); print('sd',sd.round(4).tolist())
print('CPP')
print('mu', ', '.join('%.5f'%v for v in mu)); print('sd', ', '.join('%.5f'%v for v in sd))
for t,(w,b,th) in models.items(): print(t, ', '.join('%.4f'%v for v in w), 'b %.4f th %.4f'%(b,th))
