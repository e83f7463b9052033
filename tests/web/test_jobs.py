"""Batch jobs through the real worker: a 200-file import (good reports in every format and hostile files,
in a zip and as separate files), rendering a department's reports, progress, recovery of a dead worker,
and on PostgreSQL two worker processes sharing the queue.

The reports are made here by the project's own writers from :mod:`jixiao.synthetic` documents; the
worker is django-tasks-db's ``db_worker`` (in-process with ``--batch``, or as subprocesses on
PostgreSQL, where a subprocess sees the test database).
"""

from __future__ import annotations

import io
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jixiao import editing, synthetic
from jixiao.native import dump_json, dump_yaml, load_data
from jixiao.readers import read_bytes
from jixiao.service import ruleset_for
from jixiao.writers import write
from jixiao.web.evaluations.models import Attachment, Evaluation
from jixiao.web.jobs import runner
from jixiao.web.jobs.models import Item, ItemState, Job, Status
from jixiao.web.orgs.models import Department, Project, Unit

from .conftest import ROOT, need

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = 40
GOOD = 185


@dataclass
class Report:
    """A file of the batch and what it must become (``unit`` None: it must fail with ``expect`` in the message)."""

    name: str
    data: bytes
    unit: str | None = None
    kind: str = ""
    year: int = 0
    budget: Decimal | None = None
    executed: Decimal | None = None
    total: Decimal | None = None
    expect: str = ""
    separate: bool = False


def unit_name(i: int) -> str:
    return f"金水区批量测试第{i + 1:02d}中心"


def _document(k: int) -> dict:
    """Good file ``k``: its own (unit, kind, year), so every good file is a new evaluation."""
    unit, year = unit_name(k % UNITS), 2018 + k // UNITS
    if k % 2 == 0:
        data = synthetic.department(k)
        data["title"] = f"{unit}{year}年度部门整体绩效自评报告"
    else:
        data = synthetic.project(k)
        data["project"] = {"name": f"批量测试项目{k:03d}", "department": unit, "implementer": unit}
        data["title"] = f"{year}年度批量测试项目{k:03d}项目绩效自评报告"
    data["unit"], data["year"] = unit, year
    return data


def _encode(data: dict, fmt: str) -> bytes:
    e = load_data(data, "synthetic").evaluation
    if fmt in ("docx", "xlsx"):
        return write(e, fmt, ruleset_for(e)).data
    return (dump_yaml(e) if fmt == "yaml" else dump_json(e)).encode("utf-8")


def good_report(k: int, fmt: str, separate: bool = False) -> Report:
    """Good file ``k`` in ``fmt``. Its expected score is the core's reading of the same file: a project's
    .docx/.xlsx does not carry its 10 budget-execution points back (a reader matter, not the job's); the
    native formats must give the source's score exactly."""
    data = _document(k)
    raw = _encode(data, fmt)
    total = editing.analyse(editing.document_json(read_bytes(raw, f"x.{fmt}").evaluation)).summary()["total"]
    if fmt in ("yaml", "json") or data["kind"] == "department":
        assert total == editing.analyse(data).summary()["total"]
    return Report(f"{k:03d}-{data['unit']}.{fmt}", raw, data["unit"], data["kind"], data["year"],
                  Decimal(data["budget"]["adjusted"]), Decimal(data["budget"]["executed"]), total, separate=separate)


def _flag_encrypted(archive: bytes, member: str) -> bytes:
    """Set the "encrypted" bit of ``member`` in the local and central headers of ``archive`` (Python's zipfile
    cannot encrypt; the flag is what an unzipper goes by)."""
    raw = bytearray(archive)
    encoded = member.encode("utf-8")
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            if raw[at + name_at:at + name_at + len(encoded)] == encoded:
                raw[at + flag_at] |= 0x01
            start = at + 4
    return bytes(raw)


