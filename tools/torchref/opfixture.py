"""What the fixture scripts of tools/torchref share: one op's value and
derivatives at a point by PyTorch's autograd, the fixture case they make, and
the scripts' -o option and JSON output.

A case is one op at one point x with tangents t_j (None: input j has no
tangent and is not differentiated) and a cotangent w (schema: fixtureCase in
ops/fixture_test.go):
    value = f(x)
    jvp   = sum_j f_j t_j            by the double-vjp trick: the gradient of
                                     <vjp(u), t> with respect to a dummy
                                     u = 0, so that conventions at kinks and
                                     ties are backward mode's (not forward AD)
    vjp_j = f_j^T w                  autograd.grad(y, x_j, w)
    hvp_j = d/dx_j <w, sum_l f_l t_l>   double backward of the vjp against t
A derivative autograd reports as unused (None) is zero.

Import from a script in this folder, run from the repository root as
`/usr/bin/python3 tools/torchref/ops_x.py`:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import opfixture as of
"""

import argparse
import collections
import json
import math
import os

import torch

# value: f(x); jvp: J t; vjp, hvp: per input, None where the input has no
# tangent (hvp itself None without double backward); cotangent: w.
Derivatives = collections.namedtuple("Derivatives", "value jvp cotangent vjp hvp")


def tolist(t):
    """A tensor's entries, flat, as Python floats."""
    # clone: some double backwards (relu's) return a tensor without storage.
    return [float(v) for v in t.detach().clone().reshape(-1).tolist()]


def normal(gen):
    """draw for derivatives and random_case: N(0, 1) tensors of a shape from gen."""
    return lambda shape: torch.randn(shape, generator=gen)


def draw_tangents(xs, draw, no_tangent=()):
    """A tangent draw(shape) per input in order, None for the indices in no_tangent."""
    return [None if j in no_tangent else draw(tuple(x.shape)) for j, x in enumerate(xs)]


def _pair(gs, ts):
    """<g, t> summed over the inputs, skipping unused gradients; 0 if all are."""
    s = 0
    for g, t in zip(gs, ts):
        if g is not None:
            s = s + (g * t).sum()
    return s


def _requires_grad(s):
    return torch.is_tensor(s) and s.requires_grad


def derivatives(fn, xs, tangents, w, double_backward=True):
    """fn's value and derivatives at the inputs xs (see the module's doc).

    tangents[j] None: input j is held constant. w: the cotangent, a tensor or
    a function of the output's shape that returns one (called once, after the
    forward pass, so that random draws come after the tangents').
    double_backward False: hvp is None (ops whose double backward PyTorch lacks).
    """
    xs = [x.detach().clone().requires_grad_(t is not None) for x, t in zip(xs, tangents)]
    diff = [j for j, t in enumerate(tangents) if t is not None]
    dx = [xs[j] for j in diff]
    ts = [tangents[j] for j in diff]
    y = fn(*xs)
    if callable(w):
        w = w(tuple(y.shape))
    # JVP: <J^T u, t> is linear in u, and its gradient in u is J t.
    u = torch.zeros_like(y, requires_grad=True)
    s = _pair(torch.autograd.grad(y, dx, u, create_graph=True, allow_unused=True), ts)
    jvp = torch.autograd.grad(s, u, allow_unused=True)[0] if _requires_grad(s) else None
    if jvp is None:
        jvp = torch.zeros_like(y)
    g = torch.autograd.grad(y, dx, w, create_graph=True, allow_unused=True)
    vjp, hvp = [None] * len(xs), None
    for k, j in enumerate(diff):
        vjp[j] = torch.zeros_like(xs[j]) if g[k] is None else g[k]
    if double_backward:
        s = _pair(g, ts)
        h = torch.autograd.grad(s, dx, allow_unused=True) if _requires_grad(s) else [None] * len(dx)
        hvp = [None] * len(xs)
        for k, j in enumerate(diff):
            hvp[j] = torch.zeros_like(xs[j]) if h[k] is None else h[k]
    return Derivatives(y.detach(), jvp.detach(), w, [None if v is None else v.detach() for v in vjp],
                       None if hvp is None else [None if v is None else v.detach() for v in hvp])


def case(name, op, attrs, xs, tangents, d):
    """The fixture case (a dict in fixtureCase's schema) of the inputs xs with
    their tangents and the Derivatives d. Asserts that every value and
    derivative is finite (JSON numbers cannot hold the others). Without
    double backward (d.hvp None) the case has no "hvp"."""
    ins = []
    for x, t in zip(xs, tangents):
        e = {"shape": list(x.shape), "value": tolist(x)}
        if t is None:
            e["no_tangent"] = True
        else:
            e["tangent"] = tolist(t)
        ins.append(e)

    def each(vs):
        return [None if v is None else tolist(v) for v in vs]

    c = {"name": name, "op": op, "attrs": attrs, "inputs": ins, "out_shape": list(d.value.shape),
         "value": tolist(d.value), "jvp": tolist(d.jvp), "cotangent": tolist(d.cotangent), "vjp": each(d.vjp)}
    if d.hvp is not None:
        c["hvp"] = each(d.hvp)
    for arr in [c["value"], c["jvp"]] + c["vjp"] + c.get("hvp", []):
        for v in arr or []:
            assert math.isfinite(v), (name, arr)
    return c


def random_case(name, op, attrs, fn, xs, draw, no_tangent=(), double_backward=True):
    """The case of fn at xs with random tangents and cotangent: draw(shape)
    gives each tangent in input order (none for the indices in no_tangent),
    then the cotangent."""
    ts = draw_tangents(xs, draw, no_tangent)
    return case(name, op, attrs, xs, ts, derivatives(fn, xs, ts, draw, double_backward))


def output_path(default, description=None):
    """The script's command line, [-o PATH]: the output file, default if not given."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("-o", default=default, help=f"output JSON (default {default})")
    return ap.parse_args().o


def write_json(path, doc, separators=(",", ":"), dumps=None):
    """Writes doc to path (its folder created if missing) and a newline:
    json.dumps with separators (None: json's default ", " and ": "), or the
    text dumps(doc)."""
    text = dumps(doc) if dumps is not None else json.dumps(doc, separators=separators)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
