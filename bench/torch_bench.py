#!/usr/bin/python3
"""Times PyTorch at its strongest on dualgrad's benchmark cases; writes bench/testdata/torch_timings.json.

For networks Phi: R^n -> R, D: R^m -> R^n and a latent z, with x = D(z),
g = grad Phi(x) and u_i = dD/dz_i(z):  s_i = (g.u_i)^2 / (|g|^2 |u_i|^2).
Four tasks, each timed with every reasonable PyTorch method (see METHODS, or
the "methods" object of the JSON), 1 and 2 threads:
  jac          s and the full m x P_D Jacobian ds/dtheta_D for one latent;
  sumgrad      grad_theta_D sum_i s_i for one latent;
  batch64      64 latents: s for each and grad_theta_D sum_b sum_i s_i(z_b)
               (the training-loop quantity);
  batch64_jac  64 latents: s and the full Jacobian for each (medium, mnist).
Every method is checked against the looped one (plain autograd with
create_graph, the forum post's approach corrected) before any timing:
max |difference| <= 1e-10 * max(1, max |reference|).

The summary records benchreport reads have the methods "functorch" (fastest
functorch_* of jac), "best_torch" (fastest of jac), "sumgrad", "batch64" and
"batch64_jac" (fastest of their task); "variant" names the winner.

BLAS: Debian's torch multiplies through the system libblas.so.3. With
-coretype auto (the default) the script first probes OpenBLAS's kernels in
subprocesses (a dgemm's speed and its error against a BLAS-free sum) and, if
a forced OPENBLAS_CORETYPE is correct and clearly faster than what OpenBLAS
detects by itself, re-executes itself with it; OPENBLAS_L2_SIZE is always
dropped. See bench/README.md.

Run from the repository root (about 40 minutes on the 2 shared cores):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/torch_bench.py
options: -o FILE, -quick (1 thread, 1 run, no file), -cases a,b  -tasks a,b,
-coretype auto|keep|NAME.
"""

import argparse
import ctypes
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
EXEC_MARK = "DUALGRAD_TORCH_BENCH_CORETYPE"  # set when the script re-executed itself

SEED = 6
BATCH = 64
MIN_REPEATS = 7
MIN_TOTAL_S = 1.0
MAX_TOTAL_S = 3.0  # stop repeating once past this and past MIN_REPEATS
SLOW_RUN_S = 5.0  # a run slower than this: MIN_SLOW_REPEATS runs (>= 1 s anyway)
MIN_SLOW_REPEATS = 3
SKIP_ESTIMATE_S = 120.0  # skip a combination whose repeats would take longer
TOL = 1e-10
CHUNK_BYTES = 1e9  # functorch_fwd_fwd: tangents per chunk; persample: per-sample weight copies
THREADS = (1, 2)

CASES = ("toy", "small", "medium", "large", "mnist")
TASKS = ("jac", "sumgrad", "batch64", "batch64_jac")
BATCH_JAC_CASES = ("medium", "mnist")

# name: (task, description). Order is table order.
METHODS = {
    "looped": ("jac", "plain autograd, create_graph: u_i by double-backward (w = J^T v, u_i = dw_i/dv), "
                      "one grad call per i for U and one per row of the Jacobian (the post's approach, corrected)"),
    "autograd_batched": ("jac", "plain autograd with is_grads_batched=True: U in one batched grad call, "
                                "the m rows in another"),
    "autograd_persample": ("jac", "plain autograd, batch in the leading dimension: z repeated m times, per-row "
                                  "copies (expand) of theta_D, row i computes s_i only; one backward gives all rows"),
    "functorch_rev_fwd": ("jac", "functorch jacrev over theta_D of s, u = jacfwd(D)(z), g = grad(Phi)(x)"),
    "functorch_fwd_fwd": ("jac", "functorch jacfwd over theta_D (chunked vmap(jvp) when the P_D tangents "
                                 "would not fit) of s, u = jacfwd(D)(z); forward over reverse through Phi"),
    "functorch_rev_rev": ("jac", "functorch jacrev over theta_D of s, u = jacrev(D)(z)"),
    "sumgrad_looped": ("sumgrad", "as looped, then one backward of sum_i s_i"),
    "sumgrad_autograd_batched": ("sumgrad", "as autograd_batched for U, then one backward of sum_i s_i"),
    "sumgrad_autograd_leading": ("sumgrad", "z repeated m times in the leading dimension (shared theta_D): "
                                            "U in one grad call with grad_outputs = I, one backward"),
    "sumgrad_functorch_fwd": ("sumgrad", "functorch grad over theta_D of sum s, u = jacfwd(D)(z)"),
    "sumgrad_functorch_rev": ("sumgrad", "functorch grad over theta_D of sum s, u = jacrev(D)(z)"),
    "batch64_looped": ("batch64", "a Python loop over the latents of sumgrad_looped's graph, one backward of the total"),
    "batch64_leading_loop": ("batch64", "plain batched double backward: latents in the leading dimension, "
                                        "u_i for all latents by one grad call per i, one backward"),
    "batch64_leading_batched": ("batch64", "latents in the leading dimension, U for all i and latents in one "
                                           "is_grads_batched grad call, one backward"),
    "batch64_leading_rows": ("batch64", "64 m rows (latent b, index i) in the leading dimension, u_i(z_b) in one "
                                        "grad call with one-hot grad_outputs, one backward"),
    "batch64_vmap_fwd": ("batch64", "functorch grad over theta_D of the sum of vmap over latents of s, u = jacfwd(D)"),
    "batch64_vmap_rev": ("batch64", "functorch grad over theta_D of the sum of vmap over latents of s, u = jacrev(D)"),
    "batch64_jac_looped": ("batch64_jac", "a loop over the latents of looped"),
    "batch64_jac_loop_batched": ("batch64_jac", "a loop over the latents of autograd_batched"),
    "batch64_jac_loop_persample": ("batch64_jac", "a loop over the latents of autograd_persample"),
    "batch64_jac_persample": ("batch64_jac", "per-row copies of theta_D for all 64 m rows at once (in chunks of "
                                             "latents when the copies would pass 1 GB), one backward per chunk"),
    "batch64_jac_vmap_rev_fwd": ("batch64_jac", "functorch vmap over latents of functorch_rev_fwd"),
}
# Summary records: name -> (task, the methods it takes the fastest of).
SUMMARIES = {
    "functorch": ("jac", [k for k in METHODS if k.startswith("functorch_")]),
    "best_torch": ("jac", [k for k, v in METHODS.items() if v[0] == "jac"]),
    "sumgrad": ("sumgrad", [k for k, v in METHODS.items() if v[0] == "sumgrad"]),
    "batch64": ("batch64", [k for k, v in METHODS.items() if v[0] == "batch64"]),
    "batch64_jac": ("batch64_jac", [k for k, v in METHODS.items() if v[0] == "batch64_jac"]),
}
REFERENCE = {"jac": "looped", "sumgrad": "sumgrad_looped", "batch64": "batch64_looped",
             "batch64_jac": "batch64_jac_looped"}

