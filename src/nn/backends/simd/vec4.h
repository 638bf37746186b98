#pragma once
// Four float lanes: wasm_simd128.h in the WASM build, SSE natively, plain C++ elsewhere. The kernels are
// written once against these few functions, so the native tests exercise the same code the browser runs.
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace av::nn::simd {

#if defined(__wasm_simd128__)
using vf = v128_t;
inline vf vload(const float* p) { return wasm_v128_load(p); }
inline void vstore(float* p, vf v) { wasm_v128_store(p, v); }
inline vf vsplat(float x) { return wasm_f32x4_splat(x); }
inline vf vadd(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf vmul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
// pmax/pmin are single x86 instructions in V8 (max/min would add NaN handling).
inline vf vmax(vf a, vf b) { return wasm_f32x4_pmax(a, b); }
inline vf vmin(vf a, vf b) { return wasm_f32x4_pmin(a, b); }
#elif defined(__SSE2__)
using vf = __m128;
inline vf vload(const float* p) { return _mm_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm_storeu_ps(p, v); }
inline vf vsplat(float x) { return _mm_set1_ps(x); }
inline vf vadd(vf a, vf b) { return _mm_add_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm_mul_ps(a, b); }
inline vf vmax(vf a, vf b) { return _mm_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm_min_ps(a, b); }
#else
struct vf {
  float v[4];
};
inline vf vload(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline void vstore(float* p, vf a) {
  for (int i = 0; i < 4; ++i) p[i] = a.v[i];
}
inline vf vsplat(float x) { return {{x, x, x, x}}; }
inline vf vadd(vf a, vf b) { return {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3]}}; }
inline vf vmul(vf a, vf b) { return {{a.v[0] * b.v[0], a.v[1] * b.v[1], a.v[2] * b.v[2], a.v[3] * b.v[3]}}; }
inline vf vmax(vf a, vf b) {
  vf r;
  for (int i = 0; i < 4; ++i) r.v[i] = a.v[i] > b.v[i] ? a.v[i] : b.v[i];
  return r;
}
inline vf vmin(vf a, vf b) {
  vf r;
  for (int i = 0; i < 4; ++i) r.v[i] = a.v[i] < b.v[i] ? a.v[i] : b.v[i];
  return r;
}
#endif

// acc + a * b (no FMA: wasm SIMD has none, and native results stay identical in rounding to WASM).
inline vf vmadd(vf acc, vf a, vf b) { return vadd(acc, vmul(a, b)); }

}  // namespace av::nn::simd
