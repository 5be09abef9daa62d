#!/usr/bin/python3
"""Writes ops/testdata/norm.json: PyTorch 1.13 fixtures for the reductions,
the softmax family and the normalizations (ops/reduce.go, ops/norm.go).

Every case is one op at one point, float64, in the schema of fixtureCase in
ops/fixture_test.go: value, JVP (by the double-vjp trick, so that conventions
at ties are backward mode's), VJP per input and the double-backward term, as
opfixture.py computes them.

Conventions found in PyTorch 1.13 and fixed here:
  - torch.amax (what ONNX ReduceMax comes from) splits the gradient evenly
    among tied maxima; cases ReduceMax/tie-*.
  - F.batch_norm in eval mode does not differentiate the running statistics;
    the BatchNormalization/formula-* cases differentiate the defining formula
    in every input (mean and var too), and the script asserts that it agrees
    with F.batch_norm in x, weight and bias.

Self-checks, all asserted: layer_norm, instance_norm and batch_norm agree,
to first and second order, with their formulas written in elementary torch
ops; group_norm equals its ONNX export (Reshape, InstanceNormalization with
unit scale and zero bias, Reshape, Mul, Add).

Run from the repository root (a second or two):
    /usr/bin/python3 tools/torchref/ops_norm.py [-o ops/testdata/norm.json]
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20240917
gen = torch.Generator().manual_seed(SEED)


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(tuple(shape), generator=gen)


def draw(shape):
    return rand(*shape)


CASES = []


def case(name, op, attrs, fn, inputs, no_tangent=()):
    tangents = of.draw_tangents(inputs, draw, no_tangent)
    CASES.append(of.case(name, op, attrs, inputs, tangents, of.derivatives(fn, inputs, tangents, draw)))
    return inputs, tangents


def agree(name, f, g, inputs, tangents):
    """Asserts that f and g have the same value, JVP, VJP and hvp at inputs for
    the same tangents and cotangent."""
    state = gen.get_state()
    a = of.derivatives(f, inputs, tangents, draw)
    gen.set_state(state)
    b = of.derivatives(g, inputs, tangents, draw)
    for what, p, q in zip(a._fields, a, b):
        ps = p if isinstance(p, list) else [p]
        qs = q if isinstance(q, list) else [q]
        for x, z in zip(ps, qs):
            if x is None and z is None:
                continue
            scale = max(1.0, z.abs().max().item())
            err = (x - z).abs().max().item() / scale
            assert err < 1e-12, f"{name}: {what} differs by {err}"


# Reductions ---------------------------------------------------------------

def reductions():
    x = rand(2, 3, 4)
    case("ReduceSum/axis1", "ReduceSum", {"axes": [1], "keepdims": 0}, lambda x: x.sum(dim=1), [x])
    case("ReduceSum/neg-axes-keep", "ReduceSum", {"axes": [-1, 0], "keepdims": 1},
         lambda x: x.sum(dim=(-1, 0), keepdim=True), [rand(2, 3, 4)])
    case("ReduceSum/all", "ReduceSum", {"keepdims": 0}, lambda x: x.sum(), [rand(3, 2)])
    case("ReduceMean/last-keep", "ReduceMean", {"axes": [-1], "keepdims": 1},
         lambda x: x.mean(dim=-1, keepdim=True), [rand(1, 4, 5)])
    case("ReduceMean/axes02", "ReduceMean", {"axes": [0, 2], "keepdims": 0},
         lambda x: x.mean(dim=(0, 2)), [rand(2, 3, 4)])
    case("ReduceMax/random-axis1", "ReduceMax", {"axes": [1], "keepdims": 0},
         lambda x: torch.amax(x, dim=1), [rand(2, 3, 4)])
    case("ReduceMax/random-all-keep", "ReduceMax", {"keepdims": 1},
         lambda x: torch.amax(x, dim=(0, 1), keepdim=True), [rand(3, 4)])
    # Ties: pairs, a triple, a whole slice, and +0 with -0.
    t = torch.tensor([[[1.0, 3.0, 3.0, 2.0],
                       [0.5, 0.5, 0.5, -1.0],
                       [2.0, 2.0, 2.0, 2.0]],
                      [[0.0, -0.0, -1.0, -2.0],
                       [-3.0, 4.0, 1.0, 4.0],
                       [7.0, 1.0, 7.0, 7.0]]])
    case("ReduceMax/tie-last", "ReduceMax", {"axes": [-1], "keepdims": 0}, lambda x: torch.amax(x, dim=-1), [t])
    case("ReduceMax/tie-axis1-keep", "ReduceMax", {"axes": [1], "keepdims": 1},
         lambda x: torch.amax(x, dim=1, keepdim=True), [t])
    case("ReduceMax/tie-axes02", "ReduceMax", {"axes": [0, 2], "keepdims": 0},
         lambda x: torch.amax(x, dim=(0, 2)), [t])


# Softmax family -----------------------------------------------------------

def softmaxes():
    large = torch.tensor([[700.0, 699.5, -700.0, 698.0, 700.0, -699.0],
                          [-700.0, -699.25, -700.0, -698.5, -701.0, -700.5]])
    for op, f in [("Softmax", torch.softmax), ("LogSoftmax", torch.log_softmax)]:
        case(f"{op}/axis1", op, {"axis": 1}, lambda x, f=f: f(x, 1), [rand(2, 3, 4, lo=-3, hi=3)])
        case(f"{op}/last", op, {"axis": -1}, lambda x, f=f: f(x, -1), [rand(2, 3, 4, lo=-3, hi=3)])
        case(f"{op}/axis1-matrix", op, {"axis": 1}, lambda x, f=f: f(x, 1), [rand(3, 5, lo=-3, hi=3)])
        case(f"{op}/large-last", op, {"axis": -1}, lambda x, f=f: f(x, -1), [large])
        case(f"{op}/large-axis0", op, {"axis": 0}, lambda x, f=f: f(x, 0), [large])
        case(f"{op}/ties", op, {"axis": 1}, lambda x, f=f: f(x, 1), [torch.tensor([[2.0, 2.0, 2.0], [-1.0, 0.5, 0.5]])])


# Normalizations ------------------------------------------------------------

def bn_formula(eps):
    return lambda x, g, b, m, v: (
        g.view(1, -1, *[1] * (x.dim() - 2)) * (x - m.view(1, -1, *[1] * (x.dim() - 2)))
        / torch.sqrt(v.view(1, -1, *[1] * (x.dim() - 2)) + eps) + b.view(1, -1, *[1] * (x.dim() - 2)))


def bn_torch(eps):
    return lambda x, g, b, m, v: F.batch_norm(x, m, v, g, b, training=False, eps=eps)


def ln_formula(axis, eps):
    def f(x, g, b=None):
        dims = tuple(range(axis % x.dim(), x.dim()))
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
        y = (x - mean) / torch.sqrt(var + eps) * g
        return y if b is None else y + b
    return f


def ln_torch(axis, eps):
    def f(x, g, b=None):
        return F.layer_norm(x, x.shape[axis % x.dim():], g, b, eps)
    return f


def in_formula(eps):
    def f(x, g, b):
        dims = tuple(range(2, x.dim()))
        shape = (1, -1) + (1,) * (x.dim() - 2)
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
        return (x - mean) / torch.sqrt(var + eps) * g.view(shape) + b.view(shape)
    return f


def in_torch(eps):
    return lambda x, g, b: F.instance_norm(x, weight=g, bias=b, eps=eps)


def normalizations():
    for name, shape, eps in [("NCHW", (2, 3, 2, 2), 1e-5), ("NC", (3, 4), 0.1), ("NCL", (1, 2, 3), 1e-3)]:
        c = shape[1]
        ins = [rand(*shape, lo=-2, hi=2), rand(c, lo=0.5, hi=1.5), rand(c), rand(c), rand(c, lo=0.2, hi=1.2)]
        attrs = {"epsilon": eps}
        _, ts = case(f"BatchNormalization/torch-{name}", "BatchNormalization", attrs, bn_torch(eps), ins, no_tangent=(3, 4))
        agree(f"BatchNormalization/{name}", bn_torch(eps), bn_formula(eps), ins, ts)
        case(f"BatchNormalization/formula-{name}", "BatchNormalization", attrs, bn_formula(eps), ins)

    for name, shape, axis, eps, bias in [("last", (2, 5), -1, 1e-5, True), ("axis1", (2, 3, 4), 1, 1e-5, True),
                                         ("last-rank3", (2, 3, 4), -1, 1e-5, True), ("no-bias", (3, 2, 4), -2, 0.5, False),
                                         ("axis0", (2, 3), 0, 1e-2, True)]:
        norm = shape[axis % len(shape):]
        ins = [rand(*shape, lo=-2, hi=2), rand(*norm, lo=0.5, hi=1.5)] + ([rand(*norm)] if bias else [])
        attrs = {"axis": axis, "epsilon": eps}
        _, ts = case(f"LayerNormalization/{name}", "LayerNormalization", attrs, ln_torch(axis, eps), ins)
        agree(f"LayerNormalization/{name}", ln_torch(axis, eps), ln_formula(axis, eps), ins, ts)
    # Small variance: the second-order terms grow as 1/σ².
    x = 1.0 + 1e-2 * rand(1, 6)
    ins = [x, rand(6, lo=0.5, hi=1.5), rand(6)]
    _, ts = case("LayerNormalization/small-variance", "LayerNormalization", {"axis": -1, "epsilon": 1e-5},
                 ln_torch(-1, 1e-5), ins)
    agree("LayerNormalization/small-variance", ln_torch(-1, 1e-5), ln_formula(-1, 1e-5), ins, ts)

    for name, shape, eps in [("NCL", (2, 3, 4), 1e-5), ("NCHW", (1, 2, 2, 3), 1e-3)]:
        c = shape[1]
        ins = [rand(*shape, lo=-2, hi=2), rand(c, lo=0.5, hi=1.5), rand(c)]
        _, ts = case(f"InstanceNormalization/{name}", "InstanceNormalization", {"epsilon": eps}, in_torch(eps), ins)
        agree(f"InstanceNormalization/{name}", in_torch(eps), in_formula(eps), ins, ts)

    # nn.GroupNorm(2, 4) on [1, 4, 3]: ONNX export reshapes to [1, 2, 6] and
    # applies InstanceNormalization with constant unit scale and zero bias.
    x = rand(1, 4, 3, lo=-2, hi=2)
    gw, gb = rand(4, lo=0.5, hi=1.5), rand(4)
    ref = F.group_norm(x, 2, gw, gb, 1e-5)
    exported = F.instance_norm(x.reshape(1, 2, -1), weight=torch.ones(2), bias=torch.zeros(2), eps=1e-5)
    exported = exported.reshape(1, 4, 3) * gw.view(4, 1) + gb.view(4, 1)
    assert (ref - exported).abs().max().item() < 1e-13
    case("InstanceNormalization/groupnorm-export", "InstanceNormalization", {"epsilon": 1e-5},
         in_torch(1e-5), [x.reshape(1, 2, 6), torch.ones(2), torch.zeros(2)], no_tangent=(1, 2))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = of.output_path(os.path.join(here, "..", "..", "ops", "testdata", "norm.json"), __doc__.splitlines()[0])
    reductions()
    softmaxes()
    normalizations()
    of.write_json(out, {"generator": "tools/torchref/ops_norm.py", "torch": torch.__version__, "cases": CASES},
                  separators=None)
    print(f"{len(CASES)} cases written to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
