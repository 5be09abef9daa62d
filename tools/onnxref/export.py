#!/usr/bin/python3
"""Exports real PyTorch networks to ONNX and writes an independent oracle for them.

For every problem (a decoder D, a scorer Phi and latents z) this writes into
onnx/testdata/:
    <model>.onnx                 each network, torch.onnx.export'ed
    <problem>.expected.json      s, its pieces and its parameter Jacobians
    manifest.json                per model: ops, opset, initializers and their roles
and, for the dense problems, the same networks in dualgrad's layers JSON format
(<model>.layers.json) and a cmd/cossim problem file (<problem>.problem.json).

Every expected number comes from PyTorch's reverse-mode AD run on the very
nn.Module that was exported, in float64, in the most direct way:
    x   = D(z) flattened                      (n)
    J   = [dx_j/dz] row by row, one torch.autograd.grad per x_j, create_graph=True
    g   = grad(Phi(x)[K], x, create_graph=True)
    c   = J^T g,  G = g.g,  U_i = |J[:, i]|^2,  s_i = c_i^2 / (G U_i)
    ds_i/dp = torch.autograd.grad(s_i, every parameter), one call per i.
None of dualgrad's formulas (quotient rule, hyper-dual seeding) is used. The
script asserts the Jacobians against central differences on sampled entries
and u against central differences in z.

Run from the repository root (Debian's python3-torch 1.13 and python3-onnx;
float64; well under a minute):
    /usr/bin/python3 tools/onnxref/export.py [-o onnx/testdata]
"""

import argparse
import io
import json
import math
import os
import sys
import warnings

import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

SEED = 20250301
SOFTPLUS_LIMIT = 20.0  # torch's Softplus is linear above its threshold 20; ONNX's is exact
MIN_NORM_SQ = 1e-6  # |g|^2 and |u_i|^2 stay clear of the undefined s

# Models and the oracle run in float64. Exports switch the default back to
# float32: torch 1.13 types some exporter-made constants (Resize's scales) by
# the default dtype, and ONNX requires float scales.
torch.set_default_dtype(torch.float64)


# ---------------------------------------------------------------------------
# Architectures. Every model takes a batch of one: D's input is (1, m), Phi's
# input is D's output shape.


class Unflatten(nn.Module):
    """view(1, *shape): exported as a Reshape with a constant shape."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.view(-1, *self.shape)


class ResidualCat(nn.Module):
    """D for the LayerNorm problems: y = tanh(A z); cat(y, tanh(B y + y))."""

    def __init__(self, m, h):
        super().__init__()
        self.a = nn.Linear(m, h)
        self.b = nn.Linear(h, h)

    def forward(self, z):
        y = torch.tanh(self.a(z))
        r = self.b(y) + y  # residual add
        return torch.cat([y, torch.tanh(r)], dim=1)


class BasicBlock(nn.Module):
    """A ResNet basic block (identity shortcut) with a linear head: a scalar Phi."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, 1)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        y = torch.relu(y + x)
        return self.fc(torch.flatten(self.pool(y), 1))


def mlp_d(m, h, n):
    return nn.Sequential(nn.Linear(m, h), nn.Tanh(), nn.Linear(h, n))


def mlp_phi(n, h):
    return nn.Sequential(nn.Linear(n, h), nn.Softplus(), nn.Linear(h, 1))


