"""Readers: a report in any format into an evaluation document.

``read_file(path)`` recognises the format by content (a .docx is a zip with
``word/document.xml``, a PDF starts with ``%PDF``), not only by extension, and
returns an :class:`Imported`: the document with the source of each figure, the
findings of what could not be read, and a summary. Nothing here raises on bad
input; a file that cannot be read comes back with the reason.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..checks.base import Severity
from ..document import Evaluation
from ..native import MAX_BYTES, Loaded, Problem, load_text, read_raw, validation_problems
from . import text as text_reader
from . import identity, prose, tablesums
from .assemble import Assembler
from .base import Block, Imported, Unreadable, failed, finding

FORMATS = ("txt", "docx", "xlsx", "pdf", "yaml", "json")
SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".pdf": "pdf", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def sniff(raw: bytes, name: str) -> str:
    """The format of a file, from its first bytes, then its extension."""
    suffix = SUFFIXES.get(Path(name).suffix.lower())
    if b"%PDF" in raw[:1024]:
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        from .safety import zip_kind

        return zip_kind(raw, name) or suffix or "zip"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if suffix in ("yaml", "json"):
        return suffix
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith((b"{", b"kind:", b"---", b"#")) and b"kind:" in raw[:4096] or head.startswith(b"{\""):
        return "json" if head.startswith(b"{") else "yaml"
    return suffix if suffix in ("docx", "xlsx", "pdf") else "txt"


def read_file(path: str | Path) -> Imported:
    """Read one file of any supported format."""
    path = Path(path)
    raw = read_raw(path)
    if isinstance(raw, Problem):
        return Imported(str(path), "?", Loaded(str(path), None, [raw]))
    return read_bytes(raw, str(path))


def read_bytes(raw: bytes, name: str) -> Imported:
    """Read one file's bytes; ``name`` is used for messages and provenance."""
    if not raw.strip():
        return failed(name, "?", "文件是空的", "一份自评报告或自评表")
    if len(raw) > MAX_BYTES:
        return failed(name, "?", f"文件过大（{len(raw)} 字节）", f"不超过 {MAX_BYTES} 字节")
    fmt = sniff(raw, name)
    expected = SUFFIXES.get(Path(name).suffix.lower())
    magic = {"docx": raw.startswith(b"PK"), "xlsx": raw.startswith(b"PK"), "pdf": b"%PDF" in raw[:1024]}
    if expected in magic and not magic[expected] and fmt not in ("pdf", "ole", "yaml", "json"):
        return failed(name, expected, f"文件内容不是 .{expected}（可能是二进制文件或扩展名有误）",
                      f"真正的 .{expected} 文件")
    try:
        if fmt in ("yaml", "json"):
            text = text_reader.decode(raw, name)
            loaded = load_text(text, name, fmt)
            return Imported(name, fmt, loaded)
        if fmt == "ole":
            raise Unreadable("这是旧版 Office 文件（.doc/.xls），无法读取", "另存为 .docx 或 .xlsx 后再导入")
        if fmt == "zip":
            raise Unreadable("这是一个 zip 压缩包，不是 .docx 或 .xlsx", ".docx、.xlsx、.pdf 或文本")
        blocks = _blocks(raw, name, fmt)
    except Unreadable as exc:
        return failed(name, fmt, exc.message, exc.expected)
    except RecursionError:
        return failed(name, fmt, "文件结构嵌套过深，无法读取", "正常的文档")
    except MemoryError:
        return failed(name, fmt, "文件展开后过大，无法读取", "正常大小的文档")
    return assemble(blocks, name, fmt)


def _blocks(raw: bytes, name: str, fmt: str) -> list[Block]:
    if fmt == "docx":
        from .docx import blocks
    elif fmt == "xlsx":
        from .xlsx import blocks
    elif fmt == "pdf":
        from .pdf import blocks
    else:
        return text_reader.blocks(text_reader.decode(raw, name), name)
    return blocks(raw, name)


def read_text(text: str, name: str = "<文本>") -> Imported:
    """Read text pulled out of a PDF (as the seeds are)."""
    try:
        return assemble(text_reader.blocks(text, name), name, "txt")
    except Unreadable as exc:
        return failed(name, "txt", exc.message, exc.expected)


