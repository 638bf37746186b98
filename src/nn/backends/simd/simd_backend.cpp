// The SIMD backend runs the graph one beat at a time: a beat's activations (tens of KiB) stay in cache
// from one layer to the next, which matters more here than batching the matrix products.
#include "nn/backends/simd/simd_backend.h"

#include <cstring>
#include <limits>
#include <vector>

#include "nn/backends/simd/kernels.h"

namespace av::nn {

namespace {

using simd::round4;

enum class Kernel { Pointwise, Conv, Depthwise, Grouped, Dense, Add, Activate, Affine, GlobalAvgPool };

struct Step {
  const Op* op;
  Kernel kernel;
  simd::Clamp clamp;
  std::vector<float> w, b;  // packed weights and padded bias
};

simd::Clamp clamp_of(Activation a) {
  const float inf = std::numeric_limits<float>::infinity();
  switch (a) {
    case Activation::Relu: return {0.0f, inf};
    case Activation::Relu6: return {0.0f, 6.0f};
    default: return {-inf, inf};
  }
}

class SimdBackend final : public BackendImpl {
 public:
  SimdBackend(std::shared_ptr<const Graph> graph, size_t /*maxBatch: one beat at a time*/) : g_(std::move(graph)) {
    const Shape in = g_->values[0];
    // A one-channel window is read in place (row stride 1) when only dense convolutions read it.
    inputDirect_ = in.channels == 1;
    for (const Op& op : g_->ops)
      if ((op.input == 0 || op.input2 == 0) && !(op.kind == OpKind::Conv && op.groups == 1))
        inputDirect_ = false;
    stride_.resize(g_->values.size());
    for (size_t v = 0; v < g_->values.size(); ++v) stride_[v] = round4(static_cast<size_t>(g_->values[v].channels));
    if (inputDirect_) stride_[0] = 1;

    plan_ = plan_buffers(*g_, [](const Shape& s) { return static_cast<size_t>(s.length) * round4(s.channels); });
    size_t total = 0;
    for (size_t sz : plan_.sizes) total += sz;
    const size_t inputFloats = inputDirect_ ? 0 : static_cast<size_t>(in.length) * stride_[0];
    // The context vector of the beat being run, zero-padded to its stride like any flat value.
    const size_t contextFloats = g_->context >= 0 ? stride_[static_cast<size_t>(g_->context)] : 0;
    arena_.assign(total + inputFloats + contextFloats, 0.0f);
    size_t at = 0;
    for (size_t sz : plan_.sizes) {
      buffers_.push_back(arena_.data() + at);
      at += sz;
    }
    inputBuffer_ = arena_.data() + at;
    if (g_->context >= 0) contextBuffer_ = inputBuffer_ + inputFloats;

    for (const Op& op : g_->ops) steps_.push_back(pack(op));
  }

  void run(const float* windows, const float* context, size_t n, float* logits, int capture,
           float* captured) override {
    const Shape in = g_->values[0];
    const size_t windowSize = in.size();
    const size_t contextSize = g_->context >= 0 ? g_->values[static_cast<size_t>(g_->context)].size() : 0;
    const Shape out = g_->values[static_cast<size_t>(g_->logits)];
    const size_t captureSize = capture >= 0 ? g_->values[static_cast<size_t>(capture)].size() : 0;
    for (size_t i = 0; i < n; ++i) {
      const float* window = windows + i * windowSize;
      if (!inputDirect_) {  // NCW -> [length][stride], padding channels stay zero
        for (size_t ch = 0; ch < static_cast<size_t>(in.channels); ++ch)
          for (size_t l = 0; l < static_cast<size_t>(in.length); ++l)
            inputBuffer_[l * stride_[0] + ch] = window[ch * static_cast<size_t>(in.length) + l];
      }
      if (contextSize) std::memcpy(contextBuffer_, context + i * contextSize, sizeof(float) * contextSize);
      for (const Step& s : steps_) {
        run_step(s, window);
        if (s.op->output == capture) copy_out(capture, captured + i * captureSize);
      }
      std::memcpy(logits + i * static_cast<size_t>(out.channels), value(g_->logits, window),
                  sizeof(float) * static_cast<size_t>(out.channels));
    }
  }

