"""The house rules that keep the tree as it is: a lean runtime lock, one source for each rule.

Each test reads the repository itself, so a change that breaks a rule fails here with the file and
line that broke it, instead of drifting until a reviewer notices.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("vault", "talks", "graphs", "search", "demos")
#: What tests, fuzzing, load and checks use: none of it belongs in a production install.
TEST_TOOLS = (
    "pytest",
    "pytest-django",
    "hypothesis",
    "playwright",
    "schemathesis",
    "atheris",
    "locust",
    "ipython",
    "ruff",
    "mypy",
    "django-stubs",
    "djangorestframework-stubs",
    "pip-tools",
    "psutil",
)


def _pins(lock: Path) -> dict[str, str]:
    """{normalised name: version} of a pip-compile lock file."""
    pins = {}
    for line in lock.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
        if m:
            pins[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return pins


def _app_sources() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def test_the_runtime_lock_holds_no_test_tool():
    runtime = _pins(ROOT / "requirements.txt")
    assert "django" in runtime and "torch" in runtime  # the parser read the lock
    assert sorted(set(TEST_TOOLS) & set(runtime)) == []


def test_the_dev_lock_adds_the_test_tools_at_the_runtime_versions():
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    assert {"pytest", "playwright", "ruff", "mypy"} <= set(dev)
    shared = set(runtime) & set(dev)
    assert {name: (runtime[name], dev[name]) for name in shared if runtime[name] != dev[name]} == {}


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_carries_a_hash(lock):
    text = (ROOT / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    unhashed = [b.split()[0] for b in blocks if "==" in b.split()[0] and "--hash=sha256:" not in b]
    assert unhashed == []


def test_the_language_list_is_written_only_in_settings():
    literal = re.compile(
        r"""\(\s*["']en["']\s*,\s*["']es["']\s*\)|\[\s*["']en["']\s*,\s*["']es["']\s*\]"""
    )
    # A parser's or detector's vocabulary (the languages it has header words or stop-word lists
    # for) is a frozenset of its own, checked against the site's list below, not a copy of it.
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _app_sources()
        if path.name != "settings.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert found == []


def test_the_parsers_vocabularies_cover_the_site_languages():
    from search.analyzer import GUESSABLE
    from talks.importers.knowledge_vault import SUPPORTED_LANGS
    from vault import languages

    assert set(languages.codes()) <= SUPPORTED_LANGS
    assert set(languages.codes()) <= GUESSABLE


def _environment_reads(path: Path) -> list[int]:
    """Lines of ``path`` that read the environment (``os.environ.get``, ``os.environ[...]``, ``getenv``)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func)
            if target in {"os.environ.get", "os.getenv"}:
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) == "os.environ"
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_settings_read_the_environment():
    # gunicorn.conf.py configures the server process before Django starts: it reads GUNICORN_*.
    allowed = {"vault/settings.py", "vault/settings_test.py", "vault/gunicorn.conf.py"}
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _app_sources()
        if str(path.relative_to(ROOT)) not in allowed
        for line in _environment_reads(path)
    ]
    assert found == []


def test_plug_ins_leave_the_thread_count_to_the_platform():
    calls = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "demos" / "plugins").glob("*/infer.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "set_num_threads" in line
    ]
    assert len(list((ROOT / "demos" / "plugins").glob("*/infer.py"))) >= 5
    assert calls == []


def test_the_rules_detect_what_they_forbid(tmp_path):
    """The environment check is not vacuous: it finds each form of read."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\na = os.environ.get('A')\nb = os.environ['B']\nc = os.getenv('C')\n"
    )
    assert _environment_reads(sample) == [2, 3, 4]


def test_checkpoints_are_read_in_one_place_and_never_with_weights_only_false():
    """torch.load is called by demos.kit.checkpoint alone, with weights_only=True."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {".venv", "var", "staticfiles", "node_modules"} or path == Path(
            __file__
        ):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if "weights_only=False" in line.replace(" ", "") and rel != Path(__file__).relative_to(
                ROOT
            ):
                offenders.append(f"{rel}:{n}: {line.strip()}")
            if "torch.load(" in line and rel != Path("demos/kit/checkpoint.py"):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