def assemble(blocks: list[Block], name: str, fmt: str) -> Imported:
    """Blocks into a validated document. A field that fails validation is dropped with a finding.

    Readable text is never refused: a document without a recognisable year or
    unit is imported with what it has, and each missing field is a finding that
    says what was looked for (the web import then asks the person for it).
    """
    if not any(b.cells for b in blocks):
        return failed(name, fmt, "文件中没有可读的文字（扫描件或图片需先做文字识别）", "含文字的报告")
    asm = Assembler(name)
    asm.feed(blocks)
    data = asm.finish()
    findings = list(asm.findings)
    if not _looks_like_a_report(data, blocks):
        return failed(name, fmt, "不像一份绩效自评报告：找不到报告类型、年度、单位，也没有预算、指标或得分",
                      "含「部门整体/项目绩效自评」、年度和单位名称的报告或自评表")
    findings += tablesums.check(blocks)
    from_prose = {f.where.field: f for f in findings if f.code == "R503"}
    findings += resolve_identity(data, blocks, name, from_prose)
    findings = [f for f in findings if not (f.code == "R503" and f.where.field in from_prose
                                            and from_prose[f.where.field] is None)]
    missing = [label for path, label in _REQUIRED if not _has(data, path)]
    evaluation, dropped = _validate(data, name)
    for problem in dropped:
        findings.append(finding("R507", Severity.WARNING, f"{problem.message}，已忽略此项", data.get("provenance", {}).get(
            problem.path), path=problem.path))
    if evaluation is None:
        return Imported(name, fmt, Loaded(name, None, dropped or [Problem(name, None, "", "无法组成自评文档")]),
                        findings, {}, missing)
    found = _summary(evaluation)
    for path, label in _REQUIRED:
        if label in missing:
            severity = Severity.WARNING if path in ("year", "unit") else Severity.INFO
            findings.append(finding("R502", severity, f"未找到「{label}」" + _LOOKED_FOR.get(path, ""), None, path=path))
    return Imported(name, fmt, Loaded(name, evaluation, []), findings, found, missing)


def _figures_from_prose(data: dict[str, Any], lines: list, from_prose: dict[str, Any]) -> list:
    """Budget amounts and the total score stated in sentences, for the fields no table gave (R503 each).

    A figure the interpreter already took from a sentence (``from_prose``, its R503 by path) is
    replaced when this reading names the total or the adjustment explicitly and disagrees (the
    interpreter takes the first amount of a role: 「提升补助资金286万元」 before 「调整预算为1781.86万元」).
    """
    out = []
    prov = data.setdefault("provenance", {})
    subjects = tuple(x for x in ((data.get("project") or {}).get("name"), data.get("unit")) if x)
    for path, fig in prose.settle(prose.figures(lines, subjects)).items():
        section, field = path.split(".")
        node = data.setdefault(section, {})
        current = node.get(field)
        if current is not None:
            if not (path in from_prose and fig.total and isinstance(fig.value, Decimal) and current != fig.value):
                continue
            from_prose[path] = None  # its R503 is dropped; this one replaces it
        node[field] = fig.value
        prov[path] = fig.source
        label = {"budget.initial": "年初预算数", "budget.adjusted": "全年预算数", "budget.executed": "执行数",
                 "reported.total": "自评得分", "reported.grade": "自评等级"}[path]
        out.append(finding("R503", Severity.INFO, f"表中没有「{label}」，取自正文：{fig.sentence[:80]}", fig.source,
                           table="报告正文", path=path, found=str(fig.value)))
    return out


def _from_title(unit: str, title: str | None) -> bool:
    u = identity.plain(unit)
    return (len(u) > 40 or not re.search(r"[\u4e00-\u9fff]", u) or re.search(r"(?:19|20)\d{2}|报告|自评|评价", u)
            is not None or bool(title) and u in identity.plain(title or ""))


_GRADE_WORDS = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中", "较差": "差", "差": "差"}

_LOOKED_FOR = {
    "year": "（找过：标题和表头中的年度、「（××××年度）」、正文中的「××××年度」；报告日期、发布时间不算）",
    "unit": "（找过：单位名称、部门（单位）名称、填报单位、实施单位、主管部门等标注，标题，落款，网页的信息来源）",
    "kind": "（找过：标题和表名中的「部门整体」「整体支出」「项目」「专项资金」「转移支付」等）",
}


def _looks_like_a_report(data: dict[str, Any], blocks: list[Block]) -> bool:
    """Anything at all of a performance report: a kind word, a form's figures, or a year with a unit.

    Only text with none of these (a meeting note) is refused; a report with
    little in it is imported with what it has.
    """
    if data.get("kind") or data.get("indicators") or data.get("budget") or data.get("reported"):
        return True
    lines = identity.lines_of(blocks)
    return bool(identity.kinds(lines)) or any("绩效" in ln.text for ln in lines)


