"""Shared PyTorch helpers for dualgrad's independent oracle and benchmarks.

Networks are written out by hand from flat parameter vectors so that every
derivative is produced by PyTorch's own AD (functorch transforms), not by any
formula shared with dualgrad's Go code.

Network JSON (the layers/ package format):
    {"layers": [{"weight": [[...], ...], "bias": [...], "activation": "tanh"}, ...]}
weight is out x in (nn.Linear layout); the activation is applied after the
affine map and defaults to "identity". Parameters flatten in nn.Module
parameters() order: layer by layer, weight row-major, then bias.
"""

import json
import math

import torch
import torch.nn.functional as F

try:  # PyTorch >= 2.0
    from torch.func import grad, jacfwd, jacrev, vmap  # noqa: F401

    FUNC_API = "torch.func"
except ImportError:  # PyTorch 1.13 ships the same transforms as functorch
    from functorch import grad, jacfwd, jacrev, vmap  # noqa: F401

    FUNC_API = "functorch"


def softplus_exact(x):
    """log(1+e^x) without torch's threshold=20 linearisation.

    F.softplus returns x itself above 20; dualgrad's Softplus is the exact
    function, so the oracle uses the exact form. Clamping keeps the branch
    that torch.where discards from overflowing (inf * 0 = nan in backward).
    """
    pos = x + torch.log1p(torch.exp(-x.clamp(min=0)))
    neg = torch.log1p(torch.exp(x.clamp(max=0)))
    return torch.where(x > 0, pos, neg)


ACTIVATIONS = {
    "identity": lambda x: x,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": softplus_exact,
    "relu": torch.relu,  # relu'(0) = 0
    "elu": lambda x: F.elu(x, alpha=1.0),
    "silu": F.silu,
    "gelu": lambda x: F.gelu(x, approximate="none"),  # exact erf form
    "sin": torch.sin,
}

# Activations with a kink at 0: fixtures keep their pre-activations away from it.
KINKED = {"relu", "elu"}


class Spec:
    """Shapes and activations of an MLP; parameters live in a flat vector."""

    def __init__(self, dims, acts):
        assert len(acts) == len(dims) - 1, (dims, acts)
        for a in acts:
            assert a in ACTIVATIONS, a
        self.dims = list(dims)
        self.acts = list(acts)
        # (weight offset, bias offset, out, in) per layer, in parameters() order.
        self.slices = []
        off = 0
        for i in range(len(acts)):
            fan_in, fan_out = dims[i], dims[i + 1]
            self.slices.append((off, off + fan_out * fan_in, fan_out, fan_in))
            off += fan_out * fan_in + fan_out
        self.nparams = off

    @property
    def n_in(self):
        return self.dims[0]

    @property
    def n_out(self):
        return self.dims[-1]

    def layers(self, theta):
        """Splits a flat parameter vector into [(W, b, act)]."""
        out = []
        for (w0, b0, fo, fi), act in zip(self.slices, self.acts):
            out.append((theta[w0:b0].reshape(fo, fi), theta[b0:b0 + fo], act))
        return out

    def forward(self, theta, x, preacts=None):
        """The network applied to one input vector x."""
        for W, b, act in self.layers(theta):
            a = W @ x + b
            if preacts is not None:
                preacts.append(a)
            x = ACTIVATIONS[act](a)
        return x

    def split(self, theta):
        """The flat vector as a list [W0, b0, W1, b1, ...] (views)."""
        return [t for W, b, _ in self.layers(theta) for t in (W, b)]

    def forward_list(self, params, x):
        """forward with parameters as a list [W0, b0, W1, b1, ...].

        Differentiating wrt a list avoids the slice-backward of the flat form,
        which materializes a zero P-vector per layer per cotangent.
        """
        for i, act in enumerate(self.acts):
            x = ACTIVATIONS[act](params[2 * i] @ x + params[2 * i + 1])
        return x

    def flatten(self, Ws, bs):
        parts = []
        for W, b in zip(Ws, bs):
            parts.append(torch.as_tensor(W).reshape(-1))
            parts.append(torch.as_tensor(b).reshape(-1))
        return torch.cat(parts)

    def to_json(self, theta):
        return {
            "layers": [
                {"weight": W.tolist(), "bias": b.tolist(), "activation": act}
                for W, b, act in self.layers(theta.detach())
            ]
        }


