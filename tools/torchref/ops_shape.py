#!/usr/bin/python3
"""Writes ops/testdata/shape.json: PyTorch 1.13 fixtures for the shape ops of
ops/shape.go (Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Slice,
Gather, Pad, Expand) and for MatMul (ops/matmul.go).

Each case holds one op at random values, with PyTorch's value, JVP, VJP and
double-backward term (0 for linear ops) as opfixture.py computes them
(schema: fixtureCase in ops/fixture_test.go).

Attributes are ONNX's, in the form the Go builders decode: Reshape's shape
may hold 0 (copy the input's dimension) and -1 (infer), which the script
resolves for torch.reshape; Slice follows the ONNX specification's clamping
(for a negative step, starts clamp to [0, d-1] and ends to [-1, d-1]), which
the script applies before indexing with torch.index_select, and asserts to
agree with Python's slicing wherever the two rules agree; Gather indexes with
torch's advanced indexing, which wraps negative indices itself; Pad is
torch.nn.functional.pad in constant mode, negative pads cropping.

Run from the repository root (float64 throughout; about a second):
    /usr/bin/python3 tools/torchref/ops_shape.py [-o ops/testdata/shape.json]
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402

torch.set_default_dtype(torch.float64)
SEED = 20240612
INT_MAX, INT_MIN = 2**63 - 1, -2**63


def reshape_target(in_shape, shape):
    out = [in_shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return out


def flatten(axis):
    def f(x):
        a = axis + x.dim() if axis < 0 else axis
        return x.reshape(math.prod(x.shape[:a]), math.prod(x.shape[a:]))
    return f


def squeeze(axes):
    def f(x):
        ax = [a + x.dim() if a < 0 else a for a in axes] if axes else [i for i, d in enumerate(x.shape) if d == 1]
        for a in sorted(ax, reverse=True):
            x = x.squeeze(a)
        return x
    return f


def unsqueeze(axes):
    def f(x):
        n = x.dim() + len(axes)
        for a in sorted(a + n if a < 0 else a for a in axes):
            x = x.unsqueeze(a)
        return x
    return f


def transpose(perm):
    def f(x):
        return x.permute(*(perm if perm else range(x.dim() - 1, -1, -1)))
    return f


def onnx_slice_indices(start, end, step, d):
    """The indices kept by ONNX Slice on an axis of length d (the spec's rule)."""
    if start < 0:
        start += d
    if end < 0:
        end += d
    if step > 0:
        start, end = min(max(start, 0), d), min(max(end, 0), d)
        return list(range(start, end, step))
    start, end = min(max(start, 0), d - 1), min(max(end, -1), d - 1)
    return list(range(start, end, step))


def slice_op(starts, ends, axes, steps, python_agrees=True):
    def f(x):
        ax = axes if axes else list(range(len(starts)))
        st = steps if steps else [1] * len(starts)
        for s, e, a, k in zip(starts, ends, ax, st):
            a = a + x.dim() if a < 0 else a
            d = x.shape[a]
            idx = onnx_slice_indices(s, e, k, d)
            py = list(range(*slice(s, e, k).indices(d)))
            assert (idx == py) == python_agrees, (s, e, k, d, idx, py)
            x = torch.index_select(x, a, torch.tensor(idx, dtype=torch.long))
        return x
    return f


def gather(axis, indices, ishape):
    def f(x):
        a = axis + x.dim() if axis < 0 else axis
        idx = torch.tensor(indices, dtype=torch.long).reshape(ishape)
        return x[(slice(None),) * a + (idx,)]
    return f


def pad(pads, value):
    def f(x):
        n = x.dim()
        tp = []
        for i in range(n - 1, -1, -1):
            tp += [pads[i], pads[n + i]]
        return F.pad(x, tp, mode="constant", value=value)
    return f


def expand(shape):
    def f(x):
        return x.expand(*torch.broadcast_shapes(tuple(x.shape), tuple(shape)))
    return f


# name, op, attrs, function, input shapes (a shape, or (shape, False) for an
# input without tangent).
CASES = [
    ("Reshape/copy-infer", "Reshape", {"ints": [0, -1, 2]}, None, [(2, 3, 4)]),
    ("Reshape/resolved", "Reshape", {"ints": [4, 6]}, None, [(2, 3, 4)]),
    ("Reshape/flat", "Reshape", {"ints": [-1]}, None, [(2, 3, 4)]),
    ("Reshape/scalar", "Reshape", {"ints": []}, None, [(1, 1)]),
    ("Flatten/0", "Flatten", {"axis": 0}, flatten(0), [(2, 3, 4)]),
    ("Flatten/1", "Flatten", {"axis": 1}, flatten(1), [(2, 3, 4)]),
    ("Flatten/3", "Flatten", {"axis": 3}, flatten(3), [(2, 3, 4)]),
    ("Flatten/-1", "Flatten", {"axis": -1}, flatten(-1), [(2, 3, 4)]),
    ("Transpose/perm", "Transpose", {"ints": [2, 0, 1]}, transpose([2, 0, 1]), [(2, 3, 4)]),
    ("Transpose/default", "Transpose", {"ints": []}, transpose([]), [(2, 3, 4)]),
    ("Transpose/4D", "Transpose", {"ints": [0, 2, 3, 1]}, transpose([0, 2, 3, 1]), [(2, 3, 2, 4)]),
    ("Squeeze/axes", "Squeeze", {"ints": [0, 2]}, squeeze([0, 2]), [(1, 3, 1, 2)]),
    ("Squeeze/negative", "Squeeze", {"ints": [-2]}, squeeze([-2]), [(1, 3, 1, 2)]),
    ("Squeeze/all", "Squeeze", {"ints": []}, squeeze([]), [(1, 3, 1, 2, 1)]),
    ("Unsqueeze/0,3", "Unsqueeze", {"ints": [0, 3]}, unsqueeze([0, 3]), [(3, 2)]),
    ("Unsqueeze/-1", "Unsqueeze", {"ints": [-1]}, unsqueeze([-1]), [(3, 2)]),
    ("Unsqueeze/1,-1", "Unsqueeze", {"ints": [1, -1]}, unsqueeze([1, -1]), [(3, 2)]),
    ("Concat/axis1-3-inputs", "Concat", {"axis": 1}, lambda *xs: torch.cat(xs, 1), [(2, 1, 3), (2, 2, 3), (2, 3, 3)]),
    ("Concat/constant-input", "Concat", {"axis": 0}, lambda *xs: torch.cat(xs, 0), [(1, 3), ((2, 3), False), (1, 3)]),
    ("Concat/-1", "Concat", {"axis": -1}, lambda *xs: torch.cat(xs, -1), [(2, 2), (2, 3)]),
    ("Concat/one-input", "Concat", {"axis": 0}, lambda *xs: torch.cat(xs, 0), [(3, 2)]),
    ("Slice/basic", "Slice", {"starts": [1, 0], "ends": [3, 4], "axes": [0, 2], "steps": []},
     slice_op([1, 0], [3, 4], [0, 2], []), [(4, 3, 5)]),
    ("Slice/negative-steps", "Slice", {"starts": [-1, 0], "ends": [INT_MIN, INT_MAX], "axes": [1, 2], "steps": [-2, 3]},
     slice_op([-1, 0], [INT_MIN, INT_MAX], [1, 2], [-2, 3]), [(2, 5, 7)]),
    ("Slice/clamp", "Slice", {"starts": [-100, 10], "ends": [100, -100], "axes": [], "steps": [1, -1]},
     slice_op([-100, 10], [100, -100], [], [1, -1]), [(3, 4)]),
    ("Slice/negative-axis-step2", "Slice", {"starts": [-4], "ends": [INT_MAX], "axes": [-1], "steps": [2]},
     slice_op([-4], [INT_MAX], [-1], [2]), [(3, 5)]),
    ("Slice/reverse-middle", "Slice", {"starts": [3], "ends": [0], "axes": [0], "steps": [-1]},
     slice_op([3], [0], [0], [-1]), [(5, 2)]),
    ("Slice/empty", "Slice", {"starts": [3], "ends": [1], "axes": [0], "steps": [1]},
     slice_op([3], [1], [0], [1]), [(4, 2)]),
    # The ONNX specification clamps a negative step's start to [0, d-1], so
    # start -10 on an axis of 5 keeps element 0, where Python keeps none.
    ("Slice/onnx-start-clamp", "Slice", {"starts": [-10], "ends": [-20], "axes": [0], "steps": [-1]},
     slice_op([-10], [-20], [0], [-1], python_agrees=False), [(5, 2)]),
    ("Gather/axis0-matrix", "Gather", {"axis": 0, "indices": [2, -1, 0, 0], "indices_shape": [2, 2]},
     gather(0, [2, -1, 0, 0], [2, 2]), [(3, 4)]),
    ("Gather/axis1-scalar", "Gather", {"axis": 1, "indices": [-2], "indices_shape": []},
     gather(1, [-2], []), [(2, 3, 2)]),
    ("Gather/axis-1-repeats", "Gather", {"axis": -1, "indices": [1, 1, 0], "indices_shape": [3]},
     gather(-1, [1, 1, 0], [3]), [(2, 2)]),
    ("Gather/axis1-matrix", "Gather", {"axis": 1, "indices": [0, 2, 2, -3, 1, 0], "indices_shape": [2, 3]},
     gather(1, [0, 2, 2, -3, 1, 0], [2, 3]), [(2, 3, 2)]),
    ("Pad/value", "Pad", {"pads": [1, 0, 2, 1], "value": 0.5}, pad([1, 0, 2, 1], 0.5), [(2, 3)]),
    ("Pad/crop", "Pad", {"pads": [0, -1, 1, 0, 2, -1], "value": -1.0}, pad([0, -1, 1, 0, 2, -1], -1.0), [(2, 3, 4)]),
    ("Pad/zero", "Pad", {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "value": 0.0}, pad([0, 0, 1, 1, 0, 0, 1, 1], 0.0), [(1, 2, 2, 3)]),
    ("Expand/unidirectional", "Expand", {"ints": [2, 3, 4]}, expand([2, 3, 4]), [(3, 1)]),
    ("Expand/bidirectional", "Expand", {"ints": [2, 1, 1]}, expand([2, 1, 1]), [(3, 4)]),
    ("Expand/vector", "Expand", {"ints": [5]}, expand([5]), [(1,)]),
    ("MatMul/2D", "MatMul", {}, torch.matmul, [(2, 3), (3, 4)]),
    ("MatMul/batched-weight", "MatMul", {}, torch.matmul, [(2, 5, 3), (3, 4)]),
    ("MatMul/weight-first", "MatMul", {}, torch.matmul, [(4, 3), (2, 3, 5)]),
    ("MatMul/vector-matrix", "MatMul", {}, torch.matmul, [(3,), (2, 3, 4)]),
    ("MatMul/matrix-vector", "MatMul", {}, torch.matmul, [(2, 4, 3), (3,)]),
    ("MatMul/vector-vector", "MatMul", {}, torch.matmul, [(3,), (3,)]),
    ("MatMul/broadcast", "MatMul", {}, torch.matmul, [(2, 1, 2, 3), (3, 3, 2)]),
    ("MatMul/constant-B", "MatMul", {}, torch.matmul, [(2, 2, 3), ((3, 2), False)]),
    ("MatMul/constant-A", "MatMul", {}, torch.matmul, [((2, 3), False), (2, 3, 2)]),
]


def main():
    out = of.output_path("ops/testdata/shape.json", __doc__.splitlines()[0])
    gen = torch.Generator().manual_seed(SEED)
    cases = []
    for name, op, attrs, fn, shapes in CASES:
        xs, constant = [], []
        for j, s in enumerate(shapes):
            if len(s) == 2 and isinstance(s[0], tuple):
                s, tan = s
                if not tan:
                    constant.append(j)
            xs.append(torch.randn(s, generator=gen))
        if op == "Reshape":
            target = reshape_target(list(xs[0].shape), attrs["ints"])
            fn = (lambda t: lambda x: x.reshape(t))(target)
        cases.append(of.random_case(name, op, attrs, fn, xs, of.normal(gen), no_tangent=constant))
    of.write_json(out, {"generator": "tools/torchref/ops_shape.py", "torch": torch.__version__, "cases": cases})
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main()
