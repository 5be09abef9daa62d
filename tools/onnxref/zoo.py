#!/usr/bin/python3
"""Exports one small PyTorch module per pattern to ONNX, with its value and a JVP, for onnx.Import's op tests.

Writes into onnx/testdata/zoo/:
    <case>.onnx     the module, torch.onnx.export'ed as docs/onnx.md says
    zoo.json        per case: the exported op types, the input x, PyTorch's
                    output y = f(x) and, for a random direction v, the
                    Jacobian-vector product J·v (from
                    torch.autograd.functional.jacobian, float64); for the modules the import refuses, the op the
                    error must name instead

The cases cover what the problem fixtures (export.py) do not: the element-wise
set, Clip, Pow, reductions, the shape ops and the shape arithmetic torch
emits around them (Shape, Gather, Slice, Cast, ConstantOfShape, Equal, Where,
ReduceProd), Tile, Split, MatMul, 1-D and 3-D pooling and convolutions, and a
few unsupported modules. Deterministic: a second run rewrites identical bytes.

    /usr/bin/python3 tools/onnxref/zoo.py [-o onnx/testdata/zoo]
"""

import argparse
import json
import os
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20250302
torch.set_default_dtype(torch.float64)


class Fn(nn.Module):
    """A module computing f(self, x), with optional submodules and parameters."""

    def __init__(self, f, mods=(), **params):
        super().__init__()
        self.m = nn.ModuleList(mods)
        for k, v in params.items():
            setattr(self, k, nn.Parameter(v))
        self.f = f

    def forward(self, x):
        return self.f(self, x)


def cases(gen):
    r = lambda *s: torch.randn(*s, generator=gen)
    S = nn.Sequential
    return {
        # element-wise
        "elu": (S(nn.ELU(0.7)), [1, 6]),
        "selu": (S(nn.SELU()), [1, 6]),
        "celu": (S(nn.CELU(0.5)), [1, 6]),
        "hardsigmoid": (S(nn.Hardsigmoid()), [1, 6]),
        "hardswish": (S(nn.Hardswish()), [1, 6]),
        "hardtanh": (S(nn.Hardtanh(-0.5, 0.5)), [1, 6]),
        "relu6": (S(nn.ReLU6()), [1, 6]),
        "softsign": (S(nn.Softsign()), [1, 6]),
        "silu": (S(nn.SiLU()), [1, 6]),
        "gelu": (S(nn.GELU()), [1, 6]),
        "gelu_tanh": (S(nn.GELU(approximate="tanh")), [1, 6]),
        "mish": (S(nn.Mish()), [1, 6]),
        "logsigmoid": (S(nn.LogSigmoid()), [1, 6]),
        "softmin": (S(nn.Softmin(dim=1)), [1, 6]),
        "clamp": (Fn(lambda s, x: torch.clamp(x, -0.3, 0.4) + torch.clamp(x, min=0.1)), [1, 6]),
        "pow": (Fn(lambda s, x: x.pow(3) + x ** 2 + (x * x + 1) ** s.p, p=torch.tensor(0.7)), [1, 6]),
        "unary": (Fn(lambda s, x: torch.sqrt(x * x + 1) + torch.exp(x) + torch.log(x * x + 1) + torch.abs(x)
                     + torch.sin(x) + torch.cos(x) + torch.reciprocal(x * x + 1) - x), [1, 6]),
        "arith": (Fn(lambda s, x: (-x) / 3.0 - 1.0 / (x * x + 2)), [1, 6]),
        # linear maps, normalizations, pooling
        "matmul": (Fn(lambda s, x: x @ s.w, w=r(6, 4)), [1, 6]),
        "linear3d": (S(nn.Linear(3, 4)), [1, 2, 3]),
        "dropout_identity": (S(nn.Identity(), nn.Linear(6, 4), nn.Dropout(0.3)), [1, 6]),
        "bn1d": (S(nn.Linear(6, 3), nn.BatchNorm1d(3)), [1, 6]),
        "instancenorm": (S(nn.InstanceNorm2d(2, affine=True)), [1, 2, 3, 3]),
        "layernorm2d": (S(nn.LayerNorm([3, 3])), [1, 2, 3, 3]),
        "conv3d": (S(nn.Conv3d(1, 2, 2)), [1, 1, 3, 3, 3]),
        "maxpool1d": (S(nn.MaxPool1d(2, 2, 1)), [1, 2, 7]),
        "avgpool1d": (S(nn.AvgPool1d(3, 2, 1)), [1, 2, 7]),
        "adaptivemax": (S(nn.AdaptiveMaxPool2d(1), nn.Flatten()), [1, 2, 4, 4]),
        "adaptiveavg2": (S(nn.AdaptiveAvgPool2d(2), nn.Flatten()), [1, 2, 4, 4]),
        "upsample_align": (S(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)), [1, 2, 3, 3]),
        "upsample_size": (S(nn.Upsample(size=(5, 7), mode="nearest")), [1, 2, 3, 3]),
        "reductions": (Fn(lambda s, x: x.mean(dim=1, keepdim=True) + x.sum(dim=(1,)) + x.amax(dim=1)), [1, 6]),
        "mean_all": (Fn(lambda s, x: x.mean().reshape(1, 1)), [1, 6]),
        "std_var": (Fn(lambda s, x: x.std(dim=1, keepdim=True) * x.var(dim=1)), [1, 6]),
        "normalize": (Fn(lambda s, x: x / x.norm(dim=1, keepdim=True)), [1, 6]),
        "attention": (Fn(lambda s, x: s.m[0](x, x, x, need_weights=False)[0],
                         [nn.MultiheadAttention(4, 2, batch_first=True)]), [1, 3, 4]),
        # shape ops and the shape arithmetic around them
        "zeropad": (S(nn.ZeroPad2d((1, 0, 2, 1))), [1, 1, 3, 3]),
        "view": (Fn(lambda s, x: x.view(x.size(0), -1)), [1, 2, 3]),
        "permute": (Fn(lambda s, x: x.permute(0, 2, 1).contiguous().reshape(1, -1)), [1, 2, 3]),
        "transpose": (Fn(lambda s, x: x.transpose(1, 2)), [1, 2, 3]),
        "squeeze": (Fn(lambda s, x: x.unsqueeze(0).squeeze(0).squeeze(1)), [1, 1, 3]),
        "slice": (Fn(lambda s, x: x[:, 1:4] * x[:, ::2][:, :3]), [1, 6]),
        "chunk": (Fn(lambda s, x: torch.chunk(x, 2, dim=1)[0] * torch.chunk(x, 2, dim=1)[1]), [1, 6]),
        "split": (Fn(lambda s, x: torch.split(x, [2, 4], dim=1)[1] * 2), [1, 6]),
        "cat": (Fn(lambda s, x: torch.cat([x, x * 2], dim=1)), [1, 6]),
        "expand": (Fn(lambda s, x: x.expand(3, 6) * 1.5), [1, 6]),
        "repeat": (Fn(lambda s, x: x.repeat(2, 1, 3) * x.repeat(1, 1, 3)), [1, 2, 3]),
        "index": (Fn(lambda s, x: x[:, 2:3] * x[0, 4]), [1, 6]),
        "gather": (Fn(lambda s, x: x[:, torch.tensor([0, 2, 2, 5])]), [1, 6]),
        "max_dim": (Fn(lambda s, x: x.max(dim=1).values), [1, 6]),
        # refused
        "prelu": (S(nn.PReLU()), [1, 6], "PRelu"),
        "reflectpad": (S(nn.ReflectionPad2d(1)), [1, 1, 3, 3], "reflect"),
        "bicubic": (S(nn.Upsample(scale_factor=2, mode="bicubic")), [1, 1, 3, 3], "cubic"),
        "minimum": (Fn(lambda s, x: torch.minimum(x, x * 2)), [1, 6], "Min"),
        "lstm": (nn.LSTM(3, 4, batch_first=True), [1, 2, 3], "3 outputs"),
    }


