"""Training: a fixed-seed step lowers the loss; train(cfg, on_step) writes a kit checkpoint."""

from __future__ import annotations

import torch

from demos.kit import checkpoint
from demos.plugins.dnc import task as tasks
from demos.plugins.dnc.model import Config, build, load_checkpoint
from demos.plugins.dnc.train import TrainConfig, train


def test_one_adam_step_on_a_fixed_batch_lowers_the_copy_loss() -> None:
    torch.manual_seed(0)
    cfg = Config(task="copy", input_size=7, output_size=6, hidden_size=16, memory_slots=8)
    model = build("dnc", cfg)
    batch = tasks.make_batch("copy", 8, 1, 4, torch.Generator().manual_seed(0), bits=6)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    before = tasks.masked_bce(model(batch.inputs)[0], batch)
    opt.zero_grad()
    before.backward()
    opt.step()
    with torch.no_grad():
        after = tasks.masked_bce(model(batch.inputs)[0], batch)
    assert after.item() < before.item()


def test_train_reports_every_step_and_writes_a_checkpoint_that_loads(tmp_path) -> None:
    out = tmp_path / "dnc_copy.pt"
    seen: list[tuple[int, float]] = []
    cfg = TrainConfig(max_steps=3, batch=4, hidden=8, slots=4, word=4, eval_every=2, out=out)
    result = train(cfg, lambda step, figures: seen.append((step, figures["loss"])))
    assert [s for s, _ in seen] == [1, 2, 3] and all(loss > 0 for _, loss in seen)
    assert result.step == 3 and result.checkpoints == [out]
    payload = checkpoint.load(out)
    assert set(payload) == set(checkpoint.FIELDS) and payload["seed"] == 0
    assert payload["metrics"]["args"]["max_steps"] == 3
    model, _ = load_checkpoint(out, "dnc")
    assert model.cfg.memory_slots == 4
