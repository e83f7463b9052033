"""Reading the indicator library: filters, the page's rows, the editor's search, the common indicators.

Every query is of one bureau (the viewer's) and reads the aggregated tables
(:class:`~.models.Entry`, :class:`~.models.EntryDepartment`), never a document.
What a unit's people see of other units is limited to what helps them set a
target: the typical target, how often and in which departments and years an
indicator was used; never a unit's name or evaluation, and the range of targets
only when at least :data:`RANGE_MIN_UNITS` units used the indicator (so that a
range is not one unit's figure).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from jixiao import rulesets
from jixiao.common import COMMON_INDICATORS, CommonIndicator
from jixiao.numbers import fmt
from jixiao.rulesets import RuleSet

from ..evaluations.models import Kind
from ..orgs.models import Department, Membership, Role, Unit
from .models import Entry, EntryDepartment

RANGE_MIN_UNITS = 3
"""Unit people see the range of targets only when this many units set the indicator."""
DEPARTMENTS_SHOWN = 5
MAX_QUERY = 100


def level_word(text: str) -> str:
    """A level as searched: ``产出指标`` finds ``产出`` and ``产出指标`` (the suffix 指标 is left out)."""
    text = " ".join(text.split())[:MAX_QUERY]
    return text.removesuffix("指标").removesuffix("类") or text


@dataclass
class Filters:
    """The library's search: words of the name or levels, a level, a department, a kind, recommended only."""

    q: str = ""
    level: str = ""
    department: int | None = None
    kind: str = ""
    recommended: bool = False

    @classmethod
    def parse(cls, params: Any, bureau_id: int) -> Filters:
        """From a query string; unknown values are ignored, never an error (a department of another bureau too)."""
        department = params.get("department") or ""
        dept = int(department) if department.isdigit() and len(department) < 12 else None
        if dept is not None and not Department.objects.filter(pk=dept, bureau_id=bureau_id).exists():
            dept = None
        kind = params.get("kind") or ""
        return cls(q=" ".join((params.get("q") or "").split())[:MAX_QUERY], level=level_word(params.get("level") or ""),
                   department=dept, kind=kind if kind in Kind.values else "",
                   recommended=(params.get("recommended") or "") in ("1", "on", "true"))

    def query(self) -> dict[str, str]:
        out = {"q": self.q, "level": self.level, "department": str(self.department or ""), "kind": self.kind,
               "recommended": "1" if self.recommended else ""}
        return {k: v for k, v in out.items() if v}


