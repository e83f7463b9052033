"""Blocks (paragraphs and table rows, any format) into an evaluation document.

The interpreter walks the blocks once. A header row (一级指标/二级指标/…,
年初预算数/…, 任务名称/…, 指标/权重分值/得分/得分率) sets which table the
following rows belong to and what each column means; key-value rows
(部门(单位)名称 | …, 自评得分 | …) fill the identity; numbered headings
(一、…, （一）…, 1. …) open narrative sections.

Rows are matched to the header by *content*, not only by position: text pulled
out of a PDF shifts cells (a merged side label on the next page adds a column, a
cell broken over two lines moves its first half to the left). Each row is tried
at a few column offsets and read at the one where numbers fall in number
columns, names in name columns and units in the unit column. A row that holds
only the tail of a broken cell (``性``) is joined to the row above.

What the tables do not give (a 调整预算数 only the narrative states, the grade)
is taken from the narrative's figures (:mod:`jixiao.checks.claims`), and said so.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from ..checks.base import Finding, Severity
from ..checks.claims import Claim, extract_text, subjects_for
from ..document import Source
from ..numbers import TEN_THOUSAND
from ..rulesets import available
from .base import Block, Cell, finding, key, number, percent
from .vocabulary import (BUDGET_COLUMNS, BUDGET_LINES, CATEGORIES, CATEGORY_COLUMNS, FIGURE_LABELS, GROUPS,
                         INDICATOR_COLUMNS, LABELS, PROVINCES, QUALITATIVE, STATUSES, TABLE_END, TASK_COLUMNS, TITLE_SUFFIXES, UNITS)

COMPARATORS = {"≥", "≤", "=", ">", "<", "＞", "＜", "≧", "≦", "＝", ">=", "<="}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TASK_NAME = re.compile(r"(?:重点)?(?:工作)?任务\s*[0-9一二三四五六七八九十]{1,3}\s*[:：.、]?")
_WEIGHT_TAIL = re.compile(r"^\s*[\d.]*\s*分?\s*[)）]\s*$")
_WEIGHT_OPEN = re.compile(r"[(（]\s*[\d.]*$")
_CATEGORY_WEIGHT = re.compile(r"^(?P<name>.+?)[(（]\s*(?P<w>\d{1,3}(?:\.\d{1,2})?)\s*分?\s*[)）]$")
_YEAR_SUBTITLE = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CODE = re.compile(r"^[\[【(（]\s*([0-9A-Za-z]{2,})\s*[\]】)）]\s*(.+)$")
_EMPTY_MARKS = {"-", "—", "/", "／", "无", "--", "——", "…", "...", "……", "\\"}
_UNIT_DECLARATION = re.compile(r"(?:金额)?单位[:：]?\s*(万元|元|亿元)")
_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|元|亿元)\s*[)）]")
_TERMINAL = tuple("。！？；：!?;:”」』）)")
_RULESET_ID = re.compile(r"\(([a-z0-9][a-z0-9-]*)\)$")
"""The id at the end of a 评分规则 cell (郑州市2021年度项目支出绩效自评评分规则（zhengzhou-2021-project）), after NFKC."""

HEADINGS = (
    ("H1", re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<title>.{2,40})$")),
    ("H2", re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*(?P<title>.{2,40})$")),
    ("H3", re.compile(r"^(\d{1,2})\s*[.、．](?!\d)\s*(?P<title>.{2,30})$")),
    ("H4", re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*(?P<title>.{2,30})$")),
)


def _match_role(k: str, vocab: dict[str, tuple[str, ...]]) -> str | None:
    """The role whose word the header key is, or starts with (longest word wins)."""
    best: tuple[int, str] | None = None
    for role, words in vocab.items():
        for w in words:
            if k == w:
                return role
            if k.startswith(w) and (best is None or len(w) > best[0]):
                best = (len(w), role)
    return best[1] if best else None


def _label_of(k: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for name, words in table.items():
        if k in words:
            return name
    return None


def _is_name(t: str) -> bool:
    return bool(_CJK.search(t)) and number(t) is None and t not in COMPARATORS and len(t) >= 2


def _is_unit(t: str) -> bool:
    return unicodedata.normalize("NFKC", t) in UNITS


def _valuey(t: str) -> bool:
    if re.search(r"\d", t) or t[:1] in "≥≤=<>＞＜≧≦＝":
        return True
    return len(t) <= 12 and any(w in t for w in QUALITATIVE)


def _is_category(t: str) -> bool:
    k = key(_CATEGORY_WEIGHT.sub(r"\g<name>", t))
    return k in CATEGORIES or any(k.startswith(c) and len(k) <= len(c) + 4 for c in CATEGORIES if len(c) > 2)


def _empty(t: str) -> bool:
    return not t or t in _EMPTY_MARKS


# ---------------------------------------------------------------- how cells fit columns

def _fit_indicator(role: str, t: str) -> int:
    if role in ("WEIGHT", "SCORE"):
        return 3 if number(t) is not None else -3
    if role in ("TARGET", "ACTUAL"):
        if _is_unit(t) and not t.startswith("%"):
            return -2
        if len(t) > 24:
            return -1  # a value is short; a sentence belongs to a text column
        return 1 if _valuey(t) else 0
    if role == "UNIT":
        return 2 if _is_unit(t) else (-2 if len(t) > 6 else -1)
    if role == "COMPARATOR":
        return 2 if t in COMPARATORS else -1
    if role in ("L1", "L2", "L3"):
        if number(t) is not None:
            return -3
        if t in COMPARATORS or _is_unit(t):
            return -2
        if role == "L1" and _is_category(t):
            return 2
        if role != "L1" and _is_category(t) or key(t) in QUALITATIVE:
            return -1
        if re.search(r"\d", t) and len(t) <= 4:
            return -1
        return 1 if _is_name(t) and len(t) <= 30 else 0
    # DEVIATION, DESCRIPTION: sentences
    if number(t) is not None or t in COMPARATORS:
        return -1
    return 1 if len(t) > 12 else 0


def _fit_budget(role: str, t: str) -> int:
    if role == "RATE":
        return 3 if percent(t) is not None and "%" in t else (1 if number(t) is not None else -3)
    if role == "LABEL":
        return 1 if number(t) is None else -3
    return 3 if number(t) is not None else -3


def _fit_task(role: str, t: str) -> int:
    if role == "NAME":
        return 5 if _TASK_NAME.fullmatch(t) else (1 if _is_name(t) else -3)
    if role in ("BUDGET", "BUDGET_FISCAL", "EXECUTED", "EXECUTED_FISCAL"):
        return 3 if number(t) is not None else -3
    if role == "RATE":
        return 3 if "%" in t and percent(t) else -2
    if role == "STATUS":
        return 2 if t in STATUSES else (-2 if number(t) is not None else 0)
    return -2 if number(t) is not None else 1  # CONTENT


def _fit_category(role: str, t: str) -> int:
    if role == "NAME":
        return 1 if number(t) is None else -3
    if role == "RATE":
        return 3 if "%" in t else (0 if number(t) is not None else -3)
    return 3 if number(t) is not None else -3


@dataclass
class Header:
    """A table header: which column holds which role."""

    table: str  # indicators / budget / tasks / categories
    roles: dict[int, str]
    fit: Callable[[str, str], int]


@dataclass
class Aligned:
    """A row read against a header: role → cell, and the cells no column claimed."""

    cells: dict[str, Cell]
    extra: list[tuple[int, Cell]]

    def text(self, role: str) -> str:
        c = self.cells.get(role)
        return c.text if c is not None else ""


def align(row: tuple[Cell, ...], header: Header, shifts: range = range(-3, 4)) -> Aligned:
    """Read ``row`` at the column offset where its cells fit the header's roles best."""
    best: tuple[tuple[int, int], int] | None = None
    n = len(row)
    filled = [j for j, c in enumerate(row) if not _empty(c.text)]
    for s in shifts:
        score, used = 0, set()
        for col, role in header.roles.items():
            j = col + s
            if 0 <= j < n and j in filled and j not in used:
                score += header.fit(role, row[j].text)
                used.add(j)
        score -= 2 * sum(1 for j in filled if j not in used)
        rank = (score, -abs(s))
        if best is None or rank > best[0]:
            best = (rank, s)
    assert best is not None
    gapped = _align_with_gaps(row, header, filled)
    if gapped is not None and gapped[0] >= best[0][0] + 2:
        return gapped[1]
    s = best[1]
    cells: dict[str, Cell] = {}
    used: set[int] = set()
    for col, role in sorted(header.roles.items()):
        j = col + s
        if 0 <= j < n and j in filled and role not in cells:
            cells[role] = row[j]
            used.add(j)
    return Aligned(cells, [(j, row[j]) for j in filled if j not in used])


