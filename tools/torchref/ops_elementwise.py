#!/usr/bin/python3
"""Writes ops/testdata/elementwise.json: PyTorch 1.13 fixtures for the
element-wise ops of ops/elementwise.go, at random points and at every kink.

Each case holds one op at a few points, with PyTorch's value, JVP, VJP and
double-backward term as opfixture.py computes them (the JVP by the
double-vjp trick, so that kinks follow backward mode; schema: fixtureCase in
ops/fixture_test.go).

The "special" list holds scalar points whose value or derivatives are
infinite or NaN, which JSON numbers cannot hold, as Python reprs ("inf"):
the value, f' (backward, w = 1) and f'' (double backward, w = t = 1).

The "selects" list holds the flat ops (relu, clamp, hardsigmoid, abs, leaky
relu) against infinite and NaN tangents and cotangents, as reprs: PyTorch's
VJP, its forward-mode JVP (functorch.jvp) and the double backward's term in
the cotangent, where relu, clamp and hardsigmoid select and abs and leaky
relu multiply.

HardSigmoid: PyTorch 1.13 has no double backward for hardsigmoid_backward,
and its CPU backward multiplies by the float32 constant 1/6 even in float64
(0.16666667163...). The fixture therefore differentiates the ONNX formula
clamp(alpha*x + beta, 0, 1) written with torch.where so that, like
F.hardsigmoid, the gradient passes strictly inside (0, 1) only; the script
asserts that this agrees with F.hardsigmoid (values exactly, gradients to
1e-7, and exactly 0 at the kinks +-3).

Run from the repository root (float64 throughout; about a second):
    /usr/bin/python3 tools/torchref/ops_elementwise.py [-o ops/testdata/elementwise.json]
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402

torch.set_default_dtype(torch.float64)
SEED = 20240611


def hardsigmoid_onnx(alpha, beta):
    def f(x):
        y = alpha * x + beta
        return torch.where((y > 0) & (y < 1), y, torch.clamp(y, 0, 1).detach())
    return f


def check_hardsigmoid(gen):
    """The where-formula agrees with F.hardsigmoid, up to its float32 1/6."""
    x = torch.cat([torch.tensor([-3.0, 3.0, 0.0, -4.0, 4.0]), 8 * torch.rand(20, generator=gen) - 4])
    a = x.clone().requires_grad_(True)
    b = x.clone().requires_grad_(True)
    ya, yb = F.hardsigmoid(a), hardsigmoid_onnx(1.0 / 6, 0.5)(b)
    assert (ya - yb).abs().max() < 1e-15, (ya, yb)  # (x+3)/6 against x/6+1/2
    ga, = torch.autograd.grad(ya.sum(), a)
    gb, = torch.autograd.grad(yb.sum(), b)
    assert ga[0] == 0 and ga[1] == 0 and gb[0] == 0 and gb[1] == 0, "hardsigmoid kinks"
    assert (ga - gb).abs().max() < 1e-7, (ga, gb)
    assert ga[2].item() == float(torch.tensor(1.0 / 6, dtype=torch.float32)), "float32 1/6 quirk gone?"


# name, attrs, torch function, random range, kink points (finite derivatives).
OPS = [
    ("Relu", {}, F.relu, (-3, 3), [0.0, -0.0]),
    ("LeakyRelu", {"alpha": 0.1}, lambda x: F.leaky_relu(x, 0.1), (-3, 3), [0.0]),
    ("LeakyRelu", {"alpha": 0.01}, lambda x: F.leaky_relu(x, 0.01), (-3, 3), [0.0]),
    ("Elu", {"alpha": 1.0}, lambda x: F.elu(x, 1.0), (-3, 3), [0.0, -0.0]),
    ("Elu", {"alpha": 0.7}, lambda x: F.elu(x, 0.7), (-3, 3), [0.0]),
    ("Selu", {}, F.selu, (-3, 3), [0.0]),
    ("Celu", {"alpha": 1.0}, lambda x: F.celu(x, 1.0), (-3, 3), [0.0]),
    ("Celu", {"alpha": 0.5}, lambda x: F.celu(x, 0.5), (-3, 3), [0.0]),
    ("Celu", {"alpha": 2.5}, lambda x: F.celu(x, 2.5), (-3, 3), [0.0]),
    ("HardSigmoid", {"alpha": 1.0 / 6, "beta": 0.5}, hardsigmoid_onnx(1.0 / 6, 0.5), (-4, 4), [-3.0, 3.0]),
    ("HardSigmoid", {"alpha": 0.2, "beta": 0.5}, hardsigmoid_onnx(0.2, 0.5), (-4, 4), [-2.5, 2.5]),
    ("HardSigmoid", {"alpha": 0.5, "beta": 0.25}, hardsigmoid_onnx(0.5, 0.25), (-2, 2), [-0.5, 1.5]),
    ("HardSwish", {}, F.hardswish, (-4.5, 4.5), [-3.0, 3.0]),
    ("Softsign", {}, F.softsign, (-3, 3), [0.0]),
    ("Exp", {}, torch.exp, (-3, 3), []),
    ("Log", {}, torch.log, (0.1, 4), []),
    ("Sqrt", {}, torch.sqrt, (0.1, 4), []),
    ("Pow", {"p": 2.0}, lambda x: torch.pow(x, 2.0), (-3, 3), [0.0, -0.0]),
    ("Pow", {"p": 3.0}, lambda x: torch.pow(x, 3.0), (-3, 3), [0.0]),
    ("Pow", {"p": 0.5}, lambda x: torch.pow(x, 0.5), (0.1, 4), []),
    ("Pow", {"p": 1.5}, lambda x: torch.pow(x, 1.5), (0.1, 4), []),
    ("Pow", {"p": 2.5}, lambda x: torch.pow(x, 2.5), (0.1, 4), [0.0]),
    ("Pow", {"p": -2.0}, lambda x: torch.pow(x, -2.0), (0.3, 3), []),
    ("Pow", {"p": 4.0}, lambda x: torch.pow(x, 4.0), (-2, 2), [0.0]),
    ("Pow", {"p": 0.0}, lambda x: torch.pow(x, 0.0), (-3, 3), [0.0]),
    ("Pow", {"p": 1.0}, lambda x: torch.pow(x, 1.0), (-3, 3), [0.0]),
    ("Erf", {}, torch.erf, (-3, 3), [0.0]),
    ("Abs", {}, torch.abs, (-3, 3), [0.0, -0.0]),
    ("Cos", {}, torch.cos, (-4, 4), [0.0]),
    ("Neg", {}, torch.neg, (-3, 3), []),
    ("Reciprocal", {}, torch.reciprocal, (0.3, 3), []),
    ("Clip", {"min": -1.0, "max": 2.0}, lambda x: torch.clamp(x, -1.0, 2.0), (-3, 3), [-1.0, 2.0]),
    ("Clip", {"min": 0.0, "max": 6.0}, lambda x: torch.clamp(x, 0.0, 6.0), (-2, 8), [0.0, 6.0]),
    ("Clip", {"min": 0.5}, lambda x: torch.clamp(x, min=0.5), (-2, 2), [0.5]),
    ("Clip", {"min": 1.0, "max": -1.0}, lambda x: torch.clamp(x, 1.0, -1.0), (-2, 2), [1.0, -1.0]),
    ("Gelu", {"approximate": "none"}, F.gelu, (-4, 4), [0.0]),
    ("Gelu", {"approximate": "tanh"}, lambda x: F.gelu(x, approximate="tanh"), (-4, 4), [0.0]),
    ("Tanh", {}, torch.tanh, (-3, 3), [0.0]),
    ("Sigmoid", {}, torch.sigmoid, (-5, 5), [0.0]),
    ("Softplus", {}, F.softplus, (-5, 15), [0.0]),
    ("Silu", {}, F.silu, (-5, 5), [0.0]),
    ("Sin", {}, torch.sin, (-4, 4), [0.0]),
    ("Identity", {}, lambda x: x.clone(), (-3, 3), []),
]

# Scalar points with infinite or NaN parts: name, attrs, function, x.
SPECIAL = [
    ("Sqrt", {}, torch.sqrt, [0.0, -0.0, -1.0]),
    ("Log", {}, torch.log, [0.0, -0.0, -1.0]),
    ("Reciprocal", {}, torch.reciprocal, [0.0, -0.0]),
    ("Pow", {"p": 0.5}, lambda x: torch.pow(x, 0.5), [0.0, -1.0]),
    ("Pow", {"p": 1.5}, lambda x: torch.pow(x, 1.5), [0.0, -2.0]),
    ("Pow", {"p": -1.0}, lambda x: torch.pow(x, -1.0), [0.0]),
    ("Pow", {"p": -2.0}, lambda x: torch.pow(x, -2.0), [0.0]),
    ("Pow", {"p": 2.0}, lambda x: torch.pow(x, 2.0), [0.0, -2.0]),
    ("Pow", {"p": 3.0}, lambda x: torch.pow(x, 3.0), [0.0, -2.0]),
    ("Pow", {"p": 0.0}, lambda x: torch.pow(x, 0.0), [0.0, -2.0]),
    ("Relu", {}, F.relu, [0.0]),
    ("LeakyRelu", {"alpha": 0.1}, lambda x: F.leaky_relu(x, 0.1), [0.0]),
    ("Elu", {"alpha": 1.0}, lambda x: F.elu(x, 1.0), [0.0]),
    ("Elu", {"alpha": 0.7}, lambda x: F.elu(x, 0.7), [0.0]),
    ("Selu", {}, F.selu, [0.0]),
    ("Celu", {"alpha": 1.0}, lambda x: F.celu(x, 1.0), [0.0]),
    ("Celu", {"alpha": 0.5}, lambda x: F.celu(x, 0.5), [0.0]),
    ("HardSwish", {}, F.hardswish, [-3.0, 3.0]),
    ("Abs", {}, torch.abs, [0.0]),
    ("Softsign", {}, F.softsign, [0.0]),
    ("Clip", {"min": -1.0, "max": 2.0}, lambda x: torch.clamp(x, -1.0, 2.0), [-1.0, 2.0, float("nan")]),
]


# The flat ops against infinite and NaN tangents and cotangents: PyTorch's
# backward of relu, clamp and hardsigmoid selects (0 where the op is flat,
# whatever the cotangent), while abs and leaky relu multiply (by sgn x and
# the slope, so 0·inf = NaN). Name, attrs, function, x; each x meets each
# of w = +inf, -inf, nan, 2.5 in turn.
SELECTS = [
    ("Relu", {}, F.relu, [-2.0, 0.0, -0.0, 1.5]),
    ("Clip", {"min": -1.0, "max": 2.0}, lambda x: torch.clamp(x, -1.0, 2.0), [-3.0, -1.0, 0.5, 2.0, 4.0]),
    ("HardSigmoid", {"alpha": 1.0 / 6, "beta": 0.5}, hardsigmoid_onnx(1.0 / 6, 0.5), [-4.0, -3.0, 1.0, 3.0, 5.0]),
    ("Abs", {}, torch.abs, [-2.0, 0.0, 1.5]),
    ("LeakyRelu", {"alpha": 0.1}, lambda x: F.leaky_relu(x, 0.1), [-2.0, 0.0, 1.5]),
]
SELECT_W = [float("inf"), float("-inf"), float("nan"), 2.5]


def select_case(op, attrs, fn, xs):
    """PyTorch's VJP σ′⊙w (backward), JVP σ′⊙ẋ (functorch.jvp, forward
    mode) and second-order term σ′⊙v (the double backward's derivative with
    respect to the cotangent), each element of x against each w."""
    import functorch
    x0 = torch.tensor([x for x in xs for _ in SELECT_W])
    w0 = torch.tensor(SELECT_W * len(xs))
    x = x0.clone().requires_grad_(True)
    w = w0.clone().requires_grad_(True)
    g, = torch.autograd.grad(fn(x), x, w, create_graph=True)
    v, = torch.autograd.grad(g, w, w0)
    _, j = functorch.jvp(fn, (x0,), (w0,))
    rs = lambda t: [repr(float(e)) for e in t]  # noqa: E731
    return {"name": f"{op}({attr_tag(attrs)})", "op": op, "attrs": attrs,
            "x": rs(x0), "w": rs(w0), "vjp": rs(g.detach()), "jvp": rs(j), "vterm": rs(v)}


def attr_tag(attrs):
    return ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in attrs.items())


def special_case(op, attrs, fn, x0):
    x = torch.tensor([x0], requires_grad=True)
    y = fn(x)
    g, = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
    d2 = 0.0
    if g.requires_grad:
        h, = torch.autograd.grad(g.sum(), x, allow_unused=True)
        d2 = 0.0 if h is None else h.item()
    name = f"{op}({attr_tag(attrs)})@{x0!r}"
    return {"name": name, "op": op, "attrs": attrs, "x": repr(x0),
            "value": repr(y.item()), "d1": repr(g.item()), "d2": repr(float(d2))}


def main():
    out = of.output_path("ops/testdata/elementwise.json", __doc__.splitlines()[0])
    gen = torch.Generator().manual_seed(SEED)
    draw = of.normal(gen)
    check_hardsigmoid(gen)
    cases = []
    for op, attrs, fn, (lo, hi), kinks in OPS:
        tag = op + (f"({attr_tag(attrs)})" if attrs else "")
        x = lo + (hi - lo) * torch.rand(2, 3, generator=gen)
        db = op != "HardSigmoid"
        cases.append(of.random_case(tag + "/random", op, attrs, fn, [x], draw, double_backward=db))
        if kinks:
            # Each kink twice, among random points.
            k = torch.tensor(kinks * 2)
            r = lo + (hi - lo) * torch.rand(3, generator=gen)
            x = torch.cat([k, r])
            cases.append(of.random_case(tag + "/kinks", op, attrs, fn, [x], draw, double_backward=db))
    # Pow of two tensors, x > 0, with broadcasting and a shared exponent.
    for tag, sa, sb in [("same", (2, 3), (2, 3)), ("broadcast", (2, 1, 3), (4, 1)), ("scalar-exponent", (2, 3), ())]:
        a = 0.2 + 2.5 * torch.rand(sa, generator=gen)
        b = 4 * torch.rand(sb, generator=gen) - 2
        cases.append(of.random_case("PowTensor/" + tag, "PowTensor", {}, torch.pow, [a, b], draw))
    a = 0.2 + 2.5 * torch.rand(2, 3, generator=gen)
    b = torch.tensor([2.0, 3.0, 0.5])
    cases.append(of.random_case("PowTensor/integer-exponents", "PowTensor", {}, torch.pow, [a, b], draw))
    special = []
    for op, attrs, fn, xs in SPECIAL:
        for x0 in xs:
            special.append(special_case(op, attrs, fn, x0))
    selects = [select_case(*c) for c in SELECTS]
    of.write_json(out, {"generator": "tools/torchref/ops_elementwise.py", "torch": torch.__version__,
                        "cases": cases, "special": special, "selects": selects})
    print(f"{len(cases)} cases, {len(special)} special points, {len(selects)} select cases -> {out}")


if __name__ == "__main__":
    main()
