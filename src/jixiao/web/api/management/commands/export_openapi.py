"""``python -m jixiao.web export_openapi [--check]``: write the API's schema to ``schema/openapi.json``.

The committed file is what the server serves at ``/api/v1/openapi.json``; ``tests/web/test_api.py``
fails when they differ, and this command brings the file up to date (``--check`` only compares).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

_CHECKOUT = Path(__file__).resolve().parents[6]
SCHEMA_FILE = (_CHECKOUT if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd()) / "schema" / "openapi.json"
"""In a source checkout, its ``schema/openapi.json``; else the one under the current directory."""


def schema_text() -> str:
    """The served schema as the committed file holds it (stable key order, UTF-8, final newline)."""
    from ...endpoints import api

    return json.dumps(api.get_openapi_schema(path_params={}), ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "把开放接口的 OpenAPI 文档写入 schema/openapi.json（--check 只比较）"

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--output", default=str(SCHEMA_FILE), help="输出文件（默认仓库中的 schema/openapi.json）")
        parser.add_argument("--check", action="store_true", help="只检查文件是否与当前接口一致")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        path = Path(options["output"])
        text = schema_text()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"{path} 与接口不一致：运行 python -m jixiao.web export_openapi 更新")
            self.stdout.write(f"{path} 与接口一致")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
