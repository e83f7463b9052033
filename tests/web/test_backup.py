"""``jixiao backup`` then ``jixiao restore`` into an empty instance, on SQLite and on PostgreSQL: every
evaluation, version and evidence file (and every other row) comes back identical. Each instance is its
own process (as on a server), so the two databases never share a connection.

PostgreSQL uses two databases of its own (``jixiao_backup_source``, ``jixiao_backup_target``, dropped
and created here) on the server of ``JIXIAO_BACKUP_PG`` (default ``postgresql://postgres@127.0.0.1:5432``);
without a server the PostgreSQL case skips (fails under ``JIXIAO_REQUIRE=postgres``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import need

SEED = r'''
import hashlib, os
from jixiao.web.server import prepare
prepare(True, lambda s: None)
from django.contrib.auth import get_user_model
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Attachment, Evaluation
editor = get_user_model().objects.get(username="editor-004")
record = Evaluation.objects.filter(unit__code="004").first()
for i, size in enumerate((0, 1, 70_000, 1_500_000)):
    data = hashlib.sha256(str(i).encode()).digest() * (size // 32) + bytes(range(256))[: size % 32]
    services.attach(record, Attachment.EVIDENCE, "indicators[0].children[0].children[0]", f"证明材料{i}.bin", data,
                    "application/octet-stream", editor)
doc = dict(record.document)
doc["budget"] = {**doc["budget"], "executed": "1000.01"}
result = services.save(record.pk, doc, record.version, editor, "备份测试")
assert result.outcome == "saved", result.outcome
'''

DIGEST = r'''
import hashlib, json
from jixiao.web.server import setup
setup()
from django.apps import apps
from django.core import serializers
from jixiao.web.evaluations.models import Attachment, Evaluation, Version
out = {"evaluations": [], "versions": [], "files": [], "tables": {}}
for e in Evaluation.objects.order_by("pk"):
    out["evaluations"].append([e.pk, e.unit.name, e.year, e.status, e.version, e.title, str(e.total), e.grade,
                               json.dumps(e.document, sort_keys=True, ensure_ascii=False)])
for v in Version.objects.order_by("evaluation_id", "number"):
    out["versions"].append([v.evaluation_id, v.number, v.saved_by.username if v.saved_by else None,
                            v.saved_at.isoformat(), v.note, json.dumps(v.document, sort_keys=True, ensure_ascii=False)])
for a in Attachment.objects.order_by("pk"):
    data = bytes(a.data)
    out["files"].append([a.pk, a.evaluation_id, a.purpose, a.path, a.name, a.size, a.sha256,
                         hashlib.sha256(data).hexdigest(), len(data), a.uploaded_by.username, a.uploaded_at.isoformat()])
skip = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
for model in apps.get_models():
    label = model._meta.label_lower
    if label in skip or not model._meta.managed:
        continue
    text = serializers.serialize("json", model._default_manager.order_by("pk"), use_natural_foreign_keys=True)
    out["tables"][label] = [model._default_manager.count(), hashlib.sha256(text.encode()).hexdigest()]
print(json.dumps(out, ensure_ascii=False))
'''


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _jixiao(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from jixiao.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=600)


def _base() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_", "DATABASE_URL"))}


def _postgres() -> tuple[dict[str, str], dict[str, str]]:
    server = os.environ.get("JIXIAO_BACKUP_PG", "postgresql://postgres@127.0.0.1:5432")
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
            for name in ("jixiao_backup_source", "jixiao_backup_target"):
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {name}")
    except Exception as exc:  # noqa: BLE001
        need("postgres", f"无法连接 {server}（{exc}）；可用 JIXIAO_BACKUP_PG 指定服务器")
    return ({"DATABASE_URL": f"{server}/jixiao_backup_source"}, {"DATABASE_URL": f"{server}/jixiao_backup_target"})


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_backup_then_restore_into_an_empty_instance_gives_every_row_back(engine, tmp_path):
    if engine == "sqlite":
        source, target = {}, {}
    else:
        source, target = _postgres()
    source = _base() | source | {"JIXIAO_DATA_DIR": str(tmp_path / "source")}
    target = _base() | target | {"JIXIAO_DATA_DIR": str(tmp_path / "target")}
    _run(source, "-c", SEED)
    archive = tmp_path / "jixiao.backup"
    made = _jixiao(source, "backup", str(archive))
    assert made.returncode == 0 and "已备份" in made.stdout, made.stdout + made.stderr
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    restored = _jixiao(target, "restore", str(archive))
    assert restored.returncode == 0 and "已从" in restored.stdout, restored.stdout + restored.stderr

    before = json.loads(_run(source, "-c", DIGEST).stdout)
    after = json.loads(_run(target, "-c", DIGEST).stdout)
    assert len(before["evaluations"]) > 30 and len(before["versions"]) > len(before["evaluations"])
    assert len([f for f in before["files"] if f[2] == "evidence"]) == 4
    assert max(f[8] for f in before["files"]) >= 1_500_000
    for part in ("evaluations", "versions", "files"):
        assert after[part] == before[part], part
    assert after["tables"] == before["tables"]

    again = _jixiao(target, "restore", str(archive))  # the target is no longer empty
    assert again.returncode == 2 and "不是空的" in again.stderr and "Traceback" not in again.stderr


def test_a_damaged_backup_restores_nothing(tmp_path):
    source = _base() | {"JIXIAO_DATA_DIR": str(tmp_path / "source")}
    target = _base() | {"JIXIAO_DATA_DIR": str(tmp_path / "target")}
    _run(source, "-c", "from jixiao.web.server import prepare; prepare(True, lambda s: None)")
    archive = tmp_path / "jixiao.backup"
    assert _jixiao(source, "backup", str(archive)).returncode == 0
    damaged = tmp_path / "damaged.backup"
    with zipfile.ZipFile(archive) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "tables/evaluations.evaluation.json":
                data = data.replace(b'"draft"', b'"approved"', 1)
            zout.writestr(info, data)
    result = _jixiao(target, "restore", str(damaged))
    assert result.returncode == 2 and "校验和不符" in result.stderr, result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "target" / "jixiao.sqlite3") as db:
        assert db.execute("select count(*) from evaluations_evaluation").fetchone()[0] == 0
        assert db.execute("select count(*) from auth_user").fetchone()[0] == 0
    not_a_backup = tmp_path / "x.backup"
    not_a_backup.write_bytes(b"hello")
    result = _jixiao(target, "restore", str(not_a_backup))
    assert result.returncode == 2 and "无法打开备份" in result.stderr


SAVER = r'''
import sys, time
from jixiao.web.server import setup
setup()
from django.contrib.auth import get_user_model
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Evaluation
editor = get_user_model().objects.get(username="editor-004")
pk = Evaluation.objects.filter(unit__code="004").values_list("pk", flat=True).first()
print("ready", flush=True)
n = 0
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    record = Evaluation.objects.get(pk=pk)
    doc = dict(record.document)
    doc["budget"] = {**doc["budget"], "executed": f"{1000 + n % 100}.{n % 97:02d}"}
    if services.save(pk, doc, record.version, editor, f"并发保存 {n}").outcome == "saved":
        n += 1
print("saved", n, flush=True)
'''


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_taken_while_saves_go_on_is_one_consistent_snapshot(engine, tmp_path):
    """Each evaluation's version in the archive is exactly its newest stored version: the tables were read
    in one snapshot, not one after another while a unit kept saving."""
    source = _base() | ({} if engine == "sqlite" else _postgres()[0]) | {"JIXIAO_DATA_DIR": str(tmp_path / "s")}
    _run(source, "-c", "from jixiao.web.server import prepare; prepare(True, lambda s: None)")
    saver = subprocess.Popen([sys.executable, "-c", SAVER, "60"], env=source, stdout=subprocess.PIPE, text=True)
    try:
        assert saver.stdout.readline().strip() == "ready"
        for k in range(3):
            archive = tmp_path / f"b{k}.backup"
            made = _jixiao(source, "backup", str(archive))
            assert made.returncode == 0, made.stderr
            with zipfile.ZipFile(archive) as z:
                evaluations = json.loads(z.read("tables/evaluations.evaluation.json"))
                versions = json.loads(z.read("tables/evaluations.version.json"))
            newest: dict[int, int] = {}
            for v in versions:
                e = v["fields"]["evaluation"]
                newest[e] = max(newest.get(e, 0), v["fields"]["number"])
            for e in evaluations:
                assert e["fields"]["version"] == newest[e["pk"]], (k, e["pk"])
    finally:
        saver.kill()
        out = saver.communicate(timeout=30)[0]
    with zipfile.ZipFile(tmp_path / "b2.backup") as z:
        notes = [v["fields"]["note"] for v in json.loads(z.read("tables/evaluations.version.json"))]
    assert any(n.startswith("并发保存") for n in notes), out  # the saves really went on during the backups
