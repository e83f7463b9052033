"""What a batch job does, item by item: create the job, run it in a worker, hand it over, recover it.

The worker calls :func:`run` (through the task in :mod:`.tasks`). Each item is prepared outside any
transaction (reading a report or writing a .docx is the slow part) and then finished in one
transaction with its effect and the job's counters. That transaction also checks the job's lease
(``Job.task_id`` is this task's id and the job is still running): a task that lost its lease — the
job was cancelled, or given to another worker because this one looked dead — changes nothing and
stops. So every item is done exactly once, whatever the workers do.

A failing file (unreadable, not a report, its unit not found, its unit already has that year's
evaluation, a writer error) is the item's result, with a Chinese message naming the file and the
place; it never stops the job. Only the database failing stops it, and then :func:`reap` notices.

Recovery (:func:`reap`): an active job whose task is gone, ended, or silent for longer than
``JIXIAO_JOB_STALE_AFTER`` seconds (default 600; the job's ``heartbeat`` moves at every item) is
queued again with a new task and continues with its next unfinished item; an item whose processing
was interrupted twice is failed instead of retried forever. The worker runs it on start and every
minute (:mod:`.management.commands.db_worker`), and the job pages run it for the jobs they show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ...cells import csv_row
from ..evaluations.models import Evaluation
from ..evaluations.services import ServiceError, Unreadable, create, read_report
from ..orgs.models import Unit
from .archive import Expanded
from .models import ACTIVE, Item, ItemState, Job, Kind, Status

log = logging.getLogger("jixiao.web.jobs")

MAX_RESUMES = 5
"""A job whose worker died this many times is failed rather than queued again."""
MAX_ATTEMPTS = 2
"""An item whose processing was interrupted this many times is failed (it may be what kills the worker)."""
FORMATS = ("docx", "xlsx", "pdf")


class LostLease(Exception):
    """This task no longer owns the job (cancelled, or given to another worker)."""


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "JIXIAO_JOB_STALE_AFTER", 600)))


# ---------------------------------------------------------------- creating jobs


def enqueue(job: Job) -> str:
    """A new task for ``job`` (inside the caller's transaction: both appear together); its id."""
    from .tasks import run_job

    return str(run_job.enqueue(job.pk).id)


@transaction.atomic
def create_import(user: Any, bureau_id: int, unit: Unit | None, files: Expanded) -> Job:
    """A job importing ``files`` into ``unit`` (a unit's own import) or, without a unit, into the bureau's
    units each file names. Refused files are failed items from the start."""
    refused = sum(1 for f in files.files if f.data is None)
    job = Job.objects.create(kind=Kind.IMPORT, bureau_id=bureau_id, unit=unit, created_by=user,
                             total=len(files.files), done=refused, failed=refused,
                             message=f"已忽略 {files.skipped} 个系统文件（如 .DS_Store、__MACOSX）" if files.skipped else "")
    now = timezone.now()
    Item.objects.bulk_create(
        (Item(job=job, seq=i, name=f.name[:500], size=f.size or len(f.data or b""), content_type=f.content_type[:100],
              data=f.data, state=ItemState.FAILED if f.data is None else ItemState.PENDING, message=f.refused,
              finished_at=now if f.data is None else None)
         for i, f in enumerate(files.files, 1)), batch_size=20)
    job.task_id = enqueue(job)
    job.save(update_fields=["task_id"])
    return job


@transaction.atomic
def create_render(user: Any, bureau_id: int, year: int, formats: Iterable[str], evaluations: Iterable[Evaluation],
                  department_id: int | None = None, unit_id: int | None = None) -> Job:
    """A job writing the report and tables of each of ``evaluations`` into one zip."""
    rows = list(evaluations)
    job = Job.objects.create(kind=Kind.RENDER, bureau_id=bureau_id, department_id=department_id, unit_id=unit_id,
                             year=year, formats=",".join(f for f in FORMATS if f in set(formats)), created_by=user,
                             total=len(rows))
    Item.objects.bulk_create(
        (Item(job=job, seq=i, name=f"{e.unit.name} · {e.title}（{e.get_kind_display()}）"[:500], evaluation=e)
         for i, e in enumerate(rows, 1)), batch_size=200)
    job.task_id = enqueue(job)
    job.save(update_fields=["task_id"])
    return job


def cancel(job: Job) -> str:
    """Cancel a queued job at once, or ask a running one to stop after its current item. A message."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, status=Status.QUEUED).update(
                status=Status.CANCELLED, finished_at=timezone.now(), message="已取消（尚未开始处理）"):
            DBTaskResult.objects.filter(id=job.task_id, status="READY").delete()
            return "任务已取消"
    if Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(cancel_requested=True):
        return "已请求取消：当前文件处理完后停止，已完成的结果保留"
    return "任务已结束，无需取消"


# ---------------------------------------------------------------- running


@dataclass
class Outcome:
    """An item's result, before it is committed."""

    ok: bool
    message: str = ""
    evaluation_id: int | None = None
    data: bytes | None = None
    commit: Callable[[], Outcome] | None = None
    """Database work of the item (creating the evaluation), run inside the item's transaction."""


def run(job_id: int, task_id: str, stop: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Work on job ``job_id`` as task ``task_id`` until it is finished, cancelled, lost, or ``stop()`` says
    the worker is shutting down (then it is queued again for another worker). A summary for the task result."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, task_id=task_id, status__in=ACTIVE).update(
        status=Status.RUNNING, heartbeat=now, started_at=Coalesce(F("started_at"), Value(now, DateTimeField())))
    if not claimed:
        return {"job": job_id, "outcome": "not-mine"}
    job = Job.objects.select_related("bureau", "unit", "department").defer(*("output",)).get(pk=job_id)
    work = Importer(job) if job.kind == Kind.IMPORT else Renderer(job)
    try:
        while True:
            state = Job.objects.filter(pk=job_id).values("task_id", "status", "cancel_requested").first()
            if state is None or state["task_id"] != task_id or state["status"] != Status.RUNNING:
                return {"job": job_id, "outcome": "lost"}
            if state["cancel_requested"]:
                return {"job": job_id, "outcome": _finish(job, task_id, work, Status.CANCELLED)}
            if stop():
                return {"job": job_id, "outcome": _hand_over(job_id, task_id)}
            item = Item.objects.filter(job_id=job_id, state=ItemState.PENDING).defer("data").order_by("seq").first()
            if item is None:
                return {"job": job_id, "outcome": _finish(job, task_id, work, Status.DONE)}
            _process(job, task_id, item, work)
    except LostLease:
        return {"job": job_id, "outcome": "lost"}
    except DatabaseError:
        raise  # the task fails; the job is recovered by reap() once the database is back
    except Exception as exc:  # a bug, not a file's problem: the job fails with the reason, the task succeeds
        log.exception("batch job %s failed", job_id)
        Job.objects.filter(pk=job_id, task_id=task_id, status=Status.RUNNING).update(
            status=Status.FAILED, finished_at=timezone.now(), message=f"任务出错，已停止：{type(exc).__name__}: {exc}"[:2000])
        return {"job": job_id, "outcome": "failed"}


def _process(job: Job, task_id: str, item: Item, work: Importer | Renderer) -> None:
    """Prepare one item (slow, no transaction), then finish it in one transaction under the lease."""
    if item.attempts >= MAX_ATTEMPTS:
        outcome = Outcome(False, f"处理「{item.name}」时处理进程{item.attempts}次中断（文件可能过大或结构异常），已跳过")
    else:
        Item.objects.filter(pk=item.pk).update(attempts=F("attempts") + 1)
        try:
            outcome = work.prepare(item)
        except DatabaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - a reader's or writer's bug must not stop the batch
            log.exception("batch job %s: item %s (%s)", job.pk, item.seq, item.name)
            outcome = Outcome(False, f"处理「{item.name}」时出错：{type(exc).__name__}: {exc}"[:2000])
    with transaction.atomic():
        if outcome.commit is not None:
            outcome = outcome.commit()
        fields: dict[str, Any] = {"state": ItemState.OK if outcome.ok else ItemState.FAILED,
                                  "message": outcome.message[:5000], "finished_at": timezone.now()}
        if outcome.evaluation_id is not None:
            fields["evaluation_id"] = outcome.evaluation_id
        if job.kind == Kind.RENDER:
            fields["data"] = outcome.data
        mine = Item.objects.filter(pk=item.pk, state=ItemState.PENDING).update(**fields)
        moved = Job.objects.filter(pk=job.pk, task_id=task_id, status=Status.RUNNING).update(
            done=F("done") + 1, failed=F("failed") + (0 if outcome.ok else 1), heartbeat=timezone.now())
        if not (mine and moved):
            raise LostLease  # rolls the item's effect back: another task owns the job now


def _hand_over(job_id: int, task_id: str) -> str:
    """The worker is stopping: queue the job again with a new task, to continue where it is."""
    with transaction.atomic():
        job = Job.objects.get(pk=job_id)
        new_id = enqueue(job)
        if not Job.objects.filter(pk=job_id, task_id=task_id, status=Status.RUNNING).update(
                status=Status.QUEUED, task_id=new_id, message="处理进程停止，任务已重新排队，将从未处理的文件继续"):
            raise LostLease
    return "handed-over"


def _finish(job: Job, task_id: str, work: Importer | Renderer, status: Status) -> str:
    counts = Job.objects.filter(pk=job.pk).values("total", "done", "failed").get()
    output = work.output(counts) if status == Status.DONE else None
    ok = counts["done"] - counts["failed"]
    noun = "个文件" if job.kind == Kind.IMPORT else "份自评"
    verb = "导入" if job.kind == Kind.IMPORT else "生成"
    message = f"共 {counts['total']} {noun}：{verb}成功 {ok}，失败 {counts['failed']}"
    if status == Status.CANCELLED:
        message = f"已取消：{counts['total'] - counts['done']} {noun}未处理；已处理的 {counts['done']} 个中成功 {ok}，失败 {counts['failed']}"
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "heartbeat": timezone.now(),
                              "message": message}
    if output is not None:
        fields.update(output=output[1], output_name=output[0][:255], output_size=len(output[1]))
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, task_id=task_id, status=Status.RUNNING).update(**fields):
            raise LostLease
        if job.kind == Kind.RENDER:
            Item.objects.filter(job_id=job.pk).update(data=None)  # now in the zip
    return status.value


