"""The indicator library's objects for the isolation test (tests/web/test_access.py): an entry of the target's
bureau, made from the target evaluation's first indicator (the evaluation itself is left a draft)."""

from __future__ import annotations


def isolation_objects(world, record) -> dict:  # noqa: ANN001
    from jixiao.web.indicators.library import entry_key, leaves_of
    from jixiao.web.indicators.models import Entry, EntryDepartment

    leaf = next(leaves_of(record.document["indicators"]))
    entry = Entry.objects.create(
        bureau_id=record.bureau_id, kind=record.kind, key=entry_key(record.kind, leaf.level1, leaf.level2, leaf.name),
        level1=leaf.level1, level2=leaf.level2, name=leaf.name, search=leaf.name.lower(), uses=1, evaluations=1,
        units=1, departments=1, target=leaf.target, unit=leaf.measure)
    EntryDepartment.objects.create(entry=entry, department_id=record.department_id, uses=1)
    return {"indicator": entry.pk}
