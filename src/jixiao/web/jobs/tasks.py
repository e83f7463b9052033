"""The background task of a batch job (Django's tasks framework, run by ``python -m jixiao.web db_worker``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django_tasks import TaskContext, task

from . import runner


@contextmanager
def stop_requested() -> Iterator[Callable[[], bool]]:
    """Whether the process was asked to stop (SIGTERM, SIGINT) while the task runs.

    The worker's own handler still runs (it stops taking new tasks after this one); the job then
    stops after its current item and is queued again for another worker, instead of being cut in
    the middle. A second signal is the worker's forced stop, as before.
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag.is_set
        return
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        first = not flag.is_set()
        flag.set()
        before = previous.get(signum)
        if callable(before) and (not first or before is not signal.default_int_handler):
            before(signum, frame)
        elif not first and before == signal.SIG_DFL:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    signals = [s for s in (signal.SIGTERM, signal.SIGINT) if s is not None]
    for s in signals:
        previous[s] = signal.signal(s, handler)
    try:
        yield flag.is_set
    finally:
        for s in signals:
            signal.signal(s, previous[s])


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> dict[str, Any]:
    """Work on batch job ``job_id`` (see :func:`jixiao.web.jobs.runner.run`)."""
    with stop_requested() as stop:
        return runner.run(job_id, str(context.task_result.id), stop)
