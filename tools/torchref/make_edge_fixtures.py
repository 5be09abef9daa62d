#!/usr/bin/python3
"""Writes cossim/testdata/torch_edge_cases.json: PyTorch fixtures at extreme
scales and at exact kinks (issue 13, items 1 and 2).

The schema is that of cossim/testdata/torch_cases.json (make_fixtures.py):
per case the networks in the layers JSON format, the latents z and, per
latent, s, dot, grad_norm_sq, col_norm_sq, grad_d (m x P_D) and grad_phi
(m x P_Phi), parameters flattened layer by layer, weight row-major then bias.

Two families of cases:

scale_*  Parameters, whole layers or one column of D's first layer, scaled
         by 1e+-40 to 1e+-150, so that c_i = g.u_i, |g|^2 and |u_i|^2 are
         still float64 numbers but c^2, q = |g|^2 |u_i|^2 or q^2 may not be:
         the naive formula s = c^2/q in float64 then gives inf, nan or 0 (the
         script prints what it gives per case). Every reported quantity is
         asserted to be a finite normal float64 or exactly 0.

kink_*   A pre-activation exactly 0 (dyadic weights, so that every engine
         computes the same exact 0) at a relu or elu unit of D's first
         layer, D's output layer, Phi's hidden layer or both networks, and
         the same networks with identity/tanh/sigmoid/softplus/silu/gelu/sin
         as non-kink controls. The expected values are PyTorch 1.13's own conventions,
         first and second order, through the whole computation:
         relu'(0) = relu''(0) = 0, elu'(0) = 1, elu''(0) = 0.

Methods (see also the JSON "notes"):

A. The fixture values. PyTorch autograd with torch.autograd.grad, float64:
   u_i = rows of dx_j/dz by reverse mode with create_graph=True,
   g = dPhi/dx with create_graph=True, then s_i = (g^.u^_i)^2 with the unit
   vectors g^ = g/|g|, u^_i = u_i/|u_i| formed inside autograd (each vector
   first multiplied by a detached power of two, which is exact and leaves s
   unchanged), and ds_i/dtheta, ds_i/dphi by a further torch.autograd.grad:
   PyTorch's double backward. |g|^2, |u_i|^2 and c_i are assembled from the
   unit vectors and the power-of-two scales, so no intermediate leaves
   float64's range.
B. mpmath at 60 digits (scale cases): the networks, u (forward tangents)
   and g (reverse sweep) hand-written over mpf, s exact, its derivatives by
   central differences with steps of 1e-22 relative. Shares no code with A.
C. Analytic rescaling (scale cases): method A at the unscaled problem (all
   parameters O(1)), with s unchanged, c, |g|^2, |u_i|^2 multiplied by the
   known factors and the derivatives divided by each parameter's scale.
D. functorch (kink cases): torchnet.pieces (jacfwd of D, grad of Phi, the
   naive s = c^2/(|g|^2|u|^2)) and jacrev of s: reverse-over-forward
   instead of A's reverse-over-reverse, so both kinds of PyTorch kink
   derivative formulas are exercised.

All asserted: A agrees with B and C on every scale case and with D on every
kink case to 1e-12 relative to each quantity's largest magnitude, and on the
scale cases also block by block (each column of each weight, each bias, as
cossim's edge test checks them); the issue's two worked examples reproduce
their hand-derived values.

raw_out_of_range (top level of the JSON, beside the cases) lists the scale
cases where a quantity that cossim's forward and looped engines hold as a
float64 number (c_i, |g|^2, |u_i|^2 or a parameter derivative of one of
them) is outside float64's normal range, by method B; see raw_range.

Run from the repository root (float64; a few seconds):
    /usr/bin/python3 tools/torchref/make_edge_fixtures.py [-o cossim/testdata/torch_edge_cases.json]
"""

import math
import os
import sys

import mpmath
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402
import torchnet as tn  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20240913
AGREE = 1e-12  # methods A, B, C, D must agree to this, normwise relative
MP_DPS = 60
FD_REL = mpmath.mpf("1e-22")
MIN_NORMAL = 2.2250738585072014e-308
MAX_PREACT = 15.0  # softplus inputs well below torch's threshold of 20


# ---------------------------------------------------------------------------
# Method A: torch.autograd.grad, double backward, unit vectors inside autograd.


def pow2_scale(v):
    """The power-of-two exponent k with max|v| * 2^-k in [0.5, 1), or 0 for v = 0."""
    mx = v.detach().abs().max().item()
    if mx == 0:
        return 0
    return math.frexp(mx)[1]


def unit(v):
    """v/|v| inside autograd, overflow-free, and |v| as (mantissa, exponent)."""
    k = pow2_scale(v)
    w = v * math.ldexp(1.0, -k)  # exact
    nrm = torch.sqrt((w * w).sum())
    return w / nrm, nrm.item(), k


