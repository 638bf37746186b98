// Model loader: strict validation of the metadata JSON against the weights, then the layer list becomes a
// Graph with BatchNorm folded into the convolution before it and ReLU fused where the result is exact.
#include "nn/model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <map>

#include "core/error.h"
#include "core/json_value.h"

namespace av::nn {

namespace {

using Json = JsonValue;

// A shape for a message, "[2,3,5]", or a note when the file's value is not a short list of integers (a hostile
// file must not make the message long).
std::string shape_text(const std::vector<long long>& s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) t += ',';
    t += std::to_string(s[i]);
  }
  return t + "]";
}
std::string shape_text(const Json& s) {
  if (!s.is_array() || s.size() > 8) return "(not a short list of integers)";
  std::vector<long long> dims;
  for (const Json& d : s) {
    if (!d.is_number_integer()) return "(not a list of integers)";
    dims.push_back(d.integer());
  }
  return shape_text(dims);
}
static_assert(std::endian::native == std::endian::little, "weights are little-endian float32");

// Limits far above any ECG model; they keep a hostile file from asking for unbounded memory or time.
constexpr long long kMaxLayers = 512;
constexpr long long kMaxChannels = 4096;
constexpr long long kMaxKernel = 1024;
constexpr long long kMaxLength = 65536;
constexpr long long kMaxWeightCount = 16LL << 20;      // 64 MiB of float32
constexpr long long kMaxActivationFloats = 4LL << 20;  // per beat, all layers together (16 MiB)
constexpr long long kMaxMacs = 1LL << 31;               // per beat
constexpr long long kMaxBackgroundWindows = 4096;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw Error("model_invalid", what, where);
}

const Json& field(const Json& obj, const char* key, const std::string& where) {
  if (!obj.is_object()) fail(where, "expected an object");
  const Json* v = obj.find(key);
  if (!v) fail(where, std::string("missing field \"") + key + "\"");
  return *v;
}

long long int_field(const Json& obj, const char* key, const std::string& where, long long lo, long long hi) {
  const Json& v = field(obj, key, where);
  if (!v.is_number_integer()) fail(where, std::string("\"") + key + "\" must be an integer");
  long long x = v.is_number_unsigned() ? static_cast<long long>(std::min<uint64_t>(v.unsigned_integer(), INT64_MAX))
                                       : v.integer();
  if (x < lo || x > hi)
    fail(where, std::string("\"") + key + "\" = " + std::to_string(x) + " is outside [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "]");
  return x;
}

double number_field(const Json& obj, const char* key, const std::string& where) {
  const Json& v = field(obj, key, where);
  if (!v.is_number()) fail(where, std::string("\"") + key + "\" must be a number");
  double x = v.number();
  if (!std::isfinite(x)) fail(where, std::string("\"") + key + "\" must be finite");
  return x;
}

std::string string_field(const Json& obj, const char* key, const std::string& where) {
  const Json& v = field(obj, key, where);
  if (!v.is_string()) fail(where, std::string("\"") + key + "\" must be a string");
  return v.string();
}

// Reads the tensors a layer names ({"offset", "shape"}) out of the weights, checking shape and bounds.
class WeightReader {
 public:
  WeightReader(std::span<const uint8_t> bytes, long long count) : bytes_(bytes), count_(count) {}

  std::vector<float> read(const Json& layer, const char* key, const std::vector<long long>& shape,
                          const std::string& where) {
    const Json& p = field(layer, key, where);
    std::string at = where + "." + key;
    long long offset = int_field(p, "offset", at, 0, count_);
    const Json& s = field(p, "shape", at);
    if (!s.is_array()) fail(at, "\"shape\" must be an array");
    bool same = s.size() == shape.size();
    for (size_t i = 0; same && i < shape.size(); ++i)
      same = s[i].is_number_integer() && s[i].integer() == shape[i];
    if (!same) fail(at, "shape " + shape_text(s) + " does not match the layer, expected " + shape_text(shape));
    long long n = 1;
    for (long long d : shape) n *= d;
    if (offset + n > count_)
      fail(at, "offset " + std::to_string(offset) + " + " + std::to_string(n) + " floats is outside the weights (" +
                   std::to_string(count_) + " floats)");
    std::vector<float> out(static_cast<size_t>(n));
    std::memcpy(out.data(), bytes_.data() + offset * 4, static_cast<size_t>(n) * 4);
    for (float x : out)
      if (!std::isfinite(x)) fail(at, "weights contain NaN or infinity");
    parameters += n;
    return out;
  }

