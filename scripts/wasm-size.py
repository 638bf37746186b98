#!/usr/bin/env python3
# Code bytes of a WASM build by area (readers, pipeline, Embind, nlohmann::json, ...) and its largest functions.
# Needs function names: build with --profiling-funcs, e.g.
#   emcmake cmake -S . -B build/wasm-names -DCMAKE_BUILD_TYPE=Release -DAV_DIST_DIR=/tmp/dist-names \
#     -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs && cmake --build build/wasm-names
#   /usr/bin/python3 scripts/wasm-size.py /tmp/dist-names/arrhythmiavision-core.wasm
import sys, re, collections
b=open(sys.argv[1],'rb').read()
def leb(i):
    r=0;s=0
    while True:
        x=b[i]; i+=1; r|=(x&0x7f)<<s; s+=7
        if x<0x80: return r,i
i=8; nimports=0; sizes=[]; names={}
while i<len(b):
    sid=b[i]; i+=1; size,i=leb(i); end=i+size
    if sid==2:
        n,j=leb(i)
        for _ in range(n):
            l,j=leb(j); j+=l; l,j=leb(j); j+=l; kind=b[j]; j+=1
            if kind==0: _,j=leb(j); nimports+=1
            elif kind==1: j+=1; fl,j=leb(j); _,j=leb(j); 
            elif kind==2:
                fl,j=leb(j); _,j=leb(j)
                if fl&1: _,j=leb(j)
            elif kind==3: j+=2
            elif kind==4: j+=1; _,j=leb(j)
    elif sid==10:
        n,j=leb(i)
        for _ in range(n):
            s,k=leb(j); sizes.append(s+(k-j)); j=k+s
    elif sid==0:
        l,j=leb(i); nm=b[j:j+l].decode(); j+=l
        if nm=='name':
            while j<end:
                sub=b[j]; j+=1; ss,j=leb(j); se=j+ss
                if sub==1:
                    n,k=leb(j)
                    for _ in range(n):
                        idx,k=leb(k); l,k=leb(k); names[idx]=b[k:k+l].decode('utf8','replace'); k+=l
                j=se
    i=end
tot=sum(sizes)
def group(nm):
    # Top-level anonymous namespaces are the binding files' (src/wasm); the core's code lives in av::.
    for pat,g in [('pugi','pugixml'),('nlohmann','nlohmann::json'),(r'^\(anonymous namespace\)::','wasm bindings'),('embind|emscripten::|_EmBind|internal::Invoker|BindingType','embind'),
                  ('av::io::','io readers'),('av::explain','explain'),('av::nn','nn'),('av::dsp','dsp'),('av::pipeline','pipeline'),('av::wasm','wasm bindings'),
                  ('std::|__cxx|basic_string|__1::','libc++'),('^(malloc|free|memcpy|memset|emmalloc|sbrk|strto|printf|vfprintf|fmt_|pop_arg|__)','libc')]:
        if re.search(pat,nm): return g
    return 'other'
g=collections.Counter()
for k,s in enumerate(sizes):
    g[group(names.get(k+nimports,'?'))]+=s
print('code bytes',tot)
for k,v in g.most_common(): print('%-16s %7d %5.1f%%'%(k,v,100*v/tot))
top=sorted(((s,names.get(k+nimports,'?')) for k,s in enumerate(sizes)),reverse=True)[:25]
for s,n in top: print(s, n[:120])
