"""A justification belongs to its finding's identity (code, field path, values), never to its wording:
rewording a check's message keeps it, and the submit page offers it again; the data migration gives
existing justifications their key."""

from __future__ import annotations

import importlib
from dataclasses import replace

from django.apps import apps

from jixiao import service
from jixiao.web.evaluations.models import Justification
from jixiao.web.evaluations.services import errors_of, previous_justifications, submit

from .conftest import justify_all


def _reworded(monkeypatch) -> None:
    real = service.run_checks

    def reworded(*args, **kwargs):
        return [replace(f, message="（措辞已修改）" + f.message) for f in real(*args, **kwargs)]

    monkeypatch.setattr(service, "run_checks", reworded)


def test_it_keeps_a_justification_across_a_rewording(world, monkeypatch):
    record = world.eval_a
    given = {k: f"理由{i}" for i, k in enumerate(justify_all(record))}
    submit(record, world.anna, record.version, "提交", given)
    stored = {j.key: j.text for j in Justification.objects.filter(transition__evaluation=record)}
    assert stored == given and all(len(k) == 12 for k in stored)
    _reworded(monkeypatch)
    now = errors_of(record)
    assert all(f["message"].startswith("（措辞已修改）") for f in now)
    assert {f["key"] for f in now} == set(stored)  # same findings, new words: same keys
    assert previous_justifications(record) == given


def test_it_offers_the_earlier_justification_on_the_submit_page(world, client_for):
    record = world.eval_a
    keys = list(justify_all(record))
    submit(record, world.anna, record.version, "提交", {k: "按原样提交的理由" for k in keys})
    record.status = "returned"
    record.save(update_fields=["status"])
    page = client_for(world.anna).get(f"/evaluations/{record.pk}/submit/").content.decode()
    assert page.count("按原样提交的理由") == len(keys)


def test_the_migration_gives_old_justifications_their_key(world):
    record = world.eval_a
    keys = list(justify_all(record))
    submit(record, world.anna, record.version, "提交", {k: "理由" for k in keys})
    rows = list(Justification.objects.filter(transition__evaluation=record))
    expected = {j.pk: j.key for j in rows}
    Justification.objects.filter(pk__in=expected).update(key="", expected="", found="")  # as before 0005
    migration = importlib.import_module("jixiao.web.evaluations.migrations.0005_justification_key")
    migration._fill_keys(apps, None)
    assert {j.pk: j.key for j in Justification.objects.filter(pk__in=expected)} == expected