  long long parameters = 0;

 private:
  std::span<const uint8_t> bytes_;
  long long count_;
};

// Where a layer's output lives while the graph is built.
struct LayerOut {
  int value = -1;
  int op = -1;  // producing op, -1 for the network input
};

struct Builder {
  ModelInfo& info;
  Graph& graph;
  std::map<std::string, LayerOut> outs;
  std::map<std::string, int> uses;  // how many layers read each layer's output
  std::string keep;                            // a layer whose exact output must survive fusion
  long long activationFloats = 0;
  long long macs = 0;

  int add_value(Shape s, const std::string& where) {
    activationFloats += static_cast<long long>(s.size());
    if (activationFloats > kMaxActivationFloats) fail(where, "activations are too large");
    graph.values.push_back(s);
    return static_cast<int>(graph.values.size()) - 1;
  }

  // True if the op producing `in` can absorb a following per-channel step without changing any other value.
  bool can_fuse(const std::string& inName, std::initializer_list<OpKind> kinds) const {
    const LayerOut& o = outs.at(inName);
    if (o.op < 0 || inName == keep || uses.at(inName) != 1) return false;
    const Op& op = graph.ops[static_cast<size_t>(o.op)];
    if (op.act != Activation::None || op.output != o.value) return false;
    for (OpKind k : kinds)
      if (op.kind == k) return true;
    return false;
  }

  void rename(const std::string& from, const std::string& to) {
    LayerOut o = outs.at(from);
    outs[to] = o;
    graph.named.erase(from);
    graph.named[to] = o.value;
    graph.ops[static_cast<size_t>(o.op)].name = to;
  }

  int push(Op op, Shape shape, const std::string& name, const std::string& where) {
    op.name = name;
    op.output = add_value(shape, where);
    graph.ops.push_back(std::move(op));
    int index = static_cast<int>(graph.ops.size()) - 1;
    outs[name] = {graph.ops.back().output, index};
    graph.named[name] = graph.ops.back().output;
    return index;
  }
};

std::vector<std::string> layer_inputs(const Json& layer, const std::string& previous, const std::string& where) {
  const Json* it = layer.find("inputs");
  if (!it) return {previous};
  if (!it->is_array() || it->empty() || it->size() > 2) fail(where, "\"inputs\" must list one or two layer names");
  std::vector<std::string> names;
  for (const Json& n : *it) {
    if (!n.is_string()) fail(where, "\"inputs\" must list layer names");
    names.push_back(n.string());
  }
  return names;
}