def resolve_identity(data: dict[str, Any], blocks: list[Block], name: str,
                     from_prose: dict[str, Any] | None = None) -> list:
    """Year, unit and kind from anywhere in the document where the forms did not give them.

    The interpreter's values are kept when they are plausible (a year it read from
    a form's subtitle, a unit from a labelled cell that names an organisation);
    otherwise the best candidate of :mod:`.identity` is taken, with its source.
    Returns findings for values that had to be inferred.
    """
    out = []
    lines = identity.lines_of(blocks)
    prov = data.setdefault("provenance", {})
    if data.get("title") and not identity.is_title(data["title"]):
        # a cover line (单位名称：… 填报日期：…) or page chrome is not the report's title
        better = next((ln for ln in lines[:80] if ln.row is None and identity.is_title(ln.text)), None)
        if better is not None:
            data["title"], prov["title"] = better.text.strip(), better.source
        else:
            data.pop("title", None)
            prov.pop("title", None)
    titled = identity.kind_of_title(data.get("title") or "")
    if titled and data.get("kind") != titled:
        data["kind"] = titled  # the title says what the report is; votes of words elsewhere do not outweigh it
    if not data.get("kind"):
        votes = identity.kinds(lines)
        if votes:
            kind = "department" if votes["department"] >= votes["project"] and votes["department"] else "project"
            data["kind"] = kind
        else:
            data["kind"] = "project" if data.get("project") else "department"
            out.append(finding("R502", Severity.WARNING, "未写明报告类型（部门整体/项目），暂按"
                               + ("项目" if data["kind"] == "project" else "部门整体") + "读入，请核实",
                               None, path="kind", found=data["kind"]))
    if data["kind"] == "project" and not (data.get("project") or {}).get("name"):
        title = data.get("title") or next((ln.text for ln in lines if identity.is_title(ln.text)), None)
        data.setdefault("project", {})["name"] = identity.plain(title) if title else "（未写明项目名称）"
    elif data["kind"] == "department" and data.get("project"):
        data.pop("project", None)
    if not data.get("year"):
        votes = identity.years(lines)
        if votes:
            year, _ = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
            data["year"] = year
    out += _figures_from_prose(data, lines, from_prose if from_prose is not None else {})
    grade = (data.get("reported") or {}).get("grade")
    if isinstance(grade, str) and grade.strip("“”\"「」 ") in _GRADE_WORDS:
        data["reported"]["grade"] = _GRADE_WORDS[grade.strip("“”\"「」 ")]  # 优秀 and 优 are one grade
    unit = data.get("unit")
    if not identity.unit_is_plausible(unit):
        best = identity.best_unit(lines)
        if best is not None:
            data["unit"] = best.value
            if best.source is not None:
                prov["unit"] = best.source
        elif unit and _from_title(unit, data.get("title")):
            data.pop("unit", None)  # a title without a unit's name in it is not a unit
            prov.pop("unit", None)
    return out


_REQUIRED = (
    ("kind", "报告类型（部门整体/项目）"), ("year", "年度"), ("unit", "单位名称"),
    ("budget.initial", "年初预算数"), ("budget.adjusted", "调整（全年）预算数"), ("budget.executed", "预算执行数"),
    ("reported.total", "自评得分"), ("reported.grade", "自评等级"), ("indicators", "绩效指标表"),
)


def _has(data: dict[str, Any], path: str) -> bool:
    node: Any = data
    for p in path.split("."):
        if not isinstance(node, dict) or node.get(p) in (None, "", []):
            return False
        node = node[p]
    return True


def _validate(data: dict[str, Any], name: str) -> tuple[Evaluation | None, list[Problem]]:
    """Validate; drop each field the model refuses (a negative amount, a year of 3021) and try again."""
    dropped: list[Problem] = []
    for _ in range(50):
        try:
            return Evaluation.model_validate(data), dropped
        except ValidationError as exc:
            problems = validation_problems(exc, name, {})
            removed = False
            for error, problem in zip(exc.errors(), problems):
                loc = error["loc"]
                if loc and loc[0] in ("kind", "year", "unit"):
                    return None, dropped + problems
                if _remove(data, loc):
                    removed = True
                    dropped.append(problem)
            if not removed:
                return None, dropped + problems
    return None, dropped


def _remove(data: Any, loc: tuple) -> bool:
    node = data
    for part in loc[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return False
    last = loc[-1] if loc else None
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        del node[last]
        return True
    return False


def _summary(e: Evaluation) -> dict[str, object]:
    leaves = list(e.leaves())
    return {
        "类型": "部门整体" if e.kind == "department" else "项目",
        "年度": e.year,
        "单位": e.unit,
        "任务": len(e.tasks),
        "一级指标": len(e.indicators),
        "三级指标": len(leaves),
        "有得分的指标": sum(1 for leaf in leaves if leaf.indicator.score is not None),
        "得分情况表行": len(e.reported.categories),
        "正文章节": len(e.narrative),
        "有来源的字段": len(e.provenance),
    }