# ---------------------------------------------------------------- BLAS kernel

PROBE = r"""
import json, time, torch
torch.set_num_threads(1)
lib = None
for line in open("/proc/self/maps"):
    p = line.split()[-1]
    if "openblas" in p and ".so" in p:
        lib = p
        break
arch = None
if lib:
    import ctypes
    cl = ctypes.CDLL(lib)
    cl.openblas_set_num_threads(1)
    cl.openblas_get_corename.restype = ctypes.c_char_p
    arch = cl.openblas_get_corename().decode()
g = torch.Generator().manual_seed(1)
A = torch.randn(256, 784, dtype=torch.float64, generator=g)
B = torch.randn(784, 64, dtype=torch.float64, generator=g)
v = torch.randn(784, dtype=torch.float64, generator=g)
err = max(((A @ B) - (A.unsqueeze(2) * B.unsqueeze(0)).sum(1)).abs().max().item(),
          ((A @ v) - (A * v).sum(1)).abs().max().item())
B = torch.randn(784, 256, dtype=torch.float64, generator=g)
for _ in range(3):
    A @ B
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < 0.5:
    A @ B
    n += 1
dt = (time.perf_counter() - t0) / n
print(json.dumps({"corename": arch, "library": lib, "gflops": 2 * 256 * 784 * 256 / dt / 1e9, "max_err": err}))
"""

X86_CANDIDATES = ("Haswell", "SkylakeX", "Cooperlake", "SapphireRapids")


def probe_kernels():
    """OpenBLAS's kernels on this machine: autodetected, and each forced one."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", EXEC_MARK)}
    out = []
    cands = [None] + (list(X86_CANDIDATES) if platform.machine() == "x86_64" else [])
    for ct in cands:
        e = dict(env)
        if ct:
            e["OPENBLAS_CORETYPE"] = ct
        r = subprocess.run([sys.executable, "-c", PROBE], env=e, capture_output=True, text=True, timeout=120)
        rec = {"coretype": ct}
        try:
            rec.update(json.loads(r.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            rec["error"] = (r.stderr.strip().splitlines() or ["no output"])[-1]
        out.append(rec)
    return out


def choose_kernel(probes):
    """The autodetected kernel unless a forced one is correct and >= 15% faster."""
    auto = probes[0]
    if "gflops" not in auto or auto.get("corename") is None:
        return None, "not OpenBLAS, or the probe failed: environment left as it is"
    best = None
    for p in probes[1:]:
        if "gflops" in p and p["max_err"] < 1e-11 and (best is None or p["gflops"] > best["gflops"]):
            best = p
    if best and best["gflops"] > 1.15 * auto["gflops"] and best["corename"] != auto["corename"]:
        return best["coretype"], (f"OpenBLAS detects {auto['corename']} ({auto['gflops']:.1f} GF/s in the probe); "
                                  f"forced {best['coretype']} runs {best['corename']} at {best['gflops']:.1f} GF/s "
                                  f"with the same error")
    return None, f"OpenBLAS's own choice, {auto['corename']}, is within 15% of the best forced kernel"


def setup_kernel(mode):
    """Runs before torch is imported: may re-execute the script. Returns what it did."""
    if EXEC_MARK in os.environ:
        info = json.loads(os.environ.pop(EXEC_MARK))
        return info
    info = {"mode": mode, "env_at_start": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}
    if mode == "keep":
        info["choice"] = "environment kept as given"
        return info
    if mode == "auto":
        info["probes"] = probe_kernels()
        ct, why = choose_kernel(info["probes"])
        info["choice"] = why
    else:
        ct = mode
        info["choice"] = f"forced by -coretype {mode}"
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if ct:
        env["OPENBLAS_CORETYPE"] = ct
    info["coretype_set"] = ct
    if env != dict(os.environ):
        env[EXEC_MARK] = json.dumps(info)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    return info


class Blas:
    """The BLAS library torch loaded, and OpenBLAS's thread count."""

    def __init__(self):
        import torch
        a = torch.ones(64, 64, dtype=torch.float64)
        a @ a  # make sure the BLAS is loaded
        self.libs = []
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                base = os.path.basename(p)
                if p.startswith("/") and any(k in base for k in ("blas", "lapack", "mkl", "blis", "gomp", "iomp")) \
                        and p not in self.libs:
                    self.libs.append(p)
        self.openblas = None
        self.cl = None
        for p in self.libs:
            if "openblas" in os.path.basename(p):
                self.cl = ctypes.CDLL(p)
                self.cl.openblas_get_config.restype = ctypes.c_char_p
                self.cl.openblas_get_corename.restype = ctypes.c_char_p
                self.openblas = {"library": p, "config": self.cl.openblas_get_config().decode(),
                                 "corename": self.cl.openblas_get_corename().decode(),
                                 "parallel": self.cl.openblas_get_parallel()}
                break
        try:
            from threadpoolctl import threadpool_info
            self.threadpoolctl = threadpool_info()
        except ImportError:
            self.threadpoolctl = "threadpoolctl not installed (apt-get install python3-threadpoolctl)"

    def set_threads(self, n):
        if self.cl is not None:
            self.cl.openblas_set_num_threads(n)

    def threads(self):
        return self.cl.openblas_get_num_threads() if self.cl is not None else None


