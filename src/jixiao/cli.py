"""The ``jixiao`` command line: import, score, check, review, report, template, checks, rulesets, schema.

Exit codes: 0 success; 1 ``check`` found errors; 2 unreadable input or
unusable rule set (with a message naming the file and place, never a traceback).
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import rulesets
from .document import Evaluation
from .native import dump_json, dump_yaml, json_dumps
from .numbers import fmt, pct
from .rulesets import RuleSetError
from .scoring import Scorecard, to_dict
from .checks import CHECKS, Finding, Severity, markdown
from .service import check_file, import_file, score_file

# The committed schema in a checkout (other tools validate against it); `schema --check`
# compares it with the models.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "evaluation.schema.json"
KIND_NAMES = {"department": "部门整体支出", "project": "项目支出"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _fail(message: str) -> None:
    _console(stderr=True).print(f"[bold red]错误[/]：{message}", markup=True)
    sys.exit(2)


class _Guarded(click.Group):
    """Any failure a command did not foresee is one line naming what failed (exit 2), never a traceback;
    ``JIXIAO_DEBUG=1`` shows the traceback for a bug report."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("JIXIAO_DEBUG") == "1":
                raise
            files = " ".join(a for a in sys.argv[2:] if not a.startswith("-"))
            _fail(f"处理 {escape(files) or '输入'} 时出错（{type(exc).__name__}：{escape(str(exc))[:200]}）；"
                  "设置 JIXIAO_DEBUG=1 可查看详细信息")


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao")
def main() -> None:
    """绩效（Jixiao）：预算绩效自评的评分、核查与报告。"""


@main.command("score")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--ruleset", "ruleset_id", help="评分规则 id 或文件路径（默认按文档的类型、年度和地区选择）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def score_command(file: Path, ruleset_id: str | None, as_json: bool) -> None:
    """按评分规则计算一份自评文档的得分，并与文档填报的得分比较。"""
    try:
        scored = score_file(file, ruleset_id)
    except RuleSetError as exc:
        _fail(str(exc))
        return
    if scored.scorecard is None:
        err = _console(stderr=True)
        err.print(f"[bold red]无法读取[/] {file}：", markup=True)
        for problem in scored.problems:
            err.print(f"  {problem}", markup=False)
        sys.exit(2)
    evaluation = scored.loaded.evaluation
    assert evaluation is not None
    _policy(file, evaluation, _console(stderr=True), "无法评分")
    if as_json:
        data = {"file": str(file), "unit": evaluation.unit, "year": evaluation.year,
                "kind": evaluation.kind.value, **to_dict(scored.scorecard)}
        click.echo(json_dumps(data))
        return
    _print_scorecard(evaluation, scored.scorecard)


UNKNOWN_UNIT = "（未写明单位）"


def _year(e: Evaluation) -> str:
    return f"{e.year}年度" if e.year is not None else "年度未写明"


def _n(value: Decimal | None) -> str:
    return fmt(value)


