#!/usr/bin/python3
"""Times PyTorch on issue 6's cases; writes bench/testdata/torch_timings.json.

Each measurement computes, for one latent z, s (m values) and the full m x P_D
Jacobian ds/dtheta_D, except sumgrad (the gradient of sum_i s_i) and batch64
(64 latents, the gradient of the sum over batch and i). Methods:
  looped            the forum post's approach, corrected: autograd with
                    create_graph; a loop over i for u_i (double-backward jvp)
                    and a loop over i for the backward of each s_i.
  functorch         the fastest of the vectorized variants below.
  functorch_rev_fwd jacrev(s wrt theta_D), u = jacfwd(D)(z), g = grad(Phi)(x).
  functorch_fwd_fwd jacfwd(s wrt theta_D), same inner s.
  functorch_rev_rev jacrev(s wrt theta_D), u = jacrev(D)(z).
  autograd_batched  no functorch transforms: torch.autograd.grad with
                    is_grads_batched=True for both u (double-backward jvp) and
                    the m rows of the Jacobian.
  best_torch        the fastest of all the full-Jacobian methods above.
  sumgrad           grad(sum_i s_i wrt theta_D), inner as rev_fwd.
  batch64           grad(sum over 64 latents and i of s wrt theta_D), vmap over the batch.
Every method is checked against looped (or, for the sums, against the row sums
of the Jacobian) before timing. float64 throughout.

Run from the repository root (about 6 minutes; uses 1 then 2 threads):
    /usr/bin/python3 bench/torch_bench.py [-o bench/testdata/torch_timings.json] [-quick]
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools", "torchref"))
import torchnet as tn  # noqa: E402

torch.set_default_dtype(torch.float64)

SEED = 6
BATCH = 64
MIN_REPEATS = 5
MIN_TOTAL_S = 1.0
MAX_TOTAL_S = 3.0  # stop repeating once past this (and past MIN_REPEATS)
SKIP_ESTIMATE_S = 60.0  # skip a combination whose repeats would take longer
MAX_TANGENT_BYTES = 2e9  # skip jacfwd over theta_D when its tangents would not fit

# Methods producing s and the full m x P_D Jacobian for one latent.
FULL_JAC = ("looped", "functorch_rev_fwd", "functorch_fwd_fwd", "functorch_rev_rev", "autograd_batched")

# name: (D dims, Phi dims, activation). Activation applies to every layer.
CASES = {
    "toy": ([2, 4], [4, 1], "identity"),
    "small": ([4, 32, 16], [16, 32, 1], "tanh"),
    "medium": ([8, 64, 64, 64], [64, 64, 1], "tanh"),
    "large": ([16, 256, 256, 784], [784, 256, 1], "tanh"),
}


def uniform_theta(spec, gen):
    """Weights and biases uniform in +-1/sqrt(fan_in), as bench/cases.go draws
    them (torch.nn.Linear's default). Go's RNG differs, so the values do not
    match Go's; the shapes, and so the arithmetic timed, do."""
    parts = []
    for (_, _, fo, fi) in spec.slices:
        bound = 1.0 / math.sqrt(fi)
        parts.append((2 * torch.rand(fo * fi, generator=gen) - 1) * bound)
        parts.append((2 * torch.rand(fo, generator=gen) - 1) * bound)
    return torch.cat(parts)


def build(name):
    ddims, pdims, act = CASES[name]
    dspec = tn.Spec(ddims, [act] * (len(ddims) - 1))
    pspec = tn.Spec(pdims, [act] * (len(pdims) - 1))
    gen = torch.Generator().manual_seed(SEED)
    if name == "toy":
        theta_d = dspec.flatten([[[1.0, 0.0], [0.0, 5.0], [1.0, 0.0], [1.0, 0.0]]], [[0.0] * 4])
        theta_phi = pspec.flatten([[[1.0, 2.0, 3.0, 4.0]]], [[0.0]])
        z = torch.tensor([1.0, 0.5])
        Z = torch.cat([z.unsqueeze(0), torch.randn(BATCH - 1, 2, generator=gen)])
    else:
        theta_d = uniform_theta(dspec, gen)
        theta_phi = uniform_theta(pspec, gen)
        Z = torch.randn(BATCH, dspec.n_in, generator=gen)
        z = Z[0].clone()
    return dspec, pspec, theta_d, theta_phi, z, Z


# ---- (a) looped: plain autograd, as in the post but with the bug fixed ----


def looped_factory(dspec, pspec, theta_d, theta_phi):
    m, n = dspec.n_in, dspec.n_out
    shapes = dspec.layers(theta_d)
    phi_layers = pspec.layers(theta_phi)

    def D(params, z):
        x = z
        for (W, b), (_, _, act) in zip(params, shapes):
            x = tn.ACTIVATIONS[act](W @ x + b)
        return x

    def Phi(x):
        for W, b, act in phi_layers:
            x = tn.ACTIVATIONS[act](W @ x + b)
        return x[0]

    def run(z0):
        # Leaf parameters, like an nn.Module's (fresh each call, as after zero_grad).
        params = [(W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True))
                  for W, b, _ in shapes]
        flat = [t for pair in params for t in pair]
        z = z0.detach().clone().requires_grad_(True)
        x = D(params, z)
        # u_i = J e_i by the double-backward trick: w(v) = J^T v, then dw_i/dv = J[:, i].
        v = torch.zeros(n, requires_grad=True)
        jtv = torch.autograd.grad(x, z, v, create_graph=True)[0]
        U = torch.stack([torch.autograd.grad(jtv[i], v, create_graph=True)[0] for i in range(m)], dim=1)
        g = torch.autograd.grad(Phi(x), x, create_graph=True)[0]
        dot = g @ U
        s = dot * dot / ((g @ g) * (U * U).sum(0))
        rows = []
        for i in range(m):
            gs = torch.autograd.grad(s[i], flat, retain_graph=True, allow_unused=True)
            rows.append(torch.cat([(gi if gi is not None else torch.zeros_like(t)).reshape(-1)
                                   for gi, t in zip(gs, flat)]))
        return s.detach(), torch.stack(rows)

    return run


