"""The layering, enforced (an equivalent of import-linter contracts, read from the source with ``ast``).

* The core (document, numbers, values, common, rulesets, direction, scoring, derive, figures, tolerance,
  native) imports nothing above it.
* readers, checks and writers do not import each other, except the findings types (checks.base) and the
  named debts in ``KNOWN`` (each to be paid by moving the shared piece into the core).
* The CLI and the web reach readers, the check families and the derived document only through the services
  (service, editing, review) and the writers' ``write``; ``KNOWN`` lists the exceptions left.

A new import across a line fails here with the module that made it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "jixiao"
CORE = {"document", "numbers", "values", "common", "rulesets", "direction", "scoring", "derive", "figures",
        "tolerance", "native", "cells"}
PEERS = {"readers", "checks", "writers"}
SERVICES = {"service", "editing", "review", "synthetic"}
SHELLS = {"cli", "web"}
FINDINGS = "checks.base"

KNOWN = {
    # readers share the prose-claim extraction with the narrative checks (issue 16's area)
    ("readers.assemble", "checks.claims"),
    # writers correct the prose with the narrative checks' figures
    ("writers.tables", "checks.narrative"), ("writers.draft", "checks.narrative"),
    ("writers.prose", "checks"), ("writers.prose", "checks.claims"), ("writers.prose", "checks.narrative"),
    # the writer's keep layer marks the unit's text with the narrative checks' disputes (issue 18)
    ("writers.keep", "checks"), ("writers.keep", "checks.narrative"),
    # shells reaching below the services
    ("web.jobs.archive", "readers"), ("web.evaluations.services", "readers"),
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The jixiao modules ``path`` imports, as dotted names under jixiao (``checks.base``)."""
    module = _module(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
                if not node.module:  # from . import common, direction
                    found |= {".".join([*base, a.name]) for a in node.names}
                    continue
            elif (node.module or "").startswith("jixiao."):
                target = node.module.removeprefix("jixiao.")
            else:
                continue
            found.add(target)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("jixiao.") for a in node.names if a.name.startswith("jixiao.")}
    return {t for t in found if t}


def _layer(module: str) -> str:
    top = module.split(".")[0]
    return "writers" if top == "forms" else top  # forms.py lays out the official forms for the writers


def _edges() -> list[tuple[str, str]]:
    return [(_module(p), t) for p in SRC.rglob("*.py") if "migrations" not in p.parts for t in _imports(p)]


def _allowed(source: str, target: str) -> bool:
    a, b = _layer(source), _layer(target)
    if a == b or (source, target) in KNOWN or (source, _layer(target)) in KNOWN:
        return True
    if a in CORE:
        return b in CORE
    if a in PEERS:
        return b in CORE or target == FINDINGS
    if a in SERVICES:
        return b in CORE | PEERS | SERVICES
    if a in SHELLS:  # the core's types and the services; never a reader, a check family or the deriver
        return (b in CORE - {"derive"} | SERVICES | SHELLS | {"writers"}) or target in ("checks", FINDINGS)
    return True


def test_no_import_crosses_a_layer() -> None:
    crossing = sorted({(s, t) for s, t in _edges() if not _allowed(s, t)})
    assert crossing == [], "\n".join(f"{s} → {t}" for s, t in crossing)


def test_the_known_debts_are_still_real() -> None:
    """A debt paid is removed from KNOWN, so the list never hides a new crossing."""
    edges = {(s, t) for s, t in _edges()} | {(s, _layer(t)) for s, t in _edges()}
    assert KNOWN <= edges, KNOWN - edges


def test_the_core_imports_no_web_framework() -> None:
    for path in SRC.rglob("*.py"):
        if _layer(_module(path)) in CORE | PEERS:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not any(m.split(".")[0] in ("django", "ninja") for m in names), path