def method_a(dspec, pspec, theta_d, theta_phi, z):
    td = theta_d.detach().clone().requires_grad_(True)
    tp = theta_phi.detach().clone().requires_grad_(True)
    zz = z.detach().clone().requires_grad_(True)
    x = dspec.forward(td, zz)
    n, m = x.numel(), zz.numel()
    U = torch.stack([torch.autograd.grad(x[j], zz, create_graph=True, retain_graph=True)[0] for j in range(n)])
    y = pspec.forward(tp, x)[0]
    g = torch.autograd.grad(y, x, create_graph=True)[0]
    gh, gn, gk = unit(g)
    s, dot, u2 = [], [], []
    for i in range(m):
        uh, un, uk = unit(U[:, i])
        ch = gh @ uh
        s.append(ch * ch)
        dot.append(math.ldexp(ch.item() * gn * un, gk + uk))
        u2.append(math.ldexp(un * un, 2 * uk))
    g2 = math.ldexp(gn * gn, 2 * gk)
    gd, gp = [], []
    for i in range(m):
        a, b = torch.autograd.grad(s[i], [td, tp], retain_graph=True, allow_unused=True)
        gd.append((a if a is not None else torch.zeros_like(td)).tolist())
        gp.append((b if b is not None else torch.zeros_like(tp)).tolist())
    return tn.expected([v.item() for v in s], dot, g2, u2, gd, gp)


# ---------------------------------------------------------------------------
# Method B: mpmath, 60 digits, hand-written networks, central differences.

MP_ACT = {
    # name: (value, derivative)
    "identity": (lambda a: a, lambda a: mpmath.mpf(1)),
    "tanh": (mpmath.tanh, lambda a: 1 - mpmath.tanh(a) ** 2),
    "sigmoid": (lambda a: 1 / (1 + mpmath.exp(-a)), lambda a: mpmath.exp(-a) / (1 + mpmath.exp(-a)) ** 2),
    "softplus": (lambda a: mpmath.log1p(mpmath.exp(a)), lambda a: 1 / (1 + mpmath.exp(-a))),
    "sin": (mpmath.sin, mpmath.cos),
}


def mp_layers(spec, theta):
    out = []
    for (w0, b0, fo, fi), act in zip(spec.slices, spec.acts):
        W = [[theta[w0 + r * fi + c] for c in range(fi)] for r in range(fo)]
        out.append((W, theta[b0:b0 + fo], act))
    return out


def mp_s(dspec, pspec, theta_d, theta_phi, z):
    """s, dot, |g|^2, |u|^2 in mpf: forward tangents through D, reverse through Phi."""
    m = len(z)
    h = list(z)
    T = [[mpmath.mpf(1) if r == c else mpmath.mpf(0) for c in range(m)] for r in range(m)]  # dh/dz
    for W, b, act in mp_layers(dspec, theta_d):
        f, df = MP_ACT[act]
        a = [sum(W[r][c] * h[c] for c in range(len(h))) + b[r] for r in range(len(W))]
        A = [[sum(W[r][c] * T[c][i] for c in range(len(h))) for i in range(m)] for r in range(len(W))]
        h = [f(v) for v in a]
        T = [[df(a[r]) * A[r][i] for i in range(m)] for r in range(len(W))]
    # Phi: values forward, then the gradient backward.
    xs, pre = [h], []
    for W, b, act in mp_layers(pspec, theta_phi):
        f, _ = MP_ACT[act]
        a = [sum(W[r][c] * xs[-1][c] for c in range(len(xs[-1]))) + b[r] for r in range(len(W))]
        pre.append(a)
        xs.append([f(v) for v in a])
    bar = [mpmath.mpf(1)]
    for (W, _, act), a in reversed(list(zip(mp_layers(pspec, theta_phi), pre))):
        _, df = MP_ACT[act]
        abar = [bar[r] * df(a[r]) for r in range(len(a))]
        bar = [sum(W[r][c] * abar[r] for r in range(len(W))) for c in range(len(W[0]))]
    g = bar
    g2 = sum(v * v for v in g)
    dot = [sum(g[k] * T[k][i] for k in range(len(g))) for i in range(m)]
    u2 = [sum(T[k][i] ** 2 for k in range(len(g))) for i in range(m)]
    s = [dot[i] ** 2 / (g2 * u2[i]) for i in range(m)]
    return s, dot, g2, u2


