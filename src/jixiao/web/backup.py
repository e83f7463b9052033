"""Backup and restore of a platform instance: every table, including every evidence file, in one archive.

Every file the platform keeps (evidence, imported originals, published PDFs, batch-job inputs and
outputs) is a row of its database, so the database *is* the instance: ``jixiao backup`` writes all of
it, ``jixiao restore`` loads it into an empty instance, on SQLite or PostgreSQL (either way round).

The archive (a .zip) holds ``manifest.json`` (format, when, which database, the migrations applied, the
row count and SHA-256 of every table file) and one JSON file per table in Django's serialisation
(binary contents as base64). Content types and permissions are recreated by ``migrate`` and referred
to by their natural keys; sessions are not kept (everyone signs in again).

**Consistent while the server runs**: the whole dump is read in one transaction that sees one snapshot
of the database: ``REPEATABLE READ, READ ONLY`` on PostgreSQL (writers are not blocked); on SQLite a
write-locked transaction (saves wait, up to the 20 s busy timeout, until the dump is done).

Restore refuses a database that already holds data, and a backup made by a newer version (migrations
this one does not know); it loads everything in one transaction (nothing half-restored), checks the
foreign keys, resets the id sequences, and verifies every table against the manifest's checksums.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = "jixiao-backup/1"
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
"""Recreated by migrate (content types, permissions) or not worth keeping (sessions)."""


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


def _encoder():  # noqa: ANN202
    from django.core.serializers.json import DjangoJSONEncoder

    class Exact(DjangoJSONEncoder):
        """Django's encoder keeps milliseconds only; a restore must give back every microsecond."""

        def default(self, o: Any) -> Any:  # noqa: ANN401
            if isinstance(o, (dt.datetime, dt.time)):
                return o.isoformat()
            return super().default(o)

    return Exact


def _models() -> list[Any]:
    from django.apps import apps
    from django.core import serializers

    chosen = [m for m in apps.get_models() if m._meta.label_lower not in SKIPPED and m._meta.managed
              and not m._meta.proxy]
    by_app: dict[Any, list[Any]] = {}
    for m in chosen:
        by_app.setdefault(m._meta.app_config, []).append(m)
    return serializers.sort_dependencies(list(by_app.items()), allow_cycles=True)


def _migrations() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _snapshot():  # noqa: ANN202
    """A transaction that sees one snapshot of the database (see the module's note)."""
    from django.db import connection, transaction

    atomic = transaction.atomic()
    atomic.__enter__()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    return atomic


def backup(output: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Write the archive to ``output`` (a temporary name first, renamed when complete); its manifest."""
    from django.core import serializers
    from django.db import connection

    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    tables: list[dict[str, Any]] = []
    atomic = _snapshot()
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for model in _models():
                label = model._meta.label_lower
                rows = model._default_manager.order_by("pk")
                count = rows.count()
                digest = hashlib.sha256()
                with archive.open(f"tables/{label}.json", "w", force_zip64=True) as raw:
                    class _Hashing(io.TextIOBase):
                        def write(self, text: str) -> int:
                            data = text.encode("utf-8")
                            digest.update(data)
                            raw.write(data)
                            return len(text)

                    serializers.serialize("json", rows.iterator(chunk_size=200), stream=_Hashing(),
                                          use_natural_foreign_keys=True, use_natural_primary_keys=False,
                                          cls=_encoder())
                tables.append({"model": label, "rows": count, "sha256": digest.hexdigest()})
            manifest = {"format": FORMAT, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        "database": connection.vendor, "migrations": _migrations(), "tables": tables}
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        atomic.__exit__(None, None, None)
    partial.replace(output)
    output.chmod(0o600)  # it holds password hashes and every unit's files
    rows = sum(t["rows"] for t in tables)
    echo(f"已备份 {len(tables)} 张表、{rows} 行（{connection.vendor}）到 {output}（{output.stat().st_size} 字节）")
    return manifest


def _read_manifest(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError, zipfile.BadZipFile):
        raise BackupError(f"「{name}」不是绩效平台的备份（缺少或无法读取 manifest.json）") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"「{name}」的格式为 {manifest.get('format')!r}，本版本只能恢复 {FORMAT}")
    return manifest


def _empty() -> list[str]:
    """The tables of the platform that already hold rows (a restore goes into an empty instance only)."""
    from django.contrib.auth import get_user_model

    from .evaluations.models import Evaluation
    from .orgs.models import Bureau

    return [str(m._meta.verbose_name) for m in (get_user_model(), Bureau, Evaluation) if m._default_manager.exists()]


def restore(source: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Load the archive ``source`` into this (migrated, empty) instance; its manifest."""
    from django.core import serializers
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import DEFAULT_DB_ALIAS, connection, transaction

    source = Path(source)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"无法打开备份「{source}」：{exc}") from None
    with archive:
        manifest = _read_manifest(archive, str(source))
        call_command("migrate", interactive=False, verbosity=0)
        known = _migrations()
        unknown = [f"{app}.{m}" for app, names in manifest["migrations"].items() for m in names
                   if m not in known.get(app, [])]
        if unknown:
            raise BackupError(f"备份由较新的版本生成（本版本没有迁移 {'、'.join(unknown[:5])}），请先升级再恢复")
        occupied = _empty()
        if occupied:
            raise BackupError(f"目标数据库不是空的（已有{'、'.join(occupied)}）：恢复只能写入新建的空实例，"
                              "以免覆盖现有数据")
        from django.apps import apps

        loaded: list[Any] = []
        with transaction.atomic(), connection.constraint_checks_disabled():
            for table in manifest["tables"]:
                data = archive.read(f"tables/{table['model']}.json")
                if hashlib.sha256(data).hexdigest() != table["sha256"]:
                    raise BackupError(f"备份中的「{table['model']}」校验和不符，文件已损坏，未恢复任何数据")
                count = 0
                for obj in serializers.deserialize("json", data, handle_forward_references=True):
                    obj.save(using=DEFAULT_DB_ALIAS)
                    count += 1
                if count != table["rows"]:
                    raise BackupError(f"备份中的「{table['model']}」应有 {table['rows']} 行，读出 {count} 行")
                loaded.append(apps.get_model(table["model"]))
            connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
            statements = connection.ops.sequence_reset_sql(no_style(), loaded)
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
        from django.core.cache import cache

        cache.clear()  # figures cached by the dashboards belong to the old instance's ids
    rows = sum(t["rows"] for t in manifest["tables"])
    echo(f"已从 {source} 恢复 {len(manifest['tables'])} 张表、{rows} 行（备份于 {manifest['created']}，"
         f"原数据库 {manifest['database']}，现为 {connection.vendor}）")
    return manifest
