// XNNPACK backend (native only): each op becomes an XNNPACK operator over NHWC tensors with height 1
// (a 1D window of L samples and C channels is [batch][1][L][C]). Operators are set up once per batch size.
#include <xnnpack.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "nn/backend.h"

namespace av::nn {

namespace {

void check(xnn_status status, const char* what) {
  if (status != xnn_status_success)
    throw Error("backend_failed", std::string("XNNPACK ") + what + " failed (status " + std::to_string(status) + ")");
}

void init_xnnpack() {
  static std::once_flag once;
  static xnn_status status = xnn_status_success;
  std::call_once(once, [] { status = xnn_initialize(nullptr); });
  check(status, "initialization");
}

std::pair<float, float> range_of(Activation a) {
  const float inf = std::numeric_limits<float>::infinity();
  switch (a) {
    case Activation::Relu: return {0.0f, inf};
    case Activation::Relu6: return {0.0f, 6.0f};
    default: return {-inf, inf};
  }
}

struct OpDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using OpPtr = std::unique_ptr<xnn_operator, OpDeleter>;

class XnnpackBackend final : public BackendImpl {
 public:
  XnnpackBackend(std::shared_ptr<const Graph> graph, size_t maxBatch) : g_(std::move(graph)) {
    init_xnnpack();
    plan_ = plan_buffers(*g_, [](const Shape& s) { return s.size(); });
    contextSize_ = g_->context >= 0 ? g_->values[static_cast<size_t>(g_->context)].size() : 0;
    size_t total = g_->values[0].size() + contextSize_;  // the inputs: the window transposed to channels-last, the context
    for (size_t sz : plan_.sizes) total += sz;
    // Whole batches live in memory at once here: keep them within kMaxArenaFloats, whatever maxBatch says.
    maxBatch_ = std::clamp<size_t>(kMaxArenaFloats / std::max<size_t>(total, 1), 1, maxBatch);
    // XNNPACK kernels may read a few elements past the end of a tensor (XNN_EXTRA_BYTES).
    arena_.assign(total * maxBatch_ + 64, 0.0f);
    float* at = arena_.data();
    input_ = at;
    at += g_->values[0].size() * maxBatch_;
    context_ = at;  // operators are set up on fixed pointers: the caller's context rows are copied here
    at += contextSize_ * maxBatch_;
    for (size_t sz : plan_.sizes) {
      buffers_.push_back(at);
      at += sz * maxBatch_;
    }
    for (const Op& op : g_->ops) ops_.push_back(create(op));
  }

  void run(const float* windows, const float* context, size_t n, float* logits, int capture,
           float* captured) override {
    const size_t per = g_->values[0].size(), classes = g_->values[static_cast<size_t>(g_->logits)].size();
    const size_t perCapture = capture >= 0 ? g_->values[static_cast<size_t>(capture)].size() : 0;
    for (size_t done = 0; done < n; done += maxBatch_) {
      const size_t count = std::min(maxBatch_, n - done);
      run_chunk(windows + done * per, contextSize_ ? context + done * contextSize_ : nullptr, count,
                logits + done * classes, capture, captured ? captured + done * perCapture : nullptr);
    }
  }

 private:
  static constexpr size_t kMaxArenaFloats = 64u << 20;  // 256 MiB

  void run_chunk(const float* windows, const float* context, size_t n, float* logits, int capture, float* captured) {
    const Shape in = g_->values[0];
    const size_t C = static_cast<size_t>(in.channels), L = static_cast<size_t>(in.length);
    for (size_t b = 0; b < n; ++b)  // NCW -> NWC
      for (size_t c = 0; c < C; ++c)
        for (size_t l = 0; l < L; ++l) input_[(b * L + l) * C + c] = windows[(b * C + c) * L + l];
    if (contextSize_) std::memcpy(context_, context, sizeof(float) * n * contextSize_);
    if (n != setupFor_) setup(n);
    for (size_t k = 0; k < g_->ops.size(); ++k) {
      const Op& op = g_->ops[k];
      if (op.kind == OpKind::Affine) affine(op, n);
      else check(xnn_run_operator(ops_[k].get(), nullptr), "run");
      if (op.output == capture) copy_out(capture, n, captured);
    }
    const Shape out = g_->values[static_cast<size_t>(g_->logits)];
    std::memcpy(logits, value(g_->logits), sizeof(float) * n * out.size());
  }

  float* value(int v) {
    if (v == 0) return input_;
    if (v == g_->context) return context_;
    return buffers_[static_cast<size_t>(plan_.bufferOf[static_cast<size_t>(v)])];
  }

