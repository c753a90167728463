"""The parity task of Graves (2016), section 3.1, scaled to CPU.

Each input is one vector of size D (the paper: 64; here 8) presented as a sequence of length
one. A random number k of its entries are set to +1 or -1 at random positions, the rest are
0, and the target is 1 when the count of +1 entries is odd. The paper draws k from 1..D; we
also allow k = 0 (the zero vector, target 0) so every vector a user can type is in the
training distribution.

D = 8 has only 3^8 = 6561 distinct vectors, so a seed alone would not keep evaluation data
unseen. We therefore split the vector space itself: a fixed hash of each vector's base-3
code sends about `HELD_OUT_FRACTION` of the vectors to the "held_out" split, which training
never draws and which is only used to report figures. (A third, validation split cut from
the training vectors slowed generalisation so much that the models no longer fitted the
time budget: parity is learnt in a grokking-like way, and the held-out error drops only
after the training vectors are fitted, later the fewer vectors there are.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import torch

HELD_OUT_FRACTION = 0.2
SPLITS = ("train", "held_out")
_HASH_MULTIPLIER = 2654435761  # Knuth's multiplicative hash constant
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


def split_of(vectors: torch.Tensor) -> torch.Tensor:
    """[batch, D] -> [batch] int64: index into SPLITS of each vector's split.

    The zero vector always stays in training: it is the only vector with k = 0.
    """
    hashed = (vector_code(vectors) * _HASH_MULTIPLIER) % _HASH_MODULUS
    u = hashed.double() / _HASH_MODULUS
    split = torch.zeros_like(hashed)
    split[u < HELD_OUT_FRACTION] = SPLITS.index("held_out")
    split[(vectors == 0).all(dim=-1)] = SPLITS.index("train")
    return split


def is_held_out(vectors: torch.Tensor) -> torch.Tensor:
    """[batch, D] -> [batch] bool: whether each vector belongs to the held-out split."""
    return split_of(vectors) == SPLITS.index("held_out")


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


# Up to this D the whole vector space is enumerated once and sampled from per split and k,
# which is much cheaper per batch than redrawing (3^10 = 59049 vectors, 0.5 MB).
_ENUMERATE_MAX_DIM = 10


class _SplitTable(NamedTuple):
    """One split's vectors grouped by k: vectors[offset[k] : offset[k] + counts[k]] have k non-zeros."""

    vectors: torch.Tensor  # [n, D]
    offset: torch.Tensor  # [D + 1]
    counts: torch.Tensor  # [D + 1] (not `count`: that is tuple.count)


@lru_cache(maxsize=4)
def _split_tables(dim: int) -> dict[str, _SplitTable]:
    """The enumerated vector space of a small D, one table per split in SPLITS."""
    codes = torch.arange(3**dim)
    digits = (codes.unsqueeze(-1) // 3 ** torch.arange(dim)) % 3
    space = (digits - 1).float()
    k = (space != 0).sum(dim=-1)
    which = split_of(space)
    tables = {}
    for index, split in enumerate(SPLITS):
        # Every split keeps the zero vector (the only k = 0 vector) rather than none.
        member = (which == index) | (k == 0)
        order = torch.argsort(k[member], stable=True)
        count = torch.bincount(k[member], minlength=dim + 1)
        offset = torch.cumsum(count, 0) - count
        tables[split] = _SplitTable(space[member][order], offset, count)
    return tables


def _sample_from_tables(
    dim: int, split: str, nonzero: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """[batch, D] vectors drawn uniformly from `split` for each requested k (`nonzero`: [batch])."""
    table = _split_tables(dim)[split]
    u = torch.rand(nonzero.shape[0], generator=generator, dtype=torch.float64)
    pick = table.offset[nonzero] + (u * table.counts[nonzero]).long()
    return table.vectors[pick]


def sample(
    batch: int,
    dim: int,
    generator: torch.Generator,
    split: str = "train",
    nonzero: torch.Tensor | None = None,
) -> ParityBatch:
    """Draw a batch from one of SPLITS or from "any" vector (then k ~ U{0..D} if not given)."""
    if split not in (*SPLITS, "any"):
        raise ValueError(f"unknown split {split!r}")
    if split != "any" and dim <= _ENUMERATE_MAX_DIM:
        if nonzero is None:
            nonzero = torch.randint(0, dim + 1, (batch,), generator=generator)
        vectors = _sample_from_tables(dim, split, nonzero, generator)
    else:
        vectors = random_vectors(batch, dim, generator, nonzero)
    if split != "any" and dim > _ENUMERATE_MAX_DIM:
        for _ in range(_MAX_REDRAWS):
            wrong = split_of(vectors) != SPLITS.index(split)
            wrong &= (vectors != 0).any(dim=-1)  # every split keeps the zero vector
            if not bool(wrong.any()):
                break
            k = (vectors != 0).sum(dim=-1)[wrong]
            vectors[wrong] = random_vectors(int(wrong.sum()), dim, generator, k)
        else:
            raise RuntimeError("could not draw enough vectors from the requested split")
    return ParityBatch(
        inputs=vectors.unsqueeze(1),
        target=parity_target(vectors).unsqueeze(1),
        nonzero=(vectors != 0).sum(dim=-1),
    )


# Redraws are independent, so even k = 1 (16 vectors, a few held out) settles in a handful.
_MAX_REDRAWS = 200


def format_vector(vector: torch.Tensor | list[float]) -> str:
    """Human-readable form of one input, e.g. '+ 0 - + 0 0 0 +  (3 ones -> odd)'."""
    values = [round(float(v)) for v in vector]
    symbols = {1: "+", 0: "0", -1: "-"}
    ones = sum(v == 1 for v in values)
    return (
        f"{' '.join(symbols[v] for v in values)}  ({ones} ones -> {'odd' if ones % 2 else 'even'})"
    )
