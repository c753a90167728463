"""DNC addressing: content weights, dynamic memory allocation and temporal memory linkage.

Graves et al., "Hybrid computing using a neural network with dynamic external memory",
Nature 538, 471-476 (2016), Methods. The sections mirrored here, in the order the paper gives them:

* "Content-based addressing": ``C(M, k, β)[i] = softmax_i(β · D(k, M[i]))`` with cosine
  similarity ``D`` and a strength ``β = oneplus(β̂) ≥ 1``.
* "Dynamic memory allocation": retention ``ψ_t = Π_i (1 - f_t^i w^{r,i}_{t-1})``, usage
  ``u_t = (u_{t-1} + w^w_{t-1} - u_{t-1} ∘ w^w_{t-1}) ∘ ψ_t`` and allocation
  ``a_t[φ_t[j]] = (1 - u_t[φ_t[j]]) Π_{i<j} u_t[φ_t[i]]`` with ``φ_t`` the slots sorted by
  ascending usage.
* "Write weighting": ``w^w_t = g^w_t (g^a_t a_t + (1 - g^a_t) c^w_t)``.
* "Temporal memory linkage": precedence ``p_t = (1 - Σ_i w^w_t[i]) p_{t-1} + w^w_t``, link matrix
  ``L_t[i,j] = (1 - w^w_t[i] - w^w_t[j]) L_{t-1}[i,j] + w^w_t[i] p_{t-1}[j]`` with a zero diagonal,
  forward ``f_t^i = L_t w^{r,i}_{t-1}`` and backward ``b_t^i = L_t^T w^{r,i}_{t-1}`` weightings.

Every function is pure (no parameters), so the memory size N is whatever the tensors say: the same
trained network can run with fewer or more slots than it was trained with.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F

# Inside square roots of norms: the cosine similarity against an all-zero memory (the initial
# state) is then 0 instead of 0/0, and its gradient stays finite.
_EPSILON = 1e-6
# Usage is shifted into [ε, 1] before sorting (as deepmind/dnc does): the exclusive cumulative
# product then never multiplies by an exact zero, which keeps its gradient well defined.
_USAGE_EPSILON = 1e-6


def oneplus(x: torch.Tensor) -> torch.Tensor:
    """``oneplus(x) = 1 + log(1 + e^x)``: maps the real line onto [1, ∞) for key strengths."""
    return 1.0 + F.softplus(x)


def cosine_similarity(memory: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Cosine similarity ``D(k, M[i])`` of every key with every memory row.

    memory: [batch, N, word_size]; keys: [batch, num_heads, word_size] -> [batch, num_heads, N].
    """
    dot = torch.matmul(keys, memory.transpose(-1, -2))
    memory_norm = torch.sqrt((memory * memory).sum(-1) + _EPSILON)  # [batch, N]
    key_norm = torch.sqrt((keys * keys).sum(-1) + _EPSILON)  # [batch, num_heads]
    return dot / (key_norm.unsqueeze(-1) * memory_norm.unsqueeze(1))


def content_weights(
    memory: torch.Tensor, keys: torch.Tensor, strengths: torch.Tensor
) -> torch.Tensor:
    """Content weighting ``C(M, k, β)``, a distribution over the N slots for each head.

    memory: [batch, N, word_size]; keys: [batch, num_heads, word_size];
    strengths: [batch, num_heads], already passed through ``oneplus`` -> [batch, num_heads, N].
    """
    similarity = cosine_similarity(memory, keys)
    return torch.softmax(similarity * strengths.unsqueeze(-1), dim=-1)


# --- dynamic memory allocation -------------------------------------------------------------------


def retention(free_gates: torch.Tensor, prev_read_weights: torch.Tensor) -> torch.Tensor:
    """Memory retention ``ψ_t``: how much of each slot the read heads allow to be kept.

    free_gates: [batch, num_reads] in [0, 1]; prev_read_weights: [batch, num_reads, N] -> [batch, N].
    """
    return torch.prod(1.0 - free_gates.unsqueeze(-1) * prev_read_weights, dim=1)