 private:
  static bool is_pointwise(const Op& op, size_t inStride) {
    return op.kind == OpKind::Conv && op.groups == 1 && op.kernel == 1 && op.stride == 1 && op.padding == 0 &&
           inStride % 4 == 0;
  }

  Step pack(const Op& op) {
    Step s{&op, Kernel::Add, clamp_of(op.act), {}, {}};
    const size_t cin = static_cast<size_t>(op.inChannels), cout = static_cast<size_t>(op.outChannels);
    const size_t cols = round4(cout), k = static_cast<size_t>(op.kernel);
    auto padded_bias = [&] {
      s.b.assign(cols, 0.0f);
      std::copy(op.bias.begin(), op.bias.end(), s.b.begin());
    };
    switch (op.kind) {
      case OpKind::Conv:
        padded_bias();
        if (op.groups == 1) {
          s.kernel = is_pointwise(op, stride_[static_cast<size_t>(op.input)]) ? Kernel::Pointwise : Kernel::Conv;
          s.w.assign(k * cin * cols, 0.0f);  // [t][ci][co]
          for (size_t co = 0; co < cout; ++co)
            for (size_t ci = 0; ci < cin; ++ci)
              for (size_t t = 0; t < k; ++t) s.w[(t * cin + ci) * cols + co] = op.weight[(co * cin + ci) * k + t];
          if (s.kernel == Kernel::Pointwise) s.w = simd::pack_panels(s.w, cin, cols);
        } else if (op.groups == op.inChannels && op.outChannels == op.inChannels) {
          s.kernel = Kernel::Depthwise;
          s.w.assign(k * cols, 0.0f);  // [t][c]
          for (size_t c = 0; c < cout; ++c)
            for (size_t t = 0; t < k; ++t) s.w[t * cols + c] = op.weight[c * k + t];
        } else {
          s.kernel = Kernel::Grouped;  // rare: plain loops over the PyTorch layout
          s.w = op.weight;
        }
        break;
      case OpKind::Dense:
        s.kernel = Kernel::Dense;
        padded_bias();
        s.w.assign(cin * cols, 0.0f);  // [in][out]
        for (size_t o = 0; o < cout; ++o)
          for (size_t i = 0; i < cin; ++i) s.w[i * cols + o] = op.weight[o * cin + i];
        s.w = simd::pack_panels(s.w, cin, cols);
        break;
      case OpKind::Affine:
        s.kernel = Kernel::Affine;
        s.w.assign(cols, 0.0f);
        std::copy(op.weight.begin(), op.weight.end(), s.w.begin());
        padded_bias();
        break;
      case OpKind::Add: s.kernel = Kernel::Add; break;
      case OpKind::Activate: s.kernel = Kernel::Activate; break;
      case OpKind::GlobalAvgPool: s.kernel = Kernel::GlobalAvgPool; break;
    }
    return s;
  }

  float* value(int v, const float* window) {
    if (v == 0) return inputDirect_ ? const_cast<float*>(window) : inputBuffer_;
    if (v == g_->context) return contextBuffer_;
    return buffers_[static_cast<size_t>(plan_.bufferOf[static_cast<size_t>(v)])];
  }

