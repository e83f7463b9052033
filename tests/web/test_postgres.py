"""On PostgreSQL: racing saves never lose an update.

Run with ``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m pytest tests/web``
(``.ci/run`` does); on SQLite these tests skip, saying so.
"""

from __future__ import annotations

import copy
import threading

import pytest
from django.db import connection

from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Evaluation, Version

from .conftest import make_world, need

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg_world():  # noqa: ANN201
    if connection.vendor != "postgresql":
        need("postgres", "设置 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test 后运行 tests/web")
    return make_world()


def _race(n: int, work) -> list:  # noqa: ANN001
    """Run ``work(i)`` in ``n`` threads released at the same instant; each thread its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_of_two_racing_saves_exactly_one_wins_every_time(pg_world):
    w = pg_world
    users = [w.alice, w.anna]
    for round_ in range(20):
        record = Evaluation.objects.get(pk=w.eval_a.pk)
        base = record.version

        def save(i: int, record=record, base=base, round_=round_):  # noqa: ANN001, ANN202
            doc = copy.deepcopy(record.document)
            doc["goals"]["target"] = f"第{round_}轮 用户{i}"
            return services.save(record.pk, doc, base, users[i]).outcome

        outcomes = _race(2, save)
        assert sorted(outcomes) == ["conflict", "saved"], outcomes
        winner = outcomes.index("saved")
        after = Evaluation.objects.get(pk=record.pk)
        assert after.version == base + 1
        assert after.document["goals"]["target"] == f"第{round_}轮 用户{winner}"
        assert Version.objects.get(evaluation=after, number=base + 1).saved_by == users[winner]
    assert Version.objects.filter(evaluation_id=w.eval_a.pk).count() == 21


def test_clients_that_retry_after_a_conflict_keep_every_change(pg_world):
    """Four clients each change their own task; a refused one reloads and applies its change again."""
    w = pg_world
    record_id = w.eval_a.pk
    users = [w.alice, w.anna, w.alice, w.anna]

    def edit(i: int) -> int:
        conflicts = 0
        for _ in range(50):
            current = Evaluation.objects.get(pk=record_id)
            doc = copy.deepcopy(current.document)
            doc["tasks"][i]["content"] = f"客户端{i}的修改"
            outcome = services.save(record_id, doc, current.version, users[i]).outcome
            if outcome == "saved":
                return conflicts
            assert outcome == "conflict"
            conflicts += 1
        raise AssertionError("50 次仍未保存")

    results = _race(4, edit)
    assert all(isinstance(r, int) for r in results), results
    final = Evaluation.objects.get(pk=record_id)
    assert [final.document["tasks"][i].get("content") for i in range(4)] == [f"客户端{i}的修改" for i in range(4)]
    assert final.version == 5 and Version.objects.filter(evaluation_id=record_id).count() == 5


def test_racing_submissions_record_one_transition(pg_world):
    from jixiao.web.evaluations.models import Transition

    from .conftest import justify_all

    w = pg_world
    record = Evaluation.objects.get(pk=w.eval_a.pk)
    notes = justify_all(record)

    def submit(i: int) -> str:
        try:
            services.submit(Evaluation.objects.get(pk=record.pk), w.anna, record.version, "", notes)
            return "submitted"
        except services.ServiceError:
            return "refused"

    assert sorted(_race(3, submit)) == ["refused", "refused", "submitted"]
    assert Transition.objects.filter(evaluation=record).count() == 1
