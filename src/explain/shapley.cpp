#include "explain/shapley.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "core/error.h"

namespace av::explain {

std::vector<Segment> make_segments(int length, int m) {
  if (m < 1 || m > 32 || m > length)
    throw Error("explain_invalid_segments",
                "segments must be between 1 and min(32, window length " + std::to_string(length) + "), got " +
                    std::to_string(m));
  std::vector<Segment> segments(static_cast<size_t>(m));
  const int base = length / m, extra = length % m;
  int start = 0;
  for (int s = 0; s < m; ++s) {
    const int size = base + (s < extra ? 1 : 0);
    segments[static_cast<size_t>(s)] = Segment{start, start + size, 0.0};
    start += size;
  }
  return segments;
}

ShapleyResult exact_shapley(int m, const CoalitionFn& f, size_t batch) {
  if (m < 1 || m > kMaxExactSegments)
    throw Error("explain_invalid_segments", "exact Shapley values need 1..16 segments, got " + std::to_string(m));
  batch = std::max<size_t>(batch, 1);
  const size_t count = size_t{1} << m;
  std::vector<uint32_t> masks(count);
  for (size_t i = 0; i < count; ++i) masks[i] = static_cast<uint32_t>(i);
  std::vector<double> v(count);
  for (size_t i = 0; i < count; i += batch) f(masks.data() + i, std::min(batch, count - i), v.data() + i);

  // weight[k] = k! (m-k-1)! / m!, computed as 1 / (m * C(m-1, k)) to stay exact-ish in double.
  std::vector<double> weight(static_cast<size_t>(m));
  for (int k = 0; k < m; ++k) {
    double binom = 1.0;
    for (int j = 1; j <= k; ++j) binom = binom * (m - 1 - k + j) / j;
    weight[static_cast<size_t>(k)] = 1.0 / (m * binom);
  }
  ShapleyResult r;
  r.values.assign(static_cast<size_t>(m), 0.0);
  for (size_t s = 0; s < count; ++s) {
    const int k = std::popcount(static_cast<uint32_t>(s));
    if (k == m) continue;
    const double w = weight[static_cast<size_t>(k)];
    for (int i = 0; i < m; ++i) {
      const size_t bit = size_t{1} << i;
      if (s & bit) continue;
      r.values[static_cast<size_t>(i)] += w * (v[s | bit] - v[s]);
    }
  }
  r.baseValue = v[0];
  r.outputValue = v[count - 1];
  r.evaluations = count;
  return r;
}

namespace {

// splitmix64: small, fast and identical on every platform (std distributions are not).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(uniform() * n) % n; }
};

// Solves the symmetric n x n system a x = b in place (Gaussian elimination, partial pivoting).
std::vector<double> solve(std::vector<double> a, std::vector<double> b, int n) {
  for (int c = 0; c < n; ++c) {
    int p = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(a[static_cast<size_t>(r * n + c)]) > std::fabs(a[static_cast<size_t>(p * n + c)])) p = r;
    if (std::fabs(a[static_cast<size_t>(p * n + c)]) < 1e-300)
      throw Error("explain_singular", "KernelSHAP system is singular; use more samples");
    if (p != c) {
      for (int k = 0; k < n; ++k) std::swap(a[static_cast<size_t>(p * n + k)], a[static_cast<size_t>(c * n + k)]);
      std::swap(b[static_cast<size_t>(p)], b[static_cast<size_t>(c)]);
    }
    for (int r = c + 1; r < n; ++r) {
      const double f = a[static_cast<size_t>(r * n + c)] / a[static_cast<size_t>(c * n + c)];
      if (f == 0.0) continue;
      for (int k = c; k < n; ++k) a[static_cast<size_t>(r * n + k)] -= f * a[static_cast<size_t>(c * n + k)];
      b[static_cast<size_t>(r)] -= f * b[static_cast<size_t>(c)];
    }
  }
  std::vector<double> x(static_cast<size_t>(n));
  for (int r = n - 1; r >= 0; --r) {
    double s = b[static_cast<size_t>(r)];
    for (int k = r + 1; k < n; ++k) s -= a[static_cast<size_t>(r * n + k)] * x[static_cast<size_t>(k)];
    x[static_cast<size_t>(r)] = s / a[static_cast<size_t>(r * n + r)];
  }
  return x;
}

}  // namespace

