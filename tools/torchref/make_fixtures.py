#!/usr/bin/python3
"""Writes cossim/testdata/torch_cases.json: an independent oracle for cossim/.

Every expected number comes from PyTorch's AD (functorch / torch.func
transforms) applied to a hand-written MLP over flat parameter vectors:
    x = D(z), u = jacfwd(D)(z) (n x m), g = grad(Phi)(x),
    s_i = (g.u_i)^2 / (|g|^2 |u_i|^2),
    grad_d = jacrev(s wrt flat theta_D) (m x P_D), grad_phi likewise (m x P_Phi).
None of dualgrad's formulas (quotient rule, hyper-dual seeding) is used.

Self-checks, all asserted: jacfwd of s agrees with jacrev of s, both agree with
central finite differences, and the post's example reproduces the closed-form
values derived by hand in issue 4.

Run from the repository root (float64 throughout; a few seconds):
    /usr/bin/python3 tools/torchref/make_fixtures.py [-o cossim/testdata/torch_cases.json]
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opfixture as of  # noqa: E402
import torchnet as tn  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 20240607
STD = 0.5  # weights and biases ~ N(0, 0.5^2)
KINK_MARGIN = 0.05  # |pre-activation| of relu/elu units never below this
MIN_NORM_SQ = 1e-3  # |g|^2 and |u_i|^2 never below this
MAX_PREACT = 15.0  # well below torch softplus' threshold of 20

# name, D (dims, activations), Phi (dims, activations), batch size B.
CASES = [
    ("m1_n3_d1_p1", ([1, 3], ["tanh"]), ([3, 1], ["sigmoid"]), 1),
    ("m2_n5_d2_p2", ([2, 6, 5], ["sigmoid", "identity"]), ([5, 4, 1], ["tanh", "identity"]), 1),
    ("m3_n4_d2_p3", ([3, 5, 4], ["softplus", "sin"]), ([4, 6, 3, 1], ["softplus", "sigmoid", "identity"]), 1),
    ("m4_n8_d3_p2", ([4, 7, 6, 8], ["silu", "gelu", "identity"]), ([8, 5, 1], ["gelu", "silu"]), 1),
    ("m5_n2_d2_p3", ([5, 4, 2], ["relu", "tanh"]), ([2, 6, 4, 1], ["relu", "elu", "identity"]), 1),
    ("m2_n6_d2_p2", ([2, 5, 6], ["elu", "relu"]), ([6, 5, 1], ["elu", "tanh"]), 1),
    ("m3_n7_d3_p1", ([3, 4, 4, 7], ["sin", "identity", "sigmoid"]), ([7, 1], ["sin"]), 1),
    ("m4_n3_d1_p3", ([4, 3], ["gelu"]), ([3, 5, 5, 1], ["identity", "tanh", "softplus"]), 1),
    ("m2_n2_d2_p1_linear", ([2, 3, 2], ["identity", "identity"]), ([2, 1], ["identity"]), 1),
    ("batch3_m3_n5", ([3, 6, 5], ["tanh", "silu"]), ([5, 4, 1], ["elu", "gelu"]), 3),
    ("batch4_m2_n4", ([2, 5, 4], ["relu", "softplus"]), ([4, 3, 2, 1], ["sin", "relu", "sigmoid"]), 4),
    ("batch3_m5_n6", ([5, 8, 6], ["softplus", "elu"]), ([6, 4, 1], ["silu", "sin"]), 3),
]


def post_case():
    """The forum post's example (issue 4's golden values)."""
    dspec = tn.Spec([2, 4], ["identity"])
    pspec = tn.Spec([4, 1], ["identity"])
    theta_d = dspec.flatten([[[1.0, 0.0], [0.0, 5.0], [1.0, 0.0], [1.0, 0.0]]], [[0.0] * 4])
    theta_phi = pspec.flatten([[[1.0, 2.0, 3.0, 4.0]]], [[0.0]])
    z = torch.tensor([[1.0, 0.5]])
    return "post", dspec, pspec, theta_d, theta_phi, z


def fix_kinks(spec, theta, inputs, gen):
    """Redraws biases of kinked units until every pre-activation clears the margin.

    Layers are visited in order, so a redrawn bias only affects later layers,
    which are checked afterwards. Returns the outputs for inputs (B x n_in).
    """
    x = inputs
    for (w0, b0, fo, fi), act in zip(spec.slices, spec.acts):
        W = theta[w0:b0].reshape(fo, fi)
        if act in tn.KINKED:
            for j in range(fo):
                for _ in range(1000):
                    pre = x @ W[j] + theta[b0 + j]
                    if pre.abs().min() >= KINK_MARGIN:
                        break
                    theta[b0 + j] = torch.randn((), generator=gen) * STD
                else:
                    raise RuntimeError("cannot clear relu/elu kink")
        x = tn.ACTIVATIONS[act](x @ W.T + theta[b0:b0 + fo])
    return x


def random_case(idx, name, dcfg, pcfg, B):
    dspec = tn.Spec(*dcfg)
    pspec = tn.Spec(*pcfg)
    gen = torch.Generator().manual_seed(SEED + idx)
    for attempt in range(100):
        theta_d = tn.random_theta(dspec, gen, STD)
        theta_phi = tn.random_theta(pspec, gen, STD)
        z = torch.randn(B, dspec.n_in, generator=gen)
        x = fix_kinks(dspec, theta_d, z, gen)
        fix_kinks(pspec, theta_phi, x, gen)
        if tn.nondegenerate(dspec, pspec, theta_d, theta_phi, z, MAX_PREACT,
                            lambda s, dot, g2, u2: g2.item() >= MIN_NORM_SQ and u2.min().item() >= MIN_NORM_SQ):
            return name, dspec, pspec, theta_d, theta_phi, z
        print(f"  {name}: attempt {attempt} degenerate, redrawing", file=sys.stderr)
    raise RuntimeError(f"{name}: no nondegenerate draw")


def fd_jacobian(f, theta, h=1e-4):
    """Fourth-order central differences, column by column (a third, AD-free check)."""

    def at(k, t):
        th = theta.clone()
        th[k] += t
        return f(th)

    cols = []
    for k in range(theta.numel()):
        cols.append((8 * (at(k, h) - at(k, -h)) - (at(k, 2 * h) - at(k, -2 * h))) / (12 * h))
    return torch.stack(cols, dim=1)


def rel_diff(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp(min=1.0)).item()


def expected_for(dspec, pspec, theta_d, theta_phi, z, stats):
    s, dot, g2, u2 = tn.pieces(theta_d, theta_phi, z, dspec, pspec)

    def s_of_d(th):
        return tn.s_only(th, theta_phi, z, dspec, pspec)

    def s_of_phi(ph):
        return tn.s_only(theta_d, ph, z, dspec, pspec)

    gd_rev = tn.jacrev(s_of_d)(theta_d)
    gd_fwd = tn.jacfwd(s_of_d)(theta_d)
    gp_rev = tn.jacrev(s_of_phi)(theta_phi)
    gp_fwd = tn.jacfwd(s_of_phi)(theta_phi)
    gd_fd = fd_jacobian(s_of_d, theta_d)
    gp_fd = fd_jacobian(s_of_phi, theta_phi)
    assert gd_rev.shape == (dspec.n_in, dspec.nparams), gd_rev.shape
    assert gp_rev.shape == (dspec.n_in, pspec.nparams), gp_rev.shape
    # Check s itself against the textbook cosine (no shared code path with dot/g2/u2).
    U = tn.jacrev(lambda zz: dspec.forward(theta_d, zz))(z)
    g = tn.jacfwd(lambda xx: pspec.forward(theta_phi, xx)[0])(dspec.forward(theta_d, z))
    cos = torch.nn.functional.cosine_similarity(g.unsqueeze(1).expand_as(U), U, dim=0, eps=0.0)
    stats["s_vs_cosine"] = max(stats.get("s_vs_cosine", 0.0), (s - cos * cos).abs().max().item())
    for key, val in (
        ("fwd_rev_d", (gd_fwd - gd_rev).abs().max().item()),
        ("fwd_rev_phi", (gp_fwd - gp_rev).abs().max().item()),
        ("fd_rel_d", rel_diff(gd_fd, gd_rev)),
        ("fd_rel_phi", rel_diff(gp_fd, gp_rev)),
    ):
        stats[key] = max(stats.get(key, 0.0), val)
    return tn.expected(s, dot, g2, u2, gd_rev, gp_rev)


def check_post(exp):
    """Issue 4's hand-derived values for the post's example."""
    F = lambda *r: torch.tensor(r)  # noqa: E731
    e = exp[0]
    want = {
        "s": F(64 / 90, 100 / 750),
        "dot": F(8.0, 10.0),
        "grad_norm_sq": F(30.0),
        "col_norm_sq": F(3.0, 25.0),
        "grad_d": torch.tensor(
            [
                [-8 / 27, 0, 16 / 45, 0, 8 / 135, 0, 32 / 135, 0, 0, 0, 0, 0],
                [0, 2 / 75, 0, 0, 0, 6 / 75, 0, 8 / 75, 0, 0, 0, 0],
            ]
        ),
    }
    for k, w in want.items():
        got = torch.tensor(e[k])
        err = (got - w).abs().max().item()
        assert err < 1e-14, (k, got, w)
    print(f"  post: matches issue 4's closed forms (s, dot, |g|^2, |u|^2, grad_d) to < 1e-14")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = of.output_path(os.path.join(here, "..", "..", "cossim", "testdata", "torch_cases.json"),
                              __doc__.split("\n")[0])

    built = [post_case()] + [random_case(i, *c) for i, c in enumerate(CASES)]

    seen_d, seen_phi = set(), set()
    cases = []
    worst = {}
    print(f"torch {torch.__version__} ({tn.FUNC_API}), float64")
    print(f"{'case':22} {'m':>2} {'n':>2} {'B':>2} {'P_D':>4} {'P_Phi':>5}  "
          f"{'|fwd-rev|_D':>11} {'|fwd-rev|_Phi':>13} {'fd rel D':>9} {'fd rel Phi':>10}")
    for name, dspec, pspec, theta_d, theta_phi, z in built:
        assert dspec.n_out == pspec.n_in and pspec.n_out == 1
        seen_d.update(dspec.acts)
        seen_phi.update(pspec.acts)
        stats = {}
        expected = [expected_for(dspec, pspec, theta_d, theta_phi, z[b], stats) for b in range(z.shape[0])]
        print(f"{name:22} {dspec.n_in:2} {dspec.n_out:2} {z.shape[0]:2} {dspec.nparams:4} {pspec.nparams:5}  "
              f"{stats['fwd_rev_d']:11.2e} {stats['fwd_rev_phi']:13.2e} "
              f"{stats['fd_rel_d']:9.2e} {stats['fd_rel_phi']:10.2e}")
        assert stats["fwd_rev_d"] < 1e-13 and stats["fwd_rev_phi"] < 1e-13, stats
        assert stats["fd_rel_d"] < 1e-9 and stats["fd_rel_phi"] < 1e-9, stats
        assert stats["s_vs_cosine"] < 1e-14, stats
        for k, v in stats.items():
            worst[k] = max(worst.get(k, 0.0), v)
        if name == "post":
            check_post(expected)
        cases.append(tn.case_json(name, dspec, pspec, theta_d, theta_phi, z, expected))

    every = set(tn.ACTIVATIONS)
    assert seen_d == every, every - seen_d
    assert seen_phi == every, every - seen_phi
    print("worst over all cases: " + ", ".join(f"{k} {v:.2e}" for k, v in sorted(worst.items())))

    out = {
        "generator": "tools/torchref/make_fixtures.py",
        "torch_version": torch.__version__,
        "api": tn.FUNC_API,
        "dtype": "float64",
        "seed": SEED,
        "notes": (
            "s via jacfwd(D) and grad(Phi); grad_d and grad_phi via jacrev of s over flat parameters "
            "(PyTorch parameters() order); checked against jacfwd and central differences. "
            "softplus is the exact log(1+exp(x)), not torch's threshold=20 form; "
            f"relu/elu pre-activations are at least {KINK_MARGIN} away from 0; "
            f"|g|^2 and |u_i|^2 are at least {MIN_NORM_SQ}."
        ),
        "cases": cases,
    }
    of.write_json(out_path, out, dumps=tn.dumps)
    print(f"wrote {len(cases)} cases to {os.path.relpath(out_path)}")


if __name__ == "__main__":
    main()