  OpPtr create(const Op& op) {
    xnn_operator_t x = nullptr;
    auto [lo, hi] = range_of(op.act);
    const Shape& is = g_->values[static_cast<size_t>(op.input)];
    const size_t C = static_cast<size_t>(is.channels);
    switch (op.kind) {
      case OpKind::Conv: {
        // PyTorch [out][in/g][k] -> XNNPACK [g][out/g][kh=1][kw][in/g].
        const size_t k = static_cast<size_t>(op.kernel), cinG = static_cast<size_t>(op.inChannels / op.groups);
        std::vector<float> w(op.weight.size());
        for (size_t o = 0; o < static_cast<size_t>(op.outChannels); ++o)
          for (size_t i = 0; i < cinG; ++i)
            for (size_t t = 0; t < k; ++t) w[(o * k + t) * cinG + i] = op.weight[(o * cinG + i) * k + t];
        const uint32_t pad = static_cast<uint32_t>(op.padding);
        check(xnn_create_convolution2d_nhwc_f32(
                  0, pad, 0, pad, 1, static_cast<uint32_t>(op.kernel), 1, static_cast<uint32_t>(op.stride), 1, 1,
                  static_cast<uint32_t>(op.groups), cinG, static_cast<size_t>(op.outChannels / op.groups),
                  static_cast<size_t>(op.inChannels), static_cast<size_t>(op.outChannels), w.data(), op.bias.data(),
                  lo, hi, 0, &x),
              "convolution");
        break;
      }
      case OpKind::Dense:
        check(xnn_create_fully_connected_nc_f32(static_cast<size_t>(op.inChannels),
                                                static_cast<size_t>(op.outChannels), C,
                                                static_cast<size_t>(op.outChannels), op.weight.data(), op.bias.data(),
                                                lo, hi, 0, &x),
              "fully connected");
        break;
      case OpKind::Add: check(xnn_create_add_nd_f32(lo, hi, 0, &x), "add"); break;
      case OpKind::Activate: check(xnn_create_clamp_nc_f32(C, C, C, lo, hi, 0, &x), "clamp"); break;
      case OpKind::GlobalAvgPool:
        check(xnn_create_global_average_pooling_nwc_f32(C, C, C, -std::numeric_limits<float>::infinity(),
                                                        std::numeric_limits<float>::infinity(), 0, &x),
              "global average pooling");
        break;
      case OpKind::Affine: break;  // no XNNPACK operator: done in affine()
    }
    return OpPtr(x);
  }

  void setup(size_t n) {
    for (size_t k = 0; k < g_->ops.size(); ++k) {
      const Op& op = g_->ops[k];
      xnn_operator_t x = ops_[k].get();
      const Shape& is = g_->values[static_cast<size_t>(op.input)];
      const float* in = value(op.input);
      float* out = value(op.output);
      switch (op.kind) {
        case OpKind::Conv:
          check(xnn_setup_convolution2d_nhwc_f32(x, n, 1, static_cast<size_t>(is.length), in, out, nullptr), "setup");
          break;
        case OpKind::Dense: check(xnn_setup_fully_connected_nc_f32(x, n, in, out, nullptr), "setup"); break;
        case OpKind::Add: {
          const size_t shape[1] = {n * is.size()};
          check(xnn_setup_add_nd_f32(x, 1, shape, 1, shape, in, value(op.input2), out, nullptr), "setup");
          break;
        }
        case OpKind::Activate:
          check(xnn_setup_clamp_nc_f32(x, n * static_cast<size_t>(is.length), in, out, nullptr), "setup");
          break;
        case OpKind::GlobalAvgPool:
          check(xnn_setup_global_average_pooling_nwc_f32(x, n, static_cast<size_t>(is.length), in, out, nullptr),
                "setup");
          break;
        case OpKind::Affine: break;
      }
    }
    setupFor_ = n;
  }

  void affine(const Op& op, size_t n) {
    const Shape& s = g_->values[static_cast<size_t>(op.output)];
    const float* in = value(op.input);
    float* out = value(op.output);
    auto [lo, hi] = range_of(op.act);
    const size_t C = static_cast<size_t>(s.channels);
    for (size_t r = 0; r < n * static_cast<size_t>(s.length); ++r)
      for (size_t c = 0; c < C; ++c)
        out[r * C + c] = std::min(std::max(in[r * C + c] * op.weight[c] + op.bias[c], lo), hi);
  }

  void copy_out(int v, size_t n, float* dst) {
    const Shape& s = g_->values[static_cast<size_t>(v)];
    const float* src = value(v);
    const size_t C = static_cast<size_t>(s.channels), L = static_cast<size_t>(s.length);
    for (size_t b = 0; b < n; ++b)
      for (size_t c = 0; c < C; ++c)
        for (size_t l = 0; l < L; ++l) dst[(b * C + c) * L + l] = src[(b * L + l) * C + c];
  }

  std::shared_ptr<const Graph> g_;
  size_t maxBatch_ = 1;
  BufferPlan plan_;
  std::vector<float> arena_;
  float* input_ = nullptr;
  float* context_ = nullptr;
  size_t contextSize_ = 0;
  std::vector<float*> buffers_;
  std::vector<OpPtr> ops_;
  size_t setupFor_ = 0;
};

}  // namespace

std::unique_ptr<BackendImpl> make_xnnpack_backend(std::shared_ptr<const Graph> graph, size_t maxBatch) {
  return std::make_unique<XnnpackBackend>(std::move(graph), maxBatch);
}

}  // namespace av::nn
