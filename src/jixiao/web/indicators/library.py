"""Keeping the indicator library (指标库): what an approval adds, what a reopening removes, a full rebuild.

An approved evaluation contributes one :class:`~.models.Use` per third-level
indicator (三级指标) it sets (not-applicable ones and rows without a name are
left out); the entries those uses belong to have their summary columns
recomputed from their uses. The recomputation is the same for an approval, a
reopening and :func:`rebuild`, and every choice in it (the typical target among
equally frequent ones, …) depends only on the set of uses, so rebuilding gives
exactly what the incremental updates gave.

Updates of one bureau's library are serialised by a lock on the bureau's row
(``FOR NO KEY UPDATE``: inserting rows that refer to the bureau is not blocked),
so two approvals at once cannot both recompute an entry from half the uses.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet

from jixiao.common import identify
from jixiao.values import ValueKind, parse_value

from ..evaluations.models import Evaluation, Status
from ..orgs.models import Bureau
from .models import Entry, EntryDepartment, Use

_SPACE = re.compile(r"\s+")
_BATCH = 2000
_MAX_NUMBER_DIGITS = 13
"""A target's number is kept for the range only below 10¹³ (the column's size); larger ones are typos."""


def clean(text: Any, limit: int) -> str:
    """A name as the library keys it: whitespace (full-width too) collapsed, trimmed, cut to ``limit``."""
    return _SPACE.sub(" ", str(text or "")).strip()[:limit]


def entry_key(kind: str, level1: str, level2: str, name: str) -> str:
    return hashlib.sha1("\x1f".join((kind, level1, level2, name)).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Leaf:
    """A third-level indicator as the library counts it (taken from the stored document's JSON)."""

    level1: str
    level2: str
    name: str
    target: str
    measure: str
    number: Decimal | None
    description: str


def _number(target: str) -> tuple[Decimal | None, str]:
    """The target's number (for the range) and the unit its text implies (``≥95%`` → 95, ``%``)."""
    value = parse_value(target)
    unit = "%" if value.kind is ValueKind.PERCENT else (value.unit or "")
    n = value.number if value.kind in (ValueKind.NUMBER, ValueKind.PERCENT) else None
    if n is not None and (not n.is_finite() or (n and n.adjusted() >= _MAX_NUMBER_DIGITS)):
        n = None
    return (None if n is None else n.quantize(Decimal("0.000001"))), unit


def leaves_of(indicators: Any) -> Iterator[Leaf]:
    """Every named, applicable third-level indicator of a document's ``indicators`` (plain JSON).

    Reads the JSON defensively: a stored document is settled and valid, but a
    malformed one must not stop an approval.
    """
    for category in indicators if isinstance(indicators, list) else ():
        if not isinstance(category, dict):
            continue
        level1 = clean(category.get("name"), 100)
        for group in category.get("children") or ():
            if not isinstance(group, dict):
                continue
            level2 = clean(group.get("name"), 100)
            for leaf in group.get("children") or ():
                if not isinstance(leaf, dict) or leaf.get("applicable") is False:
                    continue
                name = clean(leaf.get("name"), 200)
                if not name:
                    continue
                target = clean(leaf.get("target"), 200)
                number, implied = _number(target) if target else (None, "")
                measure = clean(leaf.get("unit"), 50) or implied
                yield Leaf(level1, level2, name, target, measure, number, str(leaf.get("description") or "").strip())


# ------------------------------------------------------------------ incremental


def _lock(bureau_id: int) -> None:
    Bureau.objects.select_for_update(no_key=True).filter(pk=bureau_id).exists()


def add(evaluation_id: int) -> int:
    """Count an approved evaluation's indicators in its bureau's library (again, if already counted).

    Returns how many uses it added. Called when an evaluation is approved.
    """
    with transaction.atomic():
        record = (Evaluation.objects.filter(pk=evaluation_id)
                  .values("bureau_id", "department_id", "unit_id", "kind", "year", "status", "document__indicators")
                  .first())
        if record is None:
            return 0
        _lock(record["bureau_id"])
        touched = set(Use.objects.filter(evaluation_id=evaluation_id).values_list("entry_id", flat=True))
        Use.objects.filter(evaluation_id=evaluation_id).delete()
        added = 0
        if record["status"] == Status.APPROVED:
            leaves = list(leaves_of(record["document__indicators"]))
            entries = _entries(record["bureau_id"], record["kind"], leaves)
            uses = list(_uses(evaluation_id, record, leaves, entries))
            _insert(uses)
            touched |= {u[0] for u in uses}
            added = len(uses)
        refresh(touched)
        return added


def remove(evaluation_id: int) -> int:
    """Take an evaluation's indicators out of the library (it was reopened, or is being deleted)."""
    with transaction.atomic():
        bureau_id = Evaluation.objects.filter(pk=evaluation_id).values_list("bureau_id", flat=True).first()
        if bureau_id is None:
            return 0
        _lock(bureau_id)
        touched = set(Use.objects.filter(evaluation_id=evaluation_id).values_list("entry_id", flat=True))
        removed, _ = Use.objects.filter(evaluation_id=evaluation_id).delete()
        refresh(touched)
        return removed


def _entries(bureau_id: int, kind: str, leaves: Iterable[Leaf]) -> dict[str, int]:
    """The entry id of every leaf (of evaluations of one kind), creating the entries that do not exist yet."""
    wanted: dict[str, Leaf] = {}
    for leaf in leaves:
        wanted.setdefault(entry_key(kind, leaf.level1, leaf.level2, leaf.name), leaf)
    found: dict[str, int] = {}
    keys = list(wanted)
    for start in range(0, len(keys), _BATCH):
        found.update(Entry.objects.filter(bureau_id=bureau_id, key__in=keys[start:start + _BATCH])
                     .values_list("key", "pk"))
    new = [Entry(bureau_id=bureau_id, kind=kind, key=k, level1=leaf.level1, level2=leaf.level2, name=leaf.name,
                 search=" ".join((leaf.name, leaf.level1, leaf.level2)).lower(), common=identify(leaf.name) or "")
           for k, leaf in wanted.items() if k not in found]
    Entry.objects.bulk_create(new, batch_size=_BATCH)
    if new:  # bulk_create sets no primary keys on every backend: read them back
        for start in range(0, len(new), _BATCH):
            found.update(Entry.objects.filter(bureau_id=bureau_id, key__in=[e.key for e in new[start:start + _BATCH]])
                         .values_list("key", "pk"))
    return found


_USE_COLUMNS = ("entry", "evaluation", "department", "unit", "year", "target", "measure", "number", "description")


def _uses(evaluation_id: int, record: dict[str, Any], leaves: Iterable[Leaf], entries: dict[str, int]) -> Iterator[tuple]:
    """The rows of :class:`Use` (as tuples in ``_USE_COLUMNS`` order) of one evaluation's leaves."""
    for leaf in leaves:
        yield (entries[entry_key(record["kind"], leaf.level1, leaf.level2, leaf.name)], evaluation_id,
               record["department_id"], record["unit_id"], record["year"], leaf.target, leaf.measure,
               leaf.number, leaf.description)


def _insert(rows: list[tuple], model: type = Use, fields: tuple[str, ...] = _USE_COLUMNS) -> None:
    """Insert rows with one prepared statement (the ORM's ``bulk_create`` costs more than the database here)."""
    if not rows:
        return
    q = connection.ops.quote_name
    columns = ", ".join(q(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            cursor.executemany(f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608
                               rows[start:start + _BATCH])


# ------------------------------------------------------------------ summaries


def refresh(entry_ids: Iterable[int]) -> None:
    """Recompute the summary columns and departments of these entries from their uses.

    An entry left without uses is deleted, unless the bureau recommends it (the
    recommendation is kept for when it is used again).
    """
    ids = sorted(set(entry_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        _refresh(Use.objects.filter(entry_id__in=batch), Entry.objects.filter(pk__in=batch))


def _top(rows: Iterable[dict[str, Any]], *fields: str) -> dict[int, dict[str, Any]]:
    """Per entry, the row with the most uses; ties broken by the fields' text, never by storage order."""
    best: dict[int, dict[str, Any]] = {}
    for row in rows:
        current = best.get(row["entry_id"])
        rank = (-row["n"], *(str(row[f]) for f in fields))
        if current is None or rank < current["rank"]:
            best[row["entry_id"]] = row | {"rank": rank}
    return best


def _refresh(uses: QuerySet[Use], entries: QuerySet[Entry]) -> None:
    """Recompute ``entries`` from ``uses`` (their uses: of a batch of entries, or of a whole bureau)."""
    counts = {r["entry_id"]: r for r in uses.values("entry_id").annotate(
        n=Count("id"), evaluations=Count("evaluation_id", distinct=True), units=Count("unit_id", distinct=True),
        departments=Count("department_id", distinct=True), first=Min("year"), last=Max("year")).order_by()}
    targets = _top(uses.values("entry_id", "target", "measure").annotate(n=Count("id")).order_by(), "target", "measure")
    descriptions = _top(uses.exclude(description="").values("entry_id", "description").annotate(n=Count("id"))
                        .order_by(), "description")
    ranges = {(r["entry_id"], r["measure"]): r for r in uses.filter(number__isnull=False).values(
        "entry_id", "measure").annotate(low=Min("number"), high=Max("number")).order_by()}
    years: dict[int, list[int]] = defaultdict(list)
    for entry_id, year in uses.values_list("entry_id", "year").distinct().order_by("entry_id", "year"):
        years[entry_id].append(year)
    departments = list(uses.values_list("entry_id", "department_id").annotate(n=Count("id")).order_by())

    EntryDepartment.objects.filter(entry__in=entries).delete()
    pks = dict(entries.values_list("pk", "recommended"))
    gone = [pk for pk, recommended in pks.items() if pk not in counts and not recommended]
    for start in range(0, len(gone), _BATCH):
        Entry.objects.filter(pk__in=gone[start:start + _BATCH]).delete()
    kept = pks.keys() - set(gone)
    rows = []
    for pk in sorted(kept):
        c, t = counts.get(pk), targets.get(pk, {})
        span = ranges.get((pk, t.get("measure", "")), {})
        rows.append((*((c["n"], c["evaluations"], c["units"], c["departments"], c["first"], c["last"]) if c
                       else (0, 0, 0, 0, None, None)),
                     "、".join(str(y) for y in years.get(pk, []))[:200], t.get("target", ""), t.get("measure", ""),
                     t.get("n", 0), span.get("low"), span.get("high"),
                     descriptions.get(pk, {}).get("description", ""), pk))
    _write(rows)
    _insert([r for r in departments if r[0] in kept], EntryDepartment, ("entry", "department", "uses"))


_SUMMARY = ("uses", "evaluations", "units", "departments", "first_year", "last_year", "years", "target", "unit",
            "target_uses", "low", "high", "description")


def _write(rows: list[tuple]) -> None:
    """Store the summaries: one prepared UPDATE executed for every entry (``bulk_update`` builds a CASE per
    field and row, which costs seconds for a few thousand entries)."""
    if not rows:
        return
    table = connection.ops.quote_name(Entry._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(Entry._meta.get_field(f).column)} = %s" for f in _SUMMARY)
    with connection.cursor() as cursor:
        key = connection.ops.quote_name(Entry._meta.pk.column)
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE {key} = %s", rows)  # noqa: S608 - names from the model


# ------------------------------------------------------------------ rebuild


def rebuild(bureau_ids: Iterable[int] | None = None, batch: int = 500) -> dict[str, int]:
    """Recompute the libraries of these bureaus (all by default) from their approved evaluations.

    Recommendations are kept. Returns counts (bureaus, evaluations, uses, entries).
    """
    ids = list(bureau_ids) if bureau_ids is not None else list(Bureau.objects.order_by("pk").values_list("pk", flat=True))
    totals = {"bureaus": 0, "evaluations": 0, "uses": 0, "entries": 0}
    for bureau_id in ids:
        with transaction.atomic():
            _lock(bureau_id)
            done = _rebuild_bureau(bureau_id, batch)
        totals["bureaus"] += 1
        for k, v in done.items():
            totals[k] += v
    return totals


def _rebuild_bureau(bureau_id: int, batch: int) -> dict[str, int]:
    Use.objects.filter(entry__bureau_id=bureau_id).delete()
    approved = Evaluation.objects.filter(bureau_id=bureau_id, status=Status.APPROVED)
    pks = list(approved.order_by("pk").values_list("pk", flat=True))
    evaluations = uses = 0
    for start in range(0, len(pks), batch):
        records = list(Evaluation.objects.filter(pk__in=pks[start:start + batch]).values(
            "pk", "bureau_id", "department_id", "unit_id", "kind", "year", "document__indicators"))
        rows: list[tuple] = []
        leaves = {r["pk"]: list(leaves_of(r["document__indicators"])) for r in records}
        for kind in sorted({r["kind"] for r in records}):
            same = [r for r in records if r["kind"] == kind]
            entries = _entries(bureau_id, kind, (leaf for r in same for leaf in leaves[r["pk"]]))
            for r in same:
                rows.extend(_uses(r["pk"], r, leaves[r["pk"]], entries))
        _insert(rows)
        evaluations += len(records)
        uses += len(rows)
    _refresh(Use.objects.filter(entry__bureau_id=bureau_id), Entry.objects.filter(bureau_id=bureau_id))
    return {"evaluations": evaluations, "uses": uses, "entries": Entry.objects.filter(bureau_id=bureau_id).count()}


def on_transition(evaluation_id: int, from_status: str, to_status: str) -> None:
    """The workflow moved an evaluation: an approval adds its indicators, leaving approved removes them."""
    if to_status == Status.APPROVED:
        add(evaluation_id)
    elif from_status == Status.APPROVED:
        remove(evaluation_id)


__all__ = ["Leaf", "add", "clean", "entry_key", "leaves_of", "on_transition", "rebuild", "refresh", "remove"]