# ---- (b)-(d) functorch, and batched autograd ----
# Parameters are passed as lists [W0, b0, ...]; differentiating wrt one flat
# vector instead costs a P_D-sized zero fill per layer per cotangent (slice
# backward), which made jacrev 4x slower on the large case.


def s_rev_inner(params_d, params_phi, z, dspec, pspec):
    """s with u from jacrev(D) (n reverse passes, vmapped) instead of jacfwd."""

    def D(zz):
        return dspec.forward_list(params_d, zz)

    U = tn.jacrev(D)(z)
    g = tn.grad(lambda xx: pspec.forward_list(params_phi, xx)[0])(D(z))
    dot = g @ U
    return dot * dot / ((g @ g) * (U * U).sum(0))


def functorch_factories(dspec, pspec, theta_d, theta_phi):
    m = dspec.n_in
    pd = dspec.split(theta_d)
    pp = pspec.split(theta_phi)

    def s_fwd(params, z):
        return tn.s_list(params, pp, z, dspec, pspec)

    def s_rev(params, z):
        return s_rev_inner(params, pp, z, dspec, pspec)

    def with_s(jac_fn, s_fn):
        def run(z):
            return s_fn(pd, z), tn.flat_jac(jac_fn(pd, z), m)

        return run

    sum_grad = tn.grad(lambda params, z: s_fwd(params, z).sum())

    def sumgrad(z):
        return tn.flat_jac(sum_grad(pd, z), 1)[0]

    batch_s = tn.vmap(s_fwd, in_dims=(None, 0))
    batch_grad = tn.grad(lambda params, Z: batch_s(params, Z).sum())

    def batch64(Z):
        return batch_s(pd, Z), tn.flat_jac(batch_grad(pd, Z), 1)[0]

    return {
        "functorch_rev_fwd": with_s(tn.jacrev(s_fwd), s_fwd),
        "functorch_fwd_fwd": with_s(tn.jacfwd(s_fwd), s_fwd),
        "functorch_rev_rev": with_s(tn.jacrev(s_rev), s_rev),
        "sumgrad": sumgrad,
        "batch64": batch64,
    }


def autograd_batched_factory(dspec, pspec, theta_d, theta_phi):
    """Vectorized without functorch transforms: torch.autograd.grad(is_grads_batched=True)."""
    m, n = dspec.n_in, dspec.n_out
    pd = dspec.split(theta_d)
    pp = pspec.split(theta_phi)
    eye = torch.eye(m)

    def run(z0):
        params = [t.detach().clone().requires_grad_(True) for t in pd]
        z = z0.detach().clone().requires_grad_(True)
        x = dspec.forward_list(params, z)
        v = torch.zeros(n, requires_grad=True)
        jtv = torch.autograd.grad(x, z, v, create_graph=True)[0]
        Ut = torch.autograd.grad(jtv, v, eye, create_graph=True, is_grads_batched=True)[0]  # m x n
        g = torch.autograd.grad(pspec.forward_list(pp, x)[0], x, create_graph=True)[0]
        dot = Ut @ g
        s = dot * dot / ((g @ g) * (Ut * Ut).sum(1))
        gs = torch.autograd.grad(s, params, eye, is_grads_batched=True, allow_unused=True)
        return s.detach(), tn.flat_jac([gi if gi is not None else torch.zeros((m,) + t.shape)
                                        for gi, t in zip(gs, params)], m)

    return run