def broken_reports(bureau_units: dict[str, str]) -> list[Report]:
    """Every kind of bad file, each with a word its message must contain."""
    rng = random.Random(7)
    docx = _encode(_document(900), "docx")
    xlsx = _encode(_document(901), "xlsx")
    duplicate_of_world = synthetic.department(902) | {"unit": bureau_units["unit_b"], "year": 2021}
    nobody = synthetic.department(904) | {"unit": "金水区并不存在的中心", "year": 2021}
    other_bureau = synthetic.department(906) | {"unit": bureau_units["unit_c"], "year": 2020}
    twice = _document(0)  # the same unit, kind and year as good file 0: the second one is refused
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("里面.yaml", _encode(_document(905), "yaml"))
    return [
        Report("截断.docx", docx[: len(docx) // 2], expect="已损坏", separate=True),
        Report("随机字节.pdf", rng.randbytes(6000), expect="PDF 文件无法解析", separate=True),
        Report("空文件.docx", b"", expect="文件是空的", separate=True),
        Report("上街区的单位.docx", _encode(other_bureau, "docx"), expect="不是郑州市金水区财政局的预算单位",
               separate=True),
        Report("../../etc/穿越.yaml", _encode(_document(903), "yaml"), expect="路径穿越"),
        Report("嵌套.zip", nested.getvalue(), expect="压缩包中的压缩包"),
        Report("说明.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(200), expect="不是自评报告或自评表"),
        Report("加密.docx", docx, expect="已加密"),
        Report("炸弹.yaml", b"kind: department\n" + b" " * (21 * 1024 * 1024), expect="20 MB"),
        Report("已有自评.yaml", _encode(duplicate_of_world, "yaml"), expect="已有2021年度部门整体支出绩效自评"),
        Report("zz-重复.json", _encode(twice, "json"), expect="已有2018年度部门整体支出绩效自评"),
        Report("无此单位.docx", _encode(nobody, "docx"), expect="不是郑州市金水区财政局的预算单位"),
        Report("坏数据.json", '{\n  "kind": "department",\n  "year": "明年",\n  "unit": "某单位"\n}\n'.encode(),
               expect="第3行，year"),
        Report("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), expect="旧版 Office"),
        Report("半截.xlsx", xlsx[: len(xlsx) // 3], expect="已损坏"),
    ]


@pytest.fixture(scope="module")
def good_files() -> list[Report]:
    """185 good reports: docx, xlsx, YAML and JSON (made once for the module; no database needed)."""
    formats = ("docx", "xlsx", "yaml", "json")
    return [good_report(k, formats[k % 4], separate=k % 5 == 0) for k in range(GOOD)]


def batch_units(world) -> None:  # noqa: ANN001
    d = Department.objects.create(bureau=world.bureau, name="金水区批量测试局", code="090")
    Unit.objects.bulk_create(Unit(department=d, name=unit_name(i), code=f"090{i:03d}") for i in range(UNITS))


def zip_of(reports: list[Report]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("__MACOSX/._000.docx", b"junk")
        z.writestr("报告/.DS_Store", b"junk")
        for r in reports:
            z.writestr(f"报告/{r.name}" if not r.name.startswith("..") else r.name, r.data)
    raw = buffer.getvalue()
    return _flag_encrypted(raw, "报告/加密.docx")


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def run_worker(*args: str) -> None:
    """django-tasks-db's worker, in this process, until the queue is empty (its signal handlers undone)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", *args,
                     verbosity=0)
    finally:
        for s, h in saved.items():
            signal.signal(s, h)


def start_import(client, reports: list[Report]) -> Job:  # noqa: ANN001
    separate = [upload(r.name, r.data) for r in reports if r.separate]
    in_zip = [r for r in reports if not r.separate]
    files = [*separate, upload("批量报告.zip", zip_of(in_zip))]
    response = client.post("/jobs/import/", {"files": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def test_a_batch_of_200_mixed_files_through_the_worker(world, client_for, good_files):
    batch_units(world)
    units = {"unit_b": world.unit_b.name, "unit_c": world.unit_c.name}
    broken = broken_reports(units)
    reports = good_files + broken
    assert len(reports) == 200
    before = Evaluation.objects.count()
    projects_before = Project.objects.count()
    client = client_for(world.adam)
    job = start_import(client, reports)
    assert job.total == 200 and job.status == Status.QUEUED

    # Refused at upload (hostile zip members) are failed from the start; the page shows them at once.
    first = client.get(f"/jobs/{job.pk}/progress/").json()
    refused_at_upload = {"穿越.yaml", "嵌套.zip", "说明.png", "加密.docx", "炸弹.yaml"}
    assert first["done"] == first["failed"] == len(refused_at_upload) and first["finished"] is False
    assert {f["name"].rsplit("/", 1)[-1] for f in first["failures"]} == refused_at_upload

    # A worker asked to stop after 20 files hands the job over (queued again); progress shows where it is.
    job.refresh_from_db()
    outcome = runner.run(job.pk, job.task_id, stop=lambda: Job.objects.get(pk=job.pk).done >= len(refused_at_upload) + 20)
    assert outcome["outcome"] == "handed-over"
    middle = client.get(f"/jobs/{job.pk}/progress/?after=0").json()
    assert middle["status"] == "queued" and middle["done"] == len(refused_at_upload) + 20 and middle["total"] == 200
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-bar"' in page and "穿越.yaml" in page and "progress.js" in page

    run_worker()

    job.refresh_from_db()
    assert job.status == Status.DONE, job.message
    assert job.done == job.total == 200 and job.failed == len(broken)
    final = client.get(f"/jobs/{job.pk}/progress/").json()
    assert final["finished"] and final["percent"] == 100 and final["succeeded"] == GOOD

    failed = {i.name: i.message for i in job.items.filter(state=ItemState.FAILED)}
    assert len(failed) == len(broken)
    for r in broken:
        [(name, message)] = [(n, m) for n, m in failed.items() if n.endswith(r.name)]
        assert r.name in message, (name, message)  # the message names the file
        assert r.expect in message, (name, message)
    assert all(i.evaluation_id for i in job.items.filter(state=ItemState.OK))

    # Every good file is one new evaluation of its unit, year and figures, with the file kept.
    assert Evaluation.objects.count() == before + GOOD
    for r in good_files:
        item = job.items.get(name__endswith=r.name, state=ItemState.OK)
        e = item.evaluation
        assert (e.unit.name, e.kind, e.year) == (r.unit, r.kind, r.year), r.name
        assert (e.budget, e.executed, e.total) == (r.budget, r.executed, r.total), r.name
        source = Attachment.objects.get(evaluation=e, purpose=Attachment.SOURCE)
        assert bytes(source.data) == r.data and source.name == r.name
    # Nothing half-created: no project without its evaluation, no evaluation without its version 1.
    assert Project.objects.count() == projects_before + sum(1 for r in good_files if r.kind == "project")
    assert not Evaluation.objects.filter(versions__isnull=True).exists()

    report = client.get(f"/jobs/{job.pk}/report.csv")
    rows = report.content.decode("utf-8-sig").splitlines()
    assert report.status_code == 200 and len(rows) == 201 and rows[0].startswith("序号,文件,结果,说明")
    assert sum(1 for row in rows if ",失败," in row) == len(broken)


def test_a_unit_imports_into_its_own_unit_only(world, client_for):
    client = client_for(world.alice)
    mine = synthetic.department(3) | {"unit": "金水区委办（简称）", "year": 2019}
    theirs_name = synthetic.department(4) | {"unit": world.unit_b.name, "year": 2020}
    job = start_import(client, [Report("本单位.yaml", _encode(mine, "yaml"), separate=True),
                                Report("写着别的单位.docx", _encode(theirs_name, "docx"), separate=True)])
    assert job.unit_id == world.unit_a.pk
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE and job.failed == 0
    assert set(Evaluation.objects.filter(year__in=(2019, 2020)).values_list("unit_id", flat=True)) == {world.unit_a.pk}
    note = job.items.get(name="写着别的单位.docx").message
    assert world.unit_b.name in note and "请核对" in note
    # Bob (unit B) does not see it; a reviewer may not import for the bureau.
    assert client_for(world.bob).get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for(world.bob).get("/jobs/").content.decode().count("/jobs/%d/" % job.pk) == 0
    refused = client_for(world.rita).get("/jobs/import/")
    assert refused.status_code == 403 and "财政局管理员" in refused.content.decode()


def test_upload_limits_are_refused_with_a_message(world, client_for, settings):
    client = client_for(world.alice)
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = client.post("/jobs/import/", {"files": [upload(f"{i}.yaml", b"kind: department\n") for i in range(4)]})
    assert response.status_code == 400 and "超过 3 个" in response.content.decode()
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(1001):
            z.writestr(f"{i}.yaml", b"x")
    response = client.post("/jobs/import/", {"files": [upload("太多.zip", many.getvalue())]})
    assert response.status_code == 400 and "最多 1000 个文件" in response.content.decode()
    response = client.post("/jobs/import/", {"files": [upload("坏.zip", b"PK\x03\x04 not really a zip")]})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.failed == job.total == 1 and "已损坏" in job.items.get().message
    assert not Job.objects.exclude(pk=job.pk).exists()


def test_a_worker_that_dies_mid_file_is_recovered_and_each_file_done_once(world, client_for, monkeypatch):
    batch_units(world)
    reports = [good_report(k, "yaml", separate=True) for k in range(6)]
    job = start_import(client_for(world.adam), reports)
    calls = {"n": 0}
    real = runner.Importer.prepare

    def dies_on_the_third(self, item):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit(1)  # what a forced stop does in the middle of a file
        return real(self, item)

    monkeypatch.setattr(runner.Importer, "prepare", dies_on_the_third)
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.done == 2  # left "running" by the dead worker …
    assert runner.reap() == [job.pk]  # … its task ended without finishing it: queued again at once
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.resumes == 1 and "重新排队" in job.message
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE and job.done == 6 and job.failed == 0
    assert list(job.items.order_by("seq").values_list("attempts", flat=True)) == [1, 1, 2, 1, 1, 1]
    assert Evaluation.objects.filter(unit__department__code="090").count() == 6


def test_a_silent_worker_is_recovered_after_the_stale_period(world, client_for):
    """A worker that stops moving (a lost machine) keeps its task "running": the heartbeat tells."""
    from django_tasks_db.models import DBTaskResult

    batch_units(world)
    job = start_import(client_for(world.adam), [good_report(1, "json", separate=True)])
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", started_at=timezone.now())
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, heartbeat=timezone.now())
    assert runner.reap() == []  # alive as far as anyone can tell
    later = timezone.now() + runner.stale_after() + timezone.timedelta(seconds=1)
    assert runner.reap(now=later) == [job.pk]
    assert DBTaskResult.objects.get(id=Job.objects.get(pk=job.pk).task_id).status == "READY"
    run_worker()
    assert Job.objects.get(pk=job.pk).status == Status.DONE


def test_cancel_a_queued_job(world, client_for):
    batch_units(world)
    client = client_for(world.adam)
    job = start_import(client, [good_report(2, "yaml", separate=True)])
    assert client.get(f"/jobs/{job.pk}/cancel/").status_code == 405
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    assert "任务已取消" in response.content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and job.done == 0
    assert not Evaluation.objects.filter(unit__department__code="090").exists()


def test_render_a_departments_reports_into_one_zip(world, client_for):
    import docx

    from jixiao.web.evaluations.services import create

    rita = client_for(world.rita)
    # A second evaluation in unit B's department whose stored document no longer validates: listed as failed.
    d = world.unit_b.department
    extra = Unit.objects.create(department=d, name="金水区城市管理局下属中心")
    broken, _ = create(extra, synthetic.department(11) | {"unit": extra.name, "year": 2021}, world.adam, "测试")
    Evaluation.objects.filter(pk=broken.pk).update(document={"kind": "department", "year": "不是年份"})
    response = rita.post("/jobs/render/", {"department": d.pk, "year": 2021})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.total == 2 and job.department_id == d.pk
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.DONE and job.done == 2 and job.failed == 1
    download = rita.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "2021" in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        names = z.namelist()
        assert sorted(names) == sorted([
            f"{world.unit_b.name}/2021年度{world.eval_b.title}部门整体支出绩效自评报告.docx",
            f"{world.unit_b.name}/2021年度{world.eval_b.title}部门整体支出绩效自评表.xlsx",
            "生成情况.csv"])
        report = docx.Document(io.BytesIO(z.read(names[[n.endswith(".docx") for n in names].index(True)])))
        text = "\n".join(p.text for p in report.paragraphs)
        assert world.unit_b.name in text and "自评" in text
        summary = z.read("生成情况.csv").decode("utf-8-sig")
        assert "失败" in summary and "无法读取" in summary and extra.name in summary
    listing = rita.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/download/" in listing and "批量生成报告" in listing
    # Unit A's people see neither the job nor unit B's department.
    alice = client_for(world.alice)
    assert alice.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert alice.post("/jobs/render/", {"department": d.pk, "year": 2021}).status_code in (200, 302)
    own = Job.objects.exclude(pk=job.pk).get()
    assert own.unit_id == world.unit_a.pk and list(own.items.values_list("evaluation_id", flat=True)) == [world.eval_a.pk]


def test_render_refuses_another_bureaus_department_and_an_empty_year(world, client_for):
    rita = client_for(world.rita)
    other = world.unit_c.department
    response = rita.post("/jobs/render/", {"department": other.pk, "year": 2021})
    assert response.status_code == 200 and not Job.objects.exists()
    response = rita.post("/jobs/render/", {"department": world.unit_b.department_id, "year": 2030})
    assert "没有2030年度" in response.content.decode() and not Job.objects.exists()


def test_the_worker_command_is_ours_and_documented():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "jixiao.web.jobs"
    doc = (ROOT / "docs" / "web-jobs.md").read_text(encoding="utf-8")
    assert "python -m jixiao.web db_worker" in doc


# ---------------------------------------------------------------- PostgreSQL: workers as processes


def _pg() -> None:
    if connection.vendor != "postgresql":
        need("postgres", "设置 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test 后运行 tests/web")


def _worker_env() -> dict[str, str]:
    """The environment of a worker subprocess: this test database."""
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST'] or '127.0.0.1'}:" \
          f"{s['PORT'] or 5432}/{s['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return env | {"DATABASE_URL": url, "JIXIAO_CONN_MAX_AGE": "0", "PYTHONPATH": str(ROOT / "src")}


def _spawn(worker_id: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "jixiao.web", "db_worker", "--no-startup-delay", "--interval", "0",
                             "--no-reload", "--worker-id", worker_id, *args],
                            env=_worker_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_worker_processes_share_the_queue(world, client_for):
    from django_tasks_db.models import DBTaskResult

    _pg()
    batch_units(world)
    client = client_for(world.adam)
    jobs = []
    for j in range(20):
        reports = [good_report(j * 4 + i, "docx", separate=True) for i in range(4)]
        jobs.append(start_import(client, reports))
    workers = [_spawn(f"w{n}", "--batch") for n in (1, 2)]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Status.DONE and job.done == job.total == 4 and job.failed == 0, job.message
    items = Item.objects.filter(job__in=jobs)
    assert items.count() == 80 and set(items.values_list("attempts", flat=True)) == {1}  # each processed once
    assert Evaluation.objects.filter(unit__department__code="090").count() == 80
    ran = DBTaskResult.objects.filter(id__in=[j.task_id for j in jobs]).values_list("worker_ids", flat=True)
    assert all(len(ids) == 1 for ids in ran)  # no task claimed twice
    assert {ids[0] for ids in ran} == {"w1", "w2"}  # both took part


def test_a_killed_worker_process_is_recovered_by_another(world, client_for):
    _pg()
    batch_units(world)
    job = start_import(client_for(world.adam), [good_report(k, "docx", separate=True) for k in range(30)])
    first = _spawn("doomed")
    try:
        while Job.objects.get(pk=job.pk).done < 3:
            assert first.poll() is None, first.communicate()[0]
            time.sleep(0.2)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=60)
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.done < job.total
    assert runner.reap(now=timezone.now() + runner.stale_after() + timezone.timedelta(seconds=1)) == [job.pk]
    second = _spawn("rescuer", "--batch")
    assert second.wait(timeout=600) == 0
    job.refresh_from_db()
    assert job.status == Status.DONE and job.done == 30 and job.failed == 0, job.message
    assert Evaluation.objects.filter(unit__department__code="090").count() == 30
    assert max(job.items.values_list("attempts", flat=True)) <= 2


# ---------------------------------------------------------------- jixiao serve runs a worker


_CREATE_JOB = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
import django; django.setup()
from django.contrib.auth import get_user_model
from jixiao import synthetic
from jixiao.native import dump_yaml, load_data
from jixiao.web.jobs import archive, runner
admin = get_user_model().objects.get(username="admin-jinshui")
data = synthetic.department(5) | {"unit": sys.argv[1], "year": 2015}
raw = dump_yaml(load_data(data, "x").evaluation).encode()
files = archive.Expanded([archive.File("演示.yaml", raw, len(raw))])
print(runner.create_import(admin, admin.membership.bureau_id, None, files).pk)
"""


@pytest.mark.django_db(transaction=False)
def test_jixiao_serve_runs_a_worker_beside_the_server_and_stops_it(tmp_path):
    """The README's setup (SQLite in the data directory): a job made there is done by serve's own worker."""
    import socket
    import sqlite3
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DJANGO_", "DATABASE_URL"))}
    env["JIXIAO_DATA_DIR"] = str(tmp_path / "data")
    serve = subprocess.Popen([sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--port", str(port),
                              "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                    break
            except OSError:
                time.sleep(0.5)
        made = subprocess.run([sys.executable, "-c", _CREATE_JOB, "郑州市金水区婚姻登记处"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        job_id = int(made.stdout.strip().splitlines()[-1])
        database = sqlite3.connect(tmp_path / "data" / "jixiao.sqlite3", timeout=20)
        status = None
        while time.monotonic() < deadline and status not in ("done", "failed"):
            status, done, failed = database.execute("SELECT status, done, failed FROM jobs_job WHERE id = ?",
                                                    (job_id,)).fetchone()
            time.sleep(0.3)
        database.close()
        assert (status, done, failed) == ("done", 1, 0)
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        out = serve.communicate(timeout=90)[0]
    assert "后台处理进程已启动" in out and "后台处理进程已停止" in out, out[-3000:]
    pid = int(out.split("进程号 ", 1)[1].split("）", 1)[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the worker is gone with the server


# ---------------------------------------------------------------- the progress page in Chromium


def test_the_progress_page_moves_and_lists_failures_in_chromium(live_server, tmp_path, world):
    from .conftest import PASSWORD
    from .conftest import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        need("chromium", "apt-get install chromium（或设置 JIXIAO_CHROMIUM 为浏览器路径）")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    batch_units(world)
    files = []
    for k in range(4):
        r = good_report(k, "yaml")
        files.append(tmp_path / r.name)
        files[-1].write_bytes(r.data)
    (tmp_path / "空的.docx").write_bytes(b"")
    files.append(tmp_path / "空的.docx")
    (tmp_path / "打包.zip").write_bytes(zip_of([Report("../逃逸.yaml", b"kind: department\n")]))
    files.append(tmp_path / "打包.zip")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", world.adam.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(live_server.url + "/jobs/import/")
        page.set_input_files("input[name=files]", [str(f) for f in files])
        page.click("#import-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
        job = Job.objects.get()
        assert page.inner_text("#job-status") == "排队中" and page.inner_text("#job-total") == "6"
        assert "逃逸.yaml" in page.inner_text("#failures")  # refused at upload: shown at once

        runner.run(job.pk, job.task_id, stop=lambda: Job.objects.get(pk=job.pk).done >= 3)  # 2 files, then hand over
        page.wait_for_function("() => document.getElementById('job-done').textContent === '3'", timeout=20000)
        assert page.get_attribute("#job-bar", "aria-valuenow") == "3"

        run_worker()
        page.wait_for_function("() => document.getElementById('job').dataset.finished === '1'", timeout=30000)
        assert page.inner_text("#job-status") == "已完成" and page.inner_text("#job-failed") == "2"
        failures = page.inner_text("#failures")
        assert "空的.docx" in failures and "文件是空的" in failures
        assert page.locator("text=已导入的自评").count() == 1
        assert not errors, errors
        browser.close()
        connection.close()  # the ORM's connection inside Playwright's event loop is its own: not left open