def _align_with_gaps(row: tuple[Cell, ...], header: Header, filled: list[int]) -> tuple[int, Aligned] | None:
    """Cells in order onto columns in order, any column skipped: a row whose empty cells collapsed.

    HTML-to-text converters drop empty cells (``部门整体支出总额 | 864.2 | 100% | 20`` under
    预算数 | 执行数 | 执行率 | 得分, the 执行数 empty), so no single offset fits. A dynamic
    programme assigns each filled cell to a later column than the one before, maximising
    the same fit scores (an unassigned cell costs 2). Used only when it fits clearly
    better than every offset.
    """
    cols = sorted(header.roles.items())
    if header.table not in ("budget", "categories") or len(filled) >= len(cols) or len(filled) < 2:
        return None  # in indicator and task tables, text columns make gaps ambiguous; offsets serve there
    texts = [row[j].text for j in filled]
    n, m = len(texts), len(cols)
    neg = -10**6
    # best[i][k]: best score placing the first i cells using the first k columns
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, bool]] = {}
    for k in range(m + 1):
        best[0][k] = 0
    for i in range(1, n + 1):
        for k in range(0, m + 1):
            options = []
            if best[i - 1][k] > neg:
                options.append((best[i - 1][k] - 2, (i - 1, k, False)))  # cell i-1 left unassigned
            if k > 0:
                options.append((best[i][k - 1], (i, k - 1, False)))  # column k-1 left empty
                if best[i - 1][k - 1] > neg:
                    options.append((best[i - 1][k - 1] + header.fit(cols[k - 1][1], texts[i - 1]),
                                    (i - 1, k - 1, True)))
            if options:
                score, prev = max(options, key=lambda o: o[0])
                best[i][k] = score
                back[(i, k)] = prev
    i, k = n, m
    cells: dict[str, Cell] = {}
    used: set[int] = set()
    while (i, k) in back:
        pi, pk, assigned = back[(i, k)]
        if assigned:
            cells[cols[pk][1]] = row[filled[pi]]
            used.add(filled[pi])
        i, k = pi, pk
    return best[n][m], Aligned(cells, [(j, row[j]) for j in filled if j not in used])


_TABLE_NAMES = {"indicators": "绩效指标表", "budget": "预算情况表", "tasks": "年度主要任务", "categories": "各项指标得分情况表"}


def _header(row: tuple[Cell, ...]) -> Header | None:
    """The header this row is, if it is one."""
    if any(number(c.text) is not None or re.search(r"\d%", c.text) for c in row):
        return None  # a header holds words, not figures
    keys = [key(c.text) if len(c.text) <= 24 else "" for c in row]
    present = {k for k in keys if k}
    if not present:
        return None
    cat = {i: _match_role(k, CATEGORY_COLUMNS) for i, k in enumerate(keys) if k}
    if ("得分率" in present or ({"指标", "一级指标"} & present)) and len(present) <= 6 \
            and not {"三级指标", "二级指标", "指标值"} & present \
            and sum(1 for r in cat.values() if r in ("WEIGHT", "SCORE")) >= 2 and "NAME" in cat.values():
        return Header("categories", {i: r for i, r in cat.items() if r}, _fit_category)
    if "三级指标" in present or {"一级指标", "二级指标"} <= present or \
            ({"指标名称", "绩效指标"} & present and {"指标值", "年度指标值", "目标值"} & present):
        roles = {i: r for i, k in enumerate(keys) if k and (r := _match_role(k, INDICATOR_COLUMNS))}
        return Header("indicators", roles, _fit_indicator)
    if "任务名称" in present or ({"主要内容", "任务内容"} & present and any("任务" in k for k in present)):
        roles: dict[int, str] = {}
        last_money = "BUDGET"
        for i, k in enumerate(keys):
            if not k or i == 0 and "年度主要任务" in k:
                continue
            r = _match_role(k, TASK_COLUMNS)
            if r in ("BUDGET", "EXECUTED"):
                last_money = r
            if r == "FISCAL":
                r = f"{last_money}_FISCAL"
            if r and r not in roles.values():
                roles[i] = r
        return Header("tasks", roles, _fit_task)
    budget = {i: _match_role(k, BUDGET_COLUMNS) for i, k in enumerate(keys) if k}
    if len({r for r in budget.values() if r in ("INITIAL", "ADJUSTED", "EXECUTED", "RATE")}) >= 2:
        roles = {i: r for i, r in budget.items() if r}
        first = min(roles)
        for i in range(first):
            roles[i] = "LABEL"
        return Header("budget", roles, _fit_budget)
    return None