def dcgan_d(m):
    return nn.Sequential(
        Unflatten(m, 1, 1),
        nn.ConvTranspose2d(m, 8, 4, 1, 0, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.ConvTranspose2d(8, 4, 4, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
        nn.ConvTranspose2d(4, 1, 4, 2, 1, bias=False), nn.Tanh(),
    )


def dcgan_phi():
    return nn.Sequential(
        nn.Conv2d(1, 4, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(4, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.2),
        nn.Conv2d(8, 1, 4, 1, 0), nn.Flatten(),
    )


def dense_image_d(m, shape, act):
    return nn.Sequential(nn.Linear(m, math.prod(shape)), act, Unflatten(*shape))


def mnist_phi():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(),
        nn.Conv2d(4, 8, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(8 * 4 * 4, 16), nn.ReLU(),
        nn.Linear(16, 10), nn.LogSoftmax(dim=1),
    )


def conv2d_d(m):
    # ConvTranspose2d: 3x3 -> (3-1)*2 - 2*1 + 2*(3-1) + 1 + 1 = 8.
    return nn.Sequential(
        nn.Linear(m, 4 * 3 * 3), nn.Tanh(), Unflatten(4, 3, 3),
        nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2),
        nn.Tanh(),
        nn.ConvTranspose2d(4, 2, 3, padding=1),
    )


def conv2d_phi():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1, groups=2), nn.Tanh(),
        nn.Conv2d(4, 4, 3, padding=2, dilation=2), nn.Tanh(),
        nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.Tanh(),  # 8x8 -> 4x4
        nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True),  # -> 3x3
        nn.Tanh(),
        nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True, count_include_pad=False),  # -> 2x2
        nn.Flatten(), nn.Linear(16, 1),
    )


def conv1d_d(m):
    # ConvTranspose1d: 6 -> (6-1)*2 - 2 + 2*(3-1) + 1 + 1 = 14.
    return nn.Sequential(
        nn.Linear(m, 2 * 6), nn.Tanh(), Unflatten(2, 6),
        nn.ConvTranspose1d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2),
        nn.Tanh(),
    )


def conv1d_phi():
    return nn.Sequential(
        nn.Conv1d(4, 4, 3, groups=2), nn.Tanh(),  # 14 -> 12
        nn.Conv1d(4, 4, 3, dilation=2), nn.Tanh(),  # -> 8
        nn.Conv1d(4, 2, 3, stride=2, padding=1),  # -> 4
        nn.Flatten(), nn.Linear(8, 1),
    )


def maxpool_phi():
    # 5x5 with ceil_mode: windows at rows/cols {0,1}, {2,3}, {4} -> 3x3.
    return nn.Sequential(
        nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(),
        nn.Linear(9, 4), nn.Softplus(), nn.Linear(4, 1),
    )


def layernorm_phi(n):
    return nn.Sequential(
        nn.Linear(n, 8), nn.LayerNorm(8), nn.GELU(),
        nn.Linear(8, 8), nn.GELU(approximate="tanh"),
        nn.Linear(8, 1),
    )


def upsample_d(m):
    return nn.Sequential(
        nn.Linear(m, 2 * 4 * 4), nn.Tanh(), Unflatten(2, 4, 4),
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(2, 2, 3, padding=1), nn.Tanh(),
        nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
        nn.Conv2d(2, 1, 3, padding=1),
    )


