"""Batch review: every file under some paths imported, scored and checked, into one workbook.

The work for one file (:func:`review_one`) takes a path and returns plain data,
so it runs the same in this process, in a pool of local processes, or on a Dask
distributed cluster. A file that cannot be read gets its row and the reason; it
never stops the batch, and neither does a crash in any one file.
"""

from __future__ import annotations

import io

import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .checks import Severity

SUPPORTED = (".txt", ".text", ".md", ".docx", ".xlsx", ".xlsm", ".pdf", ".yaml", ".yml", ".json")


@dataclass
class Reviewed:
    """One file's review, as plain data (it crosses process and machine boundaries)."""

    file: str
    ok: bool
    reason: str = ""
    format: str = ""
    unit: str | None = None
    year: int | None = None
    kind: str | None = None
    initial: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    reported_total: Decimal | None = None
    reported_grade: str | None = None
    total: Decimal | None = None
    grade: str | None = None
    ruleset: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)


def files_under(paths: Iterable[str | Path]) -> list[Path]:
    """Every file under the paths (directories walked, hidden entries skipped), sorted, without repeats."""
    out: dict[str, Path] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if not n.startswith((".", "~$")):
                        f = Path(root) / n
                        out.setdefault(str(f.resolve()), f)
        else:
            out.setdefault(str(p.resolve()), p)
    return sorted(out.values(), key=str)


def review_one(path: str, ruleset: str | None = None) -> Reviewed:
    """Import, score and check one file. Never raises."""
    try:
        return _review(path, ruleset)
    except Exception as exc:  # the batch must survive any one file: report it, keep going
        return Reviewed(path, False, f"处理时出错：{type(exc).__name__}: {exc}"[:300])


def _review(path: str, ruleset: str | None) -> Reviewed:
    from .readers import read_file
    from .rulesets import RuleSetError
    from .service import analyse

    imported = read_file(path)
    if not imported.ok:
        reason = "；".join(p.message + (f"（应为：{p.expected}）" if p.expected else "") for p in imported.problems)
        return Reviewed(path, False, reason or "无法读取", imported.format)
    e = imported.evaluation
    r = Reviewed(path, True, "", imported.format, e.unit, e.year, e.kind.value, e.budget.initial,
                 e.budget.adjusted, e.budget.executed, reported_total=e.reported.total,
                 reported_grade=e.reported.grade)
    findings = list(imported.findings)
    try:
        analysis = analyse(e, ruleset)  # the one analysis: what `jixiao check` and the editor say
        card = analysis.card
        r.ruleset, r.total, r.grade = analysis.rules.id, card.total, card.grade
        r.execution_rate = card.execution_rate.value  # a ratio (0.5993)
        findings += analysis.findings
    except RuleSetError as exc:
        r.reason = f"评分规则不可用：{exc}"
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: order[f.severity])
    r.counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
    r.findings = [{"key": f.key, "code": f.code, "severity": f.severity.value, "level": f.severity.label, "message": f.message,
                   "where": str(f.where), "expected": f.expected, "found": f.found} for f in findings]
    return r


def run_local(files: list[str], workers: int, ruleset: str | None,
              progress: Callable[[Reviewed], None] | None = None) -> list[Reviewed]:
    """Review on this machine: in this process for one worker, else a pool of processes."""
    results: dict[str, Reviewed] = {}
    if workers <= 1 or len(files) <= 1:
        for f in files:
            results[f] = review_one(f, ruleset)
            if progress:
                progress(results[f])
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_tune) as pool:
            futures = {pool.submit(review_one, f, ruleset): f for f in files}
            for future in as_completed(futures):
                f = futures[future]
                try:
                    results[f] = future.result()
                except Exception as exc:  # a worker process died (out of memory, killed)
                    results[f] = Reviewed(f, False, f"处理进程异常退出：{type(exc).__name__}")
                if progress:
                    progress(results[f])
    return [results[f] for f in files]


def _tune() -> None:
    from .service import tune_for_batch

    tune_for_batch()


def run_cluster(files: list[str], address: str, ruleset: str | None,
                progress: Callable[[Reviewed], None] | None = None) -> list[Reviewed]:
    """Review on a Dask distributed cluster (``tcp://host:8786``); the workers need jixiao installed."""
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    results: dict[str, Reviewed] = {}
    with Client(address, timeout="30s") as client:
        futures = client.map(review_one, files, ruleset=ruleset, pure=False)
        where = {f.key: name for f, name in zip(futures, files)}
        for future in dask_completed(futures):
            name = where[future.key]
            try:
                results[name] = future.result()
            except Exception as exc:  # a worker lost mid-task
                results[name] = Reviewed(name, False, f"集群任务失败：{type(exc).__name__}")
            if progress:
                progress(results[name])
    return [results[f] for f in files]


# ---------------------------------------------------------------- the workbook

