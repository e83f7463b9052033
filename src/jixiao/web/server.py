"""``jixiao serve``: migrate, load the demo into an empty database, then run gunicorn and one background worker.

The worker (``python -m jixiao.web db_worker``, the batch jobs' processing process) runs beside
gunicorn so that the demo's batch imports and renders work out of the box; ``--no-worker`` leaves it
out (when workers run elsewhere). It is a child process in its own process group: Ctrl+C reaches
gunicorn only, and the server then stops the worker with one SIGTERM, which lets the job in hand
finish its current file and queue itself again (:mod:`jixiao.web.jobs.tasks`); after
:data:`WORKER_GRACE` seconds it is killed, and the job is recovered by the next worker
(:func:`jixiao.web.jobs.runner.reap`). On Linux the worker also ends if the server is killed outright.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

WORKER_GRACE = 30
"""Seconds a stopping worker gets to finish the file in hand."""
RESTART_DELAY = 5
"""Seconds before a worker that exited on its own is started again."""


class SettingsError(Exception):
    """The settings cannot be loaded (a missing ``JIXIAO_SECRET_KEY`` …); the message says what to set."""


def setup() -> None:
    """Configure Django for this process (settings from the environment); :class:`SettingsError` with a
    readable message when the settings are incomplete (never a traceback)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise SettingsError(f"配置不完整（{os.environ['DJANGO_SETTINGS_MODULE']}）：{exc}") from None


def production() -> bool:
    """Whether the production settings are in use (``settings_production``)."""
    from django.conf import settings

    return bool(getattr(settings, "JIXIAO_PRODUCTION", False))


def prepare(demo: bool = True, echo: Callable[[str], None] = print) -> None:
    """Create or update the tables; load the demo bureau into an empty database and print its logins.

    Under the production settings the demo is never loaded (whatever ``demo`` says) and no login is
    printed; the static files are collected so that every page finds its hashed files.
    """
    setup()
    from django.conf import settings
    from django.core.management import call_command

    from .logs import private_dir

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        private_dir(Path(database["NAME"]).parent)
        echo(f"数据库：SQLite {database['NAME']}")
    else:
        echo(f"数据库：{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}/{database.get('NAME')}")
    call_command("migrate", interactive=False, verbosity=0)
    if production():
        call_command("collectstatic", interactive=False, verbosity=0)
        echo(f"静态文件：{settings.STATIC_ROOT}")
        if demo:
            echo("生产环境（settings_production）不载入演示数据；请用 python -m jixiao.web createsuperuser 或管理页建立账号")
        return
    if demo:
        from .demo import demo_logins, load_demo, print_logins

        print_logins(load_demo() or demo_logins(), echo)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the worker gets SIGTERM when the server process dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Worker:
    """The one background worker ``jixiao serve`` runs beside gunicorn, restarted if it exits on its own."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.watcher: threading.Thread | None = None
        self.owner = os.getpid()

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jixiao.web", "db_worker", "--no-reload", "--interval", "1",
                "--worker-id", f"serve-{os.uname().nodename}-{os.getpid()}"[:64]]

    def start(self) -> None:
        self.process = self._spawn()
        self.watcher = threading.Thread(target=self._watch, name="jixiao-worker-watch", daemon=True)
        self.watcher.start()
        self.echo(f"后台处理进程已启动（批量任务；进程号 {self.process.pid}）")

    def _spawn(self) -> subprocess.Popen:
        # The parent-death signal is set only from the main thread (a restart comes from the watcher thread,
        # and the signal follows the thread that started the child).
        tie = sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
        return subprocess.Popen(self.command(), start_new_session=True, preexec_fn=_die_with_parent if tie else None)

    def _watch(self) -> None:
        while not self.stopping.wait(1):
            if self.process is not None and self.process.poll() is not None and not self.stopping.is_set():
                self.echo(f"后台处理进程已退出（退出码 {self.process.returncode}），{RESTART_DELAY} 秒后重新启动")
                if self.stopping.wait(RESTART_DELAY):
                    return
                self.process = self._spawn()

    def stop(self) -> None:
        """SIGTERM, a grace period for the job in hand, then SIGKILL.

        Only in the server's own process: gunicorn's forked workers leave through the same code on exit.
        """
        if os.getpid() != self.owner:
            return
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(WORKER_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.echo("后台处理进程已停止")


def serve(host: str, port: int, workers: int, demo: bool = True, echo: Callable[[str], None] = print,
          worker: bool = True) -> None:
    prepare(demo, echo)
    from gunicorn.app.base import BaseApplication

    from .wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                               "threads": 4, "timeout": 120, "accesslog": "-", "preload_app": True}.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202
            return application

    background = Worker(echo) if worker else None
    if background is not None:
        background.start()
    else:
        echo("未启动后台处理进程（--no-worker）：批量任务需另行运行 python -m jixiao.web db_worker")
    echo(f"绩效平台：http://{host}:{port}/ （Ctrl+C 停止）")
    try:
        Server().run()
    finally:
        if background is not None:
            background.stop()