def random_theta(spec, gen, std=None):
    """Random weights: N(0, std^2), or N(0, 1/fan_in) when std is None. Biases likewise."""
    parts = []
    for (_, _, fo, fi) in spec.slices:
        s = std if std is not None else 1.0 / math.sqrt(fi)
        parts.append(torch.randn(fo * fi, generator=gen) * s)
        parts.append(torch.randn(fo, generator=gen) * s)
    return torch.cat(parts)


def pieces(theta_d, theta_phi, z, dspec, pspec):
    """s and the pieces of its formula at one latent z (all differentiable).

    u = jacfwd(D)(z) is n x m, g = grad(Phi)(x); s_i = (g.u_i)^2 / (|g|^2 |u_i|^2).
    """

    def D(zz):
        return dspec.forward(theta_d, zz)

    def Phi(xx):
        return pspec.forward(theta_phi, xx)[0]

    x = D(z)
    U = jacfwd(D)(z)  # n x m
    g = grad(Phi)(x)  # n
    dot = g @ U
    g2 = g @ g
    u2 = (U * U).sum(0)
    s = dot * dot / (g2 * u2)
    return s, dot, g2, u2


def s_only(theta_d, theta_phi, z, dspec, pspec):
    return pieces(theta_d, theta_phi, z, dspec, pspec)[0]


def s_list(params_d, params_phi, z, dspec, pspec):
    """s as in pieces, with parameters given as lists (see Spec.forward_list)."""

    def D(zz):
        return dspec.forward_list(params_d, zz)

    U = jacfwd(D)(z)
    g = grad(lambda xx: pspec.forward_list(params_phi, xx)[0])(D(z))
    dot = g @ U
    return dot * dot / ((g @ g) * (U * U).sum(0))


def preacts(dspec, pspec, theta_d, theta_phi, z):
    """The pre-activations of every layer of D at z, then of Phi at D(z)."""
    pre = []
    x = dspec.forward(theta_d, z, pre)
    pspec.forward(theta_phi, x, pre)
    return pre


def nondegenerate(dspec, pspec, theta_d, theta_phi, Z, max_preact, accept):
    """Whether a draw suits a fixture at every latent z in Z (B x m): every
    pre-activation at most max_preact in magnitude, and accept(s, dot, g2, u2)
    true for the pieces at z."""
    for z in Z:
        pre = preacts(dspec, pspec, theta_d, theta_phi, z)
        if max(p.abs().max().item() for p in pre) > max_preact:
            return False
        if not accept(*pieces(theta_d, theta_phi, z, dspec, pspec)):
            return False
    return True


# The expected quantities per latent, in the order of the fixtures' JSON.
EXPECTED_KEYS = ("s", "dot", "grad_norm_sq", "col_norm_sq", "grad_d", "grad_phi")


def expected(s, dot, grad_norm_sq, col_norm_sq, grad_d, grad_phi):
    """One latent's expected values as the fixtures hold them (tensors as
    nested lists and numbers)."""
    vals = (s, dot, grad_norm_sq, col_norm_sq, grad_d, grad_phi)
    return {k: v.tolist() if torch.is_tensor(v) else v for k, v in zip(EXPECTED_KEYS, vals)}


def case_json(name, dspec, pspec, theta_d, theta_phi, Z, expected):
    """A case of torch_cases.json and torch_edge_cases.json: both networks in
    the layers JSON format, the latents Z (B x m) and expected per latent."""
    return {
        "name": name,
        "phi": pspec.to_json(theta_phi),
        "d": dspec.to_json(theta_d),
        "z": Z.tolist(),
        "expected": expected,
    }


def flat_jac(parts, rows):
    """Concatenates per-parameter Jacobians (rows x shape) into rows x P."""
    return torch.cat([p.reshape(rows, -1) for p in parts], dim=1)


def dumps(v, ind=""):
    """JSON with each innermost list of numbers on one line (repr precision)."""
    nxt = ind + " "
    if isinstance(v, dict):
        items = [f"{nxt}{json.dumps(k)}: {dumps(x, nxt)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + ind + "}"
    if isinstance(v, list):
        if all(isinstance(x, (int, float)) for x in v):
            return json.dumps(v, allow_nan=False)
        return "[\n" + ",\n".join(nxt + dumps(x, nxt) for x in v) + "\n" + ind + "]"
    return json.dumps(v, allow_nan=False)