def _print_scorecard(e: Evaluation, card: Scorecard) -> None:
    out = _console()
    name = e.project.name if e.project else e.unit
    form = "绩效目标申报表（缺少自评表）" if card.declaration_only else "绩效自评"
    out.print(f"[bold]{escape(name or UNKNOWN_UNIT)}[/]  {_year(e)} {KIND_NAMES[e.kind.value]}{form}", markup=True)
    out.print(f"评分规则：{card.ruleset_title}（{card.ruleset}）", markup=False)
    if card.basis and card.basis != f"按「{card.ruleset_title}」评分":
        out.print(f"评分依据：{card.basis}", markup=False)
    for doubt in card.uncertain:
        out.print(f"  未经核实：{doubt}", markup=False)
    rate = card.execution_rate
    if rate.value is not None:
        out.print(f"预算执行率：{pct(rate.value)}（{rate.formula}）", markup=False)
    cats = Table(title="各项指标得分", show_lines=False)
    for col in ("类别", "权重", "规则计算", "得分率", "填报得分", "表内合计", "说明"):
        cats.add_column(col, justify="right" if col not in ("类别", "说明") else "left", overflow="fold")
    for c in card.categories:
        rate_text = pct(c.rate)
        cats.add_row(escape(c.name), _n(c.weight), _n(c.computed), rate_text, _n(c.reported), _n(c.stated),
                     escape(c.note or ""))
    weights = sum((c.weight for c in card.categories), Decimal(0))  # 100 under a rule set; a document's own may differ
    cats.add_row("[bold]合计[/]", _n(weights), f"[bold]{_n(card.total)}[/]", "", _n(card.reported_total), _n(card.stated_total), "")
    out.print(cats)
    stated = "文档所注（无自评表可依）" if card.declaration_only else "文档填报"
    head = "得分情况表复核" if card.declaration_only else "总分"
    out.print(f"{head} [bold]{_n(card.total)}[/]，等级 [bold]{card.grade}[/]"
              f"（{stated}：{_n(card.reported_total)}，{card.reported_grade or '—'}）", markup=True)
    if out.width >= 140:
        table = Table(title="指标明细（扣分说明）", show_lines=False)
        for col in ("一级", "二级", "三级指标", "分值", "填报", "计算", "说明"):
            table.add_column(col, overflow="fold")
        for i in card.indicators:
            mark = "" if i.reported is None or i.computed is None or i.reported == i.computed else "[red]≠[/]"
            table.add_row(escape(i.level1), escape(i.level2), escape(i.name), _n(i.weight), _n(i.reported),
                          f"{_n(i.computed)}{mark}", escape(i.explanation))
        out.print(table)
    else:  # a narrow terminal: one indicator per line, its explanation indented below
        out.print("[bold]指标明细（扣分说明）[/]", markup=True)
        for i in card.indicators:
            mark = "" if i.reported is None or i.computed is None or i.reported == i.computed else "  [red]≠ 填报[/]"
            out.print(f"· {escape(i.level1)}/{escape(i.level2)}/[bold]{escape(i.name)}[/]  分值 {_n(i.weight)}，"
                      f"填报 {_n(i.reported)}，计算 {_n(i.computed)}{mark}", markup=True)
            out.print(f"    {i.explanation}", markup=False)
    if card.differences:
        out.print(f"[bold yellow]填报与计算不一致（{len(card.differences)} 处）[/]", markup=True)
        for d in card.differences:
            out.print(f"  · {d.where} {d.field}：填报 {_fmt_any(d.reported)}，计算 {_fmt_any(d.computed)} —— {d.message}",
                      markup=False)
    if card.explanations:
        out.print(f"[bold yellow]须说明的情况（{len(card.explanations)} 处，{len(card.missing_explanations)} 处未说明）[/]",
                  markup=True)
        for x in card.explanations:
            state = f"已说明：{x.given}" if x.given else "未说明"
            out.print(f"  · {x.where}：{x.reason}（{state}）", markup=False)
    for note in card.notes:
        out.print(f"注：{note}", markup=False)


def _fmt_any(value: object) -> str:
    return fmt(value) if isinstance(value, Decimal) else str(value if value is not None else "—")


@main.command("rulesets")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def rulesets_command(as_json: bool) -> None:
    """列出可用的评分规则（含依据与权重）。"""
    try:
        found = rulesets.available()
    except RuleSetError as exc:
        _fail(str(exc))
        return
    if as_json:
        click.echo(json_dumps([r.model_dump(mode="json") for r in found]))
        return
    table = Table(title="评分规则")
    for col in ("id", "名称", "地区", "年度", "类型", "权重", "舍入", "依据"):
        table.add_column(col, overflow="fold")
    for r in found:
        weights = " / ".join(f"{c.name}{fmt(c.weight)}" for c in r.categories)
        basis = "；".join(f"{b.document_number or b.title[:16]}[{b.confidence}]" for b in r.basis)
        table.add_row(r.id, r.title, r.jurisdiction, str(r.year), KIND_NAMES[r.kind.value], weights,
                      f"{r.rounding.mode.value} {r.rounding.decimals}位", basis)
    _console().print(table)


DOCS_CHECKS_PATH = Path(__file__).resolve().parents[2] / "docs" / "checks.md"
_SEVERITIES = [s.value for s in Severity]
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--ruleset", "ruleset_id", help="评分规则 id 或文件路径（默认按文档的类型、年度和地区选择）")
@click.option("--previous", type=click.Path(path_type=Path), help="上年度的自评文档（用于检查目标是否低于上年实际）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：{\"files\": [{\"file\", \"findings\": [...]}]}")
@click.option("--min-severity", type=click.Choice(_SEVERITIES), default="info", show_default=True,
              help="只显示不低于此严重程度的问题")