void parse_top(const Json& doc, ModelInfo& info) {
  const std::string where = "metadata";
  if (!doc.is_object()) fail(where, "expected a JSON object");
  if (string_field(doc, "format", where) != "arrhythmiavision-model")
    fail(where, "\"format\" must be \"arrhythmiavision-model\"");
  if (int_field(doc, "formatVersion", where, 0, 1000) != 1) fail(where, "unsupported \"formatVersion\" (expected 1)");
  info.name = string_field(doc, "name", where);
  if (info.name.empty() || info.name.size() > 200) fail(where, "\"name\" must be 1 to 200 characters");
  info.version = string_field(doc, "version", where);

  const Json& classes = field(doc, "classes", where);
  if (!classes.is_array() || classes.empty() || classes.size() > 1000)
    fail(where, "\"classes\" must be a non-empty array");
  for (const Json& c : classes) {
    if (!c.is_string() || c.string().empty()) fail(where, "\"classes\" must hold non-empty strings");
    info.classes.push_back(c.string());
  }

  info.sampleRate = number_field(doc, "sampleRate", where);
  if (info.sampleRate <= 0 || info.sampleRate > 1e6) fail(where, "\"sampleRate\" must be in (0, 1e6]");

  const Json& window = field(doc, "window", where);
  info.windowBefore = static_cast<int>(int_field(window, "before", "window", 0, kMaxLength));
  info.windowAfter = static_cast<int>(int_field(window, "after", "window", 0, kMaxLength));
  info.windowLength = info.windowBefore + info.windowAfter;
  if (info.windowLength < 1 || info.windowLength > kMaxLength) fail("window", "window length must be in [1, 65536]");

  const Json& norm = field(doc, "normalization", where);
  if (string_field(norm, "method", "normalization") != "zscore")
    fail("normalization", "\"method\" must be \"zscore\"");
  info.stdFloor = number_field(norm, "stdFloor", "normalization");
  if (info.stdFloor <= 0) fail("normalization", "\"stdFloor\" must be positive");

  const Json& input = field(doc, "input", where);
  if (string_field(input, "layout", "input") != "NCW") fail("input", "\"layout\" must be \"NCW\"");
  info.inputChannels = static_cast<int>(int_field(input, "channels", "input", 1, kMaxInputChannels));
  if (int_field(input, "length", "input", 1, kMaxLength) != info.windowLength)
    fail("input", "\"length\" must equal window.before + window.after");
  if (const Json* ctx = input.find("context")) {
    const std::string at = "input.context";
    info.contextFeatures = static_cast<int>(int_field(*ctx, "features", at, 0, kMaxContextFeatures));
    const Json& names = field(*ctx, "names", at);
    if (!names.is_array()) fail(at, "\"names\" must be an array of strings");
    if (names.size() != static_cast<size_t>(info.contextFeatures))
      fail(at, "\"names\" lists " + std::to_string(names.size()) + " names but \"features\" = " +
                   std::to_string(info.contextFeatures));
    std::set<std::string> seen;
    for (const Json& n : names) {
      if (!n.is_string() || n.string().empty() || n.string().size() > 200)
        fail(at, "\"names\" must hold strings of 1 to 200 characters");
      if (!seen.insert(n.string()).second) fail(at, "duplicate context name \"" + n.string() + "\"");
      info.contextNames.push_back(n.string());
    }
    if (ctx->contains("templateMinPreLocal")) {
      const double m = number_field(*ctx, "templateMinPreLocal", at);
      if (!(m >= 0 && m <= 1)) fail(at, "\"templateMinPreLocal\" is out of range");
      info.templateMinPreLocal = m;
    }
  }
  info.parameters = int_field(doc, "parameters", where, 0, kMaxWeightCount);
}

// The elements of an array, each a finite number, appended to `out`; `bad` is the message otherwise.
void append_finite_numbers(const Json& numbers, const std::string& where, const std::string& bad, std::vector<float>& out) {
  for (const Json& x : numbers) {
    if (!x.is_number() || !std::isfinite(x.number())) fail(where, bad);
    out.push_back(static_cast<float>(x.number()));
  }
}

// labelRules (context models, core/label_rules.h): the L rule {"lMinTemplateQrsSec": s} and the V rule
// {"vTemplateMatchCorrQrs": c, "vTemplateMatchMinQrsSec": s} (both keys or neither), at least one of them.
void parse_label_rules(const Json& doc, ModelInfo& info) {
  const Json* it = doc.find("labelRules");
  if (!it) return;
  const std::string where = "labelRules";
  if (!it->is_object()) fail(where, "expected an object");
  if (info.inputChannels < 2 && info.contextFeatures == 0) fail(where, "label rules need a context model");
  // Key, field, the allowed range (inclusive), and the key that must come with it.
  static constexpr struct {
    const char* key;
    double LabelRules::*field;
    double lo, hi;
    const char* partner;
  } kRules[] = {{"lMinTemplateQrsSec", &LabelRules::lMinTemplateQrsSec, 0.001, 0.5, nullptr},
                {"vTemplateMatchCorrQrs", &LabelRules::vTemplateMatchCorrQrs, 0.001, 1, "vTemplateMatchMinQrsSec"},
                {"vTemplateMatchMinQrsSec", &LabelRules::vTemplateMatchMinQrsSec, 0, 0.5, "vTemplateMatchCorrQrs"}};
  if (it->keys().empty()) fail(where, "names no rule");
  for (const std::string& key : it->keys()) {
    const auto* rule = std::find_if(std::begin(kRules), std::end(kRules), [&](const auto& r) { return key == r.key; });
    if (rule == std::end(kRules)) fail(where, "unknown rule \"" + key.substr(0, 200) + "\"");
    const double x = number_field(*it, rule->key, where);
    if (!(x >= rule->lo && x <= rule->hi)) fail(where, "\"" + key + "\" is out of range (models/FORMAT.md)");
    if (rule->partner) number_field(*it, rule->partner, where);
    info.labelRules.*(rule->field) = x;
  }
}