class GroupNormPhi(nn.Module):
    """GroupNorm, Softmax over channels and LogSoftmax over rows (non-last axes)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, stride=2, padding=1)  # 16 -> 8
        self.gn = nn.GroupNorm(2, 4)
        self.conv2 = nn.Conv2d(4, 2, 3, stride=2, padding=1)  # 8 -> 4
        self.fc = nn.Linear(2 * 4 * 4, 1)

    def forward(self, x):
        y = torch.softmax(self.gn(self.conv1(x)), dim=1)
        y = torch.log_softmax(self.conv2(y), dim=2)
        return self.fc(torch.flatten(y, 1))


def bn_dedup_phi():
    # Two BatchNorm2d layers left at their defaults (weight 1, bias 0, mean 0,
    # var 1): torch 1.13 merges the equal-valued initializers and routes the
    # rest through Identity nodes.
    return nn.Sequential(
        nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Tanh(),
        nn.Conv2d(2, 2, 3), nn.BatchNorm2d(2), nn.Tanh(),
        nn.Flatten(), nn.Linear(2 * 2 * 2, 1),
    )


# ---------------------------------------------------------------------------
# Seeded weights.


def randomize(model, gen, keep_bn_default=False, std=1.0):
    """Draws every parameter ~ N(0, std^2/fan_in) (biases ~ N(0, 0.1)) and BN statistics.

    BatchNorm affine parameters are drawn near (1, 0); running means ~ N(0, 0.2^2)
    and running variances ~ U(0.5, 1.5), so BN is a non-trivial affine map.
    """
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
                if keep_bn_default:
                    continue
                mod.weight.copy_(1 + 0.2 * torch.randn(mod.weight.shape, generator=gen))
                mod.bias.copy_(0.2 * torch.randn(mod.bias.shape, generator=gen))
                mod.running_mean.copy_(0.2 * torch.randn(mod.running_mean.shape, generator=gen))
                mod.running_var.copy_(0.5 + torch.rand(mod.running_var.shape, generator=gen))
            elif isinstance(mod, (nn.LayerNorm, nn.GroupNorm)):
                mod.weight.copy_(1 + 0.2 * torch.randn(mod.weight.shape, generator=gen))
                mod.bias.copy_(0.2 * torch.randn(mod.bias.shape, generator=gen))
            elif isinstance(mod, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)):
                w = mod.weight
                if isinstance(mod, (nn.ConvTranspose1d, nn.ConvTranspose2d)):
                    # weight is (in, out/groups, k...); each output sums about
                    # in/groups * prod(k) / prod(stride) terms.
                    fan_in = max(1, w.shape[0] // mod.groups * w[0, 0].numel() // math.prod(mod.stride))
                else:
                    fan_in = w[0].numel()
                w.copy_(std * torch.randn(w.shape, generator=gen) / math.sqrt(fan_in))
                if mod.bias is not None:
                    mod.bias.copy_(0.3 * torch.randn(mod.bias.shape, generator=gen))
    return model


# ---------------------------------------------------------------------------
# The oracle.


def pieces(D, Phi, z, phi_shape, K, create_graph):
    """x, J (n x m), g, Phi's output, with graphs kept when create_graph."""
    z = z.detach().clone().requires_grad_(True)
    x = D(z.view(1, -1)).reshape(-1)
    rows = [torch.autograd.grad(x[j], z, retain_graph=True, create_graph=create_graph)[0]
            for j in range(x.numel())]
    J = torch.stack(rows)  # J[j, i] = dx_j/dz_i; column i is u_i
    out = Phi(x.view(phi_shape)).reshape(-1)
    g = torch.autograd.grad(out[K], x, retain_graph=True, create_graph=create_graph)[0]
    return x, J, g, out


def s_of(D, Phi, z, phi_shape, K, create_graph=False):
    x, J, g, out = pieces(D, Phi, z, phi_shape, K, create_graph)
    c = J.T @ g
    G = g @ g
    U = (J * J).sum(0)
    return c * c / (G * U), (x, J, g, out, c, G, U)


def nested(t):
    return t.detach().tolist()


def expected_sample(D, Phi, z, phi_shape, K):
    dps = list(D.named_parameters())
    pps = list(Phi.named_parameters())
    s, (x, J, g, out, c, G, U) = s_of(D, Phi, z, phi_shape, K, create_graph=True)
    m = z.numel()
    assert G.item() > MIN_NORM_SQ and U.min().item() > MIN_NORM_SQ, (G, U)
    rows = []
    for i in range(m):
        gr = torch.autograd.grad(s[i], [p for _, p in dps + pps], retain_graph=True, allow_unused=True)
        rows.append([torch.zeros_like(p) if d is None else d for (_, p), d in zip(dps + pps, gr)])
    # D and Phi may share parameter names ("0.weight"): keep them apart.
    stacked = [torch.stack([rows[i][k] for i in range(m)]) for k in range(len(dps) + len(pps))]  # [m, *shape]
    gd = {name: stacked[k] for k, (name, _) in enumerate(dps)}
    gp = {name: stacked[len(dps) + k] for k, (name, _) in enumerate(pps)}
    return {
        "z": nested(z),
        "x": nested(x),
        "phi_out": nested(out),
        "phi": out[K].item(),
        "g": nested(g),
        "u": nested(J.T),
        "s": nested(s),
        "dot": nested(c),
        "grad_norm_sq": G.item(),
        "col_norm_sq": nested(U),
        "grad_d": {k: nested(v) for k, v in gd.items()},
        "grad_phi": {k: nested(v) for k, v in gp.items()},
    }, gd, gp