def check_command(files: tuple[Path, ...], ruleset_id: str | None, previous: Path | None, as_json: bool,
                  min_severity: str) -> None:
    """审核自评文档：找出数字之间、数字与算术、正文与表格之间的矛盾，并给出依据。

    退出码：0 没有错误；1 有错误（error）；2 有文件无法读取。
    """
    last = None
    if previous is not None:
        loaded = import_file(previous).loaded
        if loaded.evaluation is None:
            _fail(f"上年度文档 {previous} 无法读取：" + "；".join(str(p) for p in loaded.problems))
        last = loaded.evaluation
    floor = Severity(min_severity).rank
    results, unreadable, errors = [], False, False
    for file in files:
        try:
            checked = check_file(file, ruleset_id, last)
        except RuleSetError as exc:
            _fail(str(exc))
            return
        if checked.findings is None:
            unreadable = True
            results.append((file, None, checked.problems, []))
            continue
        refused = _refused(checked.loaded.evaluation)
        if refused is not None:  # the platform's input policy, as the web's doors apply it
            unreadable = True
            results.append((file, None, [refused], []))
            continue
        errors |= any(f.severity is Severity.ERROR for f in checked.findings)
        shown = [f for f in checked.findings if f.severity.rank >= floor]
        results.append((file, checked.loaded.evaluation, [], shown))
    if as_json:
        out = []
        for file, evaluation, problems, findings in results:
            item: dict = {"file": str(file)}
            if evaluation is None:
                item["problems"] = [str(p) for p in problems]
            else:
                item.update(unit=evaluation.unit, year=evaluation.year, kind=evaluation.kind.value,
                            findings=[f.to_dict() for f in findings])
            out.append(item)
        click.echo(json_dumps({"files": out} if len(out) != 1 else out[0]))
    else:
        for file, evaluation, problems, findings in results:
            _print_findings(file, evaluation, problems, findings)
    sys.exit(2 if unreadable else 1 if errors else 0)


def _print_findings(file: Path, evaluation: Evaluation | None, problems: list, findings: list[Finding]) -> None:
    out = Console(highlight=False, soft_wrap=True)  # long Chinese lines wrap in the terminal, not mid-figure
    if evaluation is None:
        out.print(f"[bold red]无法读取[/] {escape(str(file))}：", markup=True)
        for problem in problems:
            out.print(f"  {problem}", markup=False)
        out.print()
        return
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    summary = "，".join(f"{s.label}{counts[s]}" for s in Severity)
    out.print(f"[bold]{escape(str(file))}[/]  {escape(evaluation.unit or UNKNOWN_UNIT)}（{_year(evaluation)}，"
              f"{KIND_NAMES[evaluation.kind.value]}）：{summary}", markup=True)
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        out.print(f"[{_STYLE[severity]}]{severity.label}（{len(group)}）[/]", markup=True)
        for f in group:
            out.print(f"  [{_STYLE[severity]}]{f.code}[/] {escape(f.message)}", markup=True)
            evidence = f"      位置：{f.where}"
            if f.expected is not None or f.found is not None:
                evidence += f"；应为：{f.expected or '—'}；填写：{f.found or '—'}"
            out.print(evidence, markup=False, style="dim")
    if not findings:
        out.print("  未发现问题", markup=False)
    out.print()


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写入文件（.yaml 或 .json；默认输出到屏幕）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（默认 YAML）")
def import_command(file: Path, output: Path | None, as_json: bool) -> None:
    """导入一份报告（从 PDF 导出的文本、.docx、.xlsx、.pdf 或 YAML/JSON），转为自评文档。

    每个数字都记录来源（文件与行、工作表与单元格、或页码）；读不出的内容列为问题（R5xx），
    摘要写到标准错误输出。退出码：0 已导入；2 无法读取。
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    imported, evaluation = _imported(file, err, "无法导入")
    text = dump_json(evaluation) if as_json or (output is not None and output.suffix.lower() == ".json") \
        else dump_yaml(evaluation)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"无法写入 {output}：{exc.strerror}")
    _print_import_summary(imported, err)


def _imported(file: Path, err: Console, failure: str):  # noqa: ANN202 - (Imported, Evaluation)
    """Read ``file`` in any format; print why and exit 2 when it cannot be read."""
    imported = import_file(file)
    if not imported.ok:
        err.print(f"[bold red]{failure}[/] {escape(str(file))}：", markup=True)
        for problem in imported.problems:
            err.print(f"  {problem}", markup=False)
        sys.exit(2)
    assert imported.evaluation is not None
    _policy(file, imported.evaluation, err, failure)
    return imported, imported.evaluation


def _refused(evaluation: Evaluation | None) -> str | None:
    """Why the platform's input policy refuses ``evaluation`` (NUL or control characters, numbers too long), or None."""
    from .editing import document_json
    from .web.limits import PolicyError, check

    if evaluation is None:
        return None
    try:
        check(document_json(evaluation))
    except PolicyError as exc:
        return exc.message
    return None