void parse_explain(const Json& doc, ModelInfo& info) {
  const Json* it = doc.find("explain");
  if (!it) return;
  const std::string where = "explain";
  if (!it->is_object()) fail(where, "expected an object");
  if (it->contains("gradcamLayer")) info.gradcamLayer = string_field(*it, "gradcamLayer", where);
  const Json* ctx = it->find("backgroundContext");
  if (ctx && !ctx->is_null()) {
    const std::string bad = "\"backgroundContext\" must hold " + std::to_string(info.contextFeatures) + " finite numbers";
    if (!ctx->is_array() || ctx->size() != static_cast<size_t>(info.contextFeatures)) fail(where, bad);
    append_finite_numbers(*ctx, where, bad, info.backgroundContext);
  }
  const Json* bg = it->find("background");
  if (!bg) return;
  const size_t len = static_cast<size_t>(info.windowLength) * static_cast<size_t>(info.inputChannels);
  // Either one flat window (or several concatenated) or an array of windows.
  auto take = [&](const Json& numbers) {
    if (!numbers.is_array()) fail(where, "\"background\" must be an array of numbers");
    if (numbers.size() > len * kMaxBackgroundWindows) fail(where, "\"background\" is too large");
    append_finite_numbers(numbers, where, "\"background\" must hold finite numbers", info.background);
  };
  if (!bg->is_array()) fail(where, "\"background\" must be an array");
  if (!bg->empty() && bg->front().is_array()) {
    if (bg->size() > static_cast<size_t>(kMaxBackgroundWindows)) fail(where, "\"background\" has too many windows");
    for (const Json& w : *bg) {
      size_t before = info.background.size();
      take(w);
      if (info.background.size() - before != len) fail(where, "each background window must be windowLength long");
    }
  } else {
    take(*bg);
  }
  if (info.background.size() % len != 0) fail(where, "\"background\" length must be a multiple of the window length");
  info.backgroundCount = static_cast<int>(info.background.size() / len);
}