# ---- timing ----


def time_it(fn, arg, deadline_s):
    """Warm-up, then at least MIN_REPEATS runs and at least MIN_TOTAL_S seconds."""
    t0 = time.perf_counter()
    fn(arg)
    first = time.perf_counter() - t0
    if first * MIN_REPEATS > deadline_s:
        return None, f"one run took {first:.1f} s; {MIN_REPEATS} repeats would exceed {deadline_s:.0f} s"
    fn(arg)  # second warm-up: allocator and dispatch caches
    runs = []
    total = 0.0
    while len(runs) < MIN_REPEATS or (total < MIN_TOTAL_S and total < MAX_TOTAL_S):
        t0 = time.perf_counter()
        fn(arg)
        dt = time.perf_counter() - t0
        runs.append(dt)
        total += dt
        if len(runs) >= MIN_REPEATS and total >= MAX_TOTAL_S:
            break
    return runs, None


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    u = platform.uname()
    # Debian's torch multiplies through the system libblas.so.3, which
    # update-alternatives points at the reference BLAS or at OpenBLAS
    # (libopenblas0): the choice changes large-case times severalfold.
    blas = "unknown"
    for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
        if os.path.exists(path):
            blas = os.path.realpath(path)
            break
    return {
        "uname": f"{u.system} {u.release} {u.version} {u.machine}",
        "cpu": model,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "blas": blas,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", default=os.path.join(HERE, "testdata", "torch_timings.json"))
    ap.add_argument("-quick", action="store_true", help="1 thread only, 1 repeat (smoke test; not for the JSON)")
    args = ap.parse_args()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    global MIN_REPEATS, MIN_TOTAL_S
    if args.quick:
        MIN_REPEATS, MIN_TOTAL_S = 1, 0.0
    start = time.perf_counter()

    print(f"torch {torch.__version__} ({tn.FUNC_API}), float64", flush=True)
    setups = {}
    checks = {}
    case_info = {}
    torch.set_num_threads(1)
    for name in CASES:
        dspec, pspec, theta_d, theta_phi, z, Z = build(name)
        m = dspec.n_in
        case_info[name] = {
            "m": m, "n": dspec.n_out, "d": dspec.dims, "phi": pspec.dims,
            "activation": CASES[name][2], "p_d": dspec.nparams, "p_phi": pspec.nparams,
            "weights": "post's example" if name == "toy" else "uniform in +-1/sqrt(fan_in), seed %d" % SEED,
        }
        fns = {"looped": looped_factory(dspec, pspec, theta_d, theta_phi)}
        fns.update(functorch_factories(dspec, pspec, theta_d, theta_phi))
        fns["autograd_batched"] = autograd_batched_factory(dspec, pspec, theta_d, theta_phi)
        # jacfwd over theta_D pushes P_D tangents through every intermediate at once.
        widest = max(dspec.dims) * m + max(pspec.dims) * (m + 1)
        fwd_bytes = 8.0 * dspec.nparams * (widest * 4 + dspec.nparams)  # + the P_D x P_D basis
        skip = {}
        if fwd_bytes > MAX_TANGENT_BYTES:
            skip["functorch_fwd_fwd"] = (f"jacfwd over P_D={dspec.nparams} parameters needs ~{fwd_bytes / 1e9:.0f} GB "
                                         "of tangents (vmap over all of them at once)")
        # Agreement, before any timing.
        s_ref, J_ref = fns["looped"](z)
        c = {}
        if name == "toy":
            want = torch.tensor([[-8 / 27, 0, 16 / 45, 0, 8 / 135, 0, 32 / 135, 0, 0, 0, 0, 0],
                                 [0, 2 / 75, 0, 0, 0, 6 / 75, 0, 8 / 75, 0, 0, 0, 0]])
            c["looped_vs_closed_form"] = (J_ref - want).abs().max().item()
            assert c["looped_vs_closed_form"] < 1e-14
        for meth in ("functorch_rev_fwd", "functorch_fwd_fwd", "functorch_rev_rev", "autograd_batched"):
            if meth in skip:
                continue
            s, J = fns[meth](z)
            c[meth + "_vs_looped"] = max((s - s_ref).abs().max().item(), (J - J_ref).abs().max().item())
        c["sumgrad_vs_rowsum"] = (fns["sumgrad"](z) - J_ref.sum(0)).abs().max().item()
        sb, gb = fns["batch64"](Z)
        per = [fns["sumgrad"](Z[b]) for b in range(Z.shape[0])]
        c["batch64_vs_sum_of_sumgrads"] = (gb - torch.stack(per).sum(0)).abs().max().item()
        scale = max(1.0, J_ref.abs().max().item())
        for k, v in c.items():
            assert v < 1e-10 * scale * (BATCH if k.startswith("batch") else 1), (name, k, v)
        checks[name] = c
        print(f"{name:6} m={m:2} n={dspec.n_out:3} P_D={dspec.nparams:6}  max|J_ref|={J_ref.abs().max().item():.3g}  "
              + "  ".join(f"{k} {v:.2e}" for k, v in c.items()), flush=True)
        setups[name] = (fns, skip, z, Z)

    results = []
    thread_list = [1] if args.quick else [1, 2]
    for threads in thread_list:
        torch.set_num_threads(threads)
        for name, (fns, skip, z, Z) in setups.items():
            for meth in FULL_JAC + ("sumgrad", "batch64"):
                rec = {"case": name, "method": meth, "threads": threads}
                if meth in skip:
                    rec["skipped"] = skip[meth]
                else:
                    arg = Z if meth == "batch64" else z
                    runs, why = time_it(fns[meth], arg, SKIP_ESTIMATE_S)
                    if why:
                        rec["skipped"] = why
                    else:
                        rec["median_s"] = statistics.median(runs)
                        rec["runs"] = runs
                results.append(rec)
                shown = f"{rec['median_s'] * 1e3:10.3f} ms  ({len(rec['runs'])} runs)" if "median_s" in rec \
                    else "skipped: " + rec["skipped"]
                print(f"[{time.perf_counter() - start:6.0f} s] threads={threads} {name:6} {meth:18} {shown}", flush=True)
            # "functorch" = the faster vectorized full-Jacobian variant for this case and thread count.
            timed = [r for r in results if r["case"] == name and r["threads"] == threads
                     and r["method"].startswith("functorch_") and "median_s" in r]
            best = min(timed, key=lambda r: r["median_s"])
            results.append(dict(best, method="functorch", variant=best["method"]))
            timed = [r for r in results if r["case"] == name and r["threads"] == threads
                     and r["method"] in FULL_JAC and "median_s" in r]
            best = min(timed, key=lambda r: r["median_s"])
            results.append(dict(best, method="best_torch", variant=best["method"]))

    out = {
        "generator": "bench/torch_bench.py",
        "measured_at": started_at,
        "torch_version": torch.__version__,
        "api": tn.FUNC_API,
        "dtype": "float64",
        "machine": machine(),
        "threads": {"measured": thread_list, "interop": torch.get_num_interop_threads(),
                    "note": "torch.set_num_threads per measurement; the 2 cores are shared with other jobs"},
        "protocol": {"warmup_runs": 2, "min_repeats": MIN_REPEATS, "min_total_s": MIN_TOTAL_S,
                     "max_total_s": MAX_TOTAL_S, "statistic": "median of runs, seconds"},
        "cases": case_info,
        "agreement": checks,
        "results": results,
    }
    if not args.quick:
        os.makedirs(os.path.dirname(os.path.abspath(args.o)), exist_ok=True)
        with open(args.o, "w") as f:
            f.write(tn.dumps(out) + "\n")
        print(f"wrote {os.path.relpath(args.o)}")

    print("\nmedians (ms):")
    meths = ["looped", "functorch"] + list(FULL_JAC[1:]) + ["best_torch", "sumgrad", "batch64"]
    print(f"{'case':6} {'thr':>3} " + " ".join(f"{m[:17]:>17}" for m in meths))
    for threads in thread_list:
        for name in CASES:
            row = []
            for m in meths:
                r = next(r for r in results if r["case"] == name and r["threads"] == threads and r["method"] == m)
                row.append(f"{r['median_s'] * 1e3:17.4f}" if "median_s" in r else f"{'skipped':>17}")
            print(f"{name:6} {threads:3} " + " ".join(row))
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
