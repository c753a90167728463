"""The plug-in contract (demos/PLUGIN.md), checked for every demo the registry finds.

One folder per demo, one shape: META, the torch-free import, the entry points and their
signatures, the kit's checkpoint format, the renderer, the README's sections, the same set of
test files, and ``eval_demo <slug> --quick`` meeting the plug-in's declared acceptance figures
from the committed weights. The template a new demo is copied from, ``tests/demo_plugins/probe``,
is held to the same contract (it lives outside ``demos/plugins/``, so the site does not list it
and its renderer is not collected).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import subprocess
import sys
import typing
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from demos import registry, schema
from demos.kit import checkpoint, cli
from demos.kit.evaluation import (
    BASELINES,
    REPORT_VERSION,
    Criterion,
    EvalConfig,
    Report,
    read_report,
)
from demos.kit.training import TrainResult
from tests.demos_support import PROBE

ROOT = Path(__file__).resolve().parent.parent
SLUGS = list(registry.plugin_packages())
TEMPLATE = "probe"
ALL = [*SLUGS, TEMPLATE]
FILES = ("__init__.py", "model.py", "task.py", "train.py", "infer.py", "evaluate.py", "README.md")
TEST_FILES = (
    "__init__.py",
    "conftest.py",
    "test_model.py",
    "test_task.py",
    "test_train.py",
    "test_infer.py",
    "test_checkpoint.py",
)
README_SECTIONS = ("Retrain", "Evaluate", "Figures")
HEAVY = ("torch", "numpy", "scipy", "numba", "sklearn")


def test_the_registry_finds_all_five_demos_by_folder():
    assert SLUGS == ["act", "dnc", "learned_opt", "wage", "wavenet"]
    assert [d.slug for d in registry.all_demos()] == [*SLUGS, TEMPLATE]  # the template last


@pytest.fixture(autouse=True)
def _with_the_template(settings):
    settings.DEMOS_EXTRA_PACKAGES = [PROBE]
    registry.reset()
    yield
    registry.reset()


def demo(slug: str) -> registry.Demo:
    found = registry.get(slug)
    assert found is not None, f"{slug} is not listed"
    return found


def home(slug: str) -> Path:
    if slug == TEMPLATE:
        return ROOT / "tests" / "demo_plugins" / TEMPLATE
    return ROOT / "demos" / "plugins" / slug


@pytest.mark.parametrize("slug", ALL)
def test_the_folder_holds_every_file_of_the_shape(slug):
    folder = demo(slug).folder
    assert folder == home(slug)
    missing = [name for name in FILES if not (folder / name).is_file()]
    assert missing == []
    assert sorted(p.name for p in (folder / "weights").glob("*.pt")), "no bundled checkpoint"
    tests = folder / "tests"
    assert [name for name in TEST_FILES if not (tests / name).is_file()] == []
    assert not (tests / "test_package.py").exists()  # this contract test replaced them


@pytest.mark.parametrize("slug", ALL)
def test_meta_follows_the_contract(slug):
    meta = demo(slug).meta
    schema.check_meta(meta)
    assert meta["slug"] == slug
    for key in ("title", "summary", "explanation"):
        assert set(meta[key]) == {"en", "es"} and all(meta[key].values()), key
    assert meta["points"] and len(set(meta["points"])) == len(meta["points"])
    assert len(set(meta["nodes"])) == len(meta["nodes"])  # may be empty (no graph node)
    for name, spec in meta["params"].items():
        assert set(spec["label"]) == {"en", "es"}, name
        if spec["type"] in ("int", "float"):
            assert spec["min"] <= spec["default"] <= spec["max"], name
        if spec["type"] == "choice":
            assert spec["default"] in spec["choices"], name


@pytest.mark.parametrize("slug", ALL)
def test_importing_the_package_imports_nothing_heavy(slug):
    code = (
        f"import sys, {demo(slug).package} as p; "
        f"print(p.META['slug'], *sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [slug]


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


@pytest.mark.parametrize("slug", ALL)
def test_the_entry_points_have_the_kits_signatures(slug):
    d = demo(slug)
    train = d.module("train")
    assert _params(train.train)[:2] == ["cfg", "on_step"]
    assert typing.get_type_hints(train.train)["return"] is TrainResult
    assert dataclasses.is_dataclass(train.TrainConfig)
    assert cli.parse(train.TrainConfig, []) == train.TrainConfig()  # every field a flag, with help
    assert not [
        name
        for name, value in vars(train).items()
        if value is __import__("argparse").ArgumentParser
    ]
    assert _params(d.module("infer").run)[:2] == ["params", "progress"]
    evaluate = d.module("evaluate")
    assert _params(evaluate.evaluate)[:2] == ["cfg", "out"]
    assert typing.get_type_hints(evaluate.evaluate)["return"] is Report
    assert evaluate.ACCEPTANCE and all(isinstance(c, Criterion) for c in evaluate.ACCEPTANCE)
    assert isinstance(evaluate.ABLATIONS, tuple) and evaluate.ABLATIONS  # the ablations it must run
    assert any(c.quick for c in evaluate.ACCEPTANCE)


@pytest.mark.parametrize("slug", ALL)
def test_no_plugin_source_writes_an_argument_parser_or_loads_torch_itself(slug):
    for path in sorted(demo(slug).folder.rglob("*.py")):
        text = path.read_text()
        assert "ArgumentParser" not in text and "argparse" not in text, path
        # Spelled in two parts so that tests/test_house_rules.py does not find the call here.
        assert "torch." + "load(" not in text and "weights_only" not in text, path


@pytest.mark.parametrize("slug", ALL)
def test_every_checkpoint_is_in_the_kit_format_and_under_5_mb(slug):
    paths = sorted((demo(slug).folder / "weights").glob("*.pt"))
    for path in paths:
        payload = checkpoint.load(path)
        assert set(payload) == set(checkpoint.FIELDS), path.name
        assert isinstance(payload["seed"], int) and payload["code_version"], path.name
        assert path.stat().st_size < checkpoint.MAX_BYTES, path.name


@pytest.mark.parametrize("slug", ALL)
def test_the_renderer_ships_inside_the_plugin_and_is_found_by_the_static_finders(slug):
    path = demo(slug).folder / "static" / "demos" / f"{slug}.js"
    if slug == TEMPLATE:
        assert path.is_file() and finders.find(f"demos/{slug}.js") is None  # never served
    else:
        assert finders.find(f"demos/{slug}.js") == str(path)
    text = path.read_text()
    assert re.search(rf"DemoRenderers(\[\"{slug}\"\]|\.{slug})\s*=", text)
    assert not (ROOT / "static" / "demos" / f"{slug}.js").exists()  # one copy, in the plug-in


@pytest.mark.parametrize("slug", ALL)
def test_the_readme_has_the_sections_and_commands(slug):
    text = (demo(slug).folder / "README.md").read_text()
    assert text.startswith("# ")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    for section in README_SECTIONS:
        assert any(h.startswith(section) for h in headings), section
    assert f"eval_demo {slug}" in text and "--quick" in text
    assert f"train_demo {slug}" in text


@pytest.mark.slow
@pytest.mark.parametrize("slug", ALL)
def test_eval_demo_quick_meets_the_declared_acceptance_figures(slug):
    stdout = StringIO()
    call_command("eval_demo", slug, "--quick", "--resamples", "500", stdout=stdout)
    report = json.loads(stdout.getvalue().strip().splitlines()[-1])
    assert report["demo"] == slug and report["quick"] is True
    evaluate = demo(slug).module("evaluate")
    declared = [c.figure for c in evaluate.ACCEPTANCE if c.quick]
    assert [c["figure"] for c in report["acceptance"]] == declared
    assert [c for c in report["acceptance"] if not c["passed"]] == []
    assert report["passed"] is True
    assert report["splits"] and all(s["size"] > 0 for s in report["splits"].values())
    assert set(report["baselines"]) <= set(BASELINES) and report["baselines"]
    assert any("ci95" in f for f in report["figures"].values())  # at least one interval
    assert set(evaluate.ABLATIONS) <= set(report["ablations"])
    assert EvalConfig().quick is False  # quick is asked for, never the default


def _intervals(figures: dict) -> list[str]:
    return [name for name, f in figures.items() if "ci95" in f]


@pytest.mark.parametrize("slug", ALL)
def test_the_stored_evaluation_is_a_full_multi_seed_report_the_page_can_explain(slug):
    """``eval_demo <slug> --write``'s evaluation.json: what the demo page shows."""
    d = demo(slug)
    report = read_report(d.folder)
    assert report is not None, f"no evaluation.json: run manage.py eval_demo {slug} --write"
    evaluate = d.module("evaluate")
    assert report["demo"] == slug and report["quick"] is False
    assert report["report_version"] == REPORT_VERSION
    seeds = report["seeds"]
    assert len(set(seeds)) == len(seeds) >= (1 if slug == TEMPLATE else 3), seeds
    headline = _intervals(report["figures"])
    assert headline, "no figure with an interval"
    for name in headline:
        lo, hi = report["figures"][name]["ci95"]
        assert lo <= report["figures"][name]["mean"] <= hi, name
    assert evaluate.ABLATIONS and set(evaluate.ABLATIONS) <= set(report["ablations"])
    for name, ablation in report["ablations"].items():
        assert ablation["figures"], name
    notes = d.meta.get("evaluation_notes", {})
    explained = [*headline, *report["ablations"]]
    unexplained = [n for n in explained if set(notes.get(n, {})) != {"en", "es"}]
    assert unexplained == [], "META['evaluation_notes'] needs an EN and an ES sentence for these"
    assert all(notes[n]["en"].strip() and notes[n]["es"].strip() for n in explained)
