"""``python -m jixiao.web db_worker``: django-tasks-db's worker, which also recovers jobs whose worker died.

The command is django-tasks-db's own (every option: ``--queue-name``, ``--interval``, ``--batch``,
``--max-tasks``, ``--worker-id`` …); this app is listed before ``django_tasks_db`` in INSTALLED_APPS,
so its command of the same name is the one Django runs. It adds one thing: on start, and every
minute while it waits for tasks, it queues again the batch jobs whose worker is gone (a crashed
process, a lost machine; see :func:`jixiao.web.jobs.runner.reap`), so any surviving worker
finishes them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

log = logging.getLogger("jixiao.web.jobs")

REAP_EVERY = 60.0


def reap_quietly() -> None:
    from ...runner import reap

    try:
        found = reap()
    except Exception:  # noqa: BLE001 - never stop a worker over recovery; the next round tries again
        log.exception("could not check for stalled batch jobs")
        return
    if found:
        log.warning("queued again %d batch job(s) whose worker stopped: %s", len(found), found)


def _reaper(stop: threading.Event) -> None:
    while not stop.wait(REAP_EVERY):
        try:
            reap_quietly()
        finally:
            connections.close_all()  # this thread's own connections


class Command(DatabaseWorkerCommand):
    help = "运行后台任务处理进程（批量导入、批量生成报告）；可在多台机器上各运行一个或多个，共享数据库中的任务队列"

    def handle(self, *args: Any, **options: Any) -> None:
        reap_quietly()
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(target=_reaper, args=(stop,), name="jixiao-job-reaper", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