# ---------------------------------------------------------------- import


def source_name(name: str) -> str:
    """The file's own name, without the archive it came from or its folders (``批量.zip：金水/报告.docx`` → ``报告.docx``)."""
    archive, sep, member = name.partition("：")
    if sep and archive.lower().endswith(".zip"):
        name = member
    return name.replace("\\", "/").rsplit("/", 1)[-1] or name


def _key(name: str) -> str:
    """A unit's name as compared: no spaces, half-width brackets."""
    return re.sub(r"\s+", "", name or "").replace("（", "(").replace("）", ")")


class Importer:
    """Each file read by the core's readers and stored through ``evaluations.services.create``."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._units: dict[str, list[Unit]] | None = None

    def units(self) -> dict[str, list[Unit]]:
        if self._units is None:
            self._units = {}
            for u in Unit.objects.filter(department__bureau_id=self.job.bureau_id).select_related("department"):
                self._units.setdefault(_key(u.name), []).append(u)
        return self._units

    def unit_for(self, e: Any, name: str) -> Unit | str:
        """The bureau's unit the document names (its 单位名称, or a project's 实施单位), or why not."""
        names = [e.unit] + ([e.project.implementer] if e.project and e.project.implementer else [])
        for wanted in names:
            found = self.units().get(_key(wanted), [])
            if len(found) > 1 and e.project and e.project.department:
                found = [u for u in found if _key(u.department.name) == _key(e.project.department)] or found
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                where = "、".join(u.department.name for u in found)
                return f"「{name}」：本局有多个名为「{wanted}」的单位（{where}），无法确定导入到哪一个；请由该单位自行导入"
        return (f"「{name}」：文件中的单位「{e.unit}」不是{self.job.bureau.name}的预算单位；"
                "请先在“单位与人员”中添加该单位，或核对文件中的单位名称")

    def prepare(self, item: Item) -> Outcome:
        raw = bytes(Item.objects.filter(pk=item.pk).values_list("data", flat=True).get() or b"")
        try:
            report = read_report(raw, item.name)
        except Unreadable as exc:
            return Outcome(False, str(exc))
        e = report.evaluation
        notes = []
        if e.year is None:
            return Outcome(False, f"「{item.name}」：文件中找不到评价年度（标题、表头和正文中都没有写明），"
                                  "请在“新建自评”中单独导入并填写年度")
        if not e.unit and not self.job.unit_id:
            return Outcome(False, f"「{item.name}」：文件中找不到单位名称，无法确定导入到哪个单位；请由该单位自行导入")
        if self.job.unit_id:
            unit = self.job.unit
            if not e.unit:
                report.data["unit"] = unit.name
                notes.append(f"文件中没有写明单位名称，已按本单位「{unit.name}」导入")
            elif _key(e.unit) != _key(unit.name):
                notes.append(f"文件中的单位名称为「{e.unit}」，与本单位「{unit.name}」不同，请核对")
        else:
            found = self.unit_for(e, item.name)
            if isinstance(found, str):
                return Outcome(False, found)
            unit = found
        doc = report.data
        hints = len(report.findings)
        if hints:
            notes.append(f"读取提示 {hints} 条（见自评的审核发现）")

        def commit() -> Outcome:
            try:
                with transaction.atomic():  # a savepoint: a refused file leaves nothing (not even its project)
                    record, analysis = create(unit, doc, self.job.created_by, f"批量导入（任务#{self.job.pk}）自文件「{item.name}」",
                                              source=(source_name(item.name), raw, item.content_type))
            except ServiceError as exc:
                return Outcome(False, f"「{item.name}」：{exc}")
            text = (f"已导入为 {unit.name} {record.year}年度{record.get_kind_display()}自评「{record.title}」"
                    + (f"；{len(analysis.changes)} 个派生数字与复核的不同（保留填报值）" if analysis.changes else ""))
            return Outcome(True, "；".join([text, *notes]), record.pk)

        return Outcome(True, commit=commit)

    def output(self, counts: dict[str, int]) -> None:
        return None


# ---------------------------------------------------------------- render

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(text: str) -> str:
    """A file or folder name that every system accepts."""
    return _UNSAFE.sub("_", text).strip(" .")[:120] or "未命名"


class Renderer:
    """Each evaluation's report (.docx, optionally .pdf) and tables (.xlsx) by the core's writers; one zip."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.formats = [f for f in job.formats.split(",") if f in FORMATS] or ["docx", "xlsx"]

    def _record(self, item: Item) -> Evaluation | None:
        scope = Q(bureau_id=self.job.bureau_id)
        if self.job.unit_id:
            scope &= Q(unit_id=self.job.unit_id)
        return Evaluation.objects.filter(scope, pk=item.evaluation_id).select_related("unit", "department").first()

    def prepare(self, item: Item) -> Outcome:
        from jixiao.service import ruleset_for
        from jixiao.writers import write

        record = self._record(item)
        if record is None:
            return Outcome(False, f"「{item.name}」：该自评已被删除，未生成")
        e = record.to_domain()
        if e is None:
            return Outcome(False, f"「{item.name}」：自评文档无法读取（请在编辑器中修正后再生成）")
        folder = file_name(record.unit.name) if not self.job.unit_id else ""
        base = file_name(f"{record.year}年度{record.title}{record.get_kind_display()}绩效自评")
        buffer = io.BytesIO()
        made, errors = [], []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
            for fmt in self.formats:
                try:
                    written = write(e, fmt, ruleset_for(e))
                except DatabaseError:
                    raise
                except Exception as exc:  # noqa: BLE001 - WriterError, RuleSetError, a writer's bug
                    errors.append(f".{fmt}：{exc}")
                    continue
                finally:  # LibreOffice may take a while: show the job is alive
                    Job.objects.filter(pk=self.job.pk, task_id=self.job.task_id).update(heartbeat=timezone.now())
                name = f"{base}{'表' if fmt == 'xlsx' else '报告'}.{fmt}"
                z.writestr(f"{folder}/{name}" if folder else name, written.data)
                made.append(name)
        if errors:
            return Outcome(False, f"「{item.name}」生成失败：" + "；".join(errors)
                           + (f"（已生成：{'、'.join(made)}）" if made else ""), record.pk, buffer.getvalue())
        return Outcome(True, "已生成：" + "、".join(made), record.pk, buffer.getvalue())

    def output(self, counts: dict[str, int]) -> tuple[str, bytes]:
        """The job's zip: every file written, and 生成情况.csv listing each evaluation's result."""
        where = self.job.unit.name if self.job.unit_id else self.job.department.name
        name = file_name(f"{self.job.year}年度{where}绩效自评报告") + ".zip"
        with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as z:
                seen: set[str] = set()
                for pk in Item.objects.filter(job_id=self.job.pk).order_by("seq").values_list("pk", flat=True):
                    data = Item.objects.filter(pk=pk).values_list("data", flat=True).get()
                    if not data:
                        continue
                    with zipfile.ZipFile(io.BytesIO(bytes(data))) as part:
                        for info in part.infolist():
                            target = _unique(info.filename, seen)
                            z.writestr(target, part.read(info))
                z.writestr("生成情况.csv", report_csv(self.job))
            spool.seek(0)
            return name, spool.read()