# ---------------------------------------------------------------- the cases


def act_fn(name):
    return {"identity": lambda x: x, "tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[name]


class Case:
    """D as an MLP on a list [W0, b0, W1, b1, ...]; Phi any function of x (n) or X (B x n)."""

    def __init__(self, name, d_params, d_acts, phi, phi_params, z, Z, info):
        self.name = name
        self.d_params = d_params
        self.d_acts = [act_fn(a) for a in d_acts]
        self.phi = phi
        self.m = d_params[0].shape[1]
        self.n = d_params[-1].shape[0]
        self.P = sum(p.numel() for p in d_params)
        self.z, self.Z = z, Z
        self.info = dict(info, m=self.m, n=self.n, p_d=self.P, p_phi=sum(p.numel() for p in phi_params),
                         d_activations=d_acts)

    def D(self, params, x):
        for i, act in enumerate(self.d_acts):
            x = act(F.linear(x, params[2 * i], params[2 * i + 1]))
        return x

    def D_rows(self, params, x):
        """D with per-row parameters: W (B, out, in), b (B, out); x (B, in)."""
        x = x.unsqueeze(2)
        for i, act in enumerate(self.d_acts):
            x = act(torch.baddbmm(params[2 * i + 1].unsqueeze(2), params[2 * i], x))
        return x.squeeze(2)


def uniform_params(dims, gen):
    """Weights and biases uniform in +-1/sqrt(fan_in), as torch.nn.Linear's default and bench/cases.go."""
    out = []
    for fi, fo in zip(dims[:-1], dims[1:]):
        bound = 1.0 / math.sqrt(fi)
        out.append((2 * torch.rand(fo, fi, generator=gen) - 1) * bound)
        out.append((2 * torch.rand(fo, generator=gen) - 1) * bound)
    return out


def mlp_phi(params, act):
    a = act_fn(act)

    def phi(X):
        for i in range(len(params) // 2):
            X = a(F.linear(X, params[2 * i], params[2 * i + 1]))
        return X[..., 0]

    return phi


DENSE = {
    "small": ([4, 32, 16], [16, 32, 1]),
    "medium": ([8, 64, 64, 64], [64, 64, 1]),
    "large": ([16, 256, 256, 784], [784, 256, 1]),
}


def build(name):
    gen = torch.Generator().manual_seed(SEED)
    if name == "toy":
        d = [torch.tensor([[1.0, 0.0], [0.0, 5.0], [1.0, 0.0], [1.0, 0.0]]), torch.zeros(4)]
        p = [torch.tensor([[1.0, 2.0, 3.0, 4.0]]), torch.zeros(1)]
        z = torch.tensor([1.0, 0.5])
        Z = torch.cat([z.unsqueeze(0), torch.randn(BATCH - 1, 2, generator=gen)])
        return Case(name, d, ["identity"], mlp_phi(p, "identity"), p, z, Z,
                    {"d": [2, 4], "phi": [4, 1], "activation": "identity", "weights": "post's example"})
    if name in DENSE:
        dd, pd = DENSE[name]
        d = uniform_params(dd, gen)
        p = uniform_params(pd, gen)
        Z = torch.randn(BATCH, dd[0], generator=gen)
        return Case(name, d, ["tanh"] * (len(dd) - 1), mlp_phi(p, "tanh"), p, Z[0].clone(), Z,
                    {"d": dd, "phi": pd, "activation": "tanh",
                     "weights": f"uniform in +-1/sqrt(fan_in), torch.Generator seed {SEED}"})
    assert name == "mnist", name
    # PyTorch's default initialization of the examples' modules, seeded.
    torch.manual_seed(SEED)
    dec = nn.Sequential(nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())
    cnn = nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10), nn.LogSoftmax(dim=1))
    d = [t.detach() for t in dec.parameters()]
    c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b = [t.detach() for t in cnn.parameters()]

    def phi(X):
        h = X.reshape(-1, 1, 28, 28)
        h = F.relu(F.conv2d(h, c1w, c1b))
        h = F.relu(F.conv2d(h, c2w, c2b))
        h = F.max_pool2d(h, 2).flatten(1)
        h = F.relu(F.linear(h, f1w, f1b))
        out = F.log_softmax(F.linear(h, f2w, f2b), dim=1)[:, 3]
        return out[0] if X.dim() == 1 else out

    Z = torch.randn(BATCH, 20)
    with torch.no_grad():  # the functional forms are the modules
        X = dec(Z[:4])
        assert (X - Case("", d, ["relu", "sigmoid"], phi, [], None, None, {}).D(d, Z[:4])).abs().max() == 0
        assert (phi(X) - cnn(X.reshape(-1, 1, 28, 28))[:, 3]).abs().max() == 0
    return Case(name, d, ["relu", "sigmoid"], phi, [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b], Z[0].clone(), Z, {
        "d": [20, 400, 784], "phi": None, "phi_arch": "1x28x28: Conv2d 1->32 k3, ReLU, Conv2d 32->64 k3, ReLU, MaxPool2d 2, Flatten, "
                                    "Linear 9216->128, ReLU, Linear 128->10, LogSoftmax(dim=1); output element 3",
        "activation": "D: ReLU, Sigmoid", "weights": f"PyTorch default init, torch.manual_seed({SEED})"})


