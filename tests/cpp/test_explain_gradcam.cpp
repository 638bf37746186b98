// Grad-CAM on small hand-built models (models/FORMAT.md layer lists) with hand-computed answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "explain/gradcam.h"
#include "gradcam_from_json.h"

using namespace av::explain;
using nlohmann::json;

namespace {

json param(size_t& offset, std::vector<size_t> shape) {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  json p = {{"offset", offset}, {"shape", shape}};
  offset += n;
  return p;
}

// conv(1->2, k3, s2, p1) -> relu [gradcam] -> (optional conv(2->3, k3, s1, p1) -> relu) -> gap -> dense -> softmax
json tiny_model(bool extraConv, size_t& count) {
  size_t off = 0;
  json arch = json::array();
  arch.push_back({{"name", "c1"}, {"type", "conv1d"}, {"inChannels", 1}, {"outChannels", 2}, {"kernel", 3},
                  {"stride", 2}, {"padding", 1}, {"groups", 1},
                  {"params", {{"weight", param(off, {2, 1, 3})}, {"bias", param(off, {2})}}}});
  arch.push_back({{"name", "r1"}, {"type", "relu"}});
  int feat = 2;
  if (extraConv) {
    arch.push_back({{"name", "c2"}, {"type", "conv1d"}, {"inChannels", 2}, {"outChannels", 3}, {"kernel", 3},
                    {"stride", 1}, {"padding", 1}, {"groups", 1},
                    {"params", {{"weight", param(off, {3, 2, 3})}, {"bias", param(off, {3})}}}});
    arch.push_back({{"name", "bn2"}, {"type", "batchnorm"}, {"channels", 3}, {"epsilon", 1e-5},
                    {"params", {{"gamma", param(off, {3})}, {"beta", param(off, {3})}, {"mean", param(off, {3})},
                                {"var", param(off, {3})}}}});
    arch.push_back({{"name", "r2"}, {"type", "relu6"}});
    feat = 3;
  }
  arch.push_back({{"name", "gap"}, {"type", "global_avg_pool"}});
  arch.push_back({{"name", "fc"}, {"type", "dense"}, {"inFeatures", feat}, {"outFeatures", 3},
                  {"params", {{"weight", param(off, {3, static_cast<size_t>(feat)})}, {"bias", param(off, {3})}}}});
  arch.push_back({{"name", "sm"}, {"type", "softmax"}});
  count = off;
  return {{"input", {{"layout", "NCW"}, {"channels", 1}, {"length", 16}}},
          {"architecture", arch},
          {"explain", {{"gradcamLayer", "r1"}}}};
}

std::vector<float> weights_for(size_t count) {
  std::vector<float> w(count);
  for (size_t i = 0; i < count; ++i) w[i] = static_cast<float>(std::sin(1.7 * i + 0.3));
  return w;
}

}  // namespace

TEST_CASE("Grad-CAM with GAP + dense after the layer weights channels by W[c,k] / L'", "[explain]") {
  size_t count = 0;
  const json meta = tiny_model(false, count);
  const auto w = weights_for(count);
  GradcamHead head = gradcam_head_from_json(meta, w.data(), w.size());
  REQUIRE(head.channels() == 2);
  REQUIRE(head.featureLength() == 8);  // floor((16 + 2 - 3) / 2) + 1
  CHECK(head.centreOffset() == 0.0);   // kernel 3, padding 1: position t is centred on input sample 2t
  CHECK(head.centreJump() == 2.0);
  CHECK(head.classes() == 3);

  std::vector<float> A(16);
  for (int i = 0; i < 16; ++i) A[i] = std::fabs(std::cos(0.9 * i));  // post-ReLU feature maps
  const float* W = w.data() + 8;                                      // dense weight [3][2] after c1's 8 floats
  const float* b = W + 6;
  for (int c = 0; c < 3; ++c) {
    const auto cam = head.compute(A.data(), c);
    for (int k = 0; k < 2; ++k) CHECK(cam.weights[k] == Approx(W[c * 2 + k] / 8.0).margin(1e-7));
    double logit = b[c];
    for (int k = 0; k < 2; ++k) {
      double mean = 0;
      for (int t = 0; t < 8; ++t) mean += A[k * 8 + t] / 8.0;
      logit += W[c * 2 + k] * mean;
    }
    CHECK(cam.logits[c] == Approx(logit).margin(1e-6));
    float mx = 0;
    for (int t = 0; t < 8; ++t) {
      const double expect = std::max(0.0, (W[c * 2] * A[t] + W[c * 2 + 1] * A[8 + t]) / 8.0);
      CHECK(cam.raw[t] == Approx(expect).margin(1e-6));
      mx = std::max(mx, cam.raw[t]);
    }
    REQUIRE(cam.values.size() == 16);
    for (int x = 0; x < 16; ++x) {
      CHECK(cam.values[x] >= 0.0f);
      CHECK(cam.values[x] <= 1.0f);
    }
    if (mx > 0) {
      // Input sample 2t carries feature t; odd samples interpolate; the last one holds the last value.
      CHECK(cam.values[6] == Approx(cam.raw[3] / mx).margin(1e-6));
      CHECK(cam.values[7] == Approx((cam.raw[3] + cam.raw[4]) / 2 / mx).margin(1e-6));
      CHECK(cam.values[15] == Approx(cam.raw[7] / mx).margin(1e-6));
    }
  }
  CHECK_THROWS_AS(head.compute(A.data(), 3), av::Error);
}

TEST_CASE("Grad-CAM backpropagates exactly through layers between the capture point and the pool", "[explain]") {
  size_t count = 0;
  const json meta = tiny_model(true, count);
  auto w = weights_for(count);
  // Give batchnorm a positive variance.
  for (size_t i = 8 + 21 + 9; i < 8 + 21 + 12; ++i) w[i] = 0.5f + std::fabs(w[i]);
  GradcamHead head = gradcam_head_from_json(meta, w.data(), w.size());
  std::vector<float> A(16);
  for (int i = 0; i < 16; ++i) A[i] = 0.3f + std::fabs(std::cos(1.3 * i));
  for (int c = 0; c < 3; ++c) {
    const auto cam = head.compute(A.data(), c);
    // alpha_k * L' is the derivative of the logit when all of channel k moves together: check by central
    // differences through the same tail.
    for (int k = 0; k < 2; ++k) {
      const float h = 1e-3f;
      auto up = A, down = A;
      for (int t = 0; t < 8; ++t) up[k * 8 + t] += h, down[k * 8 + t] -= h;
      const double fd = (head.compute(up.data(), c).logits[c] - head.compute(down.data(), c).logits[c]) / (2 * h);
      CHECK(cam.weights[k] * 8 == Approx(fd).margin(2e-4));
    }
  }
}

TEST_CASE("Grad-CAM rejects models it cannot read", "[explain]") {
  size_t count = 0;
  json meta = tiny_model(false, count);
  auto w = weights_for(count);
  meta["explain"]["gradcamLayer"] = "nope";
  CHECK_THROWS_AS(gradcam_head_from_json(meta, w.data(), w.size()), av::Error);
  meta = tiny_model(false, count);
  CHECK_THROWS_AS(gradcam_head_from_json(meta, w.data(), w.size() - 1), av::Error);  // dense bias beyond the weights
  meta["explain"]["gradcamLayer"] = "gap";
  CHECK_THROWS_AS(gradcam_head_from_json(meta, w.data(), w.size()), av::Error);  // not a feature map
}
