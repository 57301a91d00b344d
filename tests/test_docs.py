"""Docs that fail when stale: the README's commands, the Makefile's targets, CI, CLI commands and doctests agree."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

from unkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make serve" in first_block and "make test" in first_block


def test_makefile_has_the_contract_targets():
    targets = set(re.findall(r"^([a-z]+):", MAKEFILE, re.M))
    assert {"install", "serve", "test", "bench"} <= targets
    # serve loads first, test lints and validates first: the README promises both
    assert re.search(r"^serve: load$", MAKEFILE, re.M)
    assert re.search(r"^test: lint validate$", MAKEFILE, re.M)


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_is_documented():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"`unkg {name}" in README, f"README's command table lacks unkg {name}"


def test_every_setting_is_documented():
    """Every UNKG_ variable the code names (however it reads it: ``environ.get("UNKG_STORE")``, a mapping's
    ``.get("UNKG_BASE", ...)``, ``TOKEN_VARIABLE = "UNKG_UPDATE_TOKEN"``) has a row in the README's settings table."""
    settings = set(re.findall(r"\bUNKG_[A-Z][A-Z_]*", _python_sources()))
    assert {"UNKG_STORE", "UNKG_BASE", "UNKG_UPDATE_TOKEN"} <= settings  # the search finds what it is for
    table = README.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    for setting in sorted(settings):
        assert any(f"`{setting}`" in row for row in rows), f"{setting} is read by the code but not in the README's " \
                                                            "settings table"


def _python_sources() -> str:
    return "\n".join(p.read_text() for d in ("loader", "api", "unkg") for p in (ROOT / d).rglob("*.py"))


def _modules_with_examples() -> list[str]:
    found = []
    for folder in ("loader", "api", "unkg"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ">>> " in path.read_text(encoding="utf-8") and path.name != "__main__.py":
                found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


@pytest.mark.parametrize("module", _modules_with_examples())
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_every_route_is_documented():
    import api.exports
    import api.graph_store
    import api.health
    import api.pages
    import api.sparql
    import api.ui

    routers = [api.exports, api.graph_store, api.health, api.pages, api.sparql, api.ui]
    paths = {route.path for module in routers for route in module.router.routes}
    assert "/sparql" in paths and "/void" in paths
    for path in paths:
        # the literal parts of a path template ("/meeting/{m:path}/programme.ics": "/meeting/", "/programme.ics")
        for piece in re.split(r"\{[^}]*\}", path):
            if piece.strip("/"):
                assert piece.rstrip("/") in README, f"route {path} is not in the README"


def test_the_pre_commit_hook_runs_on_the_rdf_files_unkg_validate_reads():
    """The hook's ``files:`` left out .owl and .turtle, which unkg validate reads. Its pattern names the extensions
    the loader reads but the two that most repositories use for other things (package.json, pom.xml: a hook on
    them would fail commits over files that are not RDF; README says how to add them), and matches them in any
    case (the loader lowers a suffix), as pre-commit does: ``re.search`` on each path."""
    from loader.rdf_files import FORMATS

    not_by_default = {".json", ".xml"}
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    files = re.compile(re.search(r"^  files: (.+)$", hooks, re.MULTILINE)[1])
    named = set(re.search(r"\\.\((.*)\)\$$", files.pattern)[1].split("|"))
    assert not_by_default < set(FORMATS)
    assert {f".{extension}" for extension in named} == set(FORMATS) - not_by_default
    for extension in set(FORMATS) - not_by_default:
        assert files.search(f"data/a{extension}") and files.search(f"data/A{extension.upper()}")
    assert not any(files.search(name) for name in ("a.toml", "a.txt", "a.ttl.bak", "ttl", "a.xmlx", "package.json",
                                                   "pom.xml"))
