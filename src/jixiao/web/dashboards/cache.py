"""The dashboards' figures, kept between views while nothing they count has changed.

A reviewer's dashboard is read far more often than its figures change, and counting a year of a large
bureau costs tens of milliseconds of database and Python. So the computed figures are cached (Django's
cache: the platform's database cache, shared by every server process) under the bureau's *stamp*, read
from the database on every view with two small aggregate queries:

* its evaluations of the year shown (read through the dashboard index): how many, the latest
  ``updated_at``, the sum of their versions — every create, save and workflow step (submit, return,
  approve, reopen) moves ``updated_at``, a delete the count;
* its units: how many, the highest id (a unit added by the administrator is "not started").

Nothing is written when something changes, so saves do not contend on a shared row, and the stamp
cannot miss a change made by any code path that keeps ``updated_at``. What it does not see — a rename,
``reanalyse`` after a rule-set change, a raw ``UPDATE``, a project's first evaluation entered for an
earlier year (which makes it "not started" in this one) — shows when the entry expires: :data:`SECONDS`,
5 minutes by default (``JIXIAO_DASHBOARD_CACHE_SECONDS``; 0 turns the cache off).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from ..evaluations.models import Evaluation
from ..orgs.models import Unit

T = TypeVar("T")

SECONDS = int(os.environ.get("JIXIAO_DASHBOARD_CACHE_SECONDS", "300"))


def stamp(bureau: int, year: int) -> str:
    """What the bureau's figures of ``year`` depend on, in a few bytes (changes whenever they may have)."""
    e = Evaluation.objects.filter(bureau_id=bureau, year=year).aggregate(n=Count("pk"), last=Max("updated_at"),
                                                                         v=Sum("version"))
    u = Unit.objects.filter(department__bureau_id=bureau).aggregate(n=Count("pk"), top=Max("pk"))
    return f"{e['n']}.{e['last'].timestamp() if e['last'] else 0}.{e['v'] or 0}.{u['n']}.{u['top'] or 0}"


WAIT = 10.0
"""Seconds a view waits for the figures another process is computing, before computing them itself."""


def cached(bureau: int, year: int, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``parts`` of ``bureau``'s ``year`` since they last changed.

    One computation at a time: after a change, the first view computes (holding a lock entry) and the
    views that arrive meanwhile wait for its result, instead of all counting the same year at once.
    """
    if SECONDS <= 0:
        return compute()
    raw = ":".join(map(str, (bureau, year, stamp(bureau, year), *parts)))
    key = "jixiao:dashboards:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
    value = cache.get(key)
    if value is not None:
        return value
    lock = key + ":computing"
    mine = cache.add(lock, 1, int(WAIT) + 5)
    if not mine:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(0.05)
            value = cache.get(key)
            if value is not None:
                return value
    try:
        value = compute()
        cache.set(key, value, SECONDS)
    finally:
        if mine:
            cache.delete(lock)
    return value
