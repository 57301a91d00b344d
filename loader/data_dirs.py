"""Where the data the code reads lives: in the checkout (``shapes/``, ``ontology/``, ``tests/cq/``), or, in an
installed package, the copies shipped inside it (``unkg.shapes``, ``unkg.ontology``, ``unkg.examples``).

A module of its own, so that finding a directory imports nothing else (the server needs the query examples, not
pySHACL).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IN_CHECKOUT = (ROOT / "pyproject.toml").is_file()  # installed, ROOT is site-packages, where "shapes" may be another's


def data_dir(relative: str, package: str) -> Path:
    """A data directory of the checkout (``shapes``, ``tests/cq``), or its copy shipped in the installed package.

    The shipped copies are namespace packages (data, no ``__init__.py``): ``importlib.resources.files`` gives a
    ``MultiplexedPath`` for them, whose ``str()`` is no path at all, so the package's own directory is taken from
    its import spec. Found nowhere: the checkout's path, which does not exist, for the reader to name."""
    here = ROOT / relative
    if IN_CHECKOUT and here.is_dir():
        return here
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    return here
