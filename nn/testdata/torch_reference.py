#!/usr/bin/python3
"""PyTorch's values for package nn's examples (nn/torch_test.go).

Builds the examples' networks as PyTorch module code (the modules below),
loads the parameters and batch norm buffers that Go wrote with
    go test ./nn -run TestTorchReference -torchdump /tmp/nn_dump.json
with load_state_dict (only num_batches_tracked may be missing), checks that
named_parameters() lists Go's names in Go's order, and computes, in float64
by plain autograd on the modules in eval mode,
    x = D(z) flattened, J = dx/dz (one grad per x_j), g = grad Phi(x)[K],
    s_i = (g.u_i)^2 / (|g|^2 |u_i|^2),  ds_i/dp by one torch.autograd.grad per i,
and writes per parameter tensor and i the norm, the sum, and the first and
middle entries of ds_i/dp:
    /usr/bin/python3 nn/testdata/torch_reference.py /tmp/nn_dump.json nn/testdata/torch_reference.json
(Debian's python3-torch 1.13.)
"""

import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


class DCGANGenerator(nn.Module):
    def __init__(self, nz):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(True),
            nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
            nn.ConvTranspose2d(8, 1, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class DCGANDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, 8, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(8, 16, 4, 2, 1, bias=False), nn.BatchNorm2d(16), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(16, 1, 4, 1, 0),
        )

    def forward(self, x):
        return torch.flatten(self.main(x), 1)


class DenseDecoder(nn.Module):
    def __init__(self, m, c):
        super().__init__()
        self.c = c
        self.fc1 = nn.Linear(m, 64)
        self.fc2 = nn.Linear(64, c * 8 * 8)

    def forward(self, z):
        h = torch.tanh(self.fc1(z))
        return torch.tanh(self.fc2(h)).view(1, self.c, 8, 8)


class BasicBlock(nn.Module):  # torchvision.models.resnet.BasicBlock, no downsample
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class TinyResNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer1 = nn.Sequential(BasicBlock(c))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(c, 1)

    def forward(self, x):
        x = self.avgpool(self.layer1(x))
        return self.fc(torch.flatten(x, 1))


class VAEDecoder(nn.Module):  # the decode half of pytorch/examples' vae
    def __init__(self, m, n):
        super().__init__()
        self.fc3 = nn.Linear(m, 64)
        self.fc4 = nn.Linear(64, n)

    def forward(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))


class MNISTNet(nn.Module):  # pytorch/examples' mnist Net, fewer channels
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(128, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)


MODELS = {
    "dcgan": (lambda: DCGANGenerator(8), DCGANDiscriminator),
    "resnet": (lambda: DenseDecoder(4, 4), lambda: TinyResNet(4)),
    "mnist": (lambda: VAEDecoder(4, 144), MNISTNet),
}


def load(module, dumped):
    state = {}
    for t in dumped["params"] + (dumped["buffers"] or []):
        state[t["name"]] = torch.tensor(t["data"]).view(t["shape"])
    missing, unexpected = module.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    names = [n for n, _ in module.named_parameters()]
    assert names == [t["name"] for t in dumped["params"]], (names, [t["name"] for t in dumped["params"]])
    module.eval()
    return module


def reference(name, prob):
    mk_d, mk_phi = MODELS[name]
    D = load(mk_d(), prob["D"])
    Phi = load(mk_phi(), prob["Phi"])
    K = prob["phi_output"]
    z = torch.tensor(prob["z"]).requires_grad_(True)
    x = D(z.view(prob["d_in"])).reshape(-1)
    J = torch.stack([torch.autograd.grad(x[j], z, retain_graph=True, create_graph=True)[0] for j in range(x.numel())])
    out = Phi(x.view(prob["phi_in"])).reshape(-1)
    g = torch.autograd.grad(out[K], x, retain_graph=True, create_graph=True)[0]
    c = J.T @ g
    G = g @ g
    U = (J * J).sum(0)
    s = c * c / (G * U)
    result = {"name": name, "s": s.tolist(), "dot": c.tolist(), "grad_norm_sq": G.item(), "col_norm_sq": U.tolist()}
    for key, mod in (("d", D), ("phi", Phi)):
        params = list(mod.named_parameters())
        rows = []
        for i in range(s.numel()):
            gr = torch.autograd.grad(s[i], [p for _, p in params], retain_graph=True, allow_unused=True)
            rows.append([torch.zeros_like(p) if d is None else d.reshape(-1) for (_, p), d in zip(params, gr)])
        norm, tot, entry = [], [], []
        for q, (_, p) in enumerate(params):
            n = p.numel()
            norm.append([rows[i][q].reshape(-1).norm().item() for i in range(s.numel())])
            tot.append([rows[i][q].reshape(-1).sum().item() for i in range(s.numel())])
            entry.append([[rows[i][q].reshape(-1)[0].item(), rows[i][q].reshape(-1)[n // 2].item()] for i in range(s.numel())])
        result[key] = {"names": [n for n, _ in params], "norm": norm, "sum": tot, "entry": entry}
    return result


def main():
    dumped = json.load(open(sys.argv[1]))
    out = [reference(name, dumped[name]) for name in MODELS]
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for r in out:
        print(r["name"], "s =", " ".join("%.6g" % v for v in r["s"]))


if __name__ == "__main__":
    main()