def _policy(file: Path, evaluation: Evaluation, err: Console, failure: str) -> None:
    """The platform's input policy (no NUL or control characters, numbers of sane length), as the web's doors
    apply it: a document the platform would refuse is refused here too, naming the field."""
    refused = _refused(evaluation)
    if refused is not None:
        err.print(f"[bold red]{failure}[/] {escape(str(file))}：{escape(refused)}", markup=True)
        sys.exit(2)


def _print_import_summary(imported, err: Console) -> None:
    e = imported.evaluation
    err.print(f"[bold]已导入[/] {escape(imported.file)}（{imported.format}）：{escape(e.unit or UNKNOWN_UNIT)}，"
              f"{_year(e)}，{KIND_NAMES[e.kind.value]}", markup=True)
    err.print("  找到：" + "，".join(f"{k} {v}" for k, v in imported.found.items() if k not in ("类型", "年度", "单位")),
              markup=False)
    b = e.budget
    err.print(f"  预算：年初 {_n(b.initial)}，调整 {_n(b.adjusted)}，执行 {_n(b.executed)}（万元）；"
              f"填报总分 {_n(e.reported.total)}，等级 {e.reported.grade or '—'}", markup=False)
    if imported.missing:
        err.print("  未找到：" + "、".join(imported.missing), markup=False, style="yellow")
    for f in imported.findings:
        err.print(f"  {f.code} {f.message}（{f.where}）", markup=False, style="dim")


