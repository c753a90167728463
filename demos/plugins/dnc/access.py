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


class MemoryAccess(nn.Module):
    """Projects the controller output to the interface vector and performs one memory step."""

    def __init__(self, input_size: int, word_size: int, num_reads: int) -> None:
        super().__init__()
        self.word_size = word_size
        self.num_reads = num_reads
        w, r = word_size, num_reads
        # read keys, read strengths, write key, write strength, erase, write vector,
        # free gates, allocation gate, write gate, read modes
        self._sizes = [r * w, r, w, 1, w, w, r, 1, 1, r * _NUM_READ_MODES]
        self.interface = nn.Linear(input_size, sum(self._sizes))

    def parse_interface(self, controller_output: torch.Tensor) -> Interface:
        """controller_output: [batch, input_size] -> the squashed interface parameters."""
        b, w, r = controller_output.shape[0], self.word_size, self.num_reads
        parts = torch.split(self.interface(controller_output), self._sizes, dim=-1)
        (read_keys, read_strengths, write_key, write_strength, erase, write_vector,
         free_gates, allocation_gate, write_gate, read_modes) = parts  # fmt: skip
        return Interface(
            read_keys=read_keys.view(b, r, w),
            read_strengths=addressing.oneplus(read_strengths),
            write_key=write_key.view(b, 1, w),
            write_strength=addressing.oneplus(write_strength),
            erase=torch.sigmoid(erase),
            write_vector=write_vector,
            free_gates=torch.sigmoid(free_gates),
            allocation_gate=torch.sigmoid(allocation_gate),
            write_gate=torch.sigmoid(write_gate),
            read_modes=torch.softmax(read_modes.view(b, r, _NUM_READ_MODES), dim=-1),
        )

    def forward(
        self, controller_output: torch.Tensor, prev: AccessState
    ) -> tuple[torch.Tensor, AccessState, Interface]:
        """One step. controller_output: [batch, input_size] ->
        (read words [batch, num_reads, word_size], new state, the interface used)."""
        xi = self.parse_interface(controller_output)

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

        link = addressing.update_link(prev.link, prev.precedence, write_weights)
        precedence = addressing.update_precedence(prev.precedence, write_weights)

        read_content = addressing.content_weights(memory, xi.read_keys, xi.read_strengths)
        forward, backward = addressing.directional_read_weights(link, prev.read_weights)
        modes = xi.read_modes
        read_weights = (
            modes[..., 0:1] * backward + modes[..., 1:2] * read_content + modes[..., 2:3] * forward
        )
        state = AccessState(memory, read_weights, write_weights, precedence, link, usage)
        return read_memory(memory, read_weights), state, xi