def method_b(dspec, pspec, theta_d, theta_phi, z):
    """s and its pieces, and (as mpf, for raw_range) the derivatives of s, c,
    |g|^2 and |u_i|^2 with respect to every parameter, by central differences."""
    with mpmath.workdps(MP_DPS):
        td = [mpmath.mpf(v) for v in theta_d.tolist()]
        tp = [mpmath.mpf(v) for v in theta_phi.tolist()]
        zz = [mpmath.mpf(v) for v in z.tolist()]
        m = len(zz)
        s, dot, g2, u2 = mp_s(dspec, pspec, td, tp, zz)

        def jac(spec, theta, which):
            """Per parameter k: (ds_i, dc_i, dG, dU_i) as mpf."""
            cols = []
            for (w0, b0, fo, fi) in spec.slices:
                wmax = max(abs(v) for v in theta[w0:b0])
                for k in range(w0, b0 + fo):
                    step = FD_REL * (abs(theta[k]) if theta[k] != 0 else (wmax if wmax != 0 else 1))
                    ends = []
                    for sign in (1, -1):
                        th = list(theta)
                        th[k] += sign * step
                        args = (th, tp) if which == "d" else (td, th)
                        ends.append(mp_s(dspec, pspec, args[0], args[1], zz))
                    d = lambda a, b: (a - b) / (2 * step)  # noqa: E731
                    (s1, c1, G1, U1), (s0, c0, G0, U0) = ends
                    cols.append(([d(s1[i], s0[i]) for i in range(m)], [d(c1[i], c0[i]) for i in range(m)],
                                 d(G1, G0), [d(U1[i], U0[i]) for i in range(m)]))
            return cols

        jd, jp = jac(dspec, td, "d"), jac(pspec, tp, "phi")
        exp = tn.expected([float(v) for v in s], [float(v) for v in dot], float(g2), [float(v) for v in u2],
                          [[float(col[0][i]) for col in jd] for i in range(m)],
                          [[float(col[0][i]) for col in jp] for i in range(m)])
        return exp, (s, dot, g2, u2, jd, jp)


MAX_FLOAT = 1.7976931348623157e308
NEGLIGIBLE = 1e-14  # a term below this fraction of max|ds| cannot affect a 1e-10 check


def param_blocks(spec):
    """Parameter indices of each column of each layer's weight and of each
    layer's bias: the groups whose derivatives scale together when a layer or
    one of its columns is rescaled (cossim's paramBlocks)."""
    blocks = []
    for (w0, b0, fo, fi) in spec.slices:
        for j in range(fi):
            blocks.append([w0 + r * fi + j for r in range(fo)])
        blocks.append([b0 + r for r in range(fo)])
    return blocks


def raw_range(mp, dspec, pspec):
    """Which raw quantity of the forward and looped engines leaves float64.

    Those engines compute c_i, |g|^2, |u_i|^2 and their derivatives dc_i/dp,
    d|g|^2/dp, d|u_i|^2/dp as float64 numbers and only then combine them,
    scale-safely, as ds_i = (2c^/(|g||u_i|)) dc_i - c^2 (dG/G + dU_i/U_i).
    A derivative entry matters if its term in ds_i is above NEGLIGIBLE times
    the largest |ds| of its parameter block (param_blocks; the Go test checks
    scale cases block by block); the case is out of range if such an entry,
    or c_i, |g|^2 or |u_i|^2, is outside the normal float64 numbers.
    Returns a description of the first offending quantity, or None."""
    s, dot, g2, u2, jd, jp = mp
    m = len(s)
    with mpmath.workdps(MP_DPS):
        for what, vals in (("c_i", dot), ("|g|^2", [g2]), ("|u_i|^2", u2)):
            for v in vals:
                if v != 0 and not (MIN_NORMAL <= abs(v) <= MAX_FLOAT):
                    return f"{what} = {mpmath.nstr(v, 3)}"
        for net, cols, spec in (("theta", jd, dspec), ("phi", jp, pspec)):
            for blk in param_blocks(spec):
                smax = max(abs(cols[k][0][i]) for k in blk for i in range(m))
                for i in range(m):
                    ch2 = dot[i] ** 2 / (g2 * u2[i])
                    wc = 2 * mpmath.sqrt(ch2) / mpmath.sqrt(g2 * u2[i])
                    for name, w, get in (("dc_i", wc, lambda col: col[1][i]), ("d|g|^2", ch2 / g2, lambda col: col[2]),
                                         ("d|u_i|^2", ch2 / u2[i], lambda col: col[3][i])):
                        for k in blk:
                            v = abs(get(cols[k]))
                            if v == 0 or w * v <= NEGLIGIBLE * smax:
                                continue
                            if not (MIN_NORMAL <= v <= MAX_FLOAT):
                                return f"{name}/d{net}[{k}] = {mpmath.nstr(v, 3)}"
    return None


# ---------------------------------------------------------------------------
# Method C: method A at the unscaled problem, scaled analytically.


def method_c(base, dspec, pspec):
    """base = (theta_d0, theta_phi0, z0, S_d, S_phi, kg, ku): the scaled problem is
    theta = S_d * theta_d0, phi = S_phi * theta_phi0 with the latent chosen so that
    it is a reparametrization of the unscaled one, g = kg * g0 and u_i = ku_i * u0_i.
    Then s = s0, dot = kg ku dot0, |g|^2 = kg^2 |g0|^2, |u_i|^2 = ku_i^2 |u0_i|^2,
    ds/dtheta_k = ds0/dtheta0_k / S_d[k] and likewise for phi."""
    theta_d0, theta_phi0, z0, S_d, S_phi, kg, ku = base
    e0 = method_a(dspec, pspec, theta_d0, theta_phi0, z0)
    return tn.expected(e0["s"], [kg * ku[i] * v for i, v in enumerate(e0["dot"])], kg * kg * e0["grad_norm_sq"],
                       [ku[i] * ku[i] * v for i, v in enumerate(e0["col_norm_sq"])],
                       [[v / S_d[k] for k, v in enumerate(row)] for row in e0["grad_d"]],
                       [[v / S_phi[k] for k, v in enumerate(row)] for row in e0["grad_phi"]])