@main.command("review")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="审核结果工作簿（.xlsx）")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="并行进程数（默认为 CPU 核数）")
@click.option("--cluster", "address", help="Dask 分布式集群调度器地址，如 tcp://10.0.0.5:8786")
@click.option("--ruleset", "ruleset_id", help="评分规则 id（默认按每份文档的类型、年度和地区选择）")
def review_command(paths: tuple[Path, ...], output: Path, workers: int | None, address: str | None,
                   ruleset_id: str | None) -> None:
    """批量审核：导入、评分、核查目录下的每份报告，汇总到一个 Excel 工作簿。

    每份文档一行（单位、年度、类型、预算、执行率、填报与重算的总分和等级、错误与警告数、
    明细链接），每份文档一个明细表，另有「全部问题」表。无法读取的文件也有一行并写明原因，
    不会中断整批。退出码：0 全部读取且无错误；1 有错误；2 有文件无法读取。
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .review import files_under, run_cluster, run_local, totals, write_workbook

    if output.suffix.lower() != ".xlsx":
        _fail(f"输出文件应为 .xlsx：{output}")
    files = [str(f) for f in files_under(paths) if f.resolve() != output.resolve()]
    if not files:
        _fail("没有找到要审核的文件：" + "、".join(str(p) for p in paths))
    err = Console(stderr=True, highlight=False)
    with Progress(TextColumn("审核"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=err, transient=False) as bar:
        task = bar.add_task("", total=len(files))

        def advance(r) -> None:
            bar.update(task, advance=1, description=escape(Path(r.file).name[:40]))

        if address:
            try:
                results = run_cluster(files, address, ruleset_id, advance)
            except OSError as exc:
                _fail(f"无法连接 Dask 集群 {address}：{exc}")
                return
        else:
            results = run_local(files, workers or os.cpu_count() or 1, ruleset_id, advance)
    try:
        write_workbook(results, output)
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror}")
    counts = dict(totals(results))
    err.print("，".join(f"{k} {v}" for k, v in counts.items()) + f"；结果：{output}", markup=False)
    for r in results:
        if not r.ok:
            err.print(f"  无法读取 {r.file}：{r.reason}", markup=False, style="yellow")
    sys.exit(2 if counts["无法读取"] else 1 if counts["错误"] else 0)


@main.command("report")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="输出文件：.docx（自评报告）、.xlsx（自评表）或 .pdf（报告，需要 LibreOffice）")
@click.option("--ruleset", "ruleset_id", help="评分规则 id 或文件路径（默认按文档的类型、年度和地区选择）")
@click.option("--draft", "draft_all", is_flag=True, help="全部章节依数据起草，不用文档原有的正文")
@click.option("--no-charts", is_flag=True, help="报告中不附图表")
@click.option("--review", "review_path", type=click.Path(path_type=Path),
              help="复核情况另写为单独的文件（.docx/.pdf），报告不附复核附件")
def report_command(file: Path, output: Path, ruleset_id: str | None, draft_all: bool, no_charts: bool,
                   review_path: Path | None) -> None:
    """撰写自评报告（.docx/.pdf）或自评表（.xlsx）：单位填报的数字、得分和等级保留，复核并列。

    单位未填的执行率、得分等由数据算出；金额无争议的比率按金额重算；自评得分、自评结果保留单位所填，
    复核得分及差异列入复核附件（或 --review 另写的文件）。正文保留原文，与表格矛盾的数字后加
    “【待核实：…】”；缺少的章节依数据起草，数据无从说明的内容留“【待填写：…】”提示。
    退出码：0 已写出；2 无法读取输入或无法写出。
    """
    from .service import ruleset_for
    from .writers import WriterError, format_of, write, write_review

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        fmt = format_of(output)
    except WriterError as exc:
        _fail(str(exc))
        return
    _, evaluation = _imported(file, err, "无法读取")
    try:
        rules = ruleset_for(evaluation, ruleset_id)
        if rules.kind is not evaluation.kind:
            raise RuleSetError(f"评分规则「{rules.id}」适用于 {rules.kind.value}，而文档是 {evaluation.kind.value}")
        written = write(evaluation, fmt, rules, own_text=not draft_all, charts=not no_charts,
                        review=review_path is None)
        review = None
        if review_path is not None:
            review = write_review(evaluation, format_of(review_path), rules, own_text=not draft_all)
    except (RuleSetError, WriterError) as exc:
        _fail(str(exc))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(written.data)
        if review_path is not None and review is not None:
            review_path.parent.mkdir(parents=True, exist_ok=True)
            review_path.write_bytes(review)
    except OSError as exc:
        _fail(f"无法写入 {exc.filename or output}：{exc.strerror}")
    _print_written(written, output, err)
    if review_path is not None:
        err.print(f"复核情况：{review_path}", markup=False)


def _print_written(written, output: Path, err: Console) -> None:  # noqa: ANN001 - writers.Written
    card, kept = written.settled.card, written.kept
    declared = written.document.reported
    own = f"自评得分 {fmt(declared.total)}，等级 {declared.grade}；" if declared.total is not None else ""
    err.print(f"[bold]已写出[/] {escape(str(output))}：{escape(own)}复核得分 {fmt(card.total)}，等级 {card.grade}"
              f"（{escape(card.ruleset_title)}）", markup=True)
    recomputed = kept.recomputed if kept is not None else written.settled.changes
    if recomputed:
        err.print(f"按数据填写或重算的数字（{len(recomputed)} 处）：", markup=False)
        for change in recomputed:
            err.print(f"  · {change}", markup=False)
    composed = written.composed
    disputes = composed.disputes if composed is not None else kept.disputes if kept is not None else ()
    if disputes:
        blocking = sum(1 for d in disputes if d.blocking)
        err.print(f"复核与单位填报不同之处（{len(disputes)} 处，其中须核实 {blocking} 处；单位填报的数字保留）：",
                  markup=False)
        for d in disputes:
            err.print(f"  · {d}", markup=False)
    if composed is not None:
        if composed.unfinished:
            err.print(f"待填写的章节：{'；'.join(composed.unfinished)}", markup=False)
        for note in composed.report.notes[len(composed.changes) + len(composed.disputes):]:
            err.print(note, markup=False)


@main.command("template")
@click.option("--kind", type=click.Choice(["department", "project"]), required=True,
              help="department：部门整体支出；project：项目支出")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 文件")
@click.option("--ruleset", "ruleset_id", help="评分规则 id 或文件路径（默认为该类型最新年度的规则）")
@click.option("--year", type=int, help="评价年度：表头年度，并用于选择默认规则（默认为上一年度）")
def template_command(kind: str, output: Path, ruleset_id: str | None, year: int | None) -> None:
    """生成空白的自评表（.xlsx），含规则集的一级指标与权重，执行率、总分、等级等为实时公式。"""
    from .document import Kind
    from .writers import WriterError, template

    if output.suffix.lower() != ".xlsx":
        _fail(f"模板只能写为 .xlsx：{output}")
    try:
        # A blank template: the rule set fitting the year (national), else the latest national one.
        import datetime

        year = year or datetime.date.today().year - 1  # a self-evaluation is of the year just ended
        if ruleset_id:
            rules = rulesets.load(ruleset_id)
        else:
            chosen = rulesets.choose(Kind(kind), year, None).rules
            rules = chosen or rulesets.latest_for(Kind(kind))
        if rules.kind is not Kind(kind):
            raise RuleSetError(f"评分规则「{rules.id}」适用于 {rules.kind.value}，而模板是 {kind}")
        data = template(kind, rules, year)
    except (RuleSetError, WriterError) as exc:
        _fail(str(exc))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror}")
    click.echo(f"已写出 {output}（{KIND_NAMES[kind]}，{year}年度，{rules.title}）")


@main.command("checks")
@click.option("--markdown", "as_markdown", is_flag=True, help="输出 docs/checks.md 的内容")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件")
@click.option("--check", is_flag=True, help="检查已提交的 docs/checks.md 是否与代码一致")
def checks_command(as_markdown: bool, output: Path | None, check: bool) -> None:
    """列出所有审核检查项（代码、类别、规则）。"""
    if check or as_markdown or output:
        _generated(markdown(), output, check, DOCS_CHECKS_PATH, "与代码不一致，请运行 jixiao checks --markdown -o")
        return
    table = Table(title="审核检查项", show_lines=False)
    for column in ("代码", "检查", "严重程度"):
        table.add_column(column)
    for c in CHECKS:
        table.add_row(c.code, c.title, c.severity.label)
    _console().print(table)


def evaluation_schema() -> dict:
    """JSON Schema of the native format, generated from the models."""
    schema = Evaluation.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://jixiao.example/schema/evaluation.schema.json"
    schema["title"] = "Jixiao 自评文档（Evaluation）"
    return schema


@main.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件（默认输出到屏幕）")
@click.option("--check", is_flag=True, help="检查已提交的 schema 是否与模型一致")
def schema_command(output: Path | None, check: bool) -> None:
    """输出自评文档的 JSON Schema。"""
    text = json.dumps(evaluation_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _generated(text, output, check, SCHEMA_PATH, "与模型不一致，请运行 jixiao schema -o")


def _generated(text: str, output: Path | None, check: bool, committed: Path, stale: str) -> None:
    """Print, write, or (``check``) compare with the committed copy a file generated from the code."""
    if check:
        path = output or committed
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            _fail(f"{path} {stale} {path}")
        click.echo(f"{path} {'与代码一致' if committed == DOCS_CHECKS_PATH else '与模型一致'}")
        return
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {output}")
    else:
        click.echo(text, nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn 工作进程数")
@click.option("--demo/--no-demo", default=None,
              help="空数据库时载入演示数据（开发配置默认载入；生产配置 settings_production 下从不载入）")
@click.option("--no-worker", is_flag=True, help="不启动后台处理进程（批量任务由别处的 db_worker 执行）")
def serve_command(port: int, host: str, workers: int, demo: bool | None, no_worker: bool) -> None:
    """启动网页平台（默认 SQLite，数据在 ./jixiao-data；设置 DATABASE_URL 则用 PostgreSQL）。

    首次启动时建表；开发配置下把自带的示例载入为演示财政局并打印演示账号（--no-demo 不载入），
    生产配置（DJANGO_SETTINGS_MODULE=jixiao.web.settings_production）下从不载入演示数据、不打印密码，
    并在启动时收集静态文件。同时启动一个后台处理进程（批量导入、批量生成报告），随服务一起停止。
    """
    from .web.server import SettingsError, serve

    try:
        serve(host, port, workers, demo=demo is not False, echo=click.echo, worker=not no_worker)
    except SettingsError as exc:
        _fail(str(exc))


@main.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(output: Path) -> None:
    """备份网页平台的全部数据（数据库与全部证明材料等附件）到一个文件；服务运行时也可备份，内容一致。

    数据库同 jixiao serve（JIXIAO_DATA_DIR 下的 SQLite，或 DATABASE_URL 指定的 PostgreSQL）。
    """
    from .web.server import SettingsError, setup

    try:
        setup()
        from .web.backup import BackupError, backup

        backup(output, echo=click.echo)
    except (SettingsError, BackupError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror or exc}")


@main.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """把 jixiao backup 生成的备份恢复到一个空的实例（新的 JIXIAO_DATA_DIR 或新建的 PostgreSQL 数据库）。

    目标数据库已有数据时拒绝恢复；全部数据在一个事务中写入，出错时不留下任何部分数据。
    """
    from .web.server import SettingsError, setup

    try:
        setup()
        from .web.backup import BackupError, restore

        restore(archive, echo=click.echo)
    except (SettingsError, BackupError) as exc:
        _fail(str(exc))
