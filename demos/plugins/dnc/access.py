"""DNC memory access: the interface vector, one write head and R read heads.

Graves et al., Nature 538 (2016), Methods, "Interface parameters", "Reading and writing to memory".
The controller emits an interface vector ξ_t that is split into read keys and strengths, a write
key and strength, an erase vector ``e_t ∈ [0,1]^W``, a write vector ``v_t``, R free gates, the
allocation gate, the write gate and R read modes ``π_t^i`` (backward, content, forward). One step:

1. usage from the free gates and the previous read/write weightings (addressing.update_usage),
2. write weighting from content + allocation, then the write
   ``M_t = M_{t-1} ∘ (E - w^w_t e_t^T) + w^w_t v_t^T``,
3. precedence and link matrix updated with the new write weighting,
4. read weighting ``w^{r,i}_t = π^i[0] b^i_t + π^i[1] c^{r,i}_t + π^i[2] f^i_t`` and the read
   vectors ``r^i_t = M_t^T w^{r,i}_t``.

The module holds only the interface projection, so its parameters do not depend on N.

Three switches remove one mechanism each, for the ablations (the interface vector keeps its size,
so an ablated network has the same parameters and simply cannot use the outputs it lost):
``temporal_links=False`` never updates the link matrix and reads by content only (read modes held
at (0, 1, 0)); ``allocation=False`` holds the allocation gate at 0 (content-only writes);
``free_gates=False`` holds the free gates at 0 (retention ψ = 1, usage never falls).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from . import addressing

_NUM_READ_MODES = 3  # backward, content, forward (Methods order)


class AccessState(NamedTuple):
    """The memory and the addressing state carried between time steps."""

    memory: torch.Tensor  # [batch, N, word_size]
    read_weights: torch.Tensor  # [batch, num_reads, N]
    write_weights: torch.Tensor  # [batch, N]
    precedence: torch.Tensor  # [batch, N]
    link: torch.Tensor  # [batch, N, N]
    usage: torch.Tensor  # [batch, N]


class Interface(NamedTuple):
    """The interface vector ξ_t, split and squashed into its valid ranges."""

    read_keys: torch.Tensor  # [batch, num_reads, word_size]
    read_strengths: torch.Tensor  # [batch, num_reads], >= 1
    write_key: torch.Tensor  # [batch, 1, word_size]
    write_strength: torch.Tensor  # [batch, 1], >= 1
    erase: torch.Tensor  # [batch, word_size], in [0, 1]
    write_vector: torch.Tensor  # [batch, word_size]
    free_gates: torch.Tensor  # [batch, num_reads], in [0, 1]
    allocation_gate: torch.Tensor  # [batch, 1], in [0, 1]
    write_gate: torch.Tensor  # [batch, 1], in [0, 1]
    read_modes: torch.Tensor  # [batch, num_reads, 3], rows sum to 1


def initial_state(batch: int, num_slots: int, word_size: int, num_reads: int) -> AccessState:
    """An empty memory of ``num_slots`` rows: all zeros, nothing used, nothing linked."""
    return AccessState(
        memory=torch.zeros(batch, num_slots, word_size),
        read_weights=torch.zeros(batch, num_reads, num_slots),
        write_weights=torch.zeros(batch, num_slots),
        precedence=torch.zeros(batch, num_slots),
        link=torch.zeros(batch, num_slots, num_slots),
        usage=torch.zeros(batch, num_slots),
    )


def write_memory(
    memory: torch.Tensor,
    write_weights: torch.Tensor,
    erase: torch.Tensor,
    write_vector: torch.Tensor,
) -> torch.Tensor:
    """``M_t = M_{t-1} ∘ (E - w^w e^T) + w^w v^T``.

    memory: [batch, N, word_size]; write_weights: [batch, N]; erase, write_vector: [batch, word_size].
    The erase vector is clamped to [0, 1] so that an erase can only shrink a slot towards zero
    (an erase above 1 would flip its sign, below 0 would amplify it).
    """
    erase = erase.clamp(0.0, 1.0)
    w = write_weights.unsqueeze(-1)  # [batch, N, 1]
    return memory * (1.0 - w * erase.unsqueeze(1)) + w * write_vector.unsqueeze(1)


def read_memory(memory: torch.Tensor, read_weights: torch.Tensor) -> torch.Tensor:
    """``r^i = M^T w^{r,i}``. memory: [batch, N, W]; read_weights: [batch, R, N] -> [batch, R, W]."""
    return torch.matmul(read_weights, memory)


Switch = bool | torch.Tensor
"""A mechanism's switch: True/False for the whole batch, or a [batch] tensor of 1.0/0.0 (one per
row, what study.py's stacked training of several variants at once uses)."""


def interface_sizes(word_size: int, num_reads: int) -> list[int]:
    """Widths of the interface vector's parts, in the order ``Interface`` lists them."""
    w, r = word_size, num_reads
    return [r * w, r, w, 1, w, w, r, 1, 1, r * _NUM_READ_MODES]