# ---------------------------------------------------------------------------
# Method D: functorch (torchnet), reverse over forward, naive quotient.


def method_d(dspec, pspec, theta_d, theta_phi, z):
    s, dot, g2, u2 = tn.pieces(theta_d, theta_phi, z, dspec, pspec)
    gd = tn.jacrev(lambda th: tn.s_only(th, theta_phi, z, dspec, pspec))(theta_d)
    gp = tn.jacrev(lambda ph: tn.s_only(theta_d, ph, z, dspec, pspec))(theta_phi)
    return tn.expected(s, dot, g2, u2, gd, gp)


# ---------------------------------------------------------------------------
# Comparisons.


def flatv(v):
    if isinstance(v, (int, float)):
        return [float(v)]
    out = []
    for x in v:
        out.extend(flatv(x))
    return out


def norm_rel(a, b):
    """max|a-b| / max|b| (max|a-b| if b = 0), as cossim's normRel; inf on non-finite."""
    a, b = flatv(a), flatv(b)
    assert len(a) == len(b)
    diff = max((abs(x - y) for x, y in zip(a, b)), default=0.0)
    scale = max((abs(y) for y in b), default=0.0)
    if not math.isfinite(diff):
        return math.inf
    return diff / scale if scale > 0 else diff


def compare(got, want):
    return max(norm_rel(got[k], want[k]) for k in tn.EXPECTED_KEYS)


def compare_blocks(got, want, dspec, pspec):
    """norm_rel block by block (param_blocks) over the rows of both Jacobians,
    with the whole Jacobian's scale for a block that is exactly 0."""
    worst = 0.0
    for key, spec in (("grad_d", dspec), ("grad_phi", pspec)):
        allmax = max(abs(v) for v in flatv(want[key]))
        for blk in param_blocks(spec):
            a = [row[k] for row in got[key] for k in blk]
            b = [row[k] for row in want[key] for k in blk]
            e = norm_rel(a, b)
            if max(abs(v) for v in b) == 0 and allmax > 0:
                e /= allmax
            worst = max(worst, e)
    return worst


def representable(e, name):
    for k in tn.EXPECTED_KEYS:
        for v in flatv(e[k]):
            assert math.isfinite(v), (name, k, v)
            assert v == 0 or abs(v) >= MIN_NORMAL, (name, k, v)


def naive_status(dspec, pspec, theta_d, theta_phi, z, want):
    """What the naive float64 formula (torchnet.pieces + jacrev) gives."""
    try:
        got = method_d(dspec, pspec, theta_d, theta_phi, z)
    except Exception as exc:  # noqa: BLE001
        return f"error {exc}"
    bad = [k for k in tn.EXPECTED_KEYS if not all(math.isfinite(v) for v in flatv(got[k]))]
    if bad:
        return "non-finite " + ",".join(bad)
    return f"rel err {compare(got, want):.1e}"


# ---------------------------------------------------------------------------
# The cases.


def T(rows):
    return torch.tensor(rows, dtype=torch.float64)


class Case:
    def __init__(self, name, dspec, pspec, theta_d, theta_phi, Z, family, base=None, hand=None):
        self.name, self.dspec, self.pspec = name, dspec, pspec
        self.theta_d, self.theta_phi, self.Z = theta_d, theta_phi, Z
        self.family, self.base, self.hand = family, base, hand


def spec_params(spec, Ws, bs):
    return spec.flatten([T(W) for W in Ws], [T(b) for b in bs])


def layer_scales(spec, scales):
    """Per-parameter scale vector: scales[l] for every parameter of layer l
    (a number), or a (weight factor, bias factor) pair."""
    out = []
    for (w0, b0, fo, fi), f in zip(spec.slices, scales):
        fw, fb = f if isinstance(f, tuple) else (f, f)
        out += [fw] * (fo * fi) + [fb] * fo
    return out


def sizeable(s, dot, g2, u2):
    """|g|^2 and every |u_i|^2 in [0.05, 20], every s_i at least 1e-3."""
    return 0.05 <= g2.item() <= 20 and 0.05 <= u2.min().item() and u2.max().item() <= 20 and s.min().item() >= 1e-3


def draw_base(dspec, pspec, gen, B, std=0.7):
    """Random O(1) parameters and latents with sizeable |g|^2, |u_i|^2 and
    pre-activations below MAX_PREACT."""
    for _ in range(200):
        td = tn.random_theta(dspec, gen, std)
        tp = tn.random_theta(pspec, gen, std)
        Z = torch.randn(B, dspec.n_in, generator=gen)
        if tn.nondegenerate(dspec, pspec, td, tp, Z, MAX_PREACT, sizeable):
            return td, tp, Z
    raise RuntimeError("no base draw")


