// Shapley values on value functions whose Shapley values are known in closed form.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "explain/shapley.h"

using namespace av::explain;

namespace {

// Mixes a beat and a baseline by coalition: segment s takes x where bit s is set, b elsewhere.
std::vector<double> mix(const std::vector<double>& x, const std::vector<double>& b, const std::vector<Segment>& segs,
                        uint32_t mask) {
  std::vector<double> out = b;
  for (size_t s = 0; s < segs.size(); ++s)
    if (mask >> s & 1u)
      for (int t = segs[s].start; t < segs[s].end; ++t) out[static_cast<size_t>(t)] = x[static_cast<size_t>(t)];
  return out;
}

}  // namespace

TEST_CASE("segments tile the window contiguously with sizes differing by at most one", "[explain]") {
  const auto segs = make_segments(256, 12);
  REQUIRE(segs.size() == 12);
  CHECK(segs.front().start == 0);
  CHECK(segs.back().end == 256);
  for (size_t i = 1; i < segs.size(); ++i) CHECK(segs[i].start == segs[i - 1].end);
  CHECK(segs[0].end - segs[0].start == 22);  // 256 = 4 * 22 + 8 * 21
  CHECK(segs[11].end - segs[11].start == 21);
  CHECK_THROWS_AS(make_segments(256, 0), av::Error);
  CHECK_THROWS_AS(make_segments(10, 11), av::Error);
}

TEST_CASE("exact Shapley values of a linear model are w . (x - b) per segment", "[explain]") {
  // f(z) = c + sum_t w_t z_t: the Shapley value of segment s is sum_{t in s} w_t (x_t - b_t), exactly.
  const int n = 60, m = 7;
  std::vector<double> w(n), x(n), b(n);
  for (int t = 0; t < n; ++t) {
    w[t] = std::sin(0.37 * t) * 0.1;
    x[t] = std::cos(0.11 * t * t);
    b[t] = 0.05 * t - 1.0;
  }
  const auto segs = make_segments(n, m);
  int calls = 0;
  const CoalitionFn f = [&](const uint32_t* masks, size_t count, double* out) {
    ++calls;
    for (size_t i = 0; i < count; ++i) {
      const auto z = mix(x, b, segs, masks[i]);
      out[i] = 0.3 + std::inner_product(w.begin(), w.end(), z.begin(), 0.0);
    }
  };
  const auto r = exact_shapley(m, f, 32);
  CHECK(calls == 4);  // 128 coalitions in batches of 32
  CHECK(r.evaluations == 128);
  for (int s = 0; s < m; ++s) {
    double expected = 0.0;
    for (int t = segs[s].start; t < segs[s].end; ++t) expected += w[t] * (x[t] - b[t]);
    CHECK(r.values[s] == Approx(expected).margin(1e-12));
  }
  CHECK(r.baseValue == Approx(0.3 + std::inner_product(w.begin(), w.end(), b.begin(), 0.0)));
  CHECK(r.outputValue == Approx(0.3 + std::inner_product(w.begin(), w.end(), x.begin(), 0.0)));
}

TEST_CASE("exact Shapley values split interactions equally and give null players nothing", "[explain]") {
  // f(S) = 2 [0 in S] + 3 [1 in S and 2 in S] + 6 [1, 3, 4 all in S]; player 5 is null.
  // Shapley: phi0 = 2, phi1 = 1.5 + 2, phi2 = 1.5, phi3 = phi4 = 2, phi5 = 0.
  const CoalitionFn f = [](const uint32_t* masks, size_t count, double* out) {
    for (size_t i = 0; i < count; ++i) {
      const uint32_t s = masks[i];
      out[i] = 2.0 * (s & 1u) + 3.0 * ((s & 6u) == 6u) + 6.0 * ((s & 26u) == 26u);
    }
  };
  const auto r = exact_shapley(6, f, 7);
  const double expected[6] = {2.0, 3.5, 1.5, 2.0, 2.0, 0.0};
  for (int s = 0; s < 6; ++s) CHECK(r.values[s] == Approx(expected[s]).margin(1e-12));
  CHECK(r.outputValue - r.baseValue == Approx(11.0));
  CHECK_THROWS_AS(exact_shapley(17, f), av::Error);
}

TEST_CASE("KernelSHAP recovers a linear model exactly, is deterministic and keeps efficiency", "[explain]") {
  // For an additive value function KernelSHAP's regression is exact whatever coalitions were drawn.
  const int m = 24;
  std::vector<double> a(m);
  for (int i = 0; i < m; ++i) a[i] = std::sin(1.3 * i) + 0.1 * i;
  const CoalitionFn additive = [&](const uint32_t* masks, size_t count, double* out) {
    for (size_t i = 0; i < count; ++i) {
      double s = -0.5;
      for (int j = 0; j < m; ++j) s += (masks[i] >> j & 1u) ? a[j] : 0.0;
      out[i] = s;
    }
  };
  const auto r = kernel_shap(m, additive, 512, 7);
  for (int i = 0; i < m; ++i) CHECK(r.values[i] == Approx(a[i]).margin(1e-9));

  // With interactions the estimate is approximate, but efficiency is imposed exactly and the seed fixes it.
  const CoalitionFn product = [&](const uint32_t* masks, size_t count, double* out) {
    for (size_t i = 0; i < count; ++i) {
      const uint32_t s = masks[i];
      out[i] = 0.2 * __builtin_popcount(s) + ((s & 3u) == 3u ? 1.0 : 0.0) + ((s >> 10 & 7u) == 7u ? 2.0 : 0.0);
    }
  };
  const auto p1 = kernel_shap(m, product, 4096, 42), p2 = kernel_shap(m, product, 4096, 42);
  CHECK(p1.values == p2.values);
  double sum = 0.0;
  for (double v : p1.values) sum += v;
  CHECK(sum == Approx(p1.outputValue - p1.baseValue).margin(1e-12));
  CHECK(p1.values[0] == Approx(0.7).margin(0.1));   // 0.2 + 1/2
  CHECK(p1.values[11] == Approx(0.2 + 2.0 / 3).margin(0.1));
  CHECK(p1.values[20] == Approx(0.2).margin(0.1));
}
