"""One intra-op thread: the tensors here are tiny, and the CI box is shared (COMMON.md)."""

from __future__ import annotations

import torch

torch.set_num_threads(1)