def scaled_case(name, dspec, pspec, td0, tp0, Z0, sd, sp, kg, ku, zfac=None):
    """The case theta = sd*td0, phi = sp*tp0 (sd, sp per-parameter lists), latents
    Z0 times zfac per element (the column reparametrization)."""
    S_d, S_phi = torch.tensor(sd), torch.tensor(sp)
    Z = Z0.clone() if zfac is None else Z0 * torch.tensor(zfac)
    base = [(td0, tp0, Z0[b], sd, sp, kg, ku) for b in range(Z0.shape[0])]
    return Case(name, dspec, pspec, td0 * S_d, tp0 * S_phi, Z, "scale", base=base)


def scale_cases():
    gen = torch.Generator().manual_seed(SEED)
    cases = []

    # The issue's example 1: every weight 1e40, zero biases, both linear.
    d1 = tn.Spec([2, 3], ["identity"])
    p1 = tn.Spec([3, 1], ["identity"])
    Wd = [[1.0, 2.0], [-1.0, 1.0], [3.0, 1.0]]
    Wp = [[1.0, 2.0, -1.0]]
    td0 = spec_params(d1, [Wd], [[0.0] * 3])
    tp0 = spec_params(p1, [Wp], [[0.0]])
    Z0 = T([[1.0, 0.5]])
    # Written with the issue's literals (3e40 is not 3 * 1e40 in float64).
    issue = Case("scale_issue_1e40", d1, p1,
                 spec_params(d1, [[[1e40, 2e40], [-1e40, 1e40], [3e40, 1e40]]], [[0.0] * 3]),
                 spec_params(p1, [[[1e40, 2e40, -1e40]]], [[0.0]]), Z0.clone(), "scale",
                 base=[(td0, tp0, Z0[0], layer_scales(d1, [1e40]), layer_scales(p1, [1e40]), 1e40, [1e40, 1e40])],
                 hand="issue1")
    cases.append(issue)
    for name, fd, fp in [("scale_issue_D1e-90", 1e-90, 1e40), ("scale_issue_both1e-90", 1e-90, 1e-90),
                         ("scale_issue_both1e150", 1e150, 1e150), ("scale_issue_both1e-150", 1e-150, 1e-150)]:
        cases.append(scaled_case(name, d1, p1, td0, tp0, Z0, layer_scales(d1, [fd]), layer_scales(p1, [fp]),
                                 fp, [fd, fd]))

    for a, tag in [(1e150, "1e150"), (1e-150, "1e-150")]:
        # D one identity layer scaled by a, Phi linear and O(1): g unchanged, u scaled.
        dS = tn.Spec([3, 4], ["identity"])
        pL = tn.Spec([4, 1], ["identity"])
        td0, tp0, Z0 = draw_base(dS, pL, gen, 2)
        cases.append(scaled_case(f"scale_D1_x{tag}_phi_linear", dS, pL, td0, tp0, Z0,
                                 layer_scales(dS, [a]), layer_scales(pL, [1.0]), 1.0, [a] * 3))
        # D one identity layer scaled by a, Phi two-layer tanh with its first
        # weights scaled by 1/a: the composition is unchanged, g = g0/a.
        pT = tn.Spec([4, 5, 1], ["tanh", "identity"])
        td0, tp0, Z0 = draw_base(dS, pT, gen, 1)
        cases.append(scaled_case(f"scale_D1_x{tag}_phi_tanh_comp", dS, pT, td0, tp0, Z0,
                                 layer_scales(dS, [a]), layer_scales(pT, [(1 / a, 1.0), 1.0]), 1 / a, [a] * 3))
        # D two layers (tanh, identity), only the output layer scaled; Phi
        # two-layer softplus, compensated as above.
        d2 = tn.Spec([2, 5, 3], ["tanh", "identity"])
        pS = tn.Spec([3, 4, 1], ["softplus", "identity"])
        td0, tp0, Z0 = draw_base(d2, pS, gen, 1)
        cases.append(scaled_case(f"scale_D2tanh_out_x{tag}_phi_softplus_comp", d2, pS, td0, tp0, Z0,
                                 layer_scales(d2, [1.0, a]), layer_scales(pS, [(1 / a, 1.0), 1.0]), 1 / a, [a] * 2))
        # The same D, output scaled, with a linear Phi.
        td0, tp0, Z0 = draw_base(d2, tn.Spec([3, 1], ["identity"]), gen, 1)
        cases.append(scaled_case(f"scale_D2tanh_out_x{tag}_phi_linear", d2, tn.Spec([3, 1], ["identity"]),
                                 td0, tp0, Z0, layer_scales(d2, [1.0, a]), [1.0] * 4, 1.0, [a] * 2))
        # Phi one linear layer scaled by a (weights and bias); D two-layer tanh.
        d3 = tn.Spec([3, 4, 4], ["tanh", "sigmoid"])
        p3 = tn.Spec([4, 1], ["identity"])
        td0, tp0, Z0 = draw_base(d3, p3, gen, 2)
        cases.append(scaled_case(f"scale_phi1_x{tag}", d3, p3, td0, tp0, Z0,
                                 [1.0] * d3.nparams, layer_scales(p3, [a]), a, [1.0] * 3))
        # Phi two-layer softplus, output layer scaled by a.
        p4 = tn.Spec([4, 6, 1], ["softplus", "identity"])
        td0, tp0, Z0 = draw_base(d3, p4, gen, 1)
        cases.append(scaled_case(f"scale_phi2softplus_out_x{tag}", d3, p4, td0, tp0, Z0,
                                 [1.0] * d3.nparams, layer_scales(p4, [1.0, a]), a, [1.0] * 3))

    # One column j of D's first layer scaled by b: with z_j / b the
    # pre-activations are unchanged and u_j = b u0_j (a reparametrization).
    d5 = tn.Spec([3, 5, 4], ["tanh", "identity"])
    p5 = tn.Spec([4, 3, 1], ["sin", "identity"])
    for bcol, tag in [(1e-100, "1e-100"), (1e100, "1e100")]:
        td0, tp0, Z0 = draw_base(d5, p5, gen, 1)
        j = 1
        sd = [1.0] * d5.nparams
        (w0, b0, fo, fi) = d5.slices[0]
        for r in range(fo):
            sd[w0 + r * fi + j] = bcol
        zfac = [1.0] * 3
        zfac[j] = 1 / bcol
        ku = [1.0] * 3
        ku[j] = bcol
        cases.append(scaled_case(f"scale_D_col{j}_x{tag}_z_adjusted", d5, p5, td0, tp0, Z0, sd,
                                 [1.0] * p5.nparams, 1.0, ku, zfac=zfac))
    # Column scaled by 1e-100 with z unchanged: a different problem (that
    # column's contribution to the pre-activations is ~1e-100), with no
    # reparametrization to check against; methods A and B only.
    td0, tp0, Z0 = draw_base(d5, p5, gen, 1)
    td = td0.clone()
    (w0, b0, fo, fi) = d5.slices[0]
    for r in range(fo):
        td[w0 + r * fi + 0] *= 1e-100
    cases.append(Case("scale_D_col0_x1e-100_z_kept", d5, p5, td, tp0, Z0.clone(), "scale"))
    return cases