def _line_of(text: str) -> str | None:
    """Which budget line a label names (部门预算总额, (1) 财政性资金, 其中：本年财政拨款 …)."""
    k = key(text)
    k = re.sub(r"^\d*(?:资金来源|资金结构)?\d*", "", k)
    k = re.sub(r"^其中", "", k)
    k = re.sub(r"(?:万元|元|亿元)$", "", k)
    k = re.sub(r"^\d+", "", k)
    return _label_of(k, BUDGET_LINES)


# ---------------------------------------------------------------- the narrative

@dataclass
class _Section:
    style: str
    number: str
    title: str
    source: Source
    lines: list[tuple[str, Source]] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)


class Narrative:
    """Numbered sections of the report, built as headings and paragraphs arrive."""

    def __init__(self) -> None:
        self.top: list[_Section] = []
        self.stack: list[_Section] = []

    def heading(self, style: str, number: str, title: str, source: Source) -> None:
        section = _Section(style, number, title, source)
        if style == "H1":
            self.stack = []
        else:
            styles = [s.style for s in self.stack]
            if style in styles:
                del self.stack[styles.index(style):]
        (self.stack[-1].sections if self.stack else self.top).append(section)
        self.stack.append(section)

    def text(self, text: str, source: Source) -> bool:
        """Add a paragraph to the open section; False when no section is open yet."""
        if not self.stack:
            return False
        lines = self.stack[-1].lines
        if lines and len(lines[-1][0]) >= 20 and not lines[-1][0].endswith(_TERMINAL):
            lines[-1] = (lines[-1][0] + text, lines[-1][1])  # a sentence cut by a line or page break
        else:
            lines.append((text, source))
        return True

    def sections(self) -> list[_Section]:
        return self.top


def heading(text: str) -> tuple[str, str, str] | None:
    """(style, number, title) when the paragraph is a numbered heading."""
    t = unicodedata.normalize("NFKC", text).strip() if len(text) <= 48 else ""
    if not t:
        return None
    for style, pattern in HEADINGS:
        m = pattern.match(t)
        if not m:
            continue
        title = m.group("title").strip().rstrip("。.：:；;")
        if re.search(r"[，,；;。]", title) or len(_CJK.findall(title)) < 2:
            return None
        number = m.group(1)
        if style == "H2":
            number = f"（{number}）"
        elif style == "H4":
            number = f"({number})"
        return style, number, title
    return None


# ---------------------------------------------------------------- the interpreter

