"""A plug-in's stored evaluation (``evaluation.json``, written by ``eval_demo <slug> --write``) as the
demo page shows it: the interval figures, the ablations and the baselines, each with the one
sentence the plug-in's ``META["evaluation_notes"]`` gives for it in the page's language.

No torch here: the page only reads the JSON the evaluation stored.
"""

from __future__ import annotations

from typing import Any

from demos.kit.evaluation import read_report
from demos.registry import Demo
from demos.ui_text import ui


def _num(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _figure(name: str, data: dict[str, Any]) -> dict[str, Any]:
    if "mean" in data:
        low, high = data["ci95"]
        return {
            "name": name,
            "interval": True,
            "mean": _num(data["mean"]),
            "low": _num(low),
            "high": _num(high),
            "n": data.get("n"),
        }
    return {"name": name, "interval": False, "mean": _num(data.get("value"))}


def notes(demo: Demo) -> dict[str, dict[str, str]]:
    return dict(demo.meta.get("evaluation_notes") or {})


def page_report(demo: Demo, lang: str) -> dict[str, Any] | None:
    """What the page's "How well it works" section shows, or None when nothing is stored."""
    report = read_report(demo.folder)
    if report is None:
        return None
    said = notes(demo)

    def note(name: str) -> str:
        text = said.get(name) or {}
        return text.get(lang) or text.get("en") or ""

    figures = [
        {**_figure(name, data), "note": note(name)}
        for name, data in report.get("figures", {}).items()
        if "mean" in data
    ]
    ablations = [
        {
            "name": name,
            "description": data.get("description", ""),
            "figures": [_figure(k, v) for k, v in data.get("figures", {}).items()],
            "note": note(name),
        }
        for name, data in report.get("ablations", {}).items()
    ]
    baselines = [
        {
            "name": name,
            "description": data.get("description", ""),
            "value": _num(data.get("figure")),
        }
        for name, data in report.get("baselines", {}).items()
        if not isinstance(data.get("figure"), (dict, list))
    ]
    seeds = report.get("seeds", [])
    return {
        "intro": ui(lang)["eval_intro"].format(
            slug=demo.slug, seeds=", ".join(str(s) for s in seeds)
        ),
        "seeds": seeds,
        "figures": figures,
        "ablations": ablations,
        "baselines": baselines,
        "acceptance": report.get("acceptance", []),
        "passed": report.get("passed"),
    }