def fd_check(D, Phi, z, phi_shape, K, sample, gd, gp, gen, count=8, h=1e-5, tie=False):
    """Central differences for sampled parameter entries and for u; returns the worst error.

    At a MaxPool tie s is only one-sided differentiable in theta_D (a perturbation
    breaks the tie), so there (tie=True) only Phi's parameters are checked: they
    leave x, and so the tie, alone.
    """
    worst = 0.0
    with torch.no_grad():
        scale = max(1.0, max(v.abs().max().item() for v in list(gd.values()) + list(gp.values())))
    for model, grads in ((Phi, gp),) if tie else ((D, gd), (Phi, gp)):
        params = dict(model.named_parameters())
        names = list(grads)
        for _ in range(count):
            name = names[torch.randint(len(names), (), generator=gen).item()]
            p = params[name]
            k = torch.randint(p.numel(), (), generator=gen).item()
            flat = p.data.view(-1)
            old = flat[k].item()
            flat[k] = old + h
            sp, _ = s_of(D, Phi, z, phi_shape, K)
            flat[k] = old - h
            sm, _ = s_of(D, Phi, z, phi_shape, K)
            flat[k] = old
            fd = (sp - sm).detach() / (2 * h)
            ad = grads[name].reshape(grads[name].shape[0], -1)[:, k]
            worst = max(worst, (fd - ad).abs().max().item() / scale)
    u = torch.tensor(sample["u"])
    for i in range(z.numel()):
        e = torch.zeros_like(z)
        e[i] = h
        with torch.no_grad():
            du = (D((z + e).view(1, -1)) - D((z - e).view(1, -1))).reshape(-1) / (2 * h)
        worst = max(worst, (du - u[i]).abs().max().item() / max(1.0, u.abs().max().item()))
    return worst


class SoftplusGuard:
    """Asserts that no Softplus input reaches torch's threshold (where it turns linear)."""

    def __init__(self, *models):
        self.handles = []
        for model in models:
            for mod in model.modules():
                if isinstance(mod, nn.Softplus):
                    self.handles.append(mod.register_forward_hook(self.hook))

    @staticmethod
    def hook(mod, inp, out):
        big = inp[0].detach().abs().max().item()
        assert big < SOFTPLUS_LIMIT, f"softplus input {big} reaches torch's threshold"

    def close(self):
        for h in self.handles:
            h.remove()


# ---------------------------------------------------------------------------
# Export and the manifest.


def export(model, example, path, opset, dtype):
    model = model.double() if dtype == "float64" else model.float()
    example = example.double() if dtype == "float64" else example.float()
    torch.set_default_dtype(torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model.eval(), example, path,
            opset_version=opset,
            training=torch.onnx.TrainingMode.PRESERVE,
            do_constant_folding=False,
            input_names=["input"], output_names=["output"],
        )
    torch.set_default_dtype(torch.float64)
    model.double()
    onnx.checker.check_model(onnx.load(path), full_check=True)


def seq_sum(a):
    """Sum in file order, one float64 addition at a time (Go's loop gives the same bits)."""
    s = 0.0
    for v in a:
        s += float(v)
    return s