void build_graph(const Json& doc, std::span<const uint8_t> bytes, ModelInfo& info, Graph& graph) {
  const Json& weights = field(doc, "weights", "metadata");
  if (string_field(weights, "dtype", "weights") != "float32") fail("weights", "\"dtype\" must be \"float32\"");
  string_field(weights, "file", "weights");
  long long count = int_field(weights, "count", "weights", 0, kMaxWeightCount);
  if (static_cast<long long>(bytes.size()) != count * 4)
    fail("weights", "the weights hold " + std::to_string(bytes.size()) + " bytes but \"count\" says " +
                        std::to_string(count) + " floats (" + std::to_string(count * 4) + " bytes)");
  WeightReader reader(bytes, count);

  const Json& layers = field(doc, "architecture", "metadata");
  if (!layers.is_array() || layers.empty()) fail("architecture", "must be a non-empty array of layers");
  if (static_cast<long long>(layers.size()) > kMaxLayers) fail("architecture", "too many layers");

  Builder b{info, graph, {}, {}, info.gradcamLayer};
  graph.values.push_back(Shape{info.inputChannels, info.windowLength, false});
  b.outs["input"] = {0, -1};
  b.uses["input"] = 0;
  if (info.contextFeatures > 0) {  // the second input, value 1
    graph.values.push_back(Shape{info.contextFeatures, 1, true});
    graph.context = 1;
    b.outs[kContextInput] = {graph.context, -1};
    b.uses[kContextInput] = 0;
  }

  // First pass: names, types, inputs and how often each output is read.
  std::vector<std::vector<std::string>> inputs(layers.size());
  std::vector<std::string> names(layers.size()), types(layers.size());
  std::string previous = "input";
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string where = "architecture[" + std::to_string(i) + "]";
    names[i] = string_field(layers[i], "name", where);
    types[i] = string_field(layers[i], "type", where);
    if (names[i].empty() || names[i].size() > 200) fail(where, "layer names must be 1 to 200 characters");
    if (names[i] == kContextInput) fail(where, "the layer name \"context\" is reserved for the context input");
    if (b.uses.count(names[i])) fail(where, "duplicate layer name \"" + names[i] + "\"");
    inputs[i] = layer_inputs(layers[i], previous, where);
    for (const std::string& in : inputs[i]) {
      if (in == kContextInput && info.contextFeatures == 0)
        fail(where, "input \"context\" is the context input, but the model declares none (input.context)");
      if (in == kContextInput && types[i] != "dense") fail(where, "only a dense layer can read the context input");
      if (!b.uses.count(in)) fail(where, "input \"" + in + "\" is not an earlier layer");
      ++b.uses[in];
    }
    b.uses[names[i]] = 0;
    previous = names[i];
  }
  if (types.back() != "softmax") fail("architecture", "the last layer must be softmax");
  if (!info.gradcamLayer.empty() && (!b.uses.count(info.gradcamLayer) || info.gradcamLayer == names.back() ||
                                     info.gradcamLayer == kContextInput))
    fail("explain", "gradcamLayer \"" + info.gradcamLayer + "\" is not a layer of the network");

  for (size_t i = 0; i < layers.size(); ++i) {
    const Json& L = layers[i];
    const std::string& name = names[i];
    const std::string& type = types[i];
    const std::string where = "architecture[" + std::to_string(i) + "] (" + name + ")";
    const std::vector<std::string>& in = inputs[i];
    if (type != "add" && in.size() != 1) fail(where, "a " + type + " layer takes one input");
    const LayerOut src = b.outs.at(in[0]);
    const Shape s = graph.values[static_cast<size_t>(src.value)];

    if (type == "conv1d") {
      Op op;
      op.kind = OpKind::Conv;
      op.inChannels = static_cast<int>(int_field(L, "inChannels", where, 1, kMaxChannels));
      op.outChannels = static_cast<int>(int_field(L, "outChannels", where, 1, kMaxChannels));
      op.kernel = static_cast<int>(int_field(L, "kernel", where, 1, kMaxKernel));
      op.stride = static_cast<int>(int_field(L, "stride", where, 1, kMaxKernel));
      op.padding = static_cast<int>(int_field(L, "padding", where, 0, kMaxKernel));
      op.groups = static_cast<int>(int_field(L, "groups", where, 1, kMaxChannels));
      if (s.flat) fail(where, "conv1d needs a [channels, length] input");
      if (s.channels != op.inChannels)
        fail(where, "inChannels = " + std::to_string(op.inChannels) + " but the input has " +
                        std::to_string(s.channels) + " channels");
      if (op.inChannels % op.groups || op.outChannels % op.groups)
        fail(where, "groups must divide inChannels and outChannels");
      long long span = static_cast<long long>(s.length) + 2LL * op.padding - op.kernel;
      if (span < 0) fail(where, "the kernel is longer than the padded input");
      int outLength = static_cast<int>(span / op.stride + 1);
      const int inPerGroup = op.inChannels / op.groups;
      op.weight = reader.read(L, "weight", {op.outChannels, inPerGroup, op.kernel}, where);
      if (L.contains("bias")) op.bias = reader.read(L, "bias", {op.outChannels}, where);
      else op.bias.assign(static_cast<size_t>(op.outChannels), 0.0f);
      b.macs += static_cast<long long>(outLength) * op.outChannels * inPerGroup * op.kernel;
      if (b.macs > kMaxMacs) fail(where, "the network needs too many operations per beat");
      op.input = src.value;
      const Shape out{op.outChannels, outLength, false};
      b.push(std::move(op), out, name, where);
    } else if (type == "batchnorm") {
      int c = static_cast<int>(int_field(L, "channels", where, 1, kMaxChannels));
      double eps = number_field(L, "epsilon", where);
      if (eps < 0 || eps > 1) fail(where, "\"epsilon\" must be in [0, 1]");
      if (s.channels != c) fail(where, "channels = " + std::to_string(c) + " does not match the input");
      std::vector<float> gamma = reader.read(L, "gamma", {c}, where), beta = reader.read(L, "beta", {c}, where),
                         mean = reader.read(L, "mean", {c}, where), var = reader.read(L, "var", {c}, where);
      std::vector<float> scale(static_cast<size_t>(c)), shift(static_cast<size_t>(c));
      for (size_t k = 0; k < scale.size(); ++k) {
        if (var[k] < 0 || var[k] + eps <= 0) fail(where, "variance must be positive");
        double sc = gamma[k] / std::sqrt(static_cast<double>(var[k]) + eps);
        scale[k] = static_cast<float>(sc);
        shift[k] = static_cast<float>(beta[k] - mean[k] * sc);
      }
      if (b.can_fuse(in[0], {OpKind::Conv})) {
        // Fold: w' = w * scale, b' = b * scale + shift (scale per output channel).
        Op& conv = graph.ops[static_cast<size_t>(src.op)];
        const size_t per = conv.weight.size() / static_cast<size_t>(c);
        for (size_t o = 0; o < static_cast<size_t>(c); ++o) {
          const double sc = gamma[o] / std::sqrt(static_cast<double>(var[o]) + eps);
          for (size_t j = 0; j < per; ++j)
            conv.weight[o * per + j] = static_cast<float>(conv.weight[o * per + j] * sc);
          conv.bias[o] = static_cast<float>((conv.bias[o] - mean[o]) * sc + beta[o]);
        }
        b.rename(in[0], name);
      } else {
        Op op;
        op.kind = OpKind::Affine;
        op.input = src.value;
        op.inChannels = op.outChannels = c;
        op.weight = std::move(scale);
        op.bias = std::move(shift);
        b.push(std::move(op), s, name, where);
      }
    } else if (type == "relu" || type == "relu6") {
      Activation act = type == "relu" ? Activation::Relu : Activation::Relu6;
      if (b.can_fuse(in[0], {OpKind::Conv, OpKind::Dense, OpKind::Add, OpKind::Affine})) {
        graph.ops[static_cast<size_t>(src.op)].act = act;
        b.rename(in[0], name);
      } else {
        Op op;
        op.kind = OpKind::Activate;
        op.act = act;
        op.input = src.value;
        op.inChannels = op.outChannels = s.channels;
        b.push(std::move(op), s, name, where);
      }
    } else if (type == "add") {
      if (in.size() != 2) fail(where, "add takes exactly two inputs");
      const LayerOut other = b.outs.at(in[1]);
      const Shape s2 = graph.values[static_cast<size_t>(other.value)];
      if (s.channels != s2.channels || s.length != s2.length || s.flat != s2.flat)
        fail(where, "add needs two inputs of equal shape");
      Op op;
      op.kind = OpKind::Add;
      op.input = src.value;
      op.input2 = other.value;
      op.inChannels = op.outChannels = s.channels;
      b.push(std::move(op), s, name, where);
    } else if (type == "global_avg_pool") {
      if (s.flat) fail(where, "global_avg_pool needs a [channels, length] input");
      Op op;
      op.kind = OpKind::GlobalAvgPool;
      op.input = src.value;
      op.inChannels = op.outChannels = s.channels;
      b.push(std::move(op), Shape{s.channels, 1, true}, name, where);
    } else if (type == "dense") {
      Op op;
      op.kind = OpKind::Dense;
      op.inChannels = static_cast<int>(int_field(L, "inFeatures", where, 1, kMaxChannels * 64));
      op.outChannels = static_cast<int>(int_field(L, "outFeatures", where, 1, kMaxChannels));
      if (!s.flat) fail(where, "dense needs a flat input (use global_avg_pool first)");
      if (s.channels != op.inChannels)
        fail(where, "inFeatures = " + std::to_string(op.inChannels) + " but the input has " +
                        std::to_string(s.channels) + " features");
      op.weight = reader.read(L, "weight", {op.outChannels, op.inChannels}, where);
      op.bias = reader.read(L, "bias", {op.outChannels}, where);
      b.macs += static_cast<long long>(op.inChannels) * op.outChannels;
      if (b.macs > kMaxMacs) fail(where, "the network needs too many operations per beat");
      op.input = src.value;
      const Shape out{op.outChannels, 1, true};
      b.push(std::move(op), out, name, where);
    } else if (type == "softmax") {
      if (i + 1 != layers.size()) fail(where, "softmax must be the last layer");
      if (!s.flat || s.channels != static_cast<int>(info.classes.size()))
        fail(where, "softmax needs a vector of " + std::to_string(info.classes.size()) + " logits (one per class)");
      if (src.op < 0) fail(where, "the network has no layers before softmax");
      graph.logits = src.value;
    } else {
      fail(where, "unknown layer type \"" + type + "\"");
    }
  }

  if (reader.parameters != info.parameters)
    fail("metadata", "\"parameters\" = " + std::to_string(info.parameters) + " but the architecture holds " +
                         std::to_string(reader.parameters));
  info.flops = 2 * b.macs;

  graph.lastUse.assign(graph.values.size(), -1);
  for (size_t k = 0; k < graph.ops.size(); ++k) {
    graph.lastUse[static_cast<size_t>(graph.ops[k].input)] = static_cast<int>(k);
    if (graph.ops[k].input2 >= 0) graph.lastUse[static_cast<size_t>(graph.ops[k].input2)] = static_cast<int>(k);
  }
}

