"""``jixiao serve``: migrate, load the demo into an empty database, then run gunicorn."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def setup() -> None:
    """Configure Django for this process (settings from the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    import django

    django.setup()


def prepare(demo: bool = True, echo: Callable[[str], None] = print) -> None:
    """Create or update the tables; load the demo bureau into an empty database and print its logins."""
    setup()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        echo(f"数据库：SQLite {database['NAME']}")
    else:
        echo(f"数据库：{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}/{database.get('NAME')}")
    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        from .demo import demo_logins, load_demo, print_logins

        print_logins(load_demo() or demo_logins(), echo)


def serve(host: str, port: int, workers: int, demo: bool = True, echo: Callable[[str], None] = print) -> None:
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

    echo(f"绩效平台：http://{host}:{port}/ （Ctrl+C 停止）")
    Server().run()