def describe(path, model):
    """The manifest entry for one exported model."""
    mp = onnx.load(path)
    g = mp.graph
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    inits = {t.name: t for t in g.initializer}
    aliases = {}  # Identity outputs that stand for a deduplicated initializer
    for node in g.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            aliases[node.output[0]] = node.input[0]

    def role(name):
        if name in params:
            return "parameter"
        if name in buffers:
            return "buffer"
        return "constant"

    init_list = []
    for t in g.initializer:
        arr = onnx.numpy_helper.to_array(t).reshape(-1)
        init_list.append({
            "name": t.name,
            "dtype": onnx.TensorProto.DataType.Name(t.data_type),
            "shape": list(t.dims),
            "role": role(t.name),
            "first": float(arr[0]) if arr.size else None,
            "last": float(arr[-1]) if arr.size else None,
            "sum": seq_sum(arr),
            "aliases": sorted(a for a, src in aliases.items() if src == t.name),
        })
    bn = []
    for node in g.node:
        if node.op_type == "BatchNormalization":
            bn.append({
                "node": node.name,
                "scale": node.input[1], "bias": node.input[2],
                "mean": node.input[3], "var": node.input[4],
                "mean_initializer": aliases.get(node.input[3], node.input[3]),
                "var_initializer": aliases.get(node.input[4], node.input[4]),
            })
    ops = [n.op_type for n in g.node]

    def tensor_json(t):
        return {"name": t.name, "dtype": onnx.TensorProto.DataType.Name(t.data_type), "dims": list(t.dims),
                "values": onnx.numpy_helper.to_array(t).reshape(-1).tolist()}

    def attr_json(a):
        v = onnx.helper.get_attribute_value(a)
        if a.type == onnx.AttributeProto.STRING:
            v = v.decode()
        elif a.type == onnx.AttributeProto.STRINGS:
            v = [x.decode() for x in v]
        elif a.type == onnx.AttributeProto.TENSOR:
            v = tensor_json(v)
        elif a.type not in (onnx.AttributeProto.FLOAT, onnx.AttributeProto.INT,
                            onnx.AttributeProto.FLOATS, onnx.AttributeProto.INTS):
            raise ValueError(f"{path}: attribute {a.name} of type {a.type}")
        return {"name": a.name, "type": onnx.AttributeProto.AttributeType.Name(a.type), "value": v}

    nodes = [{"name": n.name, "op_type": n.op_type, "domain": n.domain, "inputs": list(n.input),
              "outputs": list(n.output), "attributes": [attr_json(a) for a in n.attribute]} for n in g.node]

    def vi(v):
        dims = [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim]
        return {"name": v.name, "elem_type": onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type),
                "shape": dims}

    return {
        "ir_version": mp.ir_version,
        "opset": {o.domain or "ai.onnx": o.version for o in mp.opset_import},
        "producer": f"{mp.producer_name} {mp.producer_version}",
        "graph_name": g.name,
        "ops": ops,
        "op_types": sorted(set(ops)),
        "nodes": nodes,
        "inputs": [vi(v) for v in g.input],
        "outputs": [vi(v) for v in g.output],
        "initializers": init_list,
        "parameters": [{"name": k, "shape": list(p.shape),
                        "onnx": "initializer" if k in inits else ("identity of " + aliases[k]) if k in aliases
                        else "absent"} for k, p in params.items()],
        "identity_aliases": aliases,
        "batchnorm": bn,
    }


# ---------------------------------------------------------------------------
# Problems.