ShapleyResult kernel_shap(int m, const CoalitionFn& f, size_t samples, uint64_t seed, size_t batch) {
  if (m < 2 || m > 32)
    throw Error("explain_invalid_segments", "KernelSHAP needs 2..32 segments, got " + std::to_string(m));
  if (samples < static_cast<size_t>(2 * m) || samples > 65536)
    throw Error("explain_invalid_samples", "KernelSHAP needs between 2*segments and 65536 samples");
  batch = std::max<size_t>(batch, 1);
  const uint32_t full = m == 32 ? 0xFFFFFFFFu : ((1u << m) - 1u);

  // Coalition sizes 1..m-1 drawn with probability proportional to the Shapley kernel's total weight per size,
  // (m-1) / (s (m-s)); drawing from the kernel makes the regression weights uniform.
  std::vector<double> cdf(static_cast<size_t>(m - 1));
  double total = 0.0;
  for (int s = 1; s < m; ++s) cdf[static_cast<size_t>(s - 1)] = total += (m - 1.0) / (s * (m - s));
  Rng rng{seed};
  std::vector<uint32_t> masks;
  masks.reserve(samples + 2);
  masks.push_back(0);
  masks.push_back(full);
  std::vector<int> order(static_cast<size_t>(m));
  while (masks.size() < samples + 2) {
    const double u = rng.uniform() * total;
    const int size = 1 + static_cast<int>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    for (int i = 0; i < m; ++i) order[static_cast<size_t>(i)] = i;
    uint32_t mask = 0;
    for (int i = 0; i < std::min(size, m - 1); ++i) {  // partial Fisher-Yates
      const int j = i + static_cast<int>(rng.below(static_cast<uint32_t>(m - i)));
      std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
      mask |= 1u << order[static_cast<size_t>(i)];
    }
    masks.push_back(mask);
    masks.push_back(full & ~mask);  // paired sampling halves the variance
  }
  std::vector<double> v(masks.size());
  for (size_t i = 0; i < masks.size(); i += batch)
    f(masks.data() + i, std::min(batch, masks.size() - i), v.data() + i);

  // phi_{m-1} = delta - sum(others): regress y - base - z_{m-1} delta on (z_i - z_{m-1}), i < m-1.
  const double base = v[0], output = v[1], delta = output - base;
  const int n = m - 1;
  std::vector<double> ata(static_cast<size_t>(n * n), 0.0), aty(static_cast<size_t>(n), 0.0);
  std::vector<double> row(static_cast<size_t>(n));
  for (size_t k = 2; k < masks.size(); ++k) {
    const double last = (masks[k] >> (m - 1)) & 1u;
    const double y = v[k] - base - last * delta;
    for (int i = 0; i < n; ++i) row[static_cast<size_t>(i)] = static_cast<double>((masks[k] >> i) & 1u) - last;
    for (int i = 0; i < n; ++i) {
      const double ri = row[static_cast<size_t>(i)];
      if (ri == 0.0) continue;
      aty[static_cast<size_t>(i)] += ri * y;
      for (int j = 0; j < n; ++j) ata[static_cast<size_t>(i * n + j)] += ri * row[static_cast<size_t>(j)];
    }
  }
  const std::vector<double> x = solve(std::move(ata), std::move(aty), n);
  ShapleyResult r;
  r.values.assign(x.begin(), x.end());
  double sum = 0.0;
  for (double xi : x) sum += xi;
  r.values.push_back(delta - sum);
  r.baseValue = base;
  r.outputValue = output;
  r.evaluations = masks.size();
  return r;
}

}  // namespace av::explain
