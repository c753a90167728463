"""The parity task of Graves (2016), section 3.1, scaled to CPU.

Each input is one vector of size D (the paper: 64; here 10) presented as a sequence of length
one. A random number k of its entries are set to +1 or -1 at random positions, the rest are
0, and the target is 1 when the count of +1 entries is odd. The paper draws k from 1..D; we
also allow k = 0 (the zero vector, target 0) so every vector a user can type is in the
training distribution.

D = 10 has 3^10 = 59,049 distinct vectors, so a seed alone would not keep evaluation data
unseen: the vector space itself is split, once and for all, into three disjoint parts.
Within every k = 1..D the vectors are put in a fixed pseudo-random order (a multiplicative
hash of the vector's base-3 code) and

- the first min(TEST_PER_K, n_k · TEST_MAX_SHARE) go to "test" (reported figures only),
- the next min(VALIDATION_PER_K, n_k · VALIDATION_MAX_SHARE) to "validation" (checkpoint,
  τ and learning-rate selection),
- the rest, and the zero vector, to "train" (the only vectors training ever draws).

n_k = C(D, k) · 2^k is small for small k (20 vectors with one set bit), so the shares cap the
strata that cannot give a full quota, and training keeps most of every k. For D = 10 that is
5,346 test vectors (5, 45, 240, 800 × 6 and 256 for k = 1..10), 2,072 validation vectors and
51,631 training vectors. With D = 8 (6,561 vectors) a test split of 5,000 distinct vectors
would leave training a fifth of the space, from which the RNN memorises but does not
generalise (held-out error ≈ 50 % after 8,000 updates); hence D = 10.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import torch

SPLITS = ("train", "validation", "test")
TEST_PER_K, TEST_MAX_SHARE = 800, 1 / 4
VALIDATION_PER_K, VALIDATION_MAX_SHARE = 300, 1 / 8
# Up to this D the vector space is enumerated (3^10 = 59,049 vectors, 0.5 MB): splits are exact.
MAX_DIM = 10
_HASH_MULTIPLIER = 2654435761  # Knuth's multiplicative hash constant (odd: a bijection mod 2^32)
_HASH_MODULUS = 2**32


class ParityBatch(NamedTuple):
    """inputs: [batch, 1, D] in {-1, 0, 1}; target: [batch, 1] in {0, 1}; nonzero: [batch] = k."""

    inputs: torch.Tensor
    target: torch.Tensor
    nonzero: torch.Tensor


def parity_target(vectors: torch.Tensor) -> torch.Tensor:
    """[batch, D] -> [batch] float: 1 when the number of +1 entries is odd."""
    return ((vectors > 0).sum(dim=-1) % 2).float()


def vector_code(vectors: torch.Tensor) -> torch.Tensor:
    """[batch, D] -> [batch] int64: the vector read as a base-3 number (digits -1, 0, 1 -> 0, 1, 2)."""
    digits = (vectors.round().long() + 1).clamp(0, 2)
    powers = 3 ** torch.arange(vectors.shape[-1], dtype=torch.long)
    return (digits * powers).sum(dim=-1)


def stratum_quota(dim: int, k: int, per_k: int, max_share: float) -> int:
    """Vectors of the n_k = C(D, k) 2^k with k set entries that one held-out split takes."""
    if k == 0:
        return 0  # the zero vector stays in training
    return min(per_k, int(math.comb(dim, k) * 2**k * max_share))


def _space(dim: int) -> torch.Tensor:
    """[3^D, D]: every vector, row i the one whose vector_code is i."""
    codes = torch.arange(3**dim)
    digits = (codes.unsqueeze(-1) // 3 ** torch.arange(dim)) % 3
    return (digits - 1).float()


@lru_cache(maxsize=4)
def _assignment(dim: int) -> torch.Tensor:
    """[3^D] int64: the index into SPLITS of every vector, by vector_code."""
    if not 1 <= dim <= MAX_DIM:
        raise ValueError(f"the parity task enumerates its splits for D <= {MAX_DIM}, not {dim}")
    space = _space(dim)
    k = (space != 0).sum(dim=-1)
    code = torch.arange(3**dim)
    order_key = (code * _HASH_MULTIPLIER) % _HASH_MODULUS
    split = torch.full((3**dim,), SPLITS.index("train"), dtype=torch.long)
    for kk in range(1, dim + 1):
        members = code[k == kk]
        ranked = members[torch.argsort(order_key[members])]
        n_test = stratum_quota(dim, kk, TEST_PER_K, TEST_MAX_SHARE)
        n_valid = stratum_quota(dim, kk, VALIDATION_PER_K, VALIDATION_MAX_SHARE)
        split[ranked[:n_test]] = SPLITS.index("test")
        split[ranked[n_test : n_test + n_valid]] = SPLITS.index("validation")
    return split


def split_of(vectors: torch.Tensor) -> torch.Tensor:
    """[batch, D] -> [batch] int64: index into SPLITS of each vector's split."""
    return _assignment(vectors.shape[-1])[vector_code(vectors)]