def nested(t):
    return t.detach().flatten().tolist()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", default=os.path.join(here, "..", "..", "onnx", "testdata", "zoo"))
    args = ap.parse_args()
    os.makedirs(args.o, exist_ok=True)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    out = {}
    for name, case in cases(gen).items():
        mod, shape = case[0], case[1]
        for p in mod.parameters():  # seeded weights, whatever the module's init drew
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.7 + (1 if p.dim() == 1 and "norm" in name else 0))
        mod = mod.double().eval()
        x = torch.randn(*shape, generator=gen)
        path = os.path.join(args.o, name + ".onnx")
        torch.set_default_dtype(torch.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(mod, x, path, opset_version=17, training=torch.onnx.TrainingMode.PRESERVE,
                              do_constant_folding=False, input_names=["input"], output_names=["output"])
        torch.set_default_dtype(torch.float64)
        onnx.checker.check_model(onnx.load(path), full_check=True)
        entry = {"ops": [n.op_type for n in onnx.load(path).graph.node], "input_shape": shape}
        if len(case) > 2:
            entry["error"] = case[2]
        else:
            v = torch.randn(*shape, generator=gen)
            with torch.no_grad():
                y = mod(x)
            # J·v from the reverse-mode Jacobian: first derivatives only, which
            # every module has.
            J = torch.autograd.functional.jacobian(lambda x: mod(x), x)
            jv = J.reshape(y.numel(), x.numel()) @ v.flatten()
            entry.update(x=nested(x), y=nested(y), v=nested(v), jv=nested(jv))
        out[name] = entry
        print(f"{name:18} {' '.join(entry['ops'])}")
    with open(os.path.join(args.o, "zoo.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"), allow_nan=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
