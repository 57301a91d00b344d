"""unkg as ``pip install`` lays it out (site-packages, not the checkout), as CI and pre-commit users run it: the
shapes, ontology and query examples it ships inside the package are found and used.

The layout is made from pyproject.toml's own ``[tool.setuptools]`` packages, package-dir and package-data (what a
wheel holds), and run by the CLI in a process whose import path puts it before the editable install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BARE_MEETING = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/meeting/X/1> a unkg:Meeting .
"""


def installed_layout(site: Path) -> Path:
    """The checkout's packages copied to ``site`` as a wheel of it would put them there."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package in config["packages"]:
        source = ROOT / config.get("package-dir", {}).get(package, package.replace(".", "/"))
        target = site / package.replace(".", "/")
        for pattern in ["*.py", *config.get("package-data", {}).get(package, [])]:
            for file in source.glob(pattern):
                if file.is_file():
                    (target / file.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(file, target / file.relative_to(source))
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return installed_layout(tmp_path_factory.mktemp("site-packages"))


def run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_installed_package_runs_from_site_packages_not_the_checkout(site, tmp_path):
    where = run(site, "-c", "import loader.validate as v; print(v.__file__); print(v.SHAPES_DIR); "
                "print(v.ONTOLOGY_DIR)", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    module, shapes, ontology = where.stdout.split()
    assert module.startswith(str(site)) and shapes == str(site / "unkg" / "shapes")
    assert ontology == str(site / "unkg" / "ontology")


def test_installed_unkg_validates_against_its_shapes(site, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BARE_MEETING, encoding="utf-8")
    result = run(site, "-m", "unkg", "validate", str(bad), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # before: no shapes found, "conforms", exit 0
    assert "does not conform" in result.stdout + result.stderr
    good = tmp_path / "good.ttl"
    good.write_text("<https://w3id.org/unkg/x> <https://w3id.org/unkg/y> 1 .\n", encoding="utf-8")
    assert run(site, "-m", "unkg", "validate", str(good), cwd=tmp_path).returncode == 0


def test_installed_query_page_finds_its_examples(site, tmp_path):
    found = run(site, "-c", "from api.ui import EXAMPLES_DIR; print(len(list(EXAMPLES_DIR.glob('*.rq'))))",
                cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert int(found.stdout) == len(list((ROOT / "tests" / "cq").glob("*.rq"))) > 0


def test_an_installation_without_its_shapes_says_so_instead_of_passing_everything(site, tmp_path):
    broken = installed_layout(tmp_path / "broken-site")
    shutil.rmtree(broken / "unkg" / "shapes")
    bad = tmp_path / "bad.ttl"
    bad.write_text(BARE_MEETING, encoding="utf-8")
    result = run(broken, "-m", "unkg", "validate", str(bad), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no Turtle files (*.ttl)" in result.stderr and "reinstall unkg" in result.stderr
