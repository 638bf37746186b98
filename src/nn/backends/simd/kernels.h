#pragma once
// Per-beat kernels over channels-last tensors: a [length][C] tensor is stored row by row with a row
// stride S = C rounded up to 4 (padding channels hold zeros), so every channel loop is whole vectors.
// Weights are repacked at load so that the inner loops read them contiguously.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "nn/backends/simd/vec4.h"

namespace av::nn::simd {

inline size_t round4(size_t c) { return (c + 3) & ~size_t{3}; }

// Output clamp of a fused activation: [lo, hi] = [-inf, inf], [0, inf] or [0, 6].
struct Clamp {
  float lo, hi;
};
inline vf clamp(vf v, vf lo, vf hi) { return vmin(vmax(v, lo), hi); }

// Pointwise convolution (kernel 1, stride 1) as a matrix product:
// out[m][n] = bias[n] + sum_k in[m][k] * w[k][n] for m < rows, n < cols (cols = padded out channels).
// Register tile: MR rows x NV vectors of columns.
template <int MR, int NV>
inline void gemm_tile(const float* in, size_t inStride, size_t K, const float* w, size_t wStride, const float* bias,
                      float* out, size_t outStride, Clamp c) {
  vf acc[MR][NV];
  for (int j = 0; j < NV; ++j) {
    vf b = vload(bias + 4 * j);
    for (int r = 0; r < MR; ++r) acc[r][j] = b;
  }
  for (size_t k = 0; k < K; ++k) {
    vf wv[NV];
    for (int j = 0; j < NV; ++j) wv[j] = vload(w + k * wStride + 4 * j);
    for (int r = 0; r < MR; ++r) {
      vf x = vsplat(in[r * inStride + k]);
      for (int j = 0; j < NV; ++j) acc[r][j] = vmadd(acc[r][j], x, wv[j]);
    }
  }
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NV; ++j) vstore(out + r * outStride + 4 * j, clamp(acc[r][j], lo, hi));
}

// Weights of a matrix product packed in column panels of 8 (the last one 4 wide if cols % 8 == 4):
// panel p holds rows k = 0..K-1 of columns [8p, 8p + width) contiguously, so a panel (a few KiB) stays in
// L1 while every row of the input streams past it.
inline std::vector<float> pack_panels(const std::vector<float>& wKN, size_t K, size_t cols) {
  std::vector<float> out(K * cols);
  size_t at = 0;
  for (size_t n = 0; n < cols; n += 8) {
    const size_t width = std::min<size_t>(8, cols - n);
    for (size_t k = 0; k < K; ++k)
      for (size_t j = 0; j < width; ++j) out[at++] = wKN[k * cols + n + j];
  }
  return out;
}

// out[m][n] = bias[n] + sum_k in[m][k] * w[k][n] with w packed by pack_panels; rows x cols outputs.
inline void gemm(const float* in, size_t inStride, size_t rows, size_t K, const float* panels, size_t cols,
                 const float* bias, float* out, size_t outStride, Clamp c) {
  for (size_t n = 0; n < cols; n += 8) {
    const float* w = panels + n * K;
    float* o = out + n;
    size_t m = 0;
    if (cols - n >= 8) {
      for (; m + 4 <= rows; m += 4)
        gemm_tile<4, 2>(in + m * inStride, inStride, K, w, 8, bias + n, o + m * outStride, outStride, c);
      for (; m < rows; ++m) gemm_tile<1, 2>(in + m * inStride, inStride, K, w, 8, bias + n, o + m * outStride, outStride, c);
    } else {
      for (; m + 4 <= rows; m += 4)
        gemm_tile<4, 1>(in + m * inStride, inStride, K, w, 4, bias + n, o + m * outStride, outStride, c);
      for (; m < rows; ++m) gemm_tile<1, 1>(in + m * inStride, inStride, K, w, 4, bias + n, o + m * outStride, outStride, c);
    }
  }
}

