"""The distribution of small inner problems the learned optimizer is meta-trained on, and the
out-of-distribution problems it is raced on (talk points 13-14: cheap tasks, generalisation).

Every task exposes a flat parameter vector ``[P, N]`` for P copies trained side by side (the ES
population or a learning-rate grid), a seeded initialisation, a pre-drawn sequence of minibatch
indices (so all members see the same data: common random numbers), and a loss returning ``[P]``.

Families (in distribution):
  * ``digits``  - MLP (1-2 hidden layers of 16 or 32 units, ReLU or tanh) on scikit-learn's bundled
    8×8 digits, cross-entropy;
  * ``syn_cls`` - MLP on Gaussian inputs labelled by a random teacher network;
  * ``syn_reg`` - MLP regression onto a random tanh teacher plus noise, mean squared error;
  * ``quad``    - a noisy ill-conditioned quadratic 0.5·Σ_i λ_i ((x - c)Q)_i², λ ∈ [1/κ, 1], c ~ N(x*, σ²).
Initialisation scales vary log-uniformly in [0.5, 2] × He/LeCun, batch sizes in {32, 64, 128}.

Every task keeps held-out data of its own (``x_test``/``y_test``: a fixed fifth of each bundled
data set, extra teacher-labelled samples, extra quadratic centres) that no optimizer ever sees, so
a race reports the inner problem's test loss beside its training loss.

Out of distribution: a deeper (4 × 32) and a wider (256) digits MLP, the wine and breast-cancer
data sets, and a digits MLP trained for a longer horizon than meta-training ever saw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import torch
import torch.nn.functional as F

META_HORIZON = 100  # inner steps per task during meta-training (the in-distribution horizon)
LONG_HORIZON = 200  # the "longer horizon" out-of-distribution task
FAMILIES = ("digits", "syn_cls", "syn_reg", "quad")
OOD_FAMILIES = ("digits_deep", "digits_wide", "wine", "breast_cancer", "digits_long")
TEST_SEED_OFFSET = 1_000_000  # held-out task seeds never collide with meta-training seeds
_SYN_SAMPLES = 512
_SYN_TEST = 256
_QUAD_CENTRES, _QUAD_TEST = 1024, 256
_TEST_FRACTION = 0.2  # of each bundled data set, held out from every inner training run


@cache
def _dataset(name: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x_train ``[n, d]``, y_train ``[n]``, x_test, y_test) of a bundled sklearn set: a fixed
    seeded 80/20 split, features standardised with the training rows' statistics."""
    from sklearn import datasets

    loader = {
        "digits": datasets.load_digits,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
    }[name]
    bunch = loader()
    x = np.asarray(bunch.data, dtype=np.float64)
    order = np.random.default_rng(0).permutation(len(x))
    n_test = round(_TEST_FRACTION * len(x))
    train, test = order[n_test:], order[:n_test]
    mean, std = x[train].mean(0), x[train].std(0) + 1e-6
    x = (x - mean) / std
    y = np.asarray(bunch.target)

    def tensors(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.tensor(x[rows], dtype=torch.float32), torch.tensor(y[rows], dtype=torch.long)

    return (*tensors(train), *tensors(test))


@dataclass
class Task:
    """One inner problem. ``layers`` are MLP widths (input … output); quad tasks have none."""

    name: str
    family: str
    seed: int
    horizon: int
    x: torch.Tensor  # [n, d] inputs, or [n, dim] noisy centres for quad
    y: torch.Tensor | None  # [n] labels / [n, 1] targets / None for quad
    layers: tuple[int, ...] = ()
    activation: str = "relu"
    init_scale: float = 1.0
    batch_size: int = 64
    loss_kind: str = "cls"  # "cls", "reg" or "quad"
    quad_eig: torch.Tensor | None = None  # [dim]
    quad_rot: torch.Tensor | None = None  # [dim, dim]
    segments: list[tuple[int, int]] = field(default_factory=list)
    x_test: torch.Tensor | None = None  # held-out rows of the same problem (never trained on)
    y_test: torch.Tensor | None = None

    def __post_init__(self) -> None:
        if self.loss_kind == "quad":
            self.segments = [(0, self.x.shape[1])]
            return
        start = 0
        for din, dout in zip(self.layers[:-1], self.layers[1:], strict=False):
            self.segments += [
                (start, start + din * dout),
                (start + din * dout, start + din * dout + dout),
            ]
            start += din * dout + dout

    @property
    def seg_ids(self) -> torch.Tensor:
        """Tensor index of every flat parameter ``[N]`` (for per-tensor feature normalisation)."""
        if not hasattr(self, "_seg_ids"):
            sizes = torch.tensor([end - start for start, end in self.segments])
            self._seg_ids = torch.repeat_interleave(torch.arange(len(self.segments)), sizes)
        return self._seg_ids

    @property
    def n_params(self) -> int:
        return self.segments[-1][1]

    def init_params(self, members: int) -> torch.Tensor:
        """The same seeded initial point for every member: ``[P, N]``."""
        gen = torch.Generator().manual_seed(self.seed * 7 + 1)
        if self.loss_kind == "quad":
            flat = self.init_scale * torch.randn(self.n_params, generator=gen)
        else:
            gain = math.sqrt(2.0) if self.activation == "relu" else 1.0
            parts = []
            for din, dout in zip(self.layers[:-1], self.layers[1:], strict=False):
                w = torch.randn(din * dout, generator=gen) * self.init_scale * gain / math.sqrt(din)
                parts += [w, torch.zeros(dout)]
            flat = torch.cat(parts)
        return flat.unsqueeze(0).repeat(members, 1)

    def batch_indices(self, steps: int) -> torch.Tensor:
        """Minibatch indices ``[steps, B]`` for steps 0…steps-1, seeded by the task."""
        gen = torch.Generator().manual_seed(self.seed * 7 + 2)
        return torch.randint(0, self.x.shape[0], (steps, self.batch_size), generator=gen)

    def loss(
        self, params: torch.Tensor, idx: torch.Tensor | None = None, test: bool = False
    ) -> torch.Tensor:
        """Loss per member ``[P]`` on the training rows ``idx [B]`` (all when None), or with
        ``test`` on all held-out rows."""
        if test:
            assert self.x_test is not None, f"{self.name} has no held-out rows"
            return self._loss(params, self.x_test, self.y_test)
        x = self.x if idx is None else self.x[idx]
        y = self.y if idx is None or self.y is None else self.y[idx]
        return self._loss(params, x, y)

    def _loss(self, params: torch.Tensor, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if self.loss_kind == "quad":
            assert self.quad_rot is not None and self.quad_eig is not None
            z = (params.unsqueeze(1) - x.unsqueeze(0)) @ self.quad_rot  # [P, B, dim]
            return 0.5 * (z.pow(2) * self.quad_eig).sum(dim=2).mean(dim=1)
        h = x
        act = torch.relu if self.activation == "relu" else torch.tanh
        n_layers = len(self.layers) - 1
        for layer in range(n_layers):
            (ws, we), (bs, be) = self.segments[2 * layer], self.segments[2 * layer + 1]
            w = params[:, ws:we].view(-1, self.layers[layer], self.layers[layer + 1])
            h = torch.matmul(h, w) + params[:, bs:be].unsqueeze(1)  # [P, B, dout]
            if layer < n_layers - 1:
                h = act(h)
        assert y is not None  # only quad tasks have no labels
        if self.loss_kind == "reg":
            return (h.squeeze(-1) - y).pow(2).mean(dim=1)
        members, batch, classes = h.shape
        ce = F.cross_entropy(h.reshape(-1, classes), y.repeat(members), reduction="none")
        return ce.view(members, batch).mean(dim=1)

    def describe(self) -> str:
        """Human-readable one-liner, e.g. ``digits MLP 64-32-10 relu, init×1.3, batch 64, 100 steps``."""
        if self.loss_kind == "quad":
            assert self.quad_eig is not None
            cond = float(self.quad_eig.max() / self.quad_eig.min())
            what = f"noisy quadratic, dim {self.n_params}, condition {cond:.0f}"
        else:
            widths = "-".join(str(w) for w in self.layers)
            what = f"{self.family} MLP {widths} {self.activation}, init×{self.init_scale:.2f}"
        return f"{self.name}: {what}, batch {self.batch_size}, {self.horizon} steps, {self.n_params} params"


def _digits_task(
    name: str,
    seed: int,
    rng: np.random.Generator,
    hidden: tuple[int, ...],
    horizon: int,
) -> Task:
    x, y, x_test, y_test = _dataset("digits")
    return Task(
        name,
        "digits",
        seed,
        horizon,
        x,
        y,
        (64, *hidden, 10),
        str(rng.choice(["relu", "tanh"])),
        float(np.exp(rng.uniform(np.log(0.5), np.log(2.0)))),
        int(rng.choice([32, 64, 128])),
        x_test=x_test,
        y_test=y_test,
    )


def _teacher(d: int, out: int, gen: torch.Generator, x: torch.Tensor) -> torch.Tensor:
    w1 = torch.randn(d, 32, generator=gen) / math.sqrt(d)
    w2 = torch.randn(32, out, generator=gen) / math.sqrt(32)
    return torch.tanh(2.0 * x @ w1) @ w2


def sample_task(seed: int, horizon: int = META_HORIZON) -> Task:
    """A task from the meta-training distribution, fully determined by ``seed``."""
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    family = FAMILIES[int(rng.integers(len(FAMILIES)))]
    init_scale = float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
    batch = int(rng.choice([32, 64, 128]))
    act = str(rng.choice(["relu", "tanh"]))
    hidden_width = int(rng.choice([16, 32, 64]))
    digits_width = int(rng.choice([16, 32]))
    if family == "digits":
        depth = int(rng.integers(1, 3))
        return _digits_task(f"digits#{seed}", seed, rng, (digits_width,) * depth, horizon)
    if family in ("syn_cls", "syn_reg"):
        d = int(rng.choice([8, 16, 32]))
        n = _SYN_SAMPLES
        x = torch.randn(n + _SYN_TEST, d, generator=gen)  # the last _SYN_TEST rows are held out
        if family == "syn_cls":
            classes = int(rng.choice([2, 3, 5]))
            y = _teacher(d, classes, gen, x).argmax(dim=1)
            return Task(
                f"syn_cls#{seed}",
                family,
                seed,
                horizon,
                x[:n],
                y[:n],
                (d, hidden_width, classes),
                act,
                init_scale,
                batch,
                "cls",
                x_test=x[n:],
                y_test=y[n:],
            )
        target = _teacher(d, 1, gen, x).squeeze(1)
        target = (target - target[:n].mean()) / (target[:n].std() + 1e-6)
        y = target + 0.1 * torch.randn(n + _SYN_TEST, generator=gen)
        return Task(
            f"syn_reg#{seed}",
            family,
            seed,
            horizon,
            x[:n],
            y[:n],
            (d, hidden_width, 1),
            act,
            init_scale,
            batch,
            "reg",
            x_test=x[n:],
            y_test=y[n:],
        )
    dim = int(rng.choice([16, 32, 64]))
    cond = float(np.exp(rng.uniform(np.log(10.0), np.log(1000.0))))
    eig = torch.logspace(0, -math.log10(cond), dim)
    rot, _ = torch.linalg.qr(torch.randn(dim, dim, generator=gen))
    centre = torch.randn(dim, generator=gen)
    noise = float(np.exp(rng.uniform(np.log(0.1), np.log(1.0))))
    centres = centre + noise * torch.randn(_QUAD_CENTRES + _QUAD_TEST, dim, generator=gen)
    return Task(
        f"quad#{seed}",
        "quad",
        seed,
        horizon,
        centres[:_QUAD_CENTRES],
        None,
        (),
        "linear",
        init_scale,
        batch,
        "quad",
        eig,
        rot,
        x_test=centres[_QUAD_CENTRES:],
    )


def small_task(seed: int, horizon: int = META_HORIZON) -> Task:
    """A deliberately tiny problem (8-16-3 tanh MLP on teacher labels, 195 parameters) for the
    meta-loss landscape analyses, which need thousands of unrolls."""
    gen = torch.Generator().manual_seed(TEST_SEED_OFFSET * 4 + seed)
    x = torch.randn(_SYN_SAMPLES, 8, generator=gen)
    y = _teacher(8, 3, gen, x).argmax(dim=1)
    return Task(
        f"small#{seed}",
        "syn_cls",
        TEST_SEED_OFFSET * 4 + seed,
        horizon,
        x,
        y,
        (8, 16, 3),
        "tanh",
        1.0,
        64,
        "cls",
    )


def heldout_task(index: int) -> Task:
    """The index-th held-out task from the meta-training distribution (seeds never trained on)."""
    return sample_task(TEST_SEED_OFFSET + index)


def ood_task(family: str, seed: int, horizon: int | None = None) -> Task:
    """A task outside the meta-training distribution (see module docstring)."""
    rng = np.random.default_rng(TEST_SEED_OFFSET * 2 + seed)
    if family == "digits_deep":
        return _digits_task(
            f"digits_deep#{seed}", seed, rng, (32, 32, 32, 32), horizon or META_HORIZON
        )
    if family == "digits_wide":
        return _digits_task(f"digits_wide#{seed}", seed, rng, (256,), horizon or META_HORIZON)
    if family == "digits_long":
        return _digits_task(f"digits_long#{seed}", seed, rng, (32,), horizon or LONG_HORIZON)
    if family in ("wine", "breast_cancer"):
        x, y, x_test, y_test = _dataset(family)
        classes = int(max(y.max(), y_test.max())) + 1
        return Task(
            f"{family}#{seed}",
            family,
            seed,
            horizon or META_HORIZON,
            x,
            y,
            (x.shape[1], 32, classes),
            str(rng.choice(["relu", "tanh"])),
            float(np.exp(rng.uniform(np.log(0.5), np.log(2.0)))),
            32,
            "cls",
            x_test=x_test,
            y_test=y_test,
        )
    raise ValueError(f"unknown out-of-distribution family {family!r}")


def make_task(name: str, seed: int, horizon: int) -> Task:
    """A task by family name (in-distribution families are drawn until the family matches)."""
    if name in OOD_FAMILIES:
        return ood_task(name, seed, horizon)
    if name not in FAMILIES:
        raise ValueError(f"unknown task {name!r}")
    for offset in range(1000):
        task = sample_task(TEST_SEED_OFFSET * 3 + seed * 1000 + offset, horizon)
        if task.family == name:
            return task
    raise RuntimeError("no task of that family found")


if __name__ == "__main__":
    for i in range(8):
        print(heldout_task(i).describe())
    for fam in OOD_FAMILIES:
        print(ood_task(fam, 0).describe())
