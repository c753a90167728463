"""The registry: lazy discovery from META, no torch in web processes, broken plug-ins left out."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from demos import registry
from tests.demos_support import *  # fixture: probe

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_web_side_of_the_demos_never_imports_torch():
    """Import every web-facing demos module, list every demo and render the pages: torch stays out."""
    script = textwrap.dedent(
        """
        import json, os, sys
        os.environ["DJANGO_SETTINGS_MODULE"] = "vault.settings_test"
        import django
        django.setup()
        before = set(sys.modules)
        import demos.api, demos.views, demos.embeds, demos.admin, demos.tasks, demos.services
        import demos.urls, demos.api_urls, demos.embed_urls, demos.oembed_urls
        from demos import registry
        demos_found = [d.slug for d in registry.all_demos()]
        for d in registry.all_demos():
            d.validate({}); d.fingerprint(); d.has_module("infer")
        from django.template.loader import get_template
        for name in ("demos/index.html", "demos/detail.html", "demos/embed.html", "demos/_talk_demos.html"):
            get_template(name)
        heavy = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("torch", "numpy", "scipy"))
        print(json.dumps({"demos": demos_found, "heavy": heavy}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert "act" in report["demos"]
    assert report["heavy"] == []


def test_a_plugin_is_found_through_its_meta(probe):
    assert probe.slug == "probe" and probe.title("es") == "Demo de prueba"
    assert probe.time_limit_s == 3 and probe.deterministic
    assert "probe" in [d.slug for d in registry.for_talk("dnc-scaling-discussion")]
    assert "probe" not in [d.slug for d in registry.for_talk("koray-kavukcuoglu-iclr-2018")]


def test_a_plugin_with_a_broken_meta_is_left_out(settings, tmp_path, monkeypatch):
    package = tmp_path / "brokenplug"
    package.mkdir()
    (package / "__init__.py").write_text("META = {'slug': 'brokenplug'}\n")
    (package / "infer.py").write_text("def run(params, progress):\n    return {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.DEMOS_EXTRA_PACKAGES = ["brokenplug"]
    registry.reset()
    try:
        assert registry.get("brokenplug") is None
    finally:
        registry.reset()


def test_the_fingerprint_follows_the_bundled_weights(probe, tmp_path):
    before = probe.fingerprint()
    extra = probe.folder / "weights" / "extra.pt"  # beside the probe's own checkpoint
    try:
        extra.write_bytes(b"1234")
        assert probe.fingerprint() != before
    finally:
        extra.unlink()
    assert probe.fingerprint() == before
