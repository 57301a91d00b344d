"""Where the data the code reads lives: in the checkout (``shapes/``, ``ontology/``, ``tests/cq/``), or, in an
installed package, the copies shipped inside it (``unkg.shapes``, ``unkg.ontology``, ``unkg.examples``).

A module of its own, so that finding a directory imports nothing else (the server needs the query examples, not
pySHACL).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir(relative: str, package: str) -> Path:
    """A data directory of the checkout (``shapes``, ``tests/cq``), or its copy shipped in the installed package."""
    here = ROOT / relative
    if here.is_dir():
        return here
    from importlib.resources import files

    return Path(str(files(package)))