SUMMARY_COLUMNS = ("序号", "文件", "状态", "原因", "单位", "年度", "类型", "年初预算数（万元）", "调整预算数（万元）",
                   "执行数（万元）", "执行率（重算）", "填报总分", "重算总分", "填报等级", "重算等级", "评分规则",
                   "错误", "警告", "提示", "明细")
FINDING_COLUMNS = ("文件", "代码", "级别", "问题", "位置", "应为", "实际")
KINDS = {"department": "部门整体", "project": "项目"}


def _sheet_name(index: int, file: str, used: set[str]) -> str:
    stem = re.sub(r"[\[\]:*?/\\']", "_", Path(file).stem)
    name = f"{index:04d} {stem}"[:31]
    while name in used:
        name = name[:-1] + "_"
    used.add(name)
    return name


def write_workbook(results: list[Reviewed], out: str | Path) -> None:
    """The review workbook: 汇总 (one row per file, linked to its sheet), 全部问题, and a sheet per document."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(SUMMARY_COLUMNS)
    every = book.create_sheet("全部问题")
    every.append(FINDING_COLUMNS)
    bold = Font(bold=True)
    link = Font(color="0563C1", underline="single")
    bad = PatternFill("solid", fgColor="F8CBAD")
    used = {"汇总", "全部问题"}
    for i, r in enumerate(results, start=1):
        sheet_name = _sheet_name(i, r.file, used)
        row = [i, r.file, "已读取" if r.ok else "无法读取", r.reason, r.unit, r.year, KINDS.get(r.kind or "", r.kind),
               r.initial, r.adjusted, r.executed,
               r.execution_rate, r.reported_total, r.total,
               r.reported_grade, r.grade, r.ruleset, r.counts.get("error", 0), r.counts.get("warning", 0),
               r.counts.get("info", 0), "查看"]
        summary.append(row)
        n = summary.max_row
        summary.cell(n, 11).number_format = "0.00%"
        detail = summary.cell(n, len(SUMMARY_COLUMNS))
        detail.hyperlink = f"#'{sheet_name}'!A1"
        detail.font = link
        if not r.ok or r.counts.get("error"):
            summary.cell(n, 3).fill = bad
        ws = book.create_sheet(sheet_name)
        ws.append(["文件", r.file])
        ws.append(["状态", "已读取" if r.ok else f"无法读取：{r.reason}"])
        ws.append(["单位", r.unit, "年度", r.year, "类型", KINDS.get(r.kind or "", r.kind)])
        ws.append(["返回汇总"])
        ws.cell(4, 1).hyperlink = "#'汇总'!A1"
        ws.cell(4, 1).font = link
        ws.append([])
        ws.append(FINDING_COLUMNS[1:])
        for c in ws[6]:
            c.font = bold
        for f in r.findings:
            values = [f["code"], f["level"], f["message"], f["where"], f["expected"], f["found"]]
            ws.append(values)
            every.append([r.file, *values])
        for col, width in zip("ABCDEF", (8, 8, 70, 50, 16, 16)):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A7"
    for sheet, widths in ((summary, (6, 40, 10, 30, 30, 7, 9, 12, 12, 12, 10, 9, 9, 9, 9, 26, 6, 6, 6, 6)),
                          (every, (40, 8, 8, 70, 50, 16, 16))):
        for c in sheet[1]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="center")
        for k, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(k)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    _grade_sheet(book, results)
    from .cells import neutralise

    for sheet in book.worksheets:  # nothing here is meant as a formula: a unit named =HYPERLINK(…) stays text
        neutralise(sheet)
    book.save(out)


def _grade_sheet(book, results: list[Reviewed]) -> None:  # noqa: ANN001 - openpyxl Workbook
    """等级分布: how many files got each recomputed grade, as a table and (with a CJK font) a chart."""
    from collections import Counter

    from openpyxl.drawing.image import Image

    from .writers.charts import ChartError, grade_chart

    grades = Counter(r.grade for r in results if r.ok and r.grade)
    ws = book.create_sheet("等级分布", 1)
    ws.append(["等级（按规则重新计算）", "份数"])
    order = ["优", "良", "中", "差"] + sorted(g for g in grades if g not in ("优", "良", "中", "差"))
    for grade in order:
        ws.append([grade, grades.get(grade, 0)])
    ws.append(["合计", sum(grades.values())])
    ws.column_dimensions["A"].width = 24
    try:
        png = grade_chart(grades, title=f"评价等级分布（{sum(grades.values())} 份）")
    except ChartError as exc:
        ws.append([])
        ws.append([f"未附图表：{exc}"])
        return
    ws.add_image(Image(io.BytesIO(png)), "D2")


def totals(results: list[Reviewed]) -> Iterator[tuple[str, int]]:
    yield "文件", len(results)
    yield "已读取", sum(1 for r in results if r.ok)
    yield "无法读取", sum(1 for r in results if not r.ok)
    yield "有错误的文件", sum(1 for r in results if r.counts.get("error"))
    yield "错误", sum(r.counts.get("error", 0) for r in results)
    yield "警告", sum(r.counts.get("warning", 0) for r in results)