def make_problems(gen):
    """Returns the problems: name, D, Phi, per-model export settings and latents."""
    P = []

    def latents(m, count, scale=1.0):
        return [scale * torch.randn(m, generator=gen) for _ in range(count)]

    def add(name, D, Phi, m, d_in, phi_shape, zs, K=0, d_file=None, phi_file=None, opset=17,
            dtype="float64", dense=False, note="", ties=()):
        P.append(dict(name=name, D=D, Phi=Phi, m=m, phi_shape=phi_shape, zs=zs, K=K, ties=ties,
                      d_file=d_file or f"{name}_d", phi_file=phi_file or f"{name}_phi",
                      opset=opset, dtype=dtype, dense=dense, note=note))

    # a. Dense MLPs (Gemm), with the same networks in the layers JSON format.
    m = 3
    D = randomize(mlp_d(m, 6, 5), gen).double()
    Phi = randomize(mlp_phi(5, 7), gen).double()
    add("mlp", D, Phi, m, (1, m), (1, 5), latents(m, 3), dense=True,
        note="a: Linear-Tanh-Linear D, Linear-Softplus-Linear Phi; batch of 3")

    # g. The same architecture exported in float32; the oracle runs in float64
    # on the float32 weights widened (exact), so it is exact for the decoded model.
    m = 2
    D = randomize(mlp_d(m, 5, 4), gen).float().double()
    Phi = randomize(mlp_phi(4, 6), gen).float().double()
    add("mlp_f32", D, Phi, m, (1, m), (1, 4), [z.float().double() for z in latents(m, 1)],
        dtype="float32", dense=True,
        note="g: float32 export; expected values in float64 on the widened float32 weights")

    # b. DCGAN generator and a DCGAN-style discriminator.
    m = 4
    D = randomize(dcgan_d(m), gen, std=1.5).double()
    Phi = randomize(dcgan_phi(), gen).double()
    add("dcgan", D, Phi, m, (1, m), (1, 1, 16, 16), latents(m, 1),
        note="b: ConvTranspose2d/BatchNorm2d/ReLU generator 1x16x16, Conv/LeakyReLU/BN Phi")

    # c. ResNet basic block as Phi.
    m = 3
    D = randomize(dense_image_d(m, (3, 6, 6), nn.Tanh()), gen).double()
    Phi = randomize(BasicBlock(3), gen).double()
    add("resnet", D, Phi, m, (1, m), (1, 3, 6, 6), latents(m, 2),
        note="c: ResNet basic block with BN, identity shortcut, global average pool, Linear; batch of 2")

    # d. MNIST-style classifier; Phi is the log-probability of class 3.
    m = 3
    D = randomize(dense_image_d(m, (1, 12, 12), nn.Sigmoid()), gen, std=3.0).double()
    Phi = randomize(mnist_phi(), gen, std=1.5).double()
    add("mnist", D, Phi, m, (1, m), (1, 1, 12, 12), latents(m, 1), K=3,
        note="d: Linear-Sigmoid-view D, Conv/ReLU/MaxPool/Linear/LogSoftmax classifier; Phi = output[3]")

    # e. Grouped, dilated and strided convolutions, transposed convolutions,
    # AvgPool2d with ceil_mode (count_include_pad True and False).
    m = 3
    D = randomize(conv2d_d(m), gen, std=1.5).double()
    Phi = randomize(conv2d_phi(), gen, std=1.5).double()
    add("conv2d", D, Phi, m, (1, m), (1, 2, 8, 8), latents(m, 1),
        note="e: ConvTranspose2d(groups 2, dilation 2, stride 2, output_padding 1); Conv2d groups/dilation/"
             "stride; AvgPool2d ceil_mode with count_include_pad True then False")
    m = 2
    D = randomize(conv1d_d(m), gen, std=1.5).double()
    Phi = randomize(conv1d_phi(), gen, std=1.5).double()
    add("conv1d", D, Phi, m, (1, m), (1, 4, 14), latents(m, 1),
        note="e: ConvTranspose1d(groups 2, dilation 2, stride 2, output_padding 1); Conv1d groups/dilation/stride")

    # e. MaxPool2d with ceil_mode and ties: z[0] = 0 and pairs of D's rows that
    # differ only in column 0 give equal values with different tangents.
    # PyTorch routes the gradient to the first maximal element in row-major
    # window order; the expected values follow that convention.
    m = 2
    D = randomize(dense_image_d(m, (1, 5, 5), nn.Identity()), gen).double()
    with torch.no_grad():
        lin = D[0]
        lin.bias.copy_(0.1 * lin.bias)
        for a, b in ((0, 1), (4, 9), (12, 18)):
            lin.weight[b, 1:] = lin.weight[a, 1:]
            lin.bias[a] = lin.bias[b] = 2.0  # the window's maximum
    Phi = randomize(maxpool_phi(), gen).double()
    ztie = latents(m, 2)
    ztie[0][0] = 0.0
    with torch.no_grad():
        x = D(ztie[0].view(1, -1)).reshape(-1)
    for a, b, window in ((0, 1, (0, 1, 5, 6)), (4, 9, (4, 9)), (12, 18, (12, 13, 17, 18))):
        assert x[a].item() == x[b].item() == max(x[w].item() for w in window), (a, b, x)
    add("maxpool_tie", D, Phi, m, (1, m), (1, 1, 5, 5), ztie, ties=(0,),
        note="e: MaxPool2d(2, ceil_mode) on 5x5; sample 0 has exact ties (x0=x1, x4=x9, x12=x18) with "
             "different tangents, resolved as PyTorch does (first maximal element in row-major order)")

    # f. LayerNorm and GELU (exact, tanh) at opsets 13 and 17; residual add and cat in D.
    m = 4
    D = randomize(ResidualCat(m, 6), gen).double()
    Phi = randomize(layernorm_phi(12), gen, std=1.5).double()
    zs = latents(m, 1)
    for op in (13, 17):
        add(f"layernorm_op{op}", D, Phi, m, (1, m), (1, 12), zs, opset=op,
            d_file=f"rescat_d_op{op}", phi_file=f"layernorm_phi_op{op}",
            note=f"f: opset {op}; D has a residual Add and a Concat; Phi has LayerNorm, exact GELU, tanh GELU")

    # f. Upsample (nearest, bilinear) decoder; GroupNorm, Softmax/LogSoftmax on non-last axes.
    m = 3
    D = randomize(upsample_d(m), gen, std=1.5).double()
    Phi = randomize(GroupNormPhi(), gen, std=1.5).double()
    add("upsample_groupnorm", D, Phi, m, (1, m), (1, 1, 16, 16), latents(m, 3),
        note="f: Upsample nearest and bilinear (align_corners False) D; GroupNorm, Softmax(dim=1), "
             "LogSoftmax(dim=2) Phi; batch of 3")

    # Deduplicated initializers: two BatchNorm2d layers at their defaults.
    m = 2
    D = randomize(dense_image_d(m, (1, 6, 6), nn.Tanh()), gen).double()
    Phi = randomize(bn_dedup_phi(), gen, keep_bn_default=True, std=1.5).double()
    add("bn_dedup", D, Phi, m, (1, m), (1, 1, 6, 6), latents(m, 1),
        note="two default BatchNorm2d: torch merges equal initializers (weights with running_var, biases "
             "with running_mean, across layers) and emits Identity nodes for the others")
    return P


