"""The digits task: a fixed stratified split, disjoint, pixels on the 4-bit grid, a printer."""

from __future__ import annotations

import torch

from demos.kit.evaluation import Split, check_disjoint
from demos.plugins.wage import META
from demos.plugins.wage.task import NUM_CLASSES, load_digits_split, one_hot, render_digit


def test_the_split_is_1149_train_288_validation_and_360_test_images_stratified() -> None:
    d = load_digits_split()
    assert d.x_train.shape == (1149, 64) and d.x_val.shape == (288, 64)
    assert d.x_test.shape == (360, 64)
    counts = torch.bincount(d.y_test, minlength=NUM_CLASSES)
    assert counts.min() >= 35 and counts.max() <= 37  # ~36 of each digit
    val_counts = torch.bincount(d.y_val, minlength=NUM_CLASSES)
    assert val_counts.min() >= 27 and val_counts.max() <= 30


def test_no_image_is_in_two_splits() -> None:
    d = load_digits_split()
    sizes = check_disjoint(
        Split.of("train", 0, [r.numpy().tobytes() for r in d.x_train]),
        Split.of("val", 0, [r.numpy().tobytes() for r in d.x_val]),
        Split.of("test", 0, [r.numpy().tobytes() for r in d.x_test]),
    )
    assert sizes == {"train": 1149, "val": 288, "test": 360}


def test_pixels_are_the_17_grey_levels_scaled_into_0_1() -> None:
    x = load_digits_split().x_train
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    assert torch.equal(x * 16, (x * 16).round())


def test_one_hot_targets_and_the_printer() -> None:
    assert one_hot(torch.tensor([3])).tolist() == [[0.0] * 3 + [1.0] + [0.0] * 6]
    picture = render_digit(load_digits_split().x_test[0])
    assert len(picture.splitlines()) == 8


def test_the_default_network_is_the_papers_headline_2_8_8_8() -> None:
    assert META["params"]["network"]["default"] == "2-8-8-8"