KINK_ACTS = ["relu", "elu", "identity", "tanh", "sigmoid", "softplus", "silu", "gelu", "sin"]


def kink_cases():
    cases = []
    for act in KINK_ACTS:
        # The issue's ELU example: D's first pre-activation at z = [1, 1] is
        # 1 - 1 = 0 exactly; Phi linear.
        d = tn.Spec([2, 2], [act])
        p = tn.Spec([2, 1], ["identity"])
        cases.append(Case(f"kink_issue_D1_{act}", d, p,
                          spec_params(d, [[[1.0, -1.0], [0.5, 1.0]]], [[0.0, 0.0]]),
                          spec_params(p, [[[1.0, 2.0]]], [[0.0]]),
                          T([[1.0, 1.0], [0.5, -0.25]]), "kink", hand="issue2" if act in ("elu", "relu") else None))
        # Two-layer D, first layer at the kink for unit 0 (0.5*1 - 0.25*2 + 0 = 0),
        # second layer tanh; nonlinear Phi, so that H_Phi and every second
        # derivative of D enter.
        d2 = tn.Spec([2, 3, 3], [act, "tanh"])
        p2 = tn.Spec([3, 4, 1], ["tanh", "identity"])
        cases.append(Case(f"kink_D2_first_{act}", d2, p2,
                          spec_params(d2, [[[0.5, -0.25], [1.0, 0.5], [-0.75, 0.25]],
                                           [[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [-0.25, 0.75, 1.0]]],
                                      [[0.0, 0.25, -0.5], [0.1, -0.2, 0.3]]),
                          spec_params(p2, [[[0.7, -0.4, 0.9], [-0.3, 0.8, 0.5], [0.6, 0.2, -0.7], [0.4, -0.9, 0.1]],
                                           [[0.8, -0.6, 0.5, 0.9]]],
                                      [[0.1, -0.2, 0.05, 0.3], [0.2]]),
                          T([[1.0, 2.0]]), "kink"))
        # Two-layer D whose second (output) layer has the kink: the first layer is
        # identity, so x1 = W1 z + b1 = [1.5, -1] is exact, and unit 1 of the second
        # layer has pre-activation 0.5*1.5 + 0.25*(-1) - 0.5 = 0 exactly.
        d3 = tn.Spec([2, 2, 3], ["identity", act])
        cases.append(Case(f"kink_D2_output_{act}", d3, p2,
                          spec_params(d3, [[[1.0, 0.5], [-0.5, 0.75]], [[0.75, 1.0], [0.5, 0.25], [-1.0, 0.5]]],
                                      [[1.0, 0.25], [0.25, -0.5, 0.5]]),
                          spec_params(p2, [[[0.7, -0.4, 0.9], [-0.3, 0.8, 0.5], [0.6, 0.2, -0.7], [0.4, -0.9, 0.1]],
                                           [[0.8, -0.6, 0.5, 0.9]]],
                                      [[0.1, -0.2, 0.05, 0.3], [0.2]]),
                          T([[1.0, -1.0]]), "kink"))
        # Phi's hidden pre-activation exactly 0: D linear with dyadic weights
        # (x = [0.75, -1.5, -0.5] exactly), Phi's unit 0 has 0.75 - 0.75 + 0 = 0.
        dL = tn.Spec([2, 3], ["identity"])
        pK = tn.Spec([3, 3, 1], [act, "identity"])
        cases.append(Case(f"kink_phi_hidden_{act}", dL, pK,
                          spec_params(dL, [[[1.0, 0.5], [-1.0, 2.0], [0.25, 1.0]]], [[0.0, 0.5, -0.25]]),
                          spec_params(pK, [[[1.0, 0.5, 0.0], [0.5, 1.0, -1.0], [-1.0, 0.25, 2.0]], [[1.0, -2.0, 0.5]]],
                                      [[0.0, 1.0, 1.5], [0.0]]),
                          T([[1.0, -0.5]]), "kink"))
        # Kinks in both networks at once: D's first layer at the kink
        # (a1 = [1 - 1, 0.5 + 1] = [0, 1.5]), then an identity layer with
        # W2 = I, b2 = [0.5, 0], so x = [act(0) + 0.5, act(1.5)] = [0.5, act(1.5)]
        # exactly where act(0) = 0 (not sigmoid, softplus), and Phi's hidden
        # unit 0 has 2*0.5 + 0*x1 - 1 = 0.
        if act not in ("sigmoid", "softplus"):
            dB = tn.Spec([2, 2, 2], [act, "identity"])
            pB = tn.Spec([2, 2, 1], [act, "identity"])
            cases.append(Case(f"kink_both_{act}", dB, pB,
                              spec_params(dB, [[[1.0, -1.0], [0.5, 1.0]], [[1.0, 0.0], [0.0, 1.0]]],
                                          [[0.0, 0.0], [0.5, 0.0]]),
                              spec_params(pB, [[[2.0, 0.0], [0.5, 1.0]], [[1.5, -0.5]]], [[-1.0, 0.25], [0.0]]),
                              T([[1.0, 1.0]]), "kink"))
    return cases


def check_hand(c, exp):
    """The issue's worked examples."""
    if c.hand == "issue1":
        g1 = exp[0]["grad_d"][0]
        for got, want in zip(g1[:3], [-1.653e-41, 0.0, -1.983e-41]):
            assert abs(got - want) <= 5e-45, (c.name, g1[:3])
        # Closed form: ds1/dW[r,0] = (2 c1/(G U1)) g_r - (2 s1/U1) u1_r with
        # g = 1e40 [1, 2, -1], u1 = 1e40 [1, -1, 3]: (-8/66 g0 - 32/726 u1)/1e40.
        want = [(-8 / 66 * gr - 32 / 726 * ur) * 1e-40 for gr, ur in zip([1, 2, -1], [1, -1, 3])]
        got = [g1[0], g1[2], g1[4]]
        assert norm_rel(got, want) < 1e-15, (got, want)
        print(f"  {c.name}: ds1/dW = {[f'{v:.4g}' for v in g1[:4]]}... matches the issue and the closed form")
    if c.hand == "issue2":
        e = exp[0]
        act = c.dspec.acts[0]
        if act == "elu":
            want = [-0.384, 0.0, 0.768, 0.0, 0.0, 0.0]
        else:  # relu'(0) = 0: u1 = [0, 0.5], s1 = 0.8 and ds1/dtheta = 0
            want = [0.0] * 6
        assert max(abs(a - b) for a, b in zip(e["grad_d"][0], want)) < 1e-15, (c.name, e["grad_d"][0])
        print(f"  {c.name}: ds1/dtheta = {[round(v, 15) for v in e['grad_d'][0]]} as in the issue")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = of.output_path(os.path.join(here, "..", "..", "cossim", "testdata", "torch_edge_cases.json"),
                              __doc__.split("\n")[0])

    print(f"torch {torch.__version__} ({tn.FUNC_API}), float64; mpmath {mpmath.__version__} at {MP_DPS} digits")
    # PyTorch's kink conventions, as this version has them (first and second order).
    for name, f, d1, d2 in [("relu", torch.relu, 0.0, 0.0), ("elu", lambda x: F.elu(x, 1.0), 1.0, 0.0)]:
        x = torch.zeros((), requires_grad=True)
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        (h,) = torch.autograd.grad(g, x, allow_unused=True)
        h = 0.0 if h is None else h.item()
        assert (g.item(), h) == (d1, d2), (name, g.item(), h)
        print(f"  {name}'(0) = {g.item():g}, {name}''(0) = {h:g} (double backward)")

    cases = scale_cases() + kink_cases()
    names = [c.name for c in cases]
    assert len(set(names)) == len(names)
    out_cases = []
    worst = {}
    raw_out = {}
    naive_fails = []
    print(f"{'case':44} {'m':>2} {'P_D':>3} {'P_Phi':>5}  {'A vs B':>8} {'A vs C':>8} {'A vs D':>8}  naive float64")
    for c in cases:
        assert c.dspec.n_out == c.pspec.n_in and c.pspec.n_out == 1
        expected, stats, naive = [], {}, []
        for b in range(c.Z.shape[0]):
            z = c.Z[b]
            pre = tn.preacts(c.dspec, c.pspec, c.theta_d, c.theta_phi, z)
            if c.family == "kink":
                zeros = sum(int((p == 0).sum()) for p in pre)
                assert zeros >= 1, (c.name, pre)
            for a, p in zip(c.dspec.acts + c.pspec.acts, pre):
                assert a != "softplus" or p.max().item() < MAX_PREACT, (c.name, p)
            e = method_a(c.dspec, c.pspec, c.theta_d, c.theta_phi, z)
            representable(e, c.name)
            assert all(0 <= v <= 1 for v in e["s"]), (c.name, e["s"])
            if c.family == "scale":
                eb, mp = method_b(c.dspec, c.pspec, c.theta_d, c.theta_phi, z)
                stats["A vs B"] = max(stats.get("A vs B", 0.0), compare(e, eb),
                                      compare_blocks(e, eb, c.dspec, c.pspec))
                why = raw_range(mp, c.dspec, c.pspec)
                if why is not None:
                    raw_out[c.name] = f"sample {b}: {why}"
                if c.base is not None:
                    ec = method_c(c.base[b], c.dspec, c.pspec)
                    stats["A vs C"] = max(stats.get("A vs C", 0.0), compare(e, ec),
                                          compare_blocks(e, ec, c.dspec, c.pspec))
                naive.append(naive_status(c.dspec, c.pspec, c.theta_d, c.theta_phi, z, e))
                if naive[-1].startswith("non-finite") and c.name not in naive_fails:
                    naive_fails.append(c.name)
            else:
                ed = method_d(c.dspec, c.pspec, c.theta_d, c.theta_phi, z)
                stats["A vs D"] = max(stats.get("A vs D", 0.0), compare(e, ed))
            expected.append(e)
        for k, v in stats.items():
            assert v < AGREE, (c.name, k, v)
            worst[k] = max(worst.get(k, 0.0), v)
        fmt = lambda k: f"{stats[k]:8.1e}" if k in stats else f"{'-':>8}"  # noqa: E731
        print(f"{c.name:44} {c.dspec.n_in:2} {c.dspec.nparams:3} {c.pspec.nparams:5}  "
              f"{fmt('A vs B')} {fmt('A vs C')} {fmt('A vs D')}  {'; '.join(naive) if naive else '-'}")
        check_hand(c, expected)
        out_cases.append(tn.case_json(c.name, c.dspec, c.pspec, c.theta_d, c.theta_phi, c.Z, expected))
    print("cases where a raw quantity of the forward and looped engines leaves float64 (raw_out_of_range):")
    for k, v in raw_out.items():
        print(f"  {k}: {v}")
    print("worst agreement between methods: " + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items())))

    out = {
        "generator": "tools/torchref/make_edge_fixtures.py",
        "torch_version": torch.__version__,
        "api": "torch.autograd.grad",
        "dtype": "float64",
        "seed": SEED,
        "notes": (
            "Edge cases of issue 13. Expected values (method A): torch.autograd.grad in float64, "
            "u by reverse mode and g with create_graph=True, s_i = (g^.u^_i)^2 with the unit vectors "
            "formed inside autograd after an exact power-of-two rescaling, and ds/dtheta, ds/dphi by "
            "PyTorch's double backward; |g|^2, |u_i|^2 and c_i assembled from the unit vectors and "
            "power-of-two scales, so nothing leaves float64's range. scale_* cases are checked against "
            f"mpmath at {MP_DPS} digits (hand-written networks, central differences) and, where the case "
            "is a rescaling of an O(1) problem, against that problem's values scaled analytically; "
            "kink_* cases against functorch (jacfwd/grad pieces, jacrev of the naive quotient); all to "
            f"{AGREE} normwise relative and, on scale cases, block by block (each weight column, each bias). "
            "The naive float64 formula c^2/(|g|^2|u|^2) (functorch) gives non-finite values on "
            f"{', '.join(naive_fails)}. raw_out_of_range lists the cases where c_i, |g|^2, |u_i|^2 or a "
            "parameter derivative of one of them that matters to ds leaves float64's normal range (by mpmath); "
            "engines that hold those as float64 numbers cannot be expected to agree there. Kink cases have a pre-activation exactly 0 (dyadic weights) and hold PyTorch "
            "1.13's conventions: relu'(0) = relu''(0) = 0, elu'(0) = 1, elu''(0) = 0. softplus is the "
            f"exact log(1+exp(x)) and its inputs stay below {MAX_PREACT}."
        ),
        "raw_out_of_range": raw_out,
        "cases": out_cases,
    }
    of.write_json(out_path, out, dumps=tn.dumps)
    print(f"wrote {len(out_cases)} cases to {os.path.relpath(out_path)}")


if __name__ == "__main__":
    main()
