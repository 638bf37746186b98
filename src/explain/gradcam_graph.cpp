// GradcamHead built from the inference engine's graph, so that Grad-CAM sees exactly the folded network.
#include <memory>
#include <utility>
#include <vector>

#include "core/error.h"
#include "explain/gradcam.h"
#include "explain/gradcam_tail.h"
#include "nn/graph.h"

namespace av::explain {

GradcamHead::GradcamHead(const nn::Graph& graph, const std::string& layer) : layer_(layer) {
  auto named = graph.named.find(layer);
  if (named == graph.named.end())
    throw Error("explain_unsupported", "layer '" + layer + "' has no output of its own in the engine's graph");
  const int capture = named->second;
  const auto& cap = graph.values.at(static_cast<size_t>(capture));
  if (cap.flat) throw Error("model_invalid", "Grad-CAM layer '" + layer + "' is not a feature map");
  window_ = graph.values.at(0).length;

  // Receptive-field centres of every value up to the capture point; then the tail after it.
  // By value id: (offset, jump) of the receptive-field centre, and the tail node that holds the value (-1: none).
  std::vector<std::pair<double, double>> centre(graph.values.size(), {0.0, 1.0});
  std::vector<int> node(graph.values.size(), -1);
  node.at(static_cast<size_t>(capture)) = 0;
  auto tail = std::make_unique<Tail>();
  tail->c0 = channels_ = cap.channels;
  tail->l0 = length_ = cap.length;
  bool after = false;
  for (const nn::Op& op : graph.ops) {
    if (!after) {
      auto [offset, jump] = op.input >= 0 ? centre.at(static_cast<size_t>(op.input)) : std::pair{0.0, 1.0};
      if (op.kind == nn::OpKind::Conv) {
        offset += ((op.kernel - 1) / 2.0 - op.padding) * jump;
        jump *= op.stride;
      }
      centre.at(static_cast<size_t>(op.output)) = {offset, jump};
      if (op.output == capture) {
        offset_ = offset;
        jump_ = jump;
        after = true;
      }
      continue;
    }
    auto input = [&](int v) {
      if (v == graph.context && graph.context >= 0)  // the beat's context vector: a leaf of the tape
        return tail->context_node(graph.values.at(static_cast<size_t>(v)).channels);
      if (v < 0 || static_cast<size_t>(v) >= node.size() || node[static_cast<size_t>(v)] < 0)
        throw Error("explain_unsupported", "op '" + op.name + "' after the Grad-CAM layer reads a value before it");
      return node[static_cast<size_t>(v)];
    };
    const auto& out = graph.values.at(static_cast<size_t>(op.output));
    Tail::Op t;
    t.c = out.channels;
    t.l = out.flat ? 0 : out.length;
    t.in.push_back(input(op.input));
    switch (op.kind) {
      case nn::OpKind::Conv:
        t.type = "conv1d", t.inC = op.inChannels, t.k = op.kernel, t.stride = op.stride, t.pad = op.padding,
        t.groups = op.groups, t.w = op.weight, t.b = op.bias;
        break;
      case nn::OpKind::Dense: t.type = "dense", t.inC = op.inChannels, t.w = op.weight, t.b = op.bias; break;
      case nn::OpKind::Add: t.type = "add", t.in.push_back(input(op.input2)); break;
      case nn::OpKind::Affine: t.type = "batchnorm", t.w = op.weight, t.b = op.bias; break;
      case nn::OpKind::GlobalAvgPool: t.type = "global_avg_pool"; break;
      case nn::OpKind::Activate: t.type = op.act == nn::Activation::Relu6 ? "relu6" : "relu"; break;
    }
    const bool separateAct = op.kind != nn::OpKind::Activate && op.act != nn::Activation::None;
    tail->ops.push_back(std::move(t));
    if (separateAct) {  // fused activation: run it as its own node so its mask is on the tape
      Tail::Op a;
      a.type = op.act == nn::Activation::Relu6 ? "relu6" : "relu";
      a.c = out.channels, a.l = out.flat ? 0 : out.length;
      a.in.push_back(static_cast<int>(tail->ops.size()));
      tail->ops.push_back(std::move(a));
    }
    node.at(static_cast<size_t>(op.output)) = static_cast<int>(tail->ops.size());
    if (op.output == graph.logits) break;
  }
  if (!after || tail->ops.empty() || tail->ops.back().l != 0 || graph.logits < 0 ||
      node.at(static_cast<size_t>(graph.logits)) < 0)
    throw Error("model_invalid", "the graph after the Grad-CAM layer does not end in the logits");
  classes_ = tail->ops.back().c;
  tail_ = tail.release();
}

}  // namespace av::explain