def entries(bureau_id: int, f: Filters) -> QuerySet[Entry]:
    """The bureau's entries matching ``f``: recommended first, then the most used."""
    qs = Entry.objects.filter(bureau_id=bureau_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.recommended:
        qs = qs.filter(recommended=True)
    if f.department:
        qs = qs.filter(by_department__department_id=f.department)
    for word in f.q.lower().split()[:5]:
        qs = qs.filter(search__contains=word)
    if f.level:
        qs = qs.filter(Q(level1__contains=f.level) | Q(level2__contains=f.level))
    return qs.order_by("-recommended", "-uses", "id")


# ------------------------------------------------------------------ who sees what


@dataclass
class Viewer:
    """The person looking at the library, with what they may see of other units."""

    membership: Membership
    masked: set[int] = field(default_factory=set)
    """Departments whose name is also the name of a unit that is not the viewer's: shown by their code."""

    @property
    def bureau_id(self) -> int:
        return self.membership.bureau_id

    @property
    def staff(self) -> bool:
        return self.membership.role in (Role.REVIEWER, Role.ADMIN)

    @property
    def admin(self) -> bool:
        return self.membership.role == Role.ADMIN

    @classmethod
    def of(cls, m: Membership) -> Viewer:
        viewer = cls(m)
        if not viewer.staff:
            # A department named like a unit (a unit that is its own department) would give the unit's name away.
            viewer.masked = set(Unit.objects.filter(department__bureau_id=m.bureau_id, name=F("department__name"))
                                .exclude(pk=m.unit_id).values_list("department_id", flat=True))
        return viewer

    def department_label(self, pk: int, name: str, code: str) -> str:
        if pk in self.masked:
            return f"部门{code}" if code else f"部门#{pk}"
        return name

    def sees_range(self, e: Entry) -> bool:
        return self.staff or e.units >= RANGE_MIN_UNITS


def departments_for(viewer: Viewer) -> list[tuple[int, str]]:
    """The bureau's departments for the filter, as the viewer may see them."""
    rows = Department.objects.filter(bureau_id=viewer.bureau_id).order_by("code", "name").values_list("pk", "name", "code")
    return [(pk, viewer.department_label(pk, name, code)) for pk, name, code in rows]


# ------------------------------------------------------------------ rows


def target_range(e: Entry) -> str:
    """``85%～95%`` (or one figure when all targets were the same number); '' without numeric targets."""
    if e.low is None or e.high is None:
        return ""
    unit = e.unit if e.unit and e.unit != "定性指标" else ""
    low, high = fmt(Decimal(e.low)), fmt(Decimal(e.high))
    return f"{low}{unit}" if low == high else f"{low}{unit}～{high}{unit}"


def _departments(ids: list[int], viewer: Viewer) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    rows = (EntryDepartment.objects.filter(entry_id__in=ids).order_by("entry_id", "-uses", "department__code", "department_id")
            .values_list("entry_id", "department_id", "department__name", "department__code"))
    for entry_id, pk, name, code in rows:
        out[entry_id].append(viewer.department_label(pk, name, code))
    return out


def rows(page: list[Entry], viewer: Viewer) -> list[dict[str, Any]]:
    """The page's (or the search's) entries as plain data: what the viewer may see of each."""
    departments = _departments([e.pk for e in page], viewer)
    by_key = {c.key: c for c in COMMON_INDICATORS}
    out = []
    for e in page:
        names = departments.get(e.pk, [])
        common = by_key.get(e.common)
        out.append({
            "id": e.pk, "name": e.name, "level1": e.level1, "level2": e.level2, "kind": e.kind,
            "kind_label": Kind(e.kind).label, "target": e.target, "unit": e.unit, "target_uses": e.target_uses,
            "range": target_range(e) if viewer.sees_range(e) else "", "uses": e.uses, "evaluations": e.evaluations,
            "departments": names[:DEPARTMENTS_SHOWN], "more_departments": max(0, len(names) - DEPARTMENTS_SHOWN),
            "department_count": e.departments, "years": e.years, "recommended": e.recommended, "note": e.note,
            "common": e.common, "formula": f"{common.name}={common.formula}" if common else "",
            "description": e.description,
        })
    return out


def search(viewer: Viewer, f: Filters, limit: int = 20) -> dict[str, Any]:
    """The editor's search: matching entries (recommended first, most used) and matching common indicators."""
    qs = entries(viewer.bureau_id, f)
    found = list(qs[:limit + 1])
    common = [c for c in common_rows(viewer.bureau_id) if _common_matches(c, f)] if _wants_common(f) else []
    return {"ok": True, "results": rows(found[:limit], viewer), "more": len(found) > limit, "common": common}


def _wants_common(f: Filters) -> bool:
    return not (f.recommended or f.department or (f.level and not f.q))


def _common_matches(c: dict[str, Any], f: Filters) -> bool:
    if f.recommended or f.department:
        return False
    if f.kind and f.kind not in c["kinds"]:
        return False
    words = f.q.lower().split()
    if not words:
        return not f.level
    text = " ".join([c["name"], *c["aliases"], c["formula"]]).lower()
    return all(w in text for w in words)


# ------------------------------------------------------------------ common indicators


CONFIDENCE = {"V": "已核对公开原文", "R": "通行官方表述（未逐字核对）", "I": "省级或厂商通行做法", "seeds": "据种子报告复原"}
DIRECTION = {"≥": "越高越好", "≤": "越低越好（不超过）"}


def applies(rules: RuleSet) -> tuple[str, ...]:
    """The common indicators a rule set uses: all of them when its basis covers the 共性指标 framework,
    else 预算执行率 when it scores budget execution (every rule set does)."""
    if any("共性指标" in (b.covers or "") or "共性指标" in b.title for b in rules.basis):
        return tuple(c.key for c in COMMON_INDICATORS)
    if any(c.source == "budget_execution" for c in rules.categories):
        return ("budget_execution_rate",)
    return ()


def _basis(rules: RuleSet) -> list[dict[str, Any]]:
    """The rule set's legal basis (依据); the entries on common indicators first."""
    out = [{"title": b.title, "number": b.document_number or "", "url": b.url or "", "covers": b.covers or "",
            "confidence": CONFIDENCE.get(b.confidence, b.confidence), "common": "共性指标" in (b.covers or "")}
           for b in rules.basis]
    return sorted(out, key=lambda b: not b["common"])


def rule_sets(region: str) -> list[dict[str, Any]]:
    """Every rule set with its year, kind, legal basis and the common indicators it uses; the bureau's own first."""
    def local(r: RuleSet) -> bool:
        return bool(region) and (r.jurisdiction in region or region in r.jurisdiction)

    found = sorted(rulesets.available(), key=lambda r: (not local(r), -r.year, r.kind.value, r.id))
    return [{"id": r.id, "title": r.title, "year": r.year, "kind": r.kind.value, "kind_label": Kind(r.kind.value).label,
             "jurisdiction": r.jurisdiction, "local": local(r), "basis": _basis(r), "common": applies(r),
             "categories": [c.name for c in r.categories]}
            for r in found]


def common_rows(bureau_id: int, sets: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The common indicators (共性指标): formula and direction from :mod:`jixiao.common` (the definitions the
    scoring computes them by), the rule sets that use them, and from the bureau's library the typical target,
    unit, 指标说明 and how often they were used."""
    sets = rule_sets("") if sets is None else sets
    usage: dict[str, Entry] = {}
    totals: dict[str, int] = defaultdict(int)
    keys = [c.key for c in COMMON_INDICATORS]
    for e in Entry.objects.filter(bureau_id=bureau_id, common__in=keys).order_by("common", "-uses", "id").only(
            "common", "uses", "target", "unit", "description", "kind", "level1", "level2"):
        usage.setdefault(e.common, e)
        totals[e.common] += e.uses
    return [_common_row(c, usage.get(c.key), totals[c.key], sets) for c in COMMON_INDICATORS]


def _common_row(c: CommonIndicator, used: Entry | None, uses: int, sets: list[dict[str, Any]]) -> dict[str, Any]:
    using = [s for s in sets if c.key in s["common"]]
    return {"key": c.key, "name": c.name, "aliases": [a for a in c.aliases if a != c.name],
            "formula": f"{c.name}={c.formula}", "direction": DIRECTION.get(c.direction, c.direction),
            "comparator": c.direction, "target": used.target if used else "", "unit": used.unit if used else "%",
            "level1": used.level1 if used else "", "level2": used.level2 if used else "",
            "description": used.description if used and used.description else "", "uses": uses,
            "kinds": sorted({s["kind"] for s in using}),
            "rulesets": [{"id": s["id"], "title": s["title"], "year": s["year"]} for s in using]}