  void run_step(const Step& s, const float* window) {
    const Op& op = *s.op;
    const Shape& is = g_->values[static_cast<size_t>(op.input)];
    const Shape& os = g_->values[static_cast<size_t>(op.output)];
    const float* in = value(op.input, window);
    float* out = value(op.output, window);
    const size_t inStride = stride_[static_cast<size_t>(op.input)], outStride = stride_[static_cast<size_t>(op.output)];
    const size_t inLen = static_cast<size_t>(is.length), outLen = static_cast<size_t>(os.length);
    switch (s.kernel) {
      case Kernel::Pointwise:
        simd::gemm(in, inStride, outLen, static_cast<size_t>(op.inChannels), s.w.data(), outStride, s.b.data(), out,
                   outStride, s.clamp);
        break;
      case Kernel::Conv:
        simd::conv(in, inLen, inStride, static_cast<size_t>(op.inChannels), static_cast<size_t>(op.kernel),
                   static_cast<size_t>(op.stride), static_cast<size_t>(op.padding), s.w.data(), outStride, s.b.data(),
                   out, outLen, s.clamp);
        break;
      case Kernel::Depthwise:
        simd::depthwise(in, inLen, inStride, static_cast<size_t>(op.kernel), static_cast<size_t>(op.stride),
                        static_cast<size_t>(op.padding), s.w.data(), s.b.data(), out, outLen, s.clamp);
        break;
      case Kernel::Grouped: grouped(s, in, inLen, inStride, out, outLen, outStride); break;
      case Kernel::Dense:
        simd::gemm(in, inStride, 1, static_cast<size_t>(op.inChannels), s.w.data(), outStride, s.b.data(), out,
                   outStride, s.clamp);
        break;
      case Kernel::Add:
        simd::add(in, value(op.input2, window), out, outLen * outStride, s.clamp);
        break;
      case Kernel::Activate: simd::activate(in, out, outLen * outStride, s.clamp); break;
      case Kernel::Affine: simd::affine(in, outLen, outStride, s.w.data(), s.b.data(), out, s.clamp); break;
      case Kernel::GlobalAvgPool: simd::global_avg_pool(in, inLen, inStride, out); break;
    }
  }

  void grouped(const Step& s, const float* in, size_t inLen, size_t inStride, float* out, size_t outLen,
               size_t outStride) {
    const Op& op = *s.op;
    const long k = op.kernel, cinG = op.inChannels / op.groups, coutG = op.outChannels / op.groups;
    for (size_t l = 0; l < outLen; ++l) {
      for (long co = 0; co < op.outChannels; ++co) {
        const long g = co / coutG;
        float acc = s.b[static_cast<size_t>(co)];
        for (long ci = 0; ci < cinG; ++ci)
          for (long t = 0; t < k; ++t) {
            const long x = static_cast<long>(l) * op.stride + t - op.padding;
            if (x < 0 || x >= static_cast<long>(inLen)) continue;
            acc += in[static_cast<size_t>(x) * inStride + static_cast<size_t>(g * cinG + ci)] *
                   s.w[static_cast<size_t>((co * cinG + ci) * k + t)];
          }
        out[l * outStride + static_cast<size_t>(co)] = std::min(std::max(acc, s.clamp.lo), s.clamp.hi);
      }
      for (size_t co = static_cast<size_t>(op.outChannels); co < outStride; ++co) out[l * outStride + co] = 0.0f;
    }
  }

  // Copies a value out as [C][L] (the PyTorch layout).
  void copy_out(int v, float* dst) {
    const Shape& s = g_->values[static_cast<size_t>(v)];
    const float* src = buffers_[static_cast<size_t>(plan_.bufferOf[static_cast<size_t>(v)])];
    const size_t S = stride_[static_cast<size_t>(v)];
    for (size_t c = 0; c < static_cast<size_t>(s.channels); ++c)
      for (size_t l = 0; l < static_cast<size_t>(s.length); ++l) dst[c * static_cast<size_t>(s.length) + l] = src[l * S + c];
  }

  std::shared_ptr<const Graph> g_;
  bool inputDirect_ = false;
  std::vector<size_t> stride_;
  BufferPlan plan_;
  std::vector<float> arena_;
  std::vector<float*> buffers_;
  float* inputBuffer_ = nullptr;
  float* contextBuffer_ = nullptr;
  std::vector<Step> steps_;
};

}  // namespace

std::unique_ptr<BackendImpl> make_simd_backend(std::shared_ptr<const Graph> graph, size_t maxBatch) {
  return std::make_unique<SimdBackend>(std::move(graph), maxBatch);
}

}  // namespace av::nn