def observe(problems):
    """Prints how the exporter settings change a few of the models (for README.md)."""
    picks = {"dcgan": "d", "resnet": "phi", "mnist": "phi", "upsample_groupnorm": "phi", "bn_dedup": "phi",
             "layernorm_op17": "phi"}
    for pr in problems:
        if pr["name"] not in picks:
            continue
        role = picks[pr["name"]]
        model = pr["D"] if role == "d" else pr["Phi"]
        shape = (1, pr["m"]) if role == "d" else pr["phi_shape"]
        for mode in ("PRESERVE", "EVAL"):
            for fold in (False, True):
                f = io.BytesIO()
                torch.set_default_dtype(torch.float32)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    torch.onnx.export(model.eval(), torch.zeros(shape, dtype=torch.float64), f,
                                      opset_version=pr["opset"], training=getattr(torch.onnx.TrainingMode, mode),
                                      do_constant_folding=fold, input_names=["input"], output_names=["output"])
                torch.set_default_dtype(torch.float64)
                g = onnx.load_from_string(f.getvalue()).graph
                print(f"{pr['name']}/{role} training={mode} do_constant_folding={fold}")
                print("  ops:  " + " ".join(n.op_type for n in g.node))
                print("  init: " + " ".join(t.name for t in g.initializer))


