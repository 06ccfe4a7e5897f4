"""Safe parsing of XML network files, and a check of Pajek files, before networkx reads them.

XML (GraphML, GEXF) is parsed with :mod:`defusedxml`, which refuses entity
declarations (billion-laughs bombs) and external entities whatever the
version of expat, before any other parser sees the bytes. Pajek files are
checked line by line (networkx's reader fails with "not enough values to
unpack", or quietly adds a vertex for an arc to an undeclared one).

Use :mod:`simulator.network.io`; this module is an implementation detail.

Examples
--------
>>> safe_xml(b"<graphml><graph/></graphml>", "g.graphml").tag
'graphml'
>>> bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
>>> safe_xml(bomb, "g.graphml")
Traceback (most recent call last):
...
simulator.errors.NetworkFileError: g.graphml: XML entity declarations are not allowed (entity 'a')
>>> check_pajek(["*Vertices 2", '1 "a"', '2 "b"', "*Arcs", "1 3"], "g.net")
Traceback (most recent call last):
...
simulator.errors.NetworkFileError: g.net line 5: arc to vertex 3, which *Vertices 2 does not \
declare
"""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from simulator.errors import NetworkFileError

__all__ = ["safe_xml", "check_pajek"]


def safe_xml(data: bytes, fname: str) -> ET.Element:
    """The root element of ``data``, parsed with entity expansion disabled.

    Raises NetworkFileError naming the file (and the line of a syntax error).
    """
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise NetworkFileError(
            f"{fname}: XML entity declarations are not allowed (entity {exc.name!r})"
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as exc:
        raise NetworkFileError(
            f"{fname}: external XML references are not allowed ({exc})"
        ) from None
    except ET.ParseError as exc:
        raise NetworkFileError(
            f"{fname} line {exc.position[0]}: invalid XML ({str(exc).split(':')[0]})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise NetworkFileError(f"{fname}: invalid XML ({type(exc).__name__})") from None


def _tokens(line: str, where: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise NetworkFileError(f"{where}: {exc}") from None


def check_pajek(lines, fname: str) -> None:
    """Check the lines of a Pajek file as networkx will read them; raise naming the line.

    Checks: ``*Vertices N`` with N a count and N vertex lines ``number label``
    after it; arc and edge lines ``u v [weight ...]`` whose ends are declared
    vertices (by number or label) when a ``*Vertices`` line exists.
    """
    lines = [line.rstrip("\r\n") for line in lines]
    ids: set[str] | None = None
    declared = 0
    in_links = False
    i = 0
    while i < len(lines):
        line, lineno = lines[i], i + 1
        where = f"{fname} line {lineno}"
        lower = line.strip().lower()
        i += 1
        if lower.startswith("*vertices"):
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                raise NetworkFileError(f"{where}: expected '*Vertices N', got {line.strip()!r}")
            declared = int(parts[1])
            if declared > len(lines) - i:
                raise NetworkFileError(
                    f"{where}: *Vertices {declared} but only {len(lines) - i} lines follow"
                )
            ids = set()
            for j in range(i, i + declared):
                tokens = _tokens(lines[j], f"{fname} line {j + 1}")
                if len(tokens) < 2:
                    raise NetworkFileError(
                        f"{fname} line {j + 1}: expected a vertex number and a label, "
                        f"got {lines[j].strip()!r}"
                    )
                ids.update(tokens[:2])
            i += declared
            in_links = False
        elif lower.startswith(("*arcs", "*edges")):
            in_links = True
        elif lower.startswith("*network") or not lower or lower.startswith("%"):
            continue
        elif lower.startswith("*"):
            raise NetworkFileError(f"{where}: unsupported Pajek section {line.split()[0]!r}")
        elif in_links:
            tokens = _tokens(line, where)
            if len(tokens) < 2:
                raise NetworkFileError(f"{where}: expected two vertices, got {line.strip()!r}")
            for end in tokens[:2]:
                if ids is not None and end not in ids:
                    raise NetworkFileError(
                        f"{where}: arc to vertex {end}, which *Vertices {declared} does not "
                        "declare"
                    )
        else:
            raise NetworkFileError(f"{where}: expected a '*Vertices' or '*Arcs' line")