def _switched(x: torch.Tensor, on: Switch) -> torch.Tensor:
    """``x`` where the switch is on, zeros where it is off (rows of a [batch] switch)."""
    if isinstance(on, bool):
        return x if on else torch.zeros_like(x)
    return x * on.view(-1, *([1] * (x.dim() - 1)))


def squash(
    raw: torch.Tensor,
    word_size: int,
    num_reads: int,
    *,
    temporal_links: Switch = True,
    allocation: Switch = True,
    free_gates: Switch = True,
) -> Interface:
    """The raw interface vector [batch, sum(interface_sizes)] -> its parts in their valid ranges.

    A switch that is off holds its outputs: free gates at 0, the allocation gate at 0, the read
    modes at content only (backward, content, forward) = (0, 1, 0).
    """
    b, w, r = raw.shape[0], word_size, num_reads
    parts = torch.split(raw, interface_sizes(w, r), dim=-1)
    (read_keys, read_strengths, write_key, write_strength, erase, write_vector,
     free, alloc, write_gate, read_modes) = parts  # fmt: skip
    modes = torch.softmax(read_modes.view(b, r, _NUM_READ_MODES), dim=-1)
    if temporal_links is not True:
        content_only = torch.zeros_like(modes)
        content_only[..., 1] = 1.0
        off = content_only - _switched(content_only, temporal_links)  # content_only where off
        modes = _switched(modes, temporal_links) + off
    return Interface(
        read_keys=read_keys.view(b, r, w),
        read_strengths=addressing.oneplus(read_strengths),
        write_key=write_key.view(b, 1, w),
        write_strength=addressing.oneplus(write_strength),
        erase=torch.sigmoid(erase),
        write_vector=write_vector,
        free_gates=_switched(torch.sigmoid(free), free_gates),
        allocation_gate=_switched(torch.sigmoid(alloc), allocation),
        write_gate=torch.sigmoid(write_gate),
        read_modes=modes,
    )


def step(
    xi: Interface, prev: AccessState, temporal_links: Switch = True
) -> tuple[torch.Tensor, AccessState]:
    """One memory step with interface ``xi``: usage, write, links, reads.

    Returns (read words [batch, num_reads, word_size], the new state). With ``temporal_links``
    False the link matrix and precedence are never updated (they stay empty) and the reads go by
    content alone; with a [batch] switch they are updated, but the rows whose switch is off read
    by content alone all the same (their read modes are held at content, see ``squash``).
    """
    psi = addressing.retention(xi.free_gates, prev.read_weights)
    usage = addressing.update_usage(prev.usage, prev.write_weights, psi)

    write_content = addressing.content_weights(prev.memory, xi.write_key, xi.write_strength)
    write_weights = addressing.write_weighting(
        write_content.squeeze(1),
        addressing.allocation(usage),
        xi.allocation_gate,
        xi.write_gate,
    )
    memory = write_memory(prev.memory, write_weights, xi.erase, xi.write_vector)

    read_content = addressing.content_weights(memory, xi.read_keys, xi.read_strengths)
    if temporal_links is False:  # the link matrix and precedence stay empty
        link, precedence, read_weights = prev.link, prev.precedence, read_content
    else:
        link = addressing.update_link(prev.link, prev.precedence, write_weights)
        precedence = addressing.update_precedence(prev.precedence, write_weights)
        forward, backward = addressing.directional_read_weights(link, prev.read_weights)
        modes = xi.read_modes
        read_weights = (
            modes[..., 0:1] * backward + modes[..., 1:2] * read_content + modes[..., 2:3] * forward
        )
    state = AccessState(memory, read_weights, write_weights, precedence, link, usage)
    return read_memory(memory, read_weights), state


class MemoryAccess(nn.Module):
    """Projects the controller output to the interface vector and performs one memory step."""

    def __init__(
        self,
        input_size: int,
        word_size: int,
        num_reads: int,
        *,
        temporal_links: bool = True,
        allocation: bool = True,
        free_gates: bool = True,
    ) -> None:
        super().__init__()
        self.word_size = word_size
        self.num_reads = num_reads
        self.temporal_links = temporal_links
        self.allocation = allocation
        self.free_gates = free_gates
        self.interface = nn.Linear(input_size, sum(interface_sizes(word_size, num_reads)))

    def parse_interface(self, controller_output: torch.Tensor) -> Interface:
        """controller_output: [batch, input_size] -> the squashed interface parameters."""
        return squash(
            self.interface(controller_output),
            self.word_size,
            self.num_reads,
            temporal_links=self.temporal_links,
            allocation=self.allocation,
            free_gates=self.free_gates,
        )

    def forward(
        self, controller_output: torch.Tensor, prev: AccessState
    ) -> tuple[torch.Tensor, AccessState, Interface]:
        """One step. controller_output: [batch, input_size] ->
        (read words [batch, num_reads, word_size], new state, the interface used)."""
        xi = self.parse_interface(controller_output)
        reads, state = step(xi, prev, self.temporal_links)
        return reads, state, xi