def dense_json(model):
    """The layers JSON of a Linear/activation nn.Sequential."""
    acts = {nn.Tanh: "tanh", nn.Softplus: "softplus", nn.Sigmoid: "sigmoid", nn.ReLU: "relu"}
    layers = []
    for mod in model:
        if isinstance(mod, nn.Linear):
            layers.append({"weight": nested(mod.weight), "bias": nested(mod.bias)})
        else:
            layers[-1]["activation"] = acts[type(mod)]
    return {"layers": layers}


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", default=os.path.join(here, "..", "..", "onnx", "testdata"))
    ap.add_argument("-observe", action="store_true",
                    help="print how training=EVAL and do_constant_folding=True change some exports; write nothing")
    args = ap.parse_args()
    out = os.path.abspath(args.o)
    os.makedirs(out, exist_ok=True)

    torch.manual_seed(SEED)  # nothing should draw from the global generator; just in case
    gen = torch.Generator().manual_seed(SEED)
    problems = make_problems(gen)
    if args.observe:
        observe(problems)
        return 0
    manifest = {
        "generator": "tools/onnxref/export.py",
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "export": {"training": "PRESERVE", "do_constant_folding": False,
                   "input_names": ["input"], "output_names": ["output"]},
        "models": {},
        "problems": {},
    }
    print(f"torch {torch.__version__}, onnx {onnx.__version__}")
    print(f"{'problem':20} {'m':>2} {'n':>4} {'B':>2} {'P_D':>5} {'P_Phi':>5} {'fd err':>8}")
    for pr in problems:
        D, Phi, m = pr["D"], pr["Phi"], pr["m"]
        D.eval()
        Phi.eval()
        files = {}
        for role, model, shape, base in (("d", D, (1, m), pr["d_file"]), ("phi", Phi, pr["phi_shape"], pr["phi_file"])):
            fname = base + ".onnx"
            export(model, torch.zeros(shape, dtype=torch.float64), os.path.join(out, fname), pr["opset"], pr["dtype"])
            entry = describe(os.path.join(out, fname), model)
            entry["role"] = role
            entry["dtype"] = pr["dtype"]
            manifest["models"][fname] = entry
            files[role] = fname
        guard = SoftplusGuard(D, Phi)
        samples = []
        worst = 0.0
        for k, z in enumerate(pr["zs"]):
            sample, gd, gp = expected_sample(D, Phi, z, pr["phi_shape"], pr["K"])
            worst = max(worst, fd_check(D, Phi, z, pr["phi_shape"], pr["K"], sample, gd, gp, gen,
                                        tie=k in pr["ties"]))
            samples.append(sample)
        guard.close()
        assert worst < 1e-6, (pr["name"], worst)
        n = len(samples[0]["x"])
        pd = sum(p.numel() for p in D.parameters())
        pp = sum(p.numel() for p in Phi.parameters())
        print(f"{pr['name']:20} {m:2} {n:4} {len(samples):2} {pd:5} {pp:5} {worst:8.1e}")
        exp = {
            "problem": pr["name"],
            "note": pr["note"],
            "dtype": "float64",
            "model_dtype": pr["dtype"],
            "opset": pr["opset"],
            "d": {"file": files["d"], "input_shape": [1, m], "output_shape": list(D(torch.zeros(1, m)).shape)},
            "phi": {"file": files["phi"], "input_shape": list(pr["phi_shape"]),
                    "output_shape": list(Phi(torch.zeros(pr["phi_shape"])).shape), "output_index": pr["K"]},
            "m": m,
            "n": n,
            "tie_samples": list(pr["ties"]),
            "params_d": [{"name": k, "shape": list(p.shape)} for k, p in D.named_parameters()],
            "params_phi": [{"name": k, "shape": list(p.shape)} for k, p in Phi.named_parameters()],
            "samples": samples,
        }
        dump(exp, os.path.join(out, pr["name"] + ".expected.json"))
        manifest["problems"][pr["name"]] = {"d": files["d"], "phi": files["phi"], "m": m, "n": n,
                                            "batch": len(samples), "opset": pr["opset"],
                                            "dtype": pr["dtype"], "output_index": pr["K"],
                                            "expected": pr["name"] + ".expected.json"}
        if pr["dense"]:
            dj, pj = dense_json(D), dense_json(Phi)
            dump(dj, os.path.join(out, pr["d_file"] + ".layers.json"))
            dump(pj, os.path.join(out, pr["phi_file"] + ".layers.json"))
            dump({"phi": pj, "d": dj, "z": [s["z"] for s in samples]},
                 os.path.join(out, pr["name"] + ".problem.json"))
            manifest["problems"][pr["name"]]["layers_json"] = {
                "d": pr["d_file"] + ".layers.json", "phi": pr["phi_file"] + ".layers.json",
                "problem": pr["name"] + ".problem.json"}
    dump(manifest, os.path.join(out, "manifest.json"))
    # Re-indent the manifest so diffs of op lists stay readable.
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, allow_nan=False)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"wrote {len(problems)} problems, {len(manifest['models'])} models to {os.path.relpath(out)} "
          f"({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    sys.exit(main())