def split_name(vector: torch.Tensor) -> str:
    """The split ("train", "validation" or "test") of one [D] vector."""
    return SPLITS[int(split_of(vector.view(1, -1))[0])]


def split_vectors(dim: int, split: str) -> ParityBatch:
    """Every vector of one split, once, ordered by k then by code (a split's distinct items)."""
    space = _space(dim)
    member = _assignment(dim) == SPLITS.index(split)
    vectors = space[member]
    k = (vectors != 0).sum(dim=-1)
    vectors = vectors[torch.argsort(k, stable=True)]
    return ParityBatch(
        inputs=vectors.unsqueeze(1),
        target=parity_target(vectors).unsqueeze(1),
        nonzero=(vectors != 0).sum(dim=-1),
    )


def random_vectors(
    batch: int,
    dim: int,
    generator: torch.Generator,
    nonzero: torch.Tensor | None = None,
) -> torch.Tensor:
    """[batch, D] vectors with k non-zero ±1 entries; k ~ U{0..D} unless `nonzero` ([batch]) is given."""
    if nonzero is None:
        nonzero = torch.randint(0, dim + 1, (batch,), generator=generator)
    # A random permutation per row; the first k positions of it carry the ±1 entries.
    order = torch.rand(batch, dim, generator=generator).argsort(dim=-1)
    rank = order.argsort(dim=-1)
    mask = rank < nonzero.unsqueeze(-1)
    signs = torch.randint(0, 2, (batch, dim), generator=generator).float() * 2 - 1
    return signs * mask


class _SplitTable(NamedTuple):
    """One split's vectors grouped by k: vectors[offset[k] : offset[k] + counts[k]] have k non-zeros."""

    vectors: torch.Tensor  # [n, D]
    offset: torch.Tensor  # [D + 1]
    counts: torch.Tensor  # [D + 1] (not `count`: that is tuple.count)


@lru_cache(maxsize=8)
def _split_table(dim: int, split: str) -> _SplitTable:
    batch = split_vectors(dim, split)
    count = torch.bincount(batch.nonzero, minlength=dim + 1)
    return _SplitTable(batch.inputs[:, 0], torch.cumsum(count, 0) - count, count)


def sample(
    batch: int,
    dim: int,
    generator: torch.Generator,
    split: str = "train",
    nonzero: torch.Tensor | None = None,
) -> ParityBatch:
    """Draw a batch from one of SPLITS (uniform within each k) or "any" vector; k ~ U{0..D} if not given.

    A held-out split has no zero vector: asking it for k = 0 raises ValueError.
    """
    if split not in (*SPLITS, "any"):
        raise ValueError(f"unknown split {split!r}")
    if nonzero is None:
        nonzero = torch.randint(
            0 if split == "train" else 1, dim + 1, (batch,), generator=generator
        )
    if split == "any":
        vectors = random_vectors(batch, dim, generator, nonzero)
    else:
        table = _split_table(dim, split)
        if bool((table.counts[nonzero] == 0).any()):
            raise ValueError(f"split {split!r} has no vector for some requested k")
        u = torch.rand(nonzero.shape[0], generator=generator, dtype=torch.float64)
        vectors = table.vectors[table.offset[nonzero] + (u * table.counts[nonzero]).long()]
    return ParityBatch(
        inputs=vectors.unsqueeze(1),
        target=parity_target(vectors).unsqueeze(1),
        nonzero=(vectors != 0).sum(dim=-1),
    )


def format_vector(vector: torch.Tensor | list[float]) -> str:
    """Human-readable form of one input, e.g. '+ 0 - + 0 0 0 +  (3 ones -> odd)'."""
    values = [round(float(v)) for v in vector]
    symbols = {1: "+", 0: "0", -1: "-"}
    ones = sum(v == 1 for v in values)
    return (
        f"{' '.join(symbols[v] for v in values)}  ({ones} ones -> {'odd' if ones % 2 else 'even'})"
    )