def _unique(name: str, seen: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = f"{stem}（{n}）.{ext}" if dot else f"{name}（{n}）"
    seen.add(candidate)
    return candidate


# ---------------------------------------------------------------- report


REPORT_HEADER = ["序号", "文件", "结果", "说明", "单位", "年度", "类型", "自评编号"]


def report_rows(job: Job) -> Iterable[list[Any]]:
    """One row per item: what it was, whether it succeeded, the message, the evaluation."""
    items = Item.objects.filter(job_id=job.pk).defer("data").select_related("evaluation__unit").order_by("seq")
    for item in items.iterator(chunk_size=500):
        e = item.evaluation
        yield [item.seq, item.name, item.get_state_display(), item.message, e.unit.name if e else "",
               e.year if e else "", e.get_kind_display() if e else "", e.pk if e else ""]


def report_csv(job: Job) -> bytes:
    """The per-file report as CSV (UTF-8 with BOM, so Excel opens the Chinese text)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_HEADER)
    writer.writerows(csv_row(row) for row in report_rows(job))  # a file named =HYPERLINK(…) stays text
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- recovery


def reap(now: dt.datetime | None = None, jobs: Any = None) -> list[int]:
    """Queue again (or fail, after :data:`MAX_RESUMES`) every active job whose worker is gone; their ids.

    Gone: the job's task no longer exists, has ended (a crash inside it, a forced stop), or is running
    without the job moving for longer than :func:`stale_after`. A job merely waiting for a worker is
    left alone.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - stale_after()
    active = list((jobs if jobs is not None else Job.objects).filter(status__in=ACTIVE)
                  .values("pk", "task_id", "heartbeat"))
    if not active:
        return []
    tasks = {str(t["id"]): t for t in DBTaskResult.objects.filter(id__in=[j["task_id"] for j in active if _uuid(j["task_id"])])
             .values("id", "status", "started_at")}
    reaped = []
    for j in active:
        task = tasks.get(j["task_id"])
        if task is not None and task["status"] == "READY":
            continue
        if task is not None and task["status"] == "RUNNING":
            last = max(t for t in (j["heartbeat"], task["started_at"]) if t is not None) if (
                j["heartbeat"] or task["started_at"]) else None
            if last is not None and last >= cutoff:
                continue
        if _requeue(j["pk"], j["task_id"], now):
            reaped.append(j["pk"])
    return reaped


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True


def _requeue(job_id: int, task_id: str, now: dt.datetime) -> bool:
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, task_id=task_id, status__in=ACTIVE).first()
        if job is None:
            return False  # finished or recovered meanwhile
        if _uuid(task_id):
            DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
                status="FAILED", finished_at=now, exception_class_path="jixiao.web.jobs.runner.WorkerLost",
                traceback="处理进程中断（长时间没有进展），任务已交给其他处理进程")
        local = timezone.localtime(now)
        if job.resumes >= MAX_RESUMES:
            Job.objects.filter(pk=job_id).update(
                status=Status.FAILED, finished_at=now,
                message=f"处理进程已中断 {job.resumes + 1} 次，任务停止（{local:%H:%M}）；已处理的文件结果保留，"
                        "其余文件请重新提交")
            return True
        new_id = enqueue(job)
        Job.objects.filter(pk=job_id).update(
            status=Status.QUEUED, task_id=new_id, resumes=F("resumes") + 1,
            message=f"处理进程中断，任务已于 {local:%H:%M} 重新排队，将从未处理的文件继续")
    log.warning("batch job %s: worker lost, queued again", job_id)
    return True
