#!/usr/bin/python3
"""Writes ops/testdata/conv.json: PyTorch 1.13 fixtures for Conv and ConvTranspose.

Each case is one op at one random point (float64) with tangents on every
input (X, W and, when present, the bias B), so that the JVP and the
double-backward cross terms X<->W are tested: value, JVP, VJP and hvp as
opfixture.py computes them (schema: fixtureCase in ops/fixture_test.go).

ONNX semantics are emulated with PyTorch's functional ops:
  * Conv with asymmetric pads: F.pad (zeros) then the convolution unpadded;
    symmetric pads use the convolution's own padding argument.
  * ConvTranspose with asymmetric pads or output_shape: the transposed
    convolution unpadded, then cropped pads_begin/pads_end; symmetric pads use
    its own padding argument. output_shape gives the pads by the ONNX rule
    for auto_pad NOTSET: total = full - output_shape,
    begin = total - total//2, end = total//2.

Conv is bilinear and has no kinks; the "padding" cases cover output positions
that read only padding (value = bias, zero gradient there) and inputs that
the stride skips (zero input gradient).

Run from the repository root:
    /usr/bin/python3 tools/torchref/ops_conv.py [-o ops/testdata/conv.json]
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402

torch.set_default_dtype(torch.float64)
SEED = 20240905


def onnx_pad(x, pads):
    """F.pad with ONNX pads [b1..bn, e1..en] over the spatial dimensions."""
    n = len(pads) // 2
    arg = []
    for i in reversed(range(n)):
        arg += [pads[i], pads[n + i]]
    return F.pad(x, arg)


def conv(x, w, b, a):
    n = x.dim() - 2
    pads = a.get("pads", [0] * 2 * n)
    stride = a.get("strides", [1] * n)
    dil = a.get("dilations", [1] * n)
    group = a.get("group", 1)
    f = [F.conv1d, F.conv2d, F.conv3d][n - 1]
    if pads[:n] == pads[n:]:
        return f(x, w, b, stride=stride, padding=pads[:n], dilation=dil, groups=group)
    return f(onnx_pad(x, pads), w, b, stride=stride, dilation=dil, groups=group)


def conv_transpose_pads(x, w, a):
    n = x.dim() - 2
    stride = a.get("strides", [1] * n)
    dil = a.get("dilations", [1] * n)
    op = a.get("output_padding", [0] * n)
    if "output_shape" not in a:
        return a.get("pads", [0] * 2 * n)
    want = a["output_shape"][-n:]
    pads = [0] * 2 * n
    for i in range(n):
        full = stride[i] * (x.shape[2 + i] - 1) + op[i] + dil[i] * (w.shape[2 + i] - 1) + 1
        total = full - want[i]
        pads[i], pads[n + i] = total - total // 2, total // 2
    return pads


def conv_transpose(x, w, b, a):
    n = x.dim() - 2
    stride = a.get("strides", [1] * n)
    dil = a.get("dilations", [1] * n)
    op = a.get("output_padding", [0] * n)
    group = a.get("group", 1)
    pads = conv_transpose_pads(x, w, a)
    f = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][n - 1]
    if pads[:n] == pads[n:]:
        return f(x, w, b, stride=stride, padding=pads[:n], output_padding=op, groups=group, dilation=dil)
    y = f(x, w, b, stride=stride, output_padding=op, groups=group, dilation=dil)
    idx = [slice(None), slice(None)]
    for i in range(n):
        idx.append(slice(pads[i], y.shape[2 + i] - pads[n + i]))
    return y[tuple(idx)]


OPS = {"Conv": conv, "ConvTranspose": conv_transpose}


def case(name, op, xshape, wshape, bias, attrs, gen):
    x = torch.randn(xshape, generator=gen)
    w = torch.randn(wshape, generator=gen)
    cout = wshape[0] if op == "Conv" else wshape[1] * attrs.get("group", 1)
    xs = [x, w] + ([torch.randn(cout, generator=gen)] if bias else [])

    def fn(*v):
        return OPS[op](v[0], v[1], v[2] if len(v) > 2 else None, attrs)

    return of.random_case(name, op, attrs, fn, xs, of.normal(gen))


# name, op, X shape, W shape, bias, attrs
CASES = [
    # Conv 1-D
    ("conv1d_g2_d2_s2_asympad_bias", "Conv", [1, 4, 13], [6, 2, 3], True,
     {"strides": [2], "dilations": [2], "pads": [1, 2], "group": 2}),
    ("conv1d_nobias", "Conv", [1, 3, 8], [2, 3, 3], False, {}),
    ("conv1d_batch2_sympad_bias", "Conv", [2, 2, 7], [3, 2, 2], True, {"pads": [1, 1], "kernel_shape": [2]}),
    # Conv 2-D
    ("conv2d_g2_d2_s2_asympad_bias", "Conv", [1, 4, 9, 8], [4, 2, 3, 2], True,
     {"strides": [2, 2], "dilations": [2, 2], "pads": [1, 0, 2, 1], "group": 2}),
    ("conv2d_g2_d2_s2_asympad_nobias", "Conv", [1, 4, 8, 9], [6, 2, 2, 3], False,
     {"strides": [2, 1], "dilations": [1, 2], "pads": [0, 2, 1, 1], "group": 2}),
    ("conv2d_batch2_stride2_bias", "Conv", [2, 3, 7, 6], [4, 3, 3, 3], True, {"strides": [2, 2], "pads": [1, 1, 1, 1]}),
    ("conv2d_depthwise", "Conv", [1, 3, 6, 6], [3, 1, 3, 3], True, {"group": 3, "pads": [1, 1, 1, 1]}),
    # padding regions: outputs that read only padding; inputs the stride skips
    ("conv2d_padding_only_outputs", "Conv", [1, 2, 3, 3], [2, 2, 2, 2], True, {"pads": [3, 2, 3, 4]}),
    ("conv1d_stride_skips_inputs", "Conv", [1, 2, 10], [3, 2, 2], True, {"strides": [4]}),
    # Conv 3-D
    ("conv3d_g2_asympad_bias", "Conv", [1, 2, 4, 3, 4], [2, 1, 2, 2, 2], True,
     {"group": 2, "pads": [1, 0, 1, 0, 1, 0], "strides": [1, 2, 1]}),
    # ConvTranspose 1-D
    ("convT1d_s2_op1_g2_d2_pad1_bias", "ConvTranspose", [1, 4, 5], [4, 3, 3], True,
     {"strides": [2], "output_padding": [1], "group": 2, "dilations": [2], "pads": [1, 1]}),
    ("convT1d_asympad_nobias", "ConvTranspose", [1, 3, 6], [3, 2, 4], False,
     {"strides": [3], "pads": [2, 0], "output_padding": [2]}),
    # ConvTranspose 2-D
    ("convT2d_s2_op1_g2_d2_pad1_bias", "ConvTranspose", [1, 4, 4, 3], [4, 2, 3, 3], True,
     {"strides": [2, 2], "output_padding": [1, 1], "group": 2, "dilations": [2, 2], "pads": [1, 1, 1, 1]}),
    ("convT2d_batch2_asympad_bias", "ConvTranspose", [2, 2, 3, 4], [2, 3, 2, 3], True,
     {"strides": [2, 1], "pads": [1, 0, 0, 2], "output_padding": [1, 0]}),
    ("convT2d_output_shape_g2", "ConvTranspose", [1, 2, 3, 3], [2, 2, 3, 3], True,
     {"strides": [2, 2], "output_padding": [0, 1], "group": 2, "output_shape": [6, 7]}),
    ("convT2d_output_shape_full", "ConvTranspose", [1, 2, 3, 2], [2, 1, 2, 2], False,
     {"strides": [2, 3], "output_shape": [1, 1, 5, 4]}),
    # output positions no input reaches (dilation gaps, output padding): bias only
    ("convT2d_unreached_outputs", "ConvTranspose", [1, 2, 2, 2], [2, 2, 2, 2], True,
     {"strides": [3, 3], "dilations": [2, 1], "output_padding": [1, 2]}),
]


def main():
    out = of.output_path("ops/testdata/conv.json", __doc__.splitlines()[0])
    gen = torch.Generator().manual_seed(SEED)
    cases = [case(*c, gen) for c in CASES]
    of.write_json(out, {"cases": cases})
    print(f"wrote {len(cases)} cases to {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