# ---------------------------------------------------------------- the methods


def leaves(ts):
    return [t.detach().clone().requires_grad_(True) for t in ts]


def flat_rows(gs, ps, rows, per_row=False):
    """Per-parameter gradients (rows x shape, None if unused) as rows x P.
    per_row: the parameters themselves have the leading rows dimension."""
    return torch.cat([(g if g is not None else torch.zeros(rows, p.numel() // (rows if per_row else 1)))
                      .reshape(rows, -1) for g, p in zip(gs, ps)], dim=1)


def flat1(gs, ps):
    return torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(gs, ps)])


def s_from(g, U):
    """g (..., n), U (..., n, m) -> s (..., m)."""
    dot = (g.unsqueeze(-1) * U).sum(-2)
    return dot * dot / ((g * g).sum(-1, keepdim=True) * (U * U).sum(-2))


def grad(*a, **k):
    return torch.autograd.grad(*a, **k)


def U_looped(c, P, z):
    """x, U (n x m) with create_graph, by one grad call per i."""
    x = c.D(P, z)
    v = torch.zeros(c.n, requires_grad=True)
    jtv = grad(x, z, v, create_graph=True)[0]
    U = torch.stack([grad(jtv[i], v, create_graph=True)[0] for i in range(c.m)], dim=1)
    return x, U


def U_batched(c, P, z, eye):
    x = c.D(P, z)
    v = torch.zeros(c.n, requires_grad=True)
    jtv = grad(x, z, v, create_graph=True)[0]
    Ut = grad(jtv, v, eye, create_graph=True, is_grads_batched=True)[0]  # m x n
    return x, Ut.T


def s_looped(c, P, z0):
    z = z0.detach().requires_grad_(True)
    x, U = U_looped(c, P, z)
    g = grad(c.phi(x), x, create_graph=True)[0]
    return s_from(g, U)


def persample_s(c, params, Zr, sel):
    """Rows r: latent Zr[r], per-row parameters, s_{sel[r]} of that latent. Returns s (R)."""
    R = Zr.shape[0]
    Zr = Zr.detach().clone().requires_grad_(True)
    X = c.D_rows(params, Zr)
    V = torch.zeros(R, c.n, requires_grad=True)
    jtv = grad(X, Zr, V, create_graph=True)[0]  # R x m
    onehot = torch.zeros(R, c.m)
    onehot[torch.arange(R), sel] = 1.0
    Urow = grad(jtv, V, onehot, create_graph=True)[0]  # R x n: u_{sel[r]}(z_r)
    g = grad(c.phi(X).sum(), X, create_graph=True)[0]
    dot = (g * Urow).sum(1)
    return dot * dot / ((g * g).sum(1) * (Urow * Urow).sum(1))


def row_params(c, R):
    return [p.detach().unsqueeze(0).expand((R,) + tuple(p.shape)).requires_grad_(True) for p in c.d_params]