Json parse_metadata(std::string_view text) {
  try {
    return parse_json(text);
  } catch (const Error& e) {
    throw Error("model_invalid", std::string("metadata is not valid JSON: ") + e.what(), "metadata");
  }
}

}  // namespace

Model Model::load(std::string_view text, std::span<const uint8_t> weights) {
  return from_document(parse_metadata(text), weights);
}

Model Model::from_document(const Json& doc, std::span<const uint8_t> weights) {
  auto info = std::make_shared<ModelInfo>();
  auto graph = std::make_shared<Graph>();
  parse_top(doc, *info);
  parse_explain(doc, *info);
  parse_label_rules(doc, *info);
  build_graph(doc, weights, *info, *graph);

  auto head = std::make_shared<DenseHead>();
  for (const Op& op : graph->ops)
    if (op.output == graph->logits && op.kind == OpKind::Dense && op.act == Activation::None) {
      head->inFeatures = op.inChannels;
      head->outFeatures = op.outChannels;
      head->weight = op.weight;
      head->bias = op.bias;
    }

  Model m;
  m.info_ = std::move(info);
  m.graph_ = std::move(graph);
  m.head_ = std::move(head);
  return m;
}

Model Model::load_file(const std::string& jsonPath) {
  auto slurp = [](const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("model_file_unreadable", "cannot open " + path, path);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  std::string text = slurp(jsonPath);
  const Json doc = parse_metadata(text);
  const Json& fileName = doc["weights"]["file"];
  if (!fileName.is_string()) return from_document(doc, {});  // reports the precise metadata problem
  const std::string& file = fileName.string();
  if (file.empty() || file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file == "..")
    throw Error("model_invalid", "weights.file must be a file name beside the metadata", "weights");
  auto slash = jsonPath.find_last_of('/');
  std::string dir = slash == std::string::npos ? std::string() : jsonPath.substr(0, slash + 1);
  std::string bin = slurp(dir + file);
  return from_document(doc, std::span(reinterpret_cast<const uint8_t*>(bin.data()), bin.size()));
}

int Model::layer_value(const std::string& layer) const {
  auto it = graph_->named.find(layer);
  if (it == graph_->named.end())
    throw Error("model_layer_unknown", "no layer \"" + layer + "\" with its own output (fused layers have none)");
  return it->second;
}

Shape Model::layer_shape(const std::string& layer) const {
  return graph_->values[static_cast<size_t>(layer_value(layer))];
}

}  // namespace av::nn