def update_usage(
    prev_usage: torch.Tensor, prev_write_weights: torch.Tensor, psi: torch.Tensor
) -> torch.Tensor:
    """Usage ``u_t``: raised by the last write, lowered by freed reads. All tensors [batch, N]."""
    written = prev_usage + prev_write_weights - prev_usage * prev_write_weights
    return written * psi


def allocation(usage: torch.Tensor) -> torch.Tensor:
    """Allocation weighting ``a_t`` from the usage vector (the free list, Methods eq. for a_t).

    The sort is *stable* (ties go to the lower slot index, so all-free memory fills 0, 1, 2, …
    deterministically) and the permutation is used only as an index: gradients flow through the
    sorted usage values, never through the argsort.

    usage: [batch, N] in [0, 1] -> [batch, N], non-negative, sums to at most 1.
    """
    usage = _USAGE_EPSILON + (1.0 - _USAGE_EPSILON) * usage
    sorted_usage, phi = torch.sort(usage, dim=-1, stable=True)  # ascending: freest slot first
    ones = torch.ones_like(sorted_usage[..., :1])
    exclusive_product = torch.cumprod(torch.cat([ones, sorted_usage[..., :-1]], dim=-1), dim=-1)
    sorted_allocation = (1.0 - sorted_usage) * exclusive_product
    return torch.zeros_like(usage).scatter(-1, phi, sorted_allocation)


def write_weighting(
    write_content_weights: torch.Tensor,
    allocation_weights: torch.Tensor,
    allocation_gate: torch.Tensor,
    write_gate: torch.Tensor,
) -> torch.Tensor:
    """Write weighting ``w^w_t = g^w (g^a a_t + (1 - g^a) c^w_t)``.

    write_content_weights, allocation_weights: [batch, N]; gates: [batch, 1] -> [batch, N],
    summing to at most 1 because both weightings do and the gates lie in [0, 1].
    """
    mixed = allocation_gate * allocation_weights + (1.0 - allocation_gate) * write_content_weights
    return write_gate * mixed


# --- temporal memory linkage ---------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _off_diagonal(n: int, dtype: torch.dtype) -> torch.Tensor:
    """[N, N] mask with zeros on the diagonal (cached: it is needed at every step)."""
    return 1.0 - torch.eye(n, dtype=dtype)


def update_precedence(prev_precedence: torch.Tensor, write_weights: torch.Tensor) -> torch.Tensor:
    """Precedence ``p_t``: the degree to which each slot was the last one written. [batch, N]."""
    return (1.0 - write_weights.sum(-1, keepdim=True)) * prev_precedence + write_weights


def update_link(
    prev_link: torch.Tensor, prev_precedence: torch.Tensor, write_weights: torch.Tensor
) -> torch.Tensor:
    """Link matrix ``L_t[i, j]``: the degree to which slot i was written right after slot j.

    prev_link: [batch, N, N]; prev_precedence, write_weights: [batch, N] -> [batch, N, N] with a
    zero diagonal (a slot never follows itself) and rows and columns summing to at most 1.
    """
    w_i = write_weights.unsqueeze(-1)  # [batch, N, 1]
    w_j = write_weights.unsqueeze(-2)  # [batch, 1, N]
    link = (1.0 - w_i - w_j) * prev_link + w_i * prev_precedence.unsqueeze(-2)
    return link * _off_diagonal(write_weights.shape[-1], link.dtype)


def directional_read_weights(
    link: torch.Tensor, prev_read_weights: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward ``f = L w^r_{t-1}`` and backward ``b = L^T w^r_{t-1}`` weightings.

    link: [batch, N, N]; prev_read_weights: [batch, num_reads, N] ->
    (forward, backward), each [batch, num_reads, N].
    """
    forward = torch.matmul(prev_read_weights, link.transpose(-1, -2))  # Σ_j L[i, j] w[j]
    backward = torch.matmul(prev_read_weights, link)  # Σ_j L[j, i] w[j]
    return forward, backward