// Depthwise convolution: out[l][c] = bias[c] + sum_t in[l*stride + t - pad][c] * w[t][c]; S channels padded.
inline void depthwise(const float* in, size_t inLength, size_t S, size_t kernel, size_t stride, size_t pad,
                      const float* w, const float* bias, float* out, size_t outLength, Clamp c) {
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (size_t l = 0; l < outLength; ++l) {
    const long base = static_cast<long>(l * stride) - static_cast<long>(pad);
    const size_t t0 = base < 0 ? static_cast<size_t>(-base) : 0;
    const size_t t1 = std::min(kernel, static_cast<size_t>(static_cast<long>(inLength) - base));
    const float* row = in + (base + static_cast<long>(t0)) * static_cast<long>(S);
    float* o = out + l * S;
    size_t ch = 0;
    for (; ch + 16 <= S; ch += 16) {
      vf a0 = vload(bias + ch), a1 = vload(bias + ch + 4), a2 = vload(bias + ch + 8), a3 = vload(bias + ch + 12);
      const float* x = row + ch;
      for (size_t t = t0; t < t1; ++t, x += S) {
        const float* wt = w + t * S + ch;
        a0 = vmadd(a0, vload(x), vload(wt));
        a1 = vmadd(a1, vload(x + 4), vload(wt + 4));
        a2 = vmadd(a2, vload(x + 8), vload(wt + 8));
        a3 = vmadd(a3, vload(x + 12), vload(wt + 12));
      }
      vstore(o + ch, clamp(a0, lo, hi));
      vstore(o + ch + 4, clamp(a1, lo, hi));
      vstore(o + ch + 8, clamp(a2, lo, hi));
      vstore(o + ch + 12, clamp(a3, lo, hi));
    }
    for (; ch < S; ch += 4) {
      vf a = vload(bias + ch);
      const float* x = row + ch;
      for (size_t t = t0; t < t1; ++t, x += S) a = vmadd(a, vload(x), vload(w + t * S + ch));
      vstore(o + ch, clamp(a, lo, hi));
    }
  }
}

// Dense convolution (groups = 1, any kernel/stride/padding): weights packed [t][ci][coutPadded];
// the input row stride may be anything (1 for a one-channel input window read in place).
template <int NV>
inline void conv_block(const float* in, size_t inStride, size_t cin, size_t t0, size_t t1, const float* w,
                       size_t cols, const float* bias, float* o, vf lo, vf hi) {
  vf acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = vload(bias + 4 * j);
  for (size_t t = t0; t < t1; ++t) {
    const float* x = in + (t - t0) * inStride;
    const float* wt = w + t * cin * cols;
    for (size_t ci = 0; ci < cin; ++ci) {
      vf xv = vsplat(x[ci]);
      for (int j = 0; j < NV; ++j) acc[j] = vmadd(acc[j], xv, vload(wt + ci * cols + 4 * j));
    }
  }
  for (int j = 0; j < NV; ++j) vstore(o + 4 * j, clamp(acc[j], lo, hi));
}

inline void conv(const float* in, size_t inLength, size_t inStride, size_t cin, size_t kernel, size_t stride,
                 size_t pad, const float* w, size_t cols, const float* bias, float* out, size_t outLength, Clamp c) {
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (size_t l = 0; l < outLength; ++l) {
    const long base = static_cast<long>(l * stride) - static_cast<long>(pad);
    const size_t t0 = base < 0 ? static_cast<size_t>(-base) : 0;
    const size_t t1 = std::min(kernel, static_cast<size_t>(static_cast<long>(inLength) - base));
    const float* row = in + (base + static_cast<long>(t0)) * static_cast<long>(inStride);
    float* o = out + l * cols;
    size_t n = 0;
    for (; n + 16 <= cols; n += 16) conv_block<4>(row, inStride, cin, t0, t1, w + n, cols, bias + n, o + n, lo, hi);
    for (; n + 8 <= cols; n += 8) conv_block<2>(row, inStride, cin, t0, t1, w + n, cols, bias + n, o + n, lo, hi);
    for (; n < cols; n += 4) conv_block<1>(row, inStride, cin, t0, t1, w + n, cols, bias + n, o + n, lo, hi);
  }
}

// Elementwise ops over count floats (count is a multiple of 4).
inline void add(const float* a, const float* b, float* out, size_t count, Clamp c) {
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (size_t i = 0; i < count; i += 4) vstore(out + i, clamp(vadd(vload(a + i), vload(b + i)), lo, hi));
}
inline void activate(const float* in, float* out, size_t count, Clamp c) {
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (size_t i = 0; i < count; i += 4) vstore(out + i, clamp(vload(in + i), lo, hi));
}
inline void affine(const float* in, size_t rows, size_t S, const float* scale, const float* shift, float* out,
                   Clamp c) {
  const vf lo = vsplat(c.lo), hi = vsplat(c.hi);
  for (size_t r = 0; r < rows; ++r)
    for (size_t ch = 0; ch < S; ch += 4)
      vstore(out + r * S + ch, clamp(vmadd(vload(shift + ch), vload(in + r * S + ch), vload(scale + ch)), lo, hi));
}

// Mean over the length: [rows][S] -> [S].
inline void global_avg_pool(const float* in, size_t rows, size_t S, float* out) {
  const vf inv = vsplat(1.0f / static_cast<float>(rows));
  for (size_t ch = 0; ch < S; ch += 4) {
    vf a = vsplat(0.0f);
    for (size_t r = 0; r < rows; ++r) a = vadd(a, vload(in + r * S + ch));
    vstore(out + ch, vmul(a, inv));
  }
}

}  // namespace av::nn::simd
