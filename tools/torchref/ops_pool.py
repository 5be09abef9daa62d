#!/usr/bin/python3
"""Writes ops/testdata/pool.json: PyTorch 1.13 fixtures for ops/pool.go.

MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool and Resize
(nn.Upsample / F.interpolate), float64, at random points and at the kinks:
ties (PyTorch's CPU kernels take the first maximum in scan order), maxima next
to the padding (padding is -inf, never selected), ceil_mode windows (those
that would start in the end padding are dropped; AveragePool's divisor with
count_include_pad=1 clips the window to the padded input), count_include_pad
both ways, and Upsample nearest and (bi)linear with align_corners False and
True, by integer and fractional scales and by sizes.

Per case: value, JVP (by the double-vjp trick), VJP and the double-backward
term as opfixture.py computes them (the last zero for these piecewise-linear
ops, as PyTorch's double backward gives). Attributes are ONNX's: pads are
[begin..., end...].

"nan_cases" are max pooling cases with NaN and -inf inputs, which JSON numbers
cannot hold: non-finite numbers are written as the strings "NaN", "Inf" and
"-Inf", and ops/pool_test.go decodes them.

Self-checks (asserted): every pooling output size agrees with the ONNX formula
ceil/floor((D + pads - dil*(k-1) - 1)/s + 1) except for the cases named
"*drop*", where ONNX's spec drops the window that starts in the end padding
as PyTorch does; torch.amax splits a tied gradient evenly while
adaptive_max_pool (exported as GlobalMaxPool) gives it to one element.

Run from the repository root:
    /usr/bin/python3 tools/torchref/ops_pool.py [-o ops/testdata/pool.json]
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20240919
gen = torch.Generator().manual_seed(SEED)


def rnd(*shape):
    return torch.rand(shape, generator=gen) * 2 - 1


def distinct(*shape):
    """Values in (-1, 1) at least 1/n apart: no window has a tie."""
    n = math.prod(shape)
    perm = torch.randperm(n, generator=gen).to(torch.float64)
    jitter = torch.rand(n, generator=gen) * 0.5
    return ((perm + jitter) * 2 / n - 1).reshape(shape)


def ints(lo, hi, *shape):
    """Small integers as floats: many ties."""
    return torch.randint(lo, hi, shape, generator=gen).to(torch.float64)


def enc(t):
    """Like opfixture.tolist, with non-finite numbers as strings."""
    out = []
    for v in t.detach().reshape(-1).tolist():
        if math.isnan(v):
            out.append("NaN")
        elif math.isinf(v):
            out.append("Inf" if v > 0 else "-Inf")
        else:
            out.append(float(v))
    return out


def draw(shape):
    return rnd(*shape)


cases, nan_cases = [], []


def case(name, op, attrs, fn, x, backward_differs=False):
    """Adds a case. backward_differs marks PyTorch 1.13's nearest upsampling
    at a fractional scale whose output size is D or 2D: its backward takes
    the shortcuts of nearest_idx (copy, o/2) that its contiguous forward does
    not, so its VJP is not the transpose of its own forward. The case then
    keeps the value and the JVP (of the forward) and asserts the mismatch."""
    ts = of.draw_tangents([x], draw)
    d = of.derivatives(fn, [x], ts, draw)
    (t,), w, jvp, (vjp,) = ts, d.cotangent, d.jvp, d.vjp
    adjoint_ok = math.isclose((w * jvp).sum().item(), (vjp * t).sum().item(), rel_tol=1e-12, abs_tol=1e-12)
    assert adjoint_ok != backward_differs, name
    c = of.case(name, op, attrs, [x], ts, d)
    if backward_differs:
        c["vjp"], c["hvp"] = [None], [None]
    cases.append(c)


def nan_case(name, op, attrs, fn, x):
    ts = of.draw_tangents([x], draw)
    d = of.derivatives(fn, [x], ts, draw)
    assert not d.hvp[0].any()
    nan_cases.append(dict(
        name=name, op=op, attrs=attrs, shape=list(x.shape), value=enc(x),
        tangent=of.tolist(ts[0]), out_shape=list(d.value.shape), out=enc(d.value), jvp=of.tolist(d.jvp),
        cotangent=of.tolist(d.cotangent), vjp=of.tolist(d.vjp[0])))


def tup(v, d):
    return [v] * d if isinstance(v, int) else list(v)


def onnx_size(n, k, s, p, dil, ceil):
    v = (n + 2 * p - dil * (k - 1) - 1) / s + 1
    return math.ceil(v) if ceil else math.floor(v)


def pool_attrs(d, k, s, p, dil=1, ceil=False, cip=None):
    a = dict(kernel_shape=tup(k, d), strides=tup(s, d), pads=tup(p, d) * 2,
             ceil_mode=int(ceil))
    if dil != 1:
        a["dilations"] = tup(dil, d)
    if cip is not None:
        a["count_include_pad"] = int(cip)
    return a


def check_onnx_size(name, x, y, a):
    d = x.dim() - 2
    want = [onnx_size(x.shape[2 + i], a["kernel_shape"][i], a["strides"][i],
                      a["pads"][i], a.get("dilations", [1] * d)[i],
                      a["ceil_mode"]) for i in range(d)]
    agree = want == list(y.shape[2:])
    assert agree == ("drop" not in name), (name, want, list(y.shape))


def maxpool(name, x, k, s, p=0, dil=1, ceil=False, nan=False):
    d = x.dim() - 2
    f = F.max_pool1d if d == 1 else F.max_pool2d
    fn = lambda v: f(v, k, s, p, dil, ceil_mode=ceil)  # noqa: E731
    a = pool_attrs(d, k, s, p, dil, ceil)
    if not nan:
        check_onnx_size(name, x, fn(x), a)
    (nan_case if nan else case)("MaxPool/" + name, "MaxPool", a, fn, x)


def avgpool(name, x, k, s, p=0, ceil=False, cip=True):
    d = x.dim() - 2
    f = F.avg_pool1d if d == 1 else F.avg_pool2d
    fn = lambda v: f(v, k, s, p, ceil_mode=ceil, count_include_pad=cip)  # noqa: E731
    a = pool_attrs(d, k, s, p, 1, ceil, cip)
    check_onnx_size(name, x, fn(x), a)
    case("AveragePool/" + name, "AveragePool", a, fn, x)


def globalpool(name, x, kind, nan=False):
    d = x.dim() - 2
    if kind == "max":
        f = F.adaptive_max_pool1d if d == 1 else F.adaptive_max_pool2d
        op = "GlobalMaxPool"
    else:
        f = F.adaptive_avg_pool1d if d == 1 else F.adaptive_avg_pool2d
        op = "GlobalAveragePool"
    (nan_case if nan else case)(op + "/" + name, op, {}, lambda v: f(v, 1), x)


def resize(name, x, mode, size=None, scale=None, align=None, backward_differs=False):
    d = x.dim() - 2
    fn = lambda v: F.interpolate(v, size=size, scale_factor=scale, mode=mode,  # noqa: E731
                                 align_corners=align)
    if mode == "nearest":
        a = dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                 nearest_mode="floor")
    else:
        a = dict(mode="linear", coordinate_transformation_mode="align_corners" if align else "half_pixel")
    if size is not None:
        a["sizes"] = tup(size, d)
    else:
        a["scales"] = [float(v) for v in (scale if isinstance(scale, tuple) else [scale] * d)]
    case("Resize/" + name, "Resize", a, fn, x, backward_differs)


def build():
    # MaxPool at random points (distinct values: no ties).
    maxpool("1d-pad-stride", distinct(2, 3, 9), 3, 2, 1)
    maxpool("1d-dilation-ceil", distinct(1, 2, 10), 3, 2, 1, dil=2, ceil=True)
    maxpool("1d-ceil-drop", distinct(1, 1, 5), 2, 2, 1, ceil=True)
    maxpool("2d-rect-pad", distinct(2, 2, 6, 7), (3, 2), (2, 1), 1)
    maxpool("2d-dilation", distinct(1, 2, 7, 7), 3, 2, 1, dil=(2, 1))
    maxpool("2d-ceil", distinct(1, 2, 5, 5), 2, 2, ceil=True)
    maxpool("2d-ceil-pad-drop", distinct(1, 1, 5, 5), 2, 2, 1, ceil=True)
    maxpool("2d-C1", distinct(2, 1, 5, 4), 2, 1)

    # MaxPool ties: first maximum in scan order.
    x = torch.zeros(1, 1, 4, 4)
    x[0, 0, :2, :2] = 0.5                               # whole window equal
    x[0, 0, :2, 2:] = torch.tensor([[0.1, 0.7], [0.7, 0.7]])  # three tie
    x[0, 0, 2:, :2] = torch.tensor([[-0.2, -0.3], [-0.2, -0.2]])
    x[0, 0, 2:, 2:] = torch.tensor([[0.3, 0.9], [0.2, 0.9]])
    maxpool("2d-tie-whole-window", x, 2, 2)
    maxpool("2d-tie-overlapping", ints(0, 3, 2, 2, 5, 6), 3, 1, 1)
    maxpool("1d-tie", ints(0, 2, 2, 2, 8), 3, 1, 1)
    maxpool("1d-tie-dilation-ceil", ints(0, 2, 1, 2, 9), 2, 2, 1, dil=3, ceil=True)

    # Maxima beside the padding; all-negative values, so that padding as 0
    # (wrongly) would be selected; ties with the border element.
    x = -1 - torch.rand(1, 2, 4, 5, generator=gen)
    maxpool("2d-negative-padding", x, 3, 2, 1)
    x = -ints(1, 3, 1, 2, 4, 5)
    maxpool("2d-negative-tie-padding", x, 3, 1, 1)
    x = distinct(1, 1, 4, 4)
    x[0, 0, 0, 0] = 2.0
    x[0, 0, 3, 3] = 2.0
    maxpool("2d-max-at-corner", x, 3, 2, 1, ceil=True)

    # AveragePool.
    avgpool("1d-pad-cip1", rnd(2, 3, 8), 3, 2, 1, cip=True)
    avgpool("1d-pad-cip0", rnd(2, 3, 8), 3, 2, 1, cip=False)
    avgpool("1d-ceil-beyond-pad-cip1", rnd(1, 2, 6), 3, 2, 1, ceil=True, cip=True)
    avgpool("1d-ceil-beyond-pad-cip0", rnd(1, 2, 6), 3, 2, 1, ceil=True, cip=False)
    avgpool("1d-ceil-drop-cip1", rnd(1, 1, 5), 2, 2, 1, ceil=True, cip=True)
    avgpool("2d-ceil-pad-cip1", rnd(1, 2, 6, 7), 3, 2, 1, ceil=True, cip=True)
    avgpool("2d-ceil-pad-cip0", rnd(1, 2, 6, 7), 3, 2, 1, ceil=True, cip=False)
    avgpool("2d-ceil-nopad-cip1", rnd(1, 1, 5, 5), 2, 2, 0, ceil=True, cip=True)
    avgpool("2d-rect-cip0", rnd(2, 2, 5, 6), (2, 3), (1, 2), 1, cip=False)
    avgpool("2d-rect-cip1", rnd(2, 2, 5, 6), (2, 3), (1, 2), 1, cip=True)
    avgpool("2d-ceil-pad-drop-cip1", rnd(1, 1, 5, 5), 2, 2, 1, ceil=True, cip=True)
    avgpool("2d-ceil-pad-drop-cip0", rnd(1, 1, 5, 5), 2, 2, 1, ceil=True, cip=False)

    # Global pooling.
    globalpool("1d", distinct(2, 3, 5), "max")
    globalpool("2d", distinct(2, 2, 3, 4), "max")
    x = ints(0, 3, 1, 3, 3, 3)
    x[0, 2] = 0.25  # a plane all equal
    globalpool("2d-tie", x, "max")
    globalpool("1d-tie", ints(0, 2, 2, 2, 6), "max")
    globalpool("1d", rnd(2, 3, 5), "avg")
    globalpool("2d", rnd(2, 2, 3, 4), "avg")

    # Resize as nn.Upsample / F.interpolate exports it.
    resize("nearest-1d-scale2", rnd(2, 3, 4), "nearest", scale=2.0)
    resize("nearest-1d-scale2.5", rnd(1, 2, 5), "nearest", scale=2.5)
    resize("nearest-1d-scale2.2", rnd(1, 2, 4), "nearest", scale=2.2, backward_differs=True)
    resize("nearest-1d-size7", rnd(1, 2, 3), "nearest", size=7)
    resize("nearest-2d-scale2x3", rnd(2, 2, 3, 3), "nearest", scale=(2.0, 3.0))
    resize("nearest-2d-fractional", rnd(1, 3, 3, 4), "nearest", scale=(1.3, 2.2), backward_differs=True)
    resize("nearest-2d-fractional-C1", rnd(2, 1, 3, 4), "nearest", scale=(1.3, 2.2))
    resize("nearest-2d-size", rnd(1, 2, 3, 4), "nearest", size=(5, 7))
    resize("nearest-2d-down", rnd(1, 2, 5, 7), "nearest", size=(2, 3))
    resize("bilinear-scale2", rnd(2, 2, 3, 4), "bilinear", scale=2.0, align=False)
    resize("bilinear-scale2-align", rnd(2, 2, 3, 4), "bilinear", scale=2.0, align=True)
    resize("bilinear-size", rnd(1, 2, 3, 4), "bilinear", size=(5, 7), align=False)
    resize("bilinear-size-align", rnd(1, 2, 3, 4), "bilinear", size=(5, 3), align=True)
    resize("bilinear-down", rnd(1, 2, 5, 7), "bilinear", size=(2, 3), align=False)
    resize("bilinear-fractional", rnd(1, 2, 3, 4), "bilinear", scale=(1.3, 2.2), align=False)
    resize("bilinear-fractional-align", rnd(1, 2, 3, 4), "bilinear", scale=(1.7, 2.2), align=True)
    resize("bilinear-to-1", rnd(1, 2, 4, 5), "bilinear", size=(1, 1), align=False)
    resize("bilinear-to-1-align", rnd(1, 2, 4, 5), "bilinear", size=(1, 2), align=True)
    resize("linear-1d-scale2.5", rnd(2, 2, 5), "linear", scale=2.5, align=False)
    resize("linear-1d-size-align", rnd(1, 2, 4), "linear", size=7, align=True)

    # Non-finite inputs (nan_cases).
    nan = float("nan")
    ninf = float("-inf")
    x = distinct(1, 2, 7)
    x[0, 0, 1] = nan
    x[0, 0, 3] = nan
    x[0, 1, 0:3] = ninf
    maxpool("1d-nan-ninf", x, 3, 1, 1, nan=True)
    x = distinct(1, 1, 4, 4)
    x[0, 0, 0, 1] = nan
    x[0, 0, 1, 0] = nan
    x[0, 0, 2:, 2:] = ninf
    maxpool("2d-nan-ninf", x, 2, 2, 1, ceil=True, nan=True)
    x = distinct(1, 3, 2, 3)
    x[0, 0, 0, 2] = nan
    x[0, 0, 1, 1] = nan
    x[0, 1] = ninf
    globalpool("2d-nan-ninf", x, "max", nan=True)


def check_amax_split():
    x = torch.tensor([[[[1.0, 3.0], [3.0, 2.0]]]], requires_grad=True)
    (ga,) = torch.autograd.grad(torch.amax(x, dim=(2, 3)).sum(), x)
    (gm,) = torch.autograd.grad(F.adaptive_max_pool2d(x, 1).sum(), x)
    assert ga.reshape(-1).tolist() == [0, 0.5, 0.5, 0], ga
    assert gm.reshape(-1).tolist() == [0, 1, 0, 0], gm


def main():
    out = of.output_path("ops/testdata/pool.json", __doc__.splitlines()[0])
    check_amax_split()
    build()
    of.write_json(out, {"generator": "tools/torchref/ops_pool.py", "torch": torch.__version__,
                        "cases": cases, "nan_cases": nan_cases})
    print(f"{len(cases)} cases, {len(nan_cases)} nan cases -> {out}")


if __name__ == "__main__":
    main()
