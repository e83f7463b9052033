"""Text pulled out of a PDF (what the seeds are): lines into blocks.

Table rows are the lines with tab-separated cells (or Markdown ``| a | b |``
rows); everything else is prose. Separator rows (``--|--``), stray HTML and
LaTeX, and blank lines are dealt with here; the interpretation of rows that a
page break or a long cell split is left to :mod:`.assemble`, which sees all
formats.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..document import Source
from .base import Block, Cell, Unreadable, clean

MAX_LINES = 200_000
_SEPARATOR = re.compile(r"[\s\-—:|=+]*")


def decode(raw: bytes, file: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable("UTF-16 文本已损坏", "UTF-8 或 GB18030 编码的文本") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise Unreadable("不是文本文件（既不是 UTF-8 也不是 GB18030 编码），可能是二进制文件或扩展名有误",
                             "从 PDF 导出的文本、.docx、.xlsx、.pdf 或 .yaml") from None
    if "\x00" in text or _binary(text):
        raise Unreadable("文件含有二进制内容，不是文本（扩展名可能有误）", "从 PDF 导出的文本、.docx、.xlsx、.pdf 或 .yaml")
    return text


def _binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return control > max(8, len(sample) // 50)


def _cells(line: str) -> list[str] | None:
    """The cells of a table line, or None for prose.

    Tab-separated lines and pipe rows are rows. A pipe row need not be framed:
    HTML-to-text converters write ``a | b | ||||`` (empty cells collapsed at the
    end) or ``a |`` (one cell per line, see :func:`_join_cell_lines`).
    """
    if "\t" in line:
        return line.split("\t")
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return stripped[1:-1].split("|")
    if "|" in stripped and (stripped.count("|") >= 2 or stripped.endswith("|")):
        cells = stripped.strip("|").split("|")
        while cells and not cells[-1].strip():
            cells.pop()
        return cells or [""]
    return _spaced_cells(line)


_SENTENCE = re.compile(r"[，。；！？、]|[\u4e00-\u9fff]{2,}[,.;]")
_VALUEISH = re.compile(r"^(?:[≥≤<>=＞＜≧≦]{0,2}[+-]?\d[\d,.]*(?:%|[\u4e00-\u9fff]{1,3}|[a-zA-Z/*·\u4e00-\u9fff]{0,6})?"
                       r"|[-—/]|[\u4e00-\u9fff]{1,4}(?:前|内|以上|以下)?)$")


def _spaced_cells(line: str) -> list[str] | None:
    """Cells of a row a PDF converter flattened with spaces (``年度资金总额: 55 55 55 10 100% 10``).

    A line is such a row when it has no sentence punctuation, at least three
    space-separated tokens, and either two or more figures or three or more
    column headings of the forms. Prose (which has punctuation, or words joined
    without spaces) is left alone.
    """
    tokens = line.split()
    if len(tokens) < 3 or len(line) > 240 or _SENTENCE.search(line):
        return None
    figures = sum(1 for t in tokens if any(ch.isdigit() for ch in t) and _VALUEISH.match(t))
    headings = sum(1 for t in tokens if _is_heading(t))
    if figures >= 2 and figures * 2 >= len(tokens) - 2 or headings >= 3:
        return tokens
    return None


def _is_heading(token: str) -> bool:
    from .vocabulary import BUDGET_COLUMNS, INDICATOR_COLUMNS
    from .base import key

    if len(token) > 30:
        return False  # a column heading is short; normalising a long token is wasted work

    k = key(token)
    k = re.sub(r"[A-Z/]+$", "", k)
    return any(k in words for words in (*INDICATOR_COLUMNS.values(), *BUDGET_COLUMNS.values()))


def _rows_under_header(cells: list[str]) -> list[list[str]]:
    """A joined run that is a whole table (a header, then rows with no line of pipes between them)
    cut into rows of the header's width: the header is the leading run of column headings up to
    its first empty cell, which closes it."""
    width = next((i for i, c in enumerate(cells) if not c.strip()), len(cells))
    if width < 4 or len(cells) < 2 * (width + 1) or sum(_is_heading(c) for c in cells[:width]) < 4:
        return [cells]
    width += 1
    return [cells[i:i + width] for i in range(0, len(cells), width)]


_FIGURE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?|[-—]")


def _flattened_budget(line: str) -> list[tuple[list[str], list[str]]]:
    """Budget tables a PDF converter flattened into one long line, cells out of order.

    Such a line keeps a form's column headings together (年初预算数 全年预算数 全年执行数
    分值 执行率 得分) and the first row's figures right after them. Each run of three or
    more budget headings followed by figures becomes a header and a 年度资金总额 row (the
    first row of every budget form), with the money unit when the line states one (项目资金
    (元)); the interpreter aligns the figures to the headings by content.
    """
    tokens = line.split()
    out = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _is_budget_heading(tokens[j]):
            j += 1
        if j - i >= 3:
            k = j
            while k < len(tokens) and _FIGURE.fullmatch(tokens[k]):
                k += 1
            values = _first_row(tokens[j:k], j - i)
            if len(values) >= 2:
                unit = re.search(r"[（(](万元|元)[）)]", line)
                label = f"项目资金（{unit.group(1)}）" if unit else "项目资金"
                out.append(([label, *tokens[i:j]], ["年度资金总额", *values]))
            i = max(k, i + 1)
        else:
            i += 1
    return out


def _first_row(figures: list[str], width: int) -> list[str]:
    """The figures of the first row: at most one per heading, and ending where a large amount
    follows the small figures (分值, 执行率, 得分 come after the amounts in every budget form)."""
    out: list[str] = []
    small = False
    for f in figures[:width]:
        digits = f.replace(",", "").rstrip("%")
        try:
            big = float(digits) > 100 if digits not in ("-", "—") else False
        except ValueError:
            big = False
        if small and big:
            break
        small = small or (not big and digits not in ("-", "—"))
        out.append(f)
    return out


def _is_budget_heading(token: str) -> bool:
    from .base import key
    from .vocabulary import BUDGET_COLUMNS

    if len(token) > 30:
        return False

    return any(key(token) in words for words in BUDGET_COLUMNS.values())


_PIPE_ONLY = re.compile(r"\s*\|[\s|]*")


def _join_cell_lines(lines: list[str]) -> list[tuple[int, list[str] | None, str]]:
    """Lines into (first line number, cells or None for prose, text), joining one-cell-per-line rows.

    HTML tables saved as text often put each cell on its own line ending in
    ``|`` and close the row with a line of pipes only::

        项目名称 |
        临时救助 |
        |
        |||||

    Such a run becomes one row. A run of one non-empty cell is prose (a title
    laid out as a one-cell table).
    """
    out: list[tuple[int, list[str] | None, str]] = []
    run: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal run
        if run:
            filled = [c for c in run if c.strip()]
            if len(filled) == 1:
                out.append((start, None, filled[0]))
            elif filled:
                for row in _rows_under_header(run):
                    out.append((start, row, ""))
        run = []

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == "|" and run:
            run.append("")  # an empty cell of the row being joined
            continue
        if _PIPE_ONLY.fullmatch(line) and stripped:
            flush()  # a line of pipes closes the row
            continue
        if stripped.endswith("|") and stripped.count("|") == 1:
            if not run:
                start = number
            run.append(stripped[:-1].strip())
            continue
        cells = _cells(line)
        if run and cells is not None and len(run) <= 2 and len([c for c in cells if c.strip()]) >= 3:
            # a cell spanning rows (产出指标（50分） |) stands on its own line before the rest of its row
            cells, run = [*run, *cells], []
        flush()
        out.append((number, cells, line))
    flush()
    return out


_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
_COMPARATORS = (("≧", "≥"), ("≦", "≤"), (">=", "≥"), ("<=", "≤"), ("＞＝", "≥"), ("＜＝", "≤"), ("═", "="))


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Text as the interpreter expects it, whatever produced it.

    Traditional characters become simplified (OpenCC ``t2s``: 黃岡市檔案館 →
    黄冈市档案馆; simplified text is left as it is); the pinyin a converter
    inserted after characters (``目標(biāo)``) is dropped; OCR's ``≧``/``≦``
    and ASCII ``>=``/``<=`` become ``≥``/``≤``.
    """
    if _PINYIN.search(text):
        text = _PINYIN.sub("", text)
    for old, new in _COMPARATORS:
        if old in text:
            text = text.replace(old, new)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text[:20000]):
        text = _t2s().convert(text)
    return text


def blocks(text: str, file: str) -> list[Block]:
    """The blocks of a text file; line numbers are 1-based."""
    lines = normalise(text).splitlines()
    if len(lines) > MAX_LINES:
        raise Unreadable(f"文件过长（{len(lines)} 行）", f"不超过 {MAX_LINES} 行")
    out: list[Block] = []
    for number, cells, line in _join_cell_lines(lines):
        if cells is None:
            text_ = clean(line)
            if not text_ or text_.replace("\f", "") == "":
                continue
            source = Source(file=file, line=number)
            for header, values in _flattened_budget(line):
                out.append(Block(tuple(Cell(c, source) for c in header), True))
                out.append(Block(tuple(Cell(c, source) for c in values), True))
            out.append(Block((Cell(text_, source),), False))
        else:
            if _SEPARATOR.fullmatch(line.replace("\t", "")) and "-" in line:
                continue
            source = Source(file=file, line=number)
            row = tuple(Cell(clean(c), source) for c in cells)
            if not any(c.text for c in row):
                continue
            out.append(Block(row, True))
    return out