class Assembler:
    """One file's blocks into raw document data, with provenance and findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.data: dict[str, Any] = {}
        self.prov: dict[str, Source] = {}
        self.findings: list[Finding] = []
        self.narrative = Narrative()
        self.header: Header | None = None
        self.pending: dict[int, str] | None = None  # a row of labels whose values are in the next row
        self.table: int | None = None  # the table (docx) or sheet (xlsx) of the last row
        self.money_unit = "万元"
        self.yuan_seen = False
        self.title: tuple[str, Source] | None = None
        self.preamble: list[tuple[str, Source]] = []
        self.years: Counter[int] = Counter()
        self.kind_votes: Counter[str] = Counter()
        self.tasks: list[dict[str, Any]] = []
        self.categories: list[dict[str, Any]] = []
        self.reported_categories: list[dict[str, Any]] = []
        self.last: dict[str, Any] | None = None  # the last leaf, which a continuation row may extend
        self.category_total: tuple[Decimal, Source] | None = None
        self.previous: tuple[Cell, ...] = ()  # the row before, for a header split over two rows

    # ------------------------------------------------------------ recording

    def put(self, path: str, value: Any, source: Source | None, overwrite: bool = False) -> bool:
        """Set ``path`` (dotted) in the data unless already set; record its source."""
        parts = path.split(".")
        node = self.data
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if not overwrite and node.get(parts[-1]) not in (None, ""):
            return False
        node[parts[-1]] = value
        if source is not None:
            self.prov[path] = source
        return True

    def get(self, path: str) -> Any:
        node: Any = self.data
        for p in path.split("."):
            if not isinstance(node, dict) or p not in node:
                return None
            node = node[p]
        return node

    def money(self, cell: Cell, path: str, label: str) -> Decimal | None:
        """An amount cell in 万元 (converted from 元 when the table is in 元); doubt becomes a finding."""
        text = unicodedata.normalize("NFKC", cell.text).strip()
        multiplier = re.search(r"(亿元|亿|万元|万|元)$", text)
        if multiplier and multiplier.group(1) in ("万", "亿", "亿元"):  # 864.2万, 1.5亿: a multiplier
            cell = Cell(text[: multiplier.start()], cell.source)
        value = self.score_number(cell, path, label)
        if value is None:
            return None
        unit = {"万": "万元", "亿": "亿元"}.get(multiplier.group(1), multiplier.group(1)) if multiplier else self.money_unit
        if unit == "元":
            self.yuan_seen = True
            return value / TEN_THOUSAND
        return value * TEN_THOUSAND if unit == "亿元" else value

    def score_number(self, cell: Cell | None, path: str, label: str) -> Decimal | None:
        """A number cell (分值, 得分, an amount before its unit), None when empty; an unreadable one is a finding."""
        if cell is None or _empty(cell.text):
            return None
        value = number(cell.text)
        if value is None:
            self.findings.append(finding("R504", Severity.WARNING, f"{label}「{cell.text}」不是数字，未读入", cell.source,
                                         path=path, found=cell.text))
        return value

    # ------------------------------------------------------------ the walk

    def feed(self, blocks: list[Block]) -> None:
        for block in blocks:
            if block.row:
                self.row(block)
            else:
                self.paragraph(block)

    def paragraph(self, block: Block) -> None:
        text, source = block.text, block.source
        self._declarations(text, source)
        h = heading(text)
        if h is not None:
            self.header, self.pending = None, None
            self.narrative.heading(h[0], h[1], h[2], source)
            return
        if self.header is not None and len(text) > 60:
            self.header = None  # prose: the table is over
        if self._table_title(text):
            return
        if not self.narrative.text(text, source):
            self.preamble.append((text, source))

    def _declarations(self, text: str, source: Source) -> None:
        """Year subtitles, money units and kind words, wherever they stand."""
        t = unicodedata.normalize("NFKC", text).replace(" ", "")
        m = _YEAR_SUBTITLE.match(t)
        if m:
            self.years[int(m.group(1))] += 5
        u = _UNIT_DECLARATION.search(t)
        if u:
            self.money_unit = u.group(1)
        if "部门整体" in t or "整体支出" in t or "部门(单位)整体" in t:
            self.kind_votes["department"] += 2 if len(t) < 40 else 1
        if re.search(r"项目(?:支出)?绩效自评表|项目绩效自评|项目绩效评价报告|项目支出绩效", t):
            self.kind_votes["project"] += 2 if len(t) < 40 else 1

    def _table_title(self, text: str) -> bool:
        """A form's title line or page header (部门整体绩效自评表, （2021年度）, 附件1): not prose."""
        t = key(text)
        return bool(_YEAR_SUBTITLE.match(unicodedata.normalize("NFKC", text).replace(" ", ""))) or (
            len(t) <= 30 and (t.endswith(("表", "自评")) or re.fullmatch(r"附件\d*", t) is not None))

    def row(self, block: Block) -> None:
        try:
            self._row(block)
        finally:
            self.previous = block.cells

    def _row(self, block: Block) -> None:
        row = block.cells
        for c in row:
            self._declarations(c.text, c.source)
        filled = [c for c in row if not _empty(c.text)]
        if not filled:
            return
        if block.table is not None and block.table != self.table:
            self.table = block.table
            if len(filled) == 1 and self._table_title(filled[0].text):
                self.header, self.pending = None, None  # another sheet or table starting with its own title
        if len(filled) == 1 and block.row and _line_of(filled[0].text) is not None:
            return  # a budget line's label with no amounts ((2) 其他资金): nothing to read, and not a heading
        if len(filled) == 1 and (self.header is None or heading(filled[0].text) or self._table_title(filled[0].text)):
            self.paragraph(Block((filled[0],), False))  # a title or a line of prose laid out in a cell
            return
        first = key(filled[0].text)
        if any(w in first for w in TABLE_END):
            self.header = None
            return
        header = _header(row)
        if header is not None:
            header = self._header_continued(header)
            self.header, self.pending = header, None
            for c in row:
                m = _UNIT_IN_LABEL.search(c.text)
                if m:
                    self.money_unit = m.group(1)
            unused = [c.text for i, c in enumerate(row) if i not in header.roles and not _empty(c.text)]
            if unused:
                self.findings.append(finding("R508", Severity.INFO, "表头中有未识别的列，该列未读入："
                                             + "、".join(f"「{t[:20]}」" for t in unused[:6]), row[0].source,
                                             table=_TABLE_NAMES.get(header.table), found="、".join(unused)[:200]))
            return
        if self.pending is not None and self._pending_values(row):
            return
        if self._labels(row):
            self.header = None if self.header and self.header.table == "indicators" else self.header
            return
        in_table = self.header is not None and self.header.table in ("indicators", "categories")
        if not in_table and self._budget_row(row):
            return
        if self.header is None:
            if len(filled) >= 2 and any(number(c.text) is not None for c in filled):
                self.findings.append(finding("R501", Severity.INFO, "未识别的表格行（不在任何已识别的表中）："
                                             + " | ".join(c.text[:20] for c in filled[:6]), filled[0].source))
            return
        {"indicators": self._indicator_row, "tasks": self._task_row, "budget": self._budget_row,
         "categories": self._category_row}[self.header.table](row)

    def _header_continued(self, header: Header) -> Header:
        """A header an HTML table split over two rows (…| 一级指标 | then 二级指标 | 三级指标 | …):
        the first-level column stands before the second row's columns."""
        roles = set(header.roles.values())
        if header.table != "indicators" or "L1" in roles or "L2" not in roles:
            return header
        before = [key(c.text) for c in self.previous if not _empty(c.text)]
        if not before or before[-1] not in INDICATOR_COLUMNS["L1"]:
            return header
        shifted = {col + 1: role for col, role in header.roles.items()}
        return Header(header.table, {0: "L1", **shifted}, header.fit)

    # ------------------------------------------------------------ key-value rows

    def _labels(self, row: tuple[Cell, ...]) -> bool:
        """Key-value cells (部门(单位)名称 | X | 自评得分 | 98). True when the row was one."""
        found: list[tuple[int, str]] = []
        for i, c in enumerate(row):
            k = key(c.text)
            if not k:
                continue
            k = _UNIT_IN_LABEL.sub("", k)
            name = _label_of(k, LABELS)
            if name in FIGURE_LABELS and self.header is not None and self.header.table == "indicators":
                name = None  # 专项资金细化率 in the indicator table is an indicator, not a labelled figure
            if name is not None:
                found.append((i, name))
        if not found:
            return False
        first_filled = next(i for i, c in enumerate(row) if not _empty(c.text))
        if found[0][0] != first_filled:
            return False
        label_cols = {i for i, _ in found}
        values = 0
        for n, (i, name) in enumerate(found):
            stop = found[n + 1][0] if n + 1 < len(found) else len(row)
            value = next((row[j] for j in range(i + 1, stop) if not _empty(row[j].text) and j not in label_cols), None)
            if value is not None:
                values += 1
                self._label_value(name, value)
        if values == 0:
            self.pending = {i: name for i, name in found}
        return True

    def _pending_values(self, row: tuple[Cell, ...]) -> bool:
        """The values under a row of labels (年度绩效目标 | 目标实际完成情况)."""
        pending, self.pending = self.pending, None
        assert pending is not None
        if any(_label_of(key(c.text), LABELS) not in (None,) for c in row if not _empty(c.text)):
            return False  # the labels had no values: this row is a row of labels of its own (总分值 | 100 …)
        cols = sorted(pending)
        got = False
        for n, col in enumerate(cols):
            stop = cols[n + 1] if n + 1 < len(cols) else len(row)
            cell = next((row[j] for j in range(col, stop) if j < len(row) and not _empty(row[j].text)), None)
            if cell is not None:
                self._label_value(pending[col], cell)
                got = True
        return got

    def _label_value(self, name: str, cell: Cell) -> None:
        text = cell.text
        if name == "ignore":
            return
        if name == "reported.total":
            value = number(text)
            if value is not None:
                self.put("reported.total", value, cell.source)
            return
        if name == "reported.grade":
            self.put("reported.grade", text.strip("“”\"「」"), cell.source)
            return
        if name in FIGURE_LABELS:
            self._figure_value(name, FIGURE_LABELS[name][1], cell)
            return
        if name == "ruleset":
            self._ruleset_value(cell)
            return
        if name == "project.department":
            m = _CODE.match(text)
            if m:
                self.put("project.department_code", m.group(1), cell.source)
                text = m.group(2).strip()
            self.kind_votes["project"] += 2
        if name == "project.name":
            self.kind_votes["project"] += 3
        self.put(name, text, cell.source)

    def _figure_value(self, path: str, kind: str, cell: Cell) -> None:
        """A labelled figure beyond the forms (“三公经费”预算安排数 | 28.00): money, percent, count or text."""
        if kind == "text":
            self.put(path, cell.text, cell.source)
            return
        if kind == "percent":
            value = percent(cell.text)
        elif kind == "money":
            value = self.money(cell, path, cell.text)
        else:
            value = number(cell.text)
            value = int(value) if value is not None and value == value.to_integral_value() and value >= 0 else None
        if value is not None:
            self.put(path, value, cell.source)

    def _ruleset_value(self, cell: Cell) -> None:
        """评分规则 | 标题（id）: the rule set the form was scored under, kept only when it is a known one.

        Matched by the id in the closing brackets (what Jixiao writes), else by the
        title alone. The value stored is always an id of :func:`available` (a file
        never names a path). An unknown rule set is a finding; the document is then
        scored under the default for its kind, year and region.
        """
        text = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell.text))
        known = {r.id: r for r in available()}
        m = _RULESET_ID.search(text)
        rid = m.group(1) if m and m.group(1) in known else None
        if rid is None:
            rid = next((r.id for r in known.values() if key(text) in (key(r.title), r.id)), None)
        if rid is None:
            self.findings.append(finding("R507", Severity.WARNING,
                                         f"评分规则「{cell.text}」不是已有的规则集（{'、'.join(known)}），已忽略此项，"
                                         "按文档的类型、年度和地区选用规则集", cell.source, path="ruleset",
                                         found=cell.text))
            return
        self.put("ruleset", rid, cell.source)

    # ------------------------------------------------------------ budget

    def _budget_row(self, row: tuple[Cell, ...]) -> bool:
        """A line of the budget table; True when the row is one."""
        line = None
        label_at = -1
        for i, c in enumerate(row[:4]):
            if not _empty(c.text) and number(c.text) is None:
                line = _line_of(c.text)
                if line is not None:
                    label_at = i
                    m = _UNIT_IN_LABEL.search(c.text)
                    if m:
                        self.money_unit = m.group(1)
                    break
        if line is None:
            return False
        if self.header is None or self.header.table != "budget":
            # A budget table without column headings (绩效目标申报表): its amounts are the budget.
            self.header = Header("budget", {}, _fit_budget)
        if line == "budget" and key(row[label_at].text) in ("合计", "总计") and self.get("budget.initial") is not None:
            return True
        amounts = [c for c in row[label_at + 1:] if not _empty(c.text)]
        if self.header.roles:
            a = align(row, self.header)
            cells = a.cells
        else:
            money = [c for c in amounts if number(c.text) is not None]
            cells = dict(zip(("INITIAL", "ADJUSTED", "EXECUTED"), money))
            rate = next((c for c in amounts if "%" in c.text), None)
            if rate is not None:
                cells["RATE"] = rate
        base = line
        for role, field_ in (("INITIAL", "initial"), ("ADJUSTED", "adjusted"), ("EXECUTED", "executed")):
            if role in cells:
                value = self.money(cells[role], f"{base}.{field_}", f"{row[label_at].text} {field_}")
                if value is not None:
                    self.put(f"{base}.{field_}", value, cells[role].source)
        if "RATE" in cells:
            p = percent(cells["RATE"].text)
            if p is not None:
                self.put(f"{base}.rate", p, cells["RATE"].source)
        if line == "budget":
            for role, field_ in (("WEIGHT", "weight"), ("SCORE", "score")):
                value = self.score_number(cells.get(role), f"budget.{field_}", field_)
                if value is not None:
                    self.put(f"budget.{field_}", value, cells[role].source)
        return True

    # ------------------------------------------------------------ tasks

    def _task_row(self, row: tuple[Cell, ...]) -> None:
        assert self.header is not None
        filled = [c for c in row if not _empty(c.text)]
        if len(filled) == 1 and self.tasks and not _TASK_NAME.fullmatch(filled[0].text) and number(filled[0].text) is None:
            task = self.tasks[-1]
            task["content"] = _join(task.get("content"), filled[0].text)
            return
        a = align(row, self.header)
        name = a.cells.get("NAME")
        extra = [c for _, c in a.extra if number(c.text) is None and percent(c.text) is None]
        if name is None:
            if not extra:
                return
            name, extra = extra[0], extra[1:]
        i = len(self.tasks)
        task: dict[str, Any] = {"name": name.text.rstrip(":：.、")}
        self.prov[f"tasks[{i}].name"] = name.source
        content_parts = [c for c in sorted([*([a.cells["CONTENT"]] if "CONTENT" in a.cells else []), *extra],
                                            key=lambda c: row.index(c))]
        if content_parts:
            task["content"] = "：".join(c.text for c in content_parts) if len(content_parts) > 1 and len(
                content_parts[0].text) <= 30 else "\n".join(c.text for c in content_parts)
            self.prov[f"tasks[{i}].content"] = content_parts[0].source
        for role, field_ in (("BUDGET", "budget"), ("BUDGET_FISCAL", "budget_fiscal"), ("EXECUTED", "executed"),
                             ("EXECUTED_FISCAL", "executed_fiscal")):
            if role in a.cells:
                value = self.money(a.cells[role], f"tasks[{i}].{field_}", f"{task['name']} {field_}")
                if value is not None:
                    task[field_] = value
                    self.prov[f"tasks[{i}].{field_}"] = a.cells[role].source
        if "RATE" in a.cells and percent(a.text("RATE")):
            task["rate"] = percent(a.text("RATE"))
            self.prov[f"tasks[{i}].rate"] = a.cells["RATE"].source
        if "STATUS" in a.cells:
            task["status"] = a.text("STATUS")
            self.prov[f"tasks[{i}].status"] = a.cells["STATUS"].source
        self.tasks.append(task)

    # ------------------------------------------------------------ categories

    def _category_row(self, row: tuple[Cell, ...]) -> None:
        assert self.header is not None
        a = align(row, self.header)
        name = a.cells.get("NAME")
        if name is None:
            return
        weight = self.score_number(a.cells.get("WEIGHT"), "reported.categories", "权重分值")
        score = self.score_number(a.cells.get("SCORE"), "reported.categories", "得分")
        if key(name.text) in ("合计", "总计", "总分", "合计得分"):
            if score is not None:
                self.category_total = (score, a.cells["SCORE"].source)
            self.header = None  # the total closes the table: rows after it are something else
            return
        i = len(self.reported_categories)
        record: dict[str, Any] = {"name": name.text}
        self.prov[f"reported.categories[{i}]"] = name.source
        if weight is not None:
            record["weight"] = weight
        if score is not None:
            record["score"] = score
        rate = a.cells.get("RATE")
        if rate is not None and percent(rate.text):
            record["rate"] = percent(rate.text)
        self.reported_categories.append(record)

    # ------------------------------------------------------------ indicators

    def _indicator_row(self, row: tuple[Cell, ...]) -> None:
        assert self.header is not None
        filled = [(j, c) for j, c in enumerate(row) if not _empty(c.text)]
        if all(set(c.text) <= set(".…。·") for _, c in filled):
            return
        if len(filled) == 1 and self._continuation(filled[0][0], filled[0][1]):
            return
        if key(filled[0][1].text) in ("合计", "总计", "总分", "合计得分"):
            return
        if _breakdown(filled):
            self.findings.append(finding("R509", Severity.INFO, "分项明细行（其中…），不是单独的指标，未计入："
                                         + " | ".join(c.text[:20] for _, c in filled[:4]), filled[0][1].source,
                                         table="绩效指标表"))
            return
        a = align(row, self.header)
        names = [a.cells.get(level) for level in ("L1", "L2", "L3")]
        has_data = any(r in a.cells for r in ("TARGET", "ACTUAL", "WEIGHT", "SCORE", "UNIT"))
        present = [n for n in names if n is not None]
        if not present:
            self.findings.append(finding("R506", Severity.WARNING, "指标行没有指标名称，未读入："
                                         + " | ".join(c.text[:20] for _, c in filled[:6]), filled[0][1].source,
                                         table="绩效指标表"))
            return
        leaf = names[2]
        if leaf is None and has_data:
            leaf = present[-1]
        for level, cell in (("L1", names[0]), ("L2", names[1])):
            if cell is not None and cell is not leaf:
                (self._category if level == "L1" else self._group)(cell)
        if leaf is not None:
            self._leaf(leaf, a)

    def _continuation(self, col: int, cell: Cell) -> bool:
        """A row holding only the rest of a cell broken over two lines or pages, joined to the leaf above.

        A short tail (``性``) completes the name cut above, whichever name column it landed in; a
        sentence continues the leaf's 说明 or 偏差原因.
        """
        leaf = self.last
        if leaf is None:
            return False
        assert self.header is not None
        role = self.header.roles.get(col)
        text = cell.text
        if role in ("DEVIATION", "DESCRIPTION") or (role is None and len(text) > 12):
            field_ = role.lower() if role else ("description" if "description" in leaf else "deviation")
            if not _valuey(text[:1]) or len(text) > 12:
                leaf[field_] = _join(leaf.get(field_), text)
                return True
            return False
        if key(text) in GROUPS:
            self._group(cell)  # a second-level name (质量指标) on its own row opens a group, it ends no name
            return True
        if len(text) <= 4 and not re.search(r"\d", text) and role in (None, "L1", "L2", "L3"):
            leaf["name"] += text
            return True
        return False

    def _category(self, cell: Cell) -> None:
        text = cell.text
        weight = None
        if (self.categories and _WEIGHT_TAIL.match(unicodedata.normalize("NFKC", text))
                and _WEIGHT_OPEN.search(unicodedata.normalize("NFKC", self.categories[-1]["name"]))):
            # 「效益指标（30」 / 「分）」: a page or line broke the cell inside its weight; the tail completes it
            current = self.categories[-1]
            whole = _CATEGORY_WEIGHT.match(unicodedata.normalize("NFKC", current["name"] + text))
            if whole:
                current["name"], current["weight"] = whole.group("name").strip(), Decimal(whole.group("w"))
            return
        m = _CATEGORY_WEIGHT.match(unicodedata.normalize("NFKC", text))
        if m:
            text, weight = m.group("name").strip(), Decimal(m.group("w"))
        k = key(text)
        for c in self.categories:
            if key(c["name"]) == k:
                self.categories.remove(c)
                self.categories.append(c)  # a repeated category (page break) continues it
                return
        record: dict[str, Any] = {"name": text, "children": [], "_source": cell.source}
        if weight is not None:
            record["weight"] = weight
        self.categories.append(record)
        self.last = None

    def _group(self, cell: Cell) -> None:
        if not self.categories:
            self._category(Cell("（未注明一级指标）", cell.source))
        groups = self.categories[-1]["children"]
        k = key(cell.text)
        for g in groups:
            if key(g["name"]) == k:
                groups.remove(g)
                groups.append(g)
                return
        groups.append({"name": cell.text, "children": [], "_source": cell.source})

    def _leaf(self, name: Cell, a: Aligned) -> None:
        if not self.categories:
            self._category(Cell("（未注明一级指标）", name.source))
            self.findings.append(finding("R506", Severity.WARNING, f"指标「{name.text}」之前没有一级指标", name.source,
                                         table="绩效指标表"))
        if not self.categories[-1]["children"]:
            self._group(Cell("（未注明二级指标）", name.source))
        leaf: dict[str, Any] = {"name": name.text, "_sources": {"name": name.source}}
        target, unit, comparator = a.text("TARGET"), a.text("UNIT"), a.text("COMPARATOR")
        if comparator in COMPARATORS and target:
            target = comparator + target
        if target in COMPARATORS and unit and re.match(r"\d", unicodedata.normalize("NFKC", unit)):
            # 指标值 ≥ | 度量单位 90%: the comparator and the figure in two cells
            target, unit = target + unit, re.sub(r"^[\d.]+", "", unicodedata.normalize("NFKC", unit))
        for field_, value, role in (("target", target, "TARGET"), ("unit", unit, "UNIT"),
                                    ("actual", a.text("ACTUAL"), "ACTUAL"),
                                    ("deviation", a.text("DEVIATION"), "DEVIATION"),
                                    ("description", a.text("DESCRIPTION"), "DESCRIPTION")):
            if value and not _empty(value):
                leaf[field_] = value
                leaf["_sources"][field_] = a.cells[role].source
        for field_, role, label in (("weight", "WEIGHT", "分值"), ("score", "SCORE", "得分")):
            value = self.score_number(a.cells.get(role), field_, f"{name.text} {label}")
            if value is not None:
                leaf[field_] = value
                leaf["_sources"][field_] = a.cells[role].source
        self.categories[-1]["children"][-1]["children"].append(leaf)
        self.last = leaf

    # ------------------------------------------------------------ finishing

    def finish(self) -> dict[str, Any]:
        """The raw document data (validated by the caller), with provenance."""
        data = self.data
        self._identity()
        self._ruleset_kind()
        if self.tasks:
            data["tasks"] = self.tasks
        self._indicators()
        if self.reported_categories:
            data.setdefault("reported", {})["categories"] = self.reported_categories
        data["narrative"] = self._narrative()
        if not data["narrative"]:
            del data["narrative"]
        self._from_prose()
        if self.get("reported.total") is None and self.category_total is not None:
            self.put("reported.total", *self.category_total)
        if self.yuan_seen:
            data["converted_from"] = "元"
            self.findings.append(finding("R505", Severity.INFO, "表中金额单位为元，已换算为万元（除以 10000）",
                                         Source(file=self.file)))
        data["provenance"] = {k: v for k, v in self.prov.items()}
        return data

    def _ruleset_kind(self) -> None:
        """A named rule set for the other kind (a 部门整体 rule set on a 项目 form) is dropped, with a finding."""
        rid, kind = self.data.get("ruleset"), self.data.get("kind")
        if rid is None or kind is None:
            return
        rules = next(r for r in available() if r.id == rid)
        if rules.kind.value != kind:
            names = {"department": "部门整体", "project": "项目"}
            source = self.prov.pop("ruleset", None)
            del self.data["ruleset"]
            message = (f"评分规则「{rules.title}」适用于{names[rules.kind.value]}自评，而文档是{names[kind]}自评，"
                       "已忽略此项，按文档的类型、年度和地区选用规则集")
            self.findings.append(finding("R507", Severity.WARNING, message, source, path="ruleset", found=rid))

    def _identity(self) -> None:
        data = self.data
        title = self.title_text()
        if title:
            self.put("title", title[0], title[1])
            tk = key(title[0])
            if "部门整体" in tk or "整体支出" in tk:
                self.kind_votes["department"] += 5
            elif "项目" in tk:
                self.kind_votes["project"] += 3
            for m in _YEAR.finditer(unicodedata.normalize("NFKC", title[0])):
                self.years[int(m.group(1))] += 3
        if self.tasks:
            self.kind_votes["department"] += 1
        kind = self.kind_votes.most_common(1)[0][0] if self.kind_votes else None
        if kind:
            data["kind"] = kind
        if self.years:
            year, _ = max(self.years.items(), key=lambda kv: (kv[1], kv[0]))
            data["year"] = year
        project = data.get("project")
        if kind == "project":
            project = data.setdefault("project", {})
            if not project.get("name") and title:
                project["name"] = _strip_title(title[0])
            if not data.get("unit"):
                unit = project.get("implementer") or project.get("department")
                if unit:
                    self.put("unit", unit, self.prov.get("project.implementer") or self.prov.get("project.department"))
        elif project is not None and kind == "department":
            data.pop("project", None)
        if not data.get("unit") and title:
            self.put("unit", _strip_title(title[0]), title[1])
        region = self._region()
        if region:
            data["region"] = region

    def title_text(self) -> tuple[str, Source] | None:
        """The report title: the first line before the first heading that names a report or evaluation."""
        for text, source in self.preamble[:8]:
            if any(w in text for w in ("报告", "自评", "评价")) and len(text) <= 80:
                return text, source
        return self.preamble[0] if self.preamble and len(self.preamble[0][0]) <= 60 else None

    def _region(self) -> str | None:
        """The jurisdiction the document names (its unit or title), matched to the rule sets' first."""
        names = " ".join(filter(None, [self.data.get("unit"), self.data.get("title"),
                                       (self.data.get("project") or {}).get("department")]))
        names = names.replace(" ", "")
        for rules in available():
            parts = re.findall(r".+?(?:省|自治区|自治州|市|区|县|盟|旗)", rules.jurisdiction)
            if not parts:
                continue
            local = parts[-1]
            at = names.find(local)
            if at >= 0:
                district = re.match(r"([\u4e00-\u9fff]{1,4}?(?:区|县|市|旗))", names[at + len(local):])
                return rules.jurisdiction + (district.group(1) if district else "")
        for province in PROVINCES:
            at = names.find(province)
            if at >= 0:
                rest = re.match(r"([\u4e00-\u9fff]{2,4}?市)?([\u4e00-\u9fff]{1,4}?(?:区|县|旗))?", names[at + len(province):])
                return province + "".join(g for g in (rest.groups() if rest else ()) if g)
        return None

    def _indicators(self) -> None:
        out = []
        for i, c in enumerate(self.categories):
            self.prov[f"indicators[{i}].name"] = c.pop("_source")
            for j, g in enumerate(c["children"]):
                self.prov[f"indicators[{i}].children[{j}].name"] = g.pop("_source")
                for k, leaf in enumerate(g["children"]):
                    for f, s in leaf.pop("_sources").items():
                        self.prov[f"indicators[{i}].children[{j}].children[{k}].{f}"] = s
            out.append(c)
        if out:
            self.data["indicators"] = out

    def _narrative(self) -> list[dict[str, Any]]:
        def build(sections: list[_Section], prefix: str) -> list[dict[str, Any]]:
            out = []
            for i, s in enumerate(sections):
                path = f"{prefix}[{i}]"
                record: dict[str, Any] = {"number": s.number, "title": s.title}
                self.prov[path] = s.source
                if s.lines:
                    record["text"] = "\n".join(t for t, _ in s.lines)
                    self.prov[f"{path}.text"] = s.lines[0][1]
                if s.sections:
                    record["sections"] = build(s.sections, f"{path}.sections")
                out.append(record)
            return out

        return build(self.narrative.sections(), "narrative")

    def _claims(self) -> list[tuple[Claim, Source | None]]:
        subjects = subjects_for([(t.get("name"), t.get("content")) for t in self.tasks],
                                self.data.get("kind") == "department")
        out: list[tuple[Claim, Source | None]] = []

        def walk(sections: list[_Section], trail: str) -> None:
            for s in sections:
                name = f"{s.number}{s.title}" if s.number.startswith(("（", "(")) else f"{s.number}、{s.title}"
                here = f"{trail} › {name}" if trail else name
                for text, source in s.lines:
                    for claim in extract_text(text, here, subjects=subjects):
                        out.append((claim, source))
                walk(s.sections, here)

        walk(self.narrative.sections(), "")
        return out

    _FROM_PROSE = {
        "budget.initial": "budget.initial", "budget.adjusted": "budget.adjusted", "budget.executed": "budget.executed",
        "rate:budget_execution_rate": "budget.rate", "total": "reported.total", "grade": "reported.grade",
        "budget.three_public.budget": "budget.three_public.budget",
        "budget.three_public.actual": "budget.three_public.actual",
        "rate:three_public_rate": "budget.three_public.rate", "rate:carryover_rate": "budget.carryover_rate",
        "rate:special_funds_rate": "budget.special_funds.rate",
        "count:projects": "performance_management.projects", "count:monitored": "performance_management.monitored",
        "count:self_evaluated": "performance_management.self_evaluated",
        "count:key_evaluations": "performance_management.key_evaluations",
    }

    def _from_prose(self) -> None:
        """Fill what no table gave from the narrative's figures, preferring the section that is about it."""
        claims = self._claims()

        def preference(claim: Claim) -> int:
            section = claim.section
            if claim.field.startswith(("budget.", "rate:budget")):
                return 0 if "资金" in section or "预算" in section else 1
            if claim.field in ("total", "grade"):
                return 0 if any(w in section for w in ("结论", "得分", "综合评价", "自评结果")) else 1
            return 0

        taken: set[str] = set()
        for claim, source in sorted(claims, key=lambda pair: preference(pair[0])):
            path = self._FROM_PROSE.get(claim.field)
            if path is None or path in taken:
                continue
            taken.add(path)
            if self.get(path) is not None:
                continue
            value: Any = claim.value
            if claim.kind == "rate":
                value = f"{format(value, 'f')}%"
            elif claim.kind == "count":
                value = int(value)
            if path == "reported.grade" and not isinstance(value, str):
                continue
            self.put(path, value, source)
            if path.startswith("budget.") and path.count(".") == 1:
                self.findings.append(finding(
                    "R503", Severity.INFO, f"表中没有「{claim.label}」，取自正文：{claim.written}", source,
                    table="报告正文", row=claim.section, path=path, found=claim.written))
        if self.get("performance_management") and "department" != self.data.get("kind"):
            self.data.pop("performance_management", None)
            for p in [p for p in self.prov if p.startswith("performance_management")]:
                del self.prov[p]


def _breakdown(filled: list[tuple[int, Cell]]) -> bool:
    """A row breaking the indicator above into parts (其中桃树种植面积 | 1.5亩 | 1.5亩): named 其中…, with no
    weight or score (every other cell carries a unit or is text)."""
    first = unicodedata.normalize("NFKC", filled[0][1].text)
    if not first.startswith(("其中", "含:", "含：")) or len(filled) > 4:
        return False
    return all(number(c.text) is None for _, c in filled[1:])


def _join(first: str | None, more: str) -> str:
    """A cell's text and the rest of it from a continuation row: one sentence unless the first ended."""
    if not first:
        return more
    return f"{first}\n{more}" if first.endswith(_TERMINAL) else first + more


def _strip_title(title: str) -> str:
    t = re.sub(r"^\s*(?:19|20)\d{2}\s*年度?\s*", "", unicodedata.normalize("NFKC", title)).replace(" ", "")
    for suffix in TITLE_SUFFIXES:
        if t.endswith(suffix):
            return t[: -len(suffix)] or title
    return t
