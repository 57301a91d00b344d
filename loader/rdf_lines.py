"""The line of a user's RDF file that a validation finding names: where the parser reads the first statement
about the finding's resource (:func:`loader.rdf_files.first_lines`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from loader.rdf_files import first_lines


def with_lines(report, path: Path, quads: Sequence[ox.Quad]):
    """``report`` (a :class:`loader.validate.Report` on what ``path`` was read into, ``quads``) with each finding
    that names no line given the line on which the parser reads the first statement about its focus resource,
    where there is one."""
    missing = {f.focus for f in report.findings if f.line is None}
    if not missing:
        return report
    nodes = focus_nodes(missing, quads)
    lines = first_lines(path, set(nodes.values()), quads)
    return replace(report, findings=tuple(
        f if f.line is not None or f.focus not in nodes else replace(f, line=lines.get(nodes[f.focus]))
        for f in report.findings))


def focus_nodes(focuses: Collection[str], quads: Sequence[ox.Quad]) -> dict[str, ox.NamedNode | ox.BlankNode]:
    """The IRI or blank node of ``quads`` each of ``focuses`` (as a report writes them: a blank node by its id)
    names; a literal is left out."""
    nodes: dict[str, ox.NamedNode | ox.BlankNode] = {}
    for focus in focuses:
        try:
            nodes[focus] = ox.NamedNode(focus)
        except ValueError:
            continue
    if len(nodes) < len(focuses):
        blanks = {term.value: term for quad in quads for term in (quad.subject, quad.object)
                  if type(term) is ox.BlankNode}
        nodes.update((focus, blanks[focus]) for focus in focuses if focus in blanks)
    return nodes