def make_methods(c):
    """name -> callable(arg) for the case; arg is z for jac/sumgrad, Z for the batch tasks."""
    m, n = c.m, c.n
    P = leaves(c.d_params)
    eye = torch.eye(m)
    f = {}

    def looped(z0):
        s = s_looped(c, P, z0)
        rows = [flat1(grad(s[i], P, retain_graph=True, allow_unused=True), P) for i in range(m)]
        return s.detach(), torch.stack(rows)

    def autograd_batched(z0):
        z = z0.detach().requires_grad_(True)
        x, U = U_batched(c, P, z, eye)
        g = grad(c.phi(x), x, create_graph=True)[0]
        s = s_from(g, U)
        return s.detach(), flat_rows(grad(s, P, eye, is_grads_batched=True, allow_unused=True), P, m)

    sel_m = torch.arange(m)

    def autograd_persample(z0):
        Pr = row_params(c, m)
        s = persample_s(c, Pr, z0.unsqueeze(0).expand(m, m), sel_m)
        return s.detach(), flat_rows(grad(s.sum(), Pr, allow_unused=True), Pr, m, True)

    f.update(looped=looped, autograd_batched=autograd_batched, autograd_persample=autograd_persample)

    # functorch
    pd = list(c.d_params)

    def s_fwd(params, z):
        U = ft.jacfwd(lambda zz: c.D(params, zz))(z)
        g = ft.grad(c.phi)(c.D(params, z))
        return s_from(g, U)

    def s_rev(params, z):
        U = ft.jacrev(lambda zz: c.D(params, zz))(z)
        g = ft.grad(c.phi)(c.D(params, z))
        return s_from(g, U)

    jr_fwd = ft.jacrev(s_fwd)
    jr_rev = ft.jacrev(s_rev)
    f["functorch_rev_fwd"] = lambda z: (s_fwd(pd, z), flat_rows(jr_fwd(pd, z), pd, m))
    f["functorch_rev_rev"] = lambda z: (s_rev(pd, z), flat_rows(jr_rev(pd, z), pd, m))

    # jacfwd over theta_D: P_D tangents through every intermediate at once. When
    # they would not fit, vmap(jvp) over chunks of one parameter tensor's entries.
    widest = max(max(p.shape[0] for p in pd), n)
    act_bytes = 8.0 * widest * (m + 2) * 6
    jf = ft.jacfwd(s_fwd)
    offs = [0]
    for p in pd:
        offs.append(offs[-1] + p.numel())
    plan = []  # (parameter j, first, end) within parameter j
    for j, p in enumerate(pd):
        k = max(1, int(CHUNK_BYTES // (act_bytes + 8.0 * p.numel())))
        plan += [(j, a, min(a + k, p.numel())) for a in range(0, p.numel(), k)]
    whole = 8.0 * c.P * (act_bytes / 8.0 + c.P) <= CHUNK_BYTES

    def fwd_chunk(z, j, a, b):
        p = pd[j]
        T = torch.zeros(b - a, p.numel())
        T[torch.arange(b - a), torch.arange(a, b)] = 1.0
        T = T.reshape((b - a,) + tuple(p.shape))

        def one(t):
            return ft.jvp(lambda pj: s_fwd(pd[:j] + [pj] + pd[j + 1:], z), (p,), (t,))[1]

        return ft.vmap(one)(T)  # (b-a) x m

    def fwd_fwd(z):
        s = s_fwd(pd, z)
        if whole:
            return s, flat_rows(jf(pd, z), pd, m)
        return s, torch.cat([fwd_chunk(z, *ch) for ch in plan]).T

    def fwd_fwd_estimate(z, ref):
        """Seconds per run from the largest chunk, and that chunk's agreement with ref's columns."""
        j, a, b = max(plan, key=lambda ch: ch[2] - ch[1])
        t0 = time.perf_counter()
        cols = fwd_chunk(z, j, a, b)
        dt = time.perf_counter() - t0
        est = dt * sum(ch[2] - ch[1] for ch in plan) / (b - a)
        return est, (cols.T - ref[1][:, offs[j] + a:offs[j] + b]).abs().max().item(), \
            f"{len(plan)} chunks of up to {b - a} tangents; one took {dt:.2f} s"

    f["functorch_fwd_fwd"] = fwd_fwd
    fwd_note = None if whole else f"{len(plan)} chunks of the P_D={c.P} tangents"

    # sumgrad
    def sumgrad_looped(z0):
        return flat1(grad(s_looped(c, P, z0).sum(), P, allow_unused=True), P)

    def sumgrad_autograd_batched(z0):
        z = z0.detach().requires_grad_(True)
        x, U = U_batched(c, P, z, eye)
        g = grad(c.phi(x), x, create_graph=True)[0]
        return flat1(grad(s_from(g, U).sum(), P, allow_unused=True), P)

    def sumgrad_autograd_leading(z0):
        Zr = z0.detach().unsqueeze(0).repeat(m, 1).requires_grad_(True)
        X = c.D(P, Zr)  # m identical rows
        V = torch.zeros(m, n, requires_grad=True)
        jtv = grad(X, Zr, V, create_graph=True)[0]
        Ut = grad(jtv, V, eye, create_graph=True)[0]  # row i: u_i
        x = X[0]
        g = grad(c.phi(x), x, create_graph=True)[0]
        return flat1(grad(s_from(g, Ut.T).sum(), P, allow_unused=True), P)

    gs_fwd = ft.grad(lambda ps, z: s_fwd(ps, z).sum())
    gs_rev = ft.grad(lambda ps, z: s_rev(ps, z).sum())
    f.update(sumgrad_looped=sumgrad_looped, sumgrad_autograd_batched=sumgrad_autograd_batched,
             sumgrad_autograd_leading=sumgrad_autograd_leading,
             sumgrad_functorch_fwd=lambda z: flat1(gs_fwd(pd, z), pd),
             sumgrad_functorch_rev=lambda z: flat1(gs_rev(pd, z), pd))

    # batch64: s (B x m) and grad of the total
    def batch64_looped(Z):
        ss = [s_looped(c, P, Z[b]) for b in range(Z.shape[0])]
        S = torch.stack(ss)
        return S.detach(), flat1(grad(S.sum(), P, allow_unused=True), P)

    def leading(Z, how):
        B = Z.shape[0]
        Zl = Z.detach().clone().requires_grad_(True)
        X = c.D(P, Zl)
        V = torch.zeros(B, n, requires_grad=True)
        jtv = grad(X, Zl, V, create_graph=True)[0]  # B x m
        if how == "loop":
            U = torch.stack([grad(jtv[:, i].sum(), V, create_graph=True)[0] for i in range(m)], dim=2)  # B x n x m
        else:
            E = torch.eye(m).unsqueeze(1).expand(m, B, m)
            U = grad(jtv, V, E, create_graph=True, is_grads_batched=True)[0].permute(1, 2, 0)
        g = grad(c.phi(X).sum(), X, create_graph=True)[0]
        S = s_from(g, U)
        return S.detach(), flat1(grad(S.sum(), P, allow_unused=True), P)

    def batch64_leading_rows(Z):
        B = Z.shape[0]
        Zr = Z.detach().repeat_interleave(m, dim=0).requires_grad_(True)  # row b*m+i: z_b
        X = c.D(P, Zr)
        V = torch.zeros(B * m, n, requires_grad=True)
        jtv = grad(X, Zr, V, create_graph=True)[0]
        Urow = grad(jtv, V, torch.eye(m).repeat(B, 1), create_graph=True)[0]  # row b*m+i: u_i(z_b)
        Xb = X[::m]
        g = grad(c.phi(Xb).sum(), Xb, create_graph=True)[0]  # B x n
        S = s_from(g, Urow.reshape(B, m, n).transpose(1, 2))
        return S.detach(), flat1(grad(S.sum(), P, allow_unused=True), P)

    vs_fwd = ft.vmap(s_fwd, in_dims=(None, 0))
    vs_rev = ft.vmap(s_rev, in_dims=(None, 0))
    bg_fwd = ft.grad(lambda ps, Z: vs_fwd(ps, Z).sum())
    bg_rev = ft.grad(lambda ps, Z: vs_rev(ps, Z).sum())
    f.update(batch64_looped=batch64_looped,
             batch64_leading_loop=lambda Z: leading(Z, "loop"),
             batch64_leading_batched=lambda Z: leading(Z, "batched"),
             batch64_leading_rows=batch64_leading_rows,
             batch64_vmap_fwd=lambda Z: (vs_fwd(pd, Z), flat1(bg_fwd(pd, Z), pd)),
             batch64_vmap_rev=lambda Z: (vs_rev(pd, Z), flat1(bg_rev(pd, Z), pd)))

    # batch64_jac: s (B x m), J (B x m x P)
    def loop_of(name):
        def run(Z):
            out = [f[name](Z[b]) for b in range(Z.shape[0])]
            return torch.stack([o[0] for o in out]), torch.stack([o[1] for o in out])
        return run

    lat_chunk = max(1, min(BATCH, int(CHUNK_BYTES // (8.0 * m * c.P))))

    def batch64_jac_persample(Z):
        Ss, Js = [], []
        for a in range(0, Z.shape[0], lat_chunk):
            Zc = Z[a:a + lat_chunk]
            R = Zc.shape[0] * m
            Pr = row_params(c, R)
            s = persample_s(c, Pr, Zc.repeat_interleave(m, dim=0), torch.arange(m).repeat(Zc.shape[0]))
            Js.append(flat_rows(grad(s.sum(), Pr, allow_unused=True), Pr, R, True).reshape(Zc.shape[0], m, c.P))
            Ss.append(s.detach().reshape(-1, m))
        return torch.cat(Ss), torch.cat(Js)

    vj = ft.vmap(jr_fwd, in_dims=(None, 0))
    f.update(batch64_jac_looped=loop_of("looped"), batch64_jac_loop_batched=loop_of("autograd_batched"),
             batch64_jac_loop_persample=loop_of("autograd_persample"), batch64_jac_persample=batch64_jac_persample,
             batch64_jac_vmap_rev_fwd=lambda Z: (vs_fwd(pd, Z),
                                                 flat_rows(vj(pd, Z), pd, Z.shape[0] * m).reshape(Z.shape[0], m, -1)))
    f["estimate"] = {"functorch_fwd_fwd": None if whole else fwd_fwd_estimate}
    notes = {"functorch_fwd_fwd": fwd_note,
             "batch64_jac_persample": None if lat_chunk >= BATCH else f"chunks of {lat_chunk} latents"}
    return f, notes


# ---------------------------------------------------------------- checks and timing


def as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def max_diff(a, b):
    return max((x - y).abs().max().item() for x, y in zip(as_tuple(a), as_tuple(b)))


def short_error(e):
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0][:300] if msg else ''}"


def time_it(fn, arg, deadline_s):
    """Warm-up, then at least MIN_REPEATS runs and MIN_TOTAL_S seconds (fewer for slow runs)."""
    t0 = time.perf_counter()
    fn(arg)
    first = time.perf_counter() - t0
    need = MIN_REPEATS if first < SLOW_RUN_S else MIN_SLOW_REPEATS
    if first * (need + 1) > deadline_s:
        return None, f"one run took {first:.1f} s; {need} repeats and a warm-up would exceed {deadline_s:.0f} s"
    fn(arg)  # second warm-up: allocator and dispatch caches
    runs, total = [], 0.0
    while len(runs) < need or (total < MIN_TOTAL_S and total < MAX_TOTAL_S):
        t0 = time.perf_counter()
        fn(arg)
        dt = time.perf_counter() - t0
        runs.append(dt)
        total += dt
    return runs, None


def set_threads(blas, n):
    torch.set_num_threads(n)
    blas.set_threads(n)


def machine(blas):
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
    libblas = "unknown"
    for path in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
        if os.path.exists(path):
            libblas = os.path.realpath(path)
            break
    return {"uname": f"{u.system} {u.release} {u.version} {u.machine}", "cpu": model, "nproc": os.cpu_count(),
            "python": platform.python_version(), "blas": libblas}


def main():
    global torch, F, nn, ft, MIN_REPEATS, MIN_TOTAL_S, MIN_SLOW_REPEATS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", default=os.path.join(HERE, "testdata", "torch_timings.json"))
    ap.add_argument("-quick", action="store_true", help="1 thread, 1 run, no file (smoke test)")
    ap.add_argument("-cases", default=",".join(CASES))
    ap.add_argument("-tasks", default=",".join(TASKS))
    ap.add_argument("-coretype", default="auto", help="auto (probe OpenBLAS kernels), keep, or an OPENBLAS_CORETYPE")
    args = ap.parse_args()
    kernel = setup_kernel(args.coretype)

    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    try:
        import torch.func as ft  # PyTorch >= 2.0
        api = "torch.func"
    except ImportError:
        import functorch as ft  # 1.13 ships the same transforms as functorch
        api = "functorch"
    torch.set_default_dtype(torch.float64)
    blas = Blas()
    kernel["env_in_effect"] = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}

    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if args.quick:
        MIN_REPEATS, MIN_TOTAL_S, MIN_SLOW_REPEATS = 1, 0.0, 1
    cases = [c for c in args.cases.split(",") if c]
    tasks = [t for t in args.tasks.split(",") if t]
    thread_list = [1] if args.quick else list(THREADS)
    start = time.perf_counter()
    default_threads = torch.get_num_threads()
    print(f"torch {torch.__version__} ({api}), float64; BLAS {blas.openblas or blas.libs}; "
          f"kernel choice: {kernel.get('choice')}; torch default threads {default_threads}", flush=True)

    # functorch's limits, shown on the smallest example.
    limits = {}
    try:
        ft.jvp(ft.grad(lambda x: F.log_softmax(x, 0)[3]), (torch.randn(10),), (torch.randn(10),))
        limits["forward_over_reverse_log_softmax"] = "works"
    except Exception as e:  # noqa: BLE001
        limits["forward_over_reverse_log_softmax"] = short_error(e)

    results, checks, case_info, used = [], {}, {}, {}
    for name in cases:
        c = build(name)
        case_info[name] = c.info
        fns, notes = make_methods(c)
        set_threads(blas, 1)
        checks[name] = {}
        for task in tasks:
            if task == "batch64_jac" and name not in BATCH_JAC_CASES:
                continue
            meths = [k for k, v in METHODS.items() if v[0] == task]
            arg = c.Z if task.startswith("batch") else c.z
            t0 = time.perf_counter()
            ref = fns[REFERENCE[task]](arg)
            check_s = {REFERENCE[task]: time.perf_counter() - t0}  # one run at 1 thread, cold
            scale = max(1.0, max(t.abs().max().item() for t in ref))
            ok, skipped = [], {}
            if name == "toy" and task == "jac":
                want = torch.tensor([[-8 / 27, 0, 16 / 45, 0, 8 / 135, 0, 32 / 135, 0, 0, 0, 0, 0],
                                     [0, 2 / 75, 0, 0, 0, 6 / 75, 0, 8 / 75, 0, 0, 0, 0]])
                checks[name]["looped_vs_closed_form"] = (ref[1] - want).abs().max().item()
                assert checks[name]["looped_vs_closed_form"] < 1e-14
            if task == "sumgrad" and "jac" in tasks:
                checks[name]["sumgrad_looped_vs_rowsum_of_looped"] = \
                    (ref - fns["looped"](c.z)[1].sum(0)).abs().max().item()
            for meth in meths:
                if meth == REFERENCE[task]:
                    ok.append(meth)
                    continue
                try:
                    est = fns["estimate"].get(meth)
                    if est is not None:
                        sec, d, how = est(arg, ref)
                        checks[name][meth + "_partial_vs_" + REFERENCE[task]] = d
                        assert d <= TOL * scale, (name, meth, d, scale)
                        if sec * (MIN_SLOW_REPEATS + 1) > SKIP_ESTIMATE_S:
                            skipped[meth] = (f"estimated {sec:.0f} s per run ({how}): {MIN_SLOW_REPEATS} repeats "
                                             f"and a warm-up would exceed {SKIP_ESTIMATE_S:.0f} s")
                            print(f"  {name} {meth}: {skipped[meth]}", flush=True)
                            continue
                    t0 = time.perf_counter()
                    got = fns[meth](arg)
                    check_s[meth] = time.perf_counter() - t0
                    d = max_diff(got, ref)
                    del got
                except AssertionError:
                    raise
                except Exception as e:  # noqa: BLE001
                    skipped[meth] = "fails: " + short_error(e)
                    print(f"  {name} {meth}: {skipped[meth]}", flush=True)
                    continue
                finally:
                    gc.collect()
                checks[name][meth + "_vs_" + REFERENCE[task]] = d
                assert d <= TOL * scale, (name, meth, d, scale)
                ok.append(meth)
            del ref
            gc.collect()
            print(f"{name:6} {task:11} checked: " + " ".join(
                f"{k.split('_vs_')[0]} {v:.1e}" for k, v in checks[name].items()
                if k.split("_vs_")[0] in meths), flush=True)
            for meth in meths:
                used.setdefault(meth, METHODS[meth])
                for threads in thread_list:
                    rec = {"case": name, "task": task, "method": meth, "threads": threads}
                    # Not even perfect scaling to all the threads would fit the repeats in the budget.
                    hopeless = check_s.get(meth, 0) / max(thread_list) * (MIN_SLOW_REPEATS + 1) > SKIP_ESTIMATE_S
                    if meth in skipped:
                        rec["skipped"] = skipped[meth]
                    elif hopeless and not args.quick:
                        rec["skipped"] = (f"its check run took {check_s[meth]:.0f} s at 1 thread: {MIN_SLOW_REPEATS} "
                                          f"repeats and a warm-up would exceed {SKIP_ESTIMATE_S:.0f} s even at "
                                          f"{max(thread_list)} threads")
                    else:
                        set_threads(blas, threads)
                        rec["torch_threads"] = torch.get_num_threads()
                        rec["blas_threads"] = blas.threads()
                        rec["loadavg_1min_before"] = round(os.getloadavg()[0], 2)
                        runs, why = time_it(fns[meth], arg, SKIP_ESTIMATE_S)
                        if why:
                            rec["skipped"] = why
                        else:
                            rec["median_s"] = statistics.median(runs)
                            rec["runs"] = runs
                        if notes.get(meth):
                            rec["note"] = notes[meth]
                        gc.collect()
                    results.append(rec)
                    shown = (f"{rec['median_s'] * 1e3:11.3f} ms ({len(rec['runs'])} runs)" if "median_s" in rec
                             else "skipped: " + rec["skipped"])
                    print(f"[{time.perf_counter() - start:6.0f} s] {name:6} {meth:27} t={threads} {shown}", flush=True)
        del fns
        gc.collect()

    # Summaries: the fastest of a group, per case and thread count.
    for name in cases:
        for sname, (task, group) in SUMMARIES.items():
            for threads in thread_list:
                timed = [r for r in results if r["case"] == name and r["threads"] == threads
                         and r["method"] in group and "median_s" in r]
                if timed:
                    best = min(timed, key=lambda r: r["median_s"])
                    results.append(dict(best, method=sname, variant=best["method"]))
                elif any(r["case"] == name and r["method"] in group for r in results):
                    results.append({"case": name, "task": task, "method": sname, "threads": threads,
                                    "skipped": "every method skipped"})

    out = {
        "generator": "bench/torch_bench.py",
        "format": 2,
        "measured_at": started_at,
        "torch_version": torch.__version__,
        "api": api,
        "dtype": "float64",
        "machine": machine(blas),
        "blas": {"loaded": blas.libs, "openblas": blas.openblas, "threadpoolctl": blas.threadpoolctl,
                 "kernel": kernel, "torch_config": torch.__config__.show()},
        "threads": {"measured": thread_list, "torch_default": default_threads,
                    "interop": torch.get_num_interop_threads(),
                    "note": "per timing, torch.set_num_threads(threads) and openblas_set_num_threads(threads); "
                            "torch_threads and blas_threads are what they then report. The 2 cores are shared."},
        "protocol": {"warmup_runs": 2, "min_repeats": MIN_REPEATS, "min_total_s": MIN_TOTAL_S,
                     "max_total_s": MAX_TOTAL_S, "slow_run_s": SLOW_RUN_S, "min_slow_repeats": MIN_SLOW_REPEATS,
                     "skip_estimate_s": SKIP_ESTIMATE_S, "statistic": "median of runs, seconds",
                     "agreement": f"max |difference| to the looped reference <= {TOL:g} * max(1, max |reference|)"},
        "tasks": {"jac": "s and the full m x P_D Jacobian for one latent",
                  "sumgrad": "grad_theta_D sum_i s_i for one latent",
                  "batch64": f"{BATCH} latents: s for each, grad_theta_D sum_b sum_i s_i(z_b)",
                  "batch64_jac": f"{BATCH} latents: s and the full Jacobian for each ({', '.join(BATCH_JAC_CASES)})"},
        "methods": {k: {"task": v[0], "what": v[1]} for k, v in used.items()},
        "summaries": {k: {"task": v[0], "fastest_of": v[1]} for k, v in SUMMARIES.items()},
        "functorch_limits": limits,
        "cases": case_info,
        "agreement": checks,
        "results": results,
    }
    if not args.quick:
        os.makedirs(os.path.dirname(os.path.abspath(args.o)), exist_ok=True)
        with open(args.o, "w") as f:
            f.write(dumps(out) + "\n")
        print(f"wrote {os.path.relpath(args.o)}")

    print("\nfastest per case, task and threads (ms):")
    for name in cases:
        for sname in ("best_torch", "sumgrad", "batch64", "batch64_jac"):
            for r in results:
                if r["case"] == name and r["method"] == sname:
                    v = f"{r['median_s'] * 1e3:11.3f}  {r['variant']}" if "median_s" in r else r["skipped"]
                    print(f"  {name:6} {sname:11} t={r['threads']} {v}")
    print(f"total {time.perf_counter() - start:.0f} s")


def dumps(v, ind=""):
    """JSON with each innermost list of numbers on one line."""
    nxt = ind + " "
    if isinstance(v, dict):
        items = [f"{nxt}{json.dumps(k)}: {dumps(x, nxt)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + ind + "}"
    if isinstance(v, list):
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            return json.dumps(v, allow_nan=False)
        return "[\n" + ",\n".join(nxt + dumps(x, nxt) for x in v) + "\n" + ind + "]"
    return json.dumps(v, allow_nan=False)


torch = F = nn = ft = None

if __name__ == "__main__":
    main()
