"""ArrhythmiNet V1 and V2: small 1D CNNs for beat classification (N, L, R, A, V).

Both networks are described as a flat list of layers with the types of models/FORMAT.md (conv1d, batchnorm,
relu, relu6, add, global_avg_pool, dense, softmax), so the exported architecture is exactly the graph that
PyTorch runs. Input: [N, 1, 256] z-scored windows (90 samples before, 166 after the R peak, 360 Hz).

Context variants (arrhythminet-v1-ctx, -v2-ctx): the same trunks on a two-channel window (channel 0 the z-scored
beat, channel 1 the beat minus the patient's running template, scaled by the template's spread; src/dsp/beat_context.h)
and a second input, the vector of context features (patient-normalized RR and morphology). The head joins them:
pool -> dense(C -> H) ("head_wave") + dense(F -> H) on the context ("head_context") -> add -> ReLU -> dense(H -> 5),
which is concat([pool, context]) -> dense(H) -> ReLU -> dense(5) written with the layer types the engine has.

V1: MobileNet-V1 style. A strided stem convolution, then depthwise-separable blocks
    (depthwise conv k=5 -> BN -> ReLU -> pointwise conv -> BN -> ReLU), global average pooling, dense.
V2: MobileNet-V2 style. Inverted residual blocks (pointwise expand -> BN -> ReLU6 -> depthwise k=5 -> BN ->
    ReLU6 -> pointwise project -> BN, linear bottleneck) with a residual add where stride is 1 and the
    channel count is unchanged.
Both downsample early (the stem and the first blocks use stride 2), so most parameters sit in the late,
short layers: that keeps the FLOPs per beat low.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ["N", "L", "R", "A", "V"]
SAMPLE_RATE = 360
WINDOW_BEFORE = 90
WINDOW_AFTER = 166
WINDOW = WINDOW_BEFORE + WINDOW_AFTER
STD_FLOOR = 0.01
BN_EPS = 1e-3  # Keras' default; recorded per layer in the exported JSON

# V1: stem (channels, kernel, stride), then depthwise-separable blocks (out channels, stride).
V1_STEM = (16, 7, 2)
V1_BLOCKS = [(24, 2), (48, 2), (64, 2), (96, 1), (128, 2), (144, 1), (192, 1)]
# V2: stem, then inverted residual blocks (expansion t, out channels, stride).
V2_STEM = (16, 7, 2)
V2_BLOCKS = [(1, 16, 2), (3, 16, 2), (3, 24, 2), (4, 24, 1), (4, 32, 2), (4, 32, 1), (4, 48, 1)]
DW_KERNEL = 5
CONTEXT_INPUT = "context"  # the name layers use in "inputs" for the context feature vector
HEAD_HIDDEN = 16


class LayerGraph:
    """Builds the ordered layer list (dicts in the FORMAT.md vocabulary) and the matching torch modules."""

    def __init__(self, in_channels=1):
        self.layers = []
        self.modules = {}
        self.channels = in_channels
        self.length = WINDOW

    def _add(self, layer, module=None):
        self.layers.append(layer)
        if module is not None:
            self.modules[layer["name"]] = module
        return layer["name"]

    def conv(self, name, out_ch, kernel, stride=1, groups=1):
        pad = (kernel - 1) // 2
        layer = {"name": name, "type": "conv1d", "inChannels": self.channels, "outChannels": out_ch,
                 "kernel": kernel, "stride": stride, "padding": pad, "groups": groups}
        module = nn.Conv1d(self.channels, out_ch, kernel, stride=stride, padding=pad, groups=groups, bias=False)
        self.length = (self.length + 2 * pad - kernel) // stride + 1
        self.channels = out_ch
        return self._add(layer, module)

    def bn(self, name):
        return self._add({"name": name, "type": "batchnorm", "channels": self.channels, "epsilon": BN_EPS},
                         nn.BatchNorm1d(self.channels, eps=BN_EPS, momentum=0.01))

    def act(self, name, kind):
        return self._add({"name": name, "type": kind})

    def add(self, name, a, b):
        return self._add({"name": name, "type": "add", "inputs": [a, b]})

    def dense(self, name, in_features, out_features, inputs=None):
        layer = {"name": name, "type": "dense", "inFeatures": in_features, "outFeatures": out_features}
        if inputs:
            layer["inputs"] = inputs
        return self._add(layer, nn.Linear(in_features, out_features))

    def head(self, classes, context=0, hidden=16):
        self._add({"name": "pool", "type": "global_avg_pool"})
        if context:
            wave = self.dense("head_wave", self.channels, hidden)
            ctx = self.dense("head_context", context, hidden, inputs=[CONTEXT_INPUT])
            self.add("head_add", wave, ctx)
            self.act("head_relu", "relu")
            self.dense("dense", hidden, classes)
        else:
            self.dense("dense", self.channels, classes)
        self._add({"name": "softmax", "type": "softmax"})


def build_v1(classes=5, in_channels=1, context=0):
    g = LayerGraph(in_channels)
    ch, k, s = V1_STEM
    g.conv("stem_conv", ch, k, s)
    g.bn("stem_bn")
    g.act("stem_relu", "relu")
    for i, (out_ch, stride) in enumerate(V1_BLOCKS, 1):
        g.conv(f"b{i}_dw", g.channels, DW_KERNEL, stride, groups=g.channels)
        g.bn(f"b{i}_dw_bn")
        g.act(f"b{i}_dw_relu", "relu")
        g.conv(f"b{i}_pw", out_ch, 1)
        g.bn(f"b{i}_pw_bn")
        g.act(f"b{i}_pw_relu", "relu")
    g.head(classes, context)
    return g


def build_v2(classes=5, in_channels=1, context=0):
    g = LayerGraph(in_channels)
    ch, k, s = V2_STEM
    g.conv("stem_conv", ch, k, s)
    g.bn("stem_bn")
    last = g.act("stem_relu6", "relu6")
    for i, (t, out_ch, stride) in enumerate(V2_BLOCKS, 1):
        in_ch = g.channels
        if t != 1:
            g.conv(f"b{i}_expand", in_ch * t, 1)
            g.bn(f"b{i}_expand_bn")
            g.act(f"b{i}_expand_relu6", "relu6")
        g.conv(f"b{i}_dw", g.channels, DW_KERNEL, stride, groups=g.channels)
        g.bn(f"b{i}_dw_bn")
        g.act(f"b{i}_dw_relu6", "relu6")
        g.conv(f"b{i}_project", out_ch, 1)
        out = g.bn(f"b{i}_project_bn")
        if stride == 1 and in_ch == out_ch:
            out = g.add(f"b{i}_add", last, out)
        last = out
    g.head(classes, context)
    return g


class ArrhythmiNet(nn.Module):
    """Runs a LayerGraph. forward() returns logits; the softmax layer is applied by probabilities()."""

    def __init__(self, variant="v1", classes=5, in_channels=1, context=0):
        super().__init__()
        graph = {"v1": build_v1, "v2": build_v2}[variant](classes, in_channels, context)
        self.variant = variant
        self.in_channels = in_channels
        self.context = context
        self.dropout = 0.0  # training only: dropout on the pooled waveform features (identity in eval mode)
        self.layers = graph.layers
        self.mods = nn.ModuleDict(graph.modules)
        # The layer whose output Grad-CAM uses: the last one before global_avg_pool.
        names = [layer["name"] for layer in self.layers]
        self.gradcam_layer = names[names.index("pool") - 1]

    def forward(self, x, ctx=None, return_features=False):
        outputs = {CONTEXT_INPUT: ctx}
        prev = x
        features = None
        for layer in self.layers:
            kind, name = layer["type"], layer["name"]
            if kind in ("conv1d", "batchnorm", "dense"):
                y = self.mods[name](outputs[layer["inputs"][0]] if "inputs" in layer else prev)
            elif kind == "relu":
                y = F.relu(prev)
            elif kind == "relu6":
                y = F.relu6(prev)
            elif kind == "add":
                a, b = layer["inputs"]
                y = outputs[a] + outputs[b]
            elif kind == "global_avg_pool":
                features = prev
                y = prev.mean(dim=2)
                if self.dropout > 0:
                    y = F.dropout(y, self.dropout, self.training)
            elif kind == "softmax":
                break  # logits are returned; see probabilities()
            else:
                raise ValueError(f"unknown layer type {kind}")
            outputs[name] = y
            prev = y
        return (prev, features) if return_features else prev

    def probabilities(self, x, ctx=None):
        return F.softmax(self.forward(x, ctx), dim=1)


def keras_parameter_count(model):
    """Weights and biases plus BatchNorm gamma, beta, moving mean and moving variance."""
    n = 0
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            n += 4 * m.num_features
        elif isinstance(m, (nn.Conv1d, nn.Linear)):
            n += sum(p.numel() for p in m.parameters())
    return n


def flops_per_beat(model):
    """Multiply-adds x 2 of the conv and dense layers for one window (BN folds into the convs)."""
    macs = 0
    length = WINDOW  # conv layers run in list order; the context head's dense layers are counted like any dense
    for layer in model.layers:
        if layer["type"] == "conv1d":
            length = (length + 2 * layer["padding"] - layer["kernel"]) // layer["stride"] + 1
            macs += length * layer["outChannels"] * (layer["inChannels"] // layer["groups"]) * layer["kernel"]
        elif layer["type"] == "dense":
            macs += layer["inFeatures"] * layer["outFeatures"]
    return 2 * macs


def init_weights(model, seed):
    """Seeded He-normal init from numpy, so a seed gives the same start on every torch version and device."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, m in model.mods.items():
            if isinstance(m, nn.Conv1d):
                fan_out = m.out_channels // m.groups * m.kernel_size[0]
                w = rng.normal(0.0, math.sqrt(2.0 / fan_out), size=tuple(m.weight.shape))
                m.weight.copy_(torch.from_numpy(w.astype(np.float32)))
            elif isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features)
                m.weight.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(m.weight.shape)).astype(np.float32)))
                m.bias.zero_()
            elif isinstance(m, nn.BatchNorm1d):
                m.reset_parameters()
    return model


def zscore(x, std_floor=STD_FLOOR):
    """Per-window z-score over the last axis, population std, like the C++ preprocessing."""
    mean = x.mean(axis=-1, keepdims=True)
    std = x.std(axis=-1, keepdims=True)
    return (x - mean) / np.maximum(std, std_floor)
